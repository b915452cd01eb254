package i18n

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/internal/pystr"
	"github.com/runnelhq/runnel/syntax"
)

// ---- blocktranslate / blocktrans ----

// blockTransNode is {% blocktranslate %}…{% endblocktranslate %}. The body
// is compiled to msgids with %(name)s placeholders once, at compile time.
type blockTransNode struct {
	tag      string
	names    []string // with
	exprs    []*runnel.Expr
	countVar string // "" without count
	counter  *runnel.Expr
	msgctx   *runnel.Expr
	asvar    string
	singular string
	plural   string
	vars     []string // placeholders of the singular, then of the plural
}

// compileBlockTranslate compiles {% blocktranslate %} and {% blocktrans %}.
// Its body is kept raw by the parser and split into tokens here, so that,
// as in Django, only text and {{ variables }} (and one {% plural %} when
// counting) are allowed inside.
func compileBlockTranslate(p *runnel.TagParser) (runnel.Node, error) {
	name := p.Name()
	n := &blockTransNode{tag: name}
	bits := p.Bits()[1:]
	seen := map[string]bool{}
	trimmed := false
	for len(bits) > 0 {
		opt := bits[0]
		bits = bits[1:]
		if seen[opt] {
			return nil, fmt.Errorf("The %s option was specified more than once.", runnel.Repr(opt))
		}
		switch opt {
		case "with":
			names, exprs, rest, err := p.Kwargs(bits, true)
			if err != nil {
				return nil, err
			}
			bits = rest
			if len(names) == 0 {
				return nil, fmt.Errorf("\"with\" in %s tag needs at least one keyword argument.", runnel.Repr(name))
			}
			n.names, n.exprs = names, exprs
		case "count":
			names, exprs, rest, err := p.Kwargs(bits, true)
			if err != nil {
				return nil, err
			}
			bits = rest
			if len(names) != 1 {
				return nil, fmt.Errorf("\"count\" in %s tag expected exactly one keyword argument.", runnel.Repr(name))
			}
			n.countVar, n.counter = names[0], exprs[0]
		case "context":
			msg := fmt.Errorf("\"context\" in %s tag expected exactly one argument.", runnel.Repr(name))
			if len(bits) == 0 {
				return nil, msg
			}
			fe, err := p.Expr(bits[0])
			bits = bits[1:]
			if err != nil {
				return nil, msg
			}
			n.msgctx = fe
		case "trimmed":
			trimmed = true
		case "asvar":
			if len(bits) == 0 {
				return nil, fmt.Errorf("No argument provided to the '%s' tag for the asvar option.", name)
			}
			n.asvar = bits[0]
			bits = bits[1:]
		default:
			return nil, fmt.Errorf("Unknown argument for %s tag: %s.", runnel.Repr(name), runnel.Repr(opt))
		}
		seen[opt] = true
	}

	// The body, between the opening and the closing tag.
	body := p.Branches()[0]
	toks := syntax.Lex(body.Raw())
	i := 0
	// collect reads text and variable tokens up to the next other token,
	// which it returns (nil at the end of the body).
	collect := func() ([]syntax.Token, *syntax.Token) {
		var out []syntax.Token
		for ; i < len(toks); i++ {
			if toks[i].Kind != syntax.TokenText && toks[i].Kind != syntax.TokenVar {
				stop := &toks[i]
				i++
				return out, stop
			}
			out = append(out, toks[i])
		}
		return out, nil
	}
	singular, stop := collect()
	var plural []syntax.Token
	if n.counter != nil {
		if stop == nil || stop.Contents != "plural" {
			msg := fmt.Sprintf("%s doesn't allow other block tags inside it", runnel.Repr(name))
			if stop != nil {
				return nil, body.ErrorfAt(stop.Pos.Offset, "%s", msg)
			}
			return nil, p.Errorf("%s", msg)
		}
		plural, stop = collect()
	}
	if stop != nil {
		return nil, body.ErrorfAt(stop.Pos.Offset, "%s doesn't allow other block tags (seen %s) inside it", runnel.Repr(name), runnel.Repr(stop.Contents))
	}
	n.singular, n.vars = tokenMsg(singular, trimmed, nil)
	if n.counter != nil {
		n.plural, n.vars = tokenMsg(plural, trimmed, n.vars)
	}
	return n, nil
}

// tokenMsg builds a msgid from blocktranslate tokens as Django's
// render_token_list does: text with "%" doubled, and %(name)s for each
// variable, whose name is appended to vars.
func tokenMsg(toks []syntax.Token, trimmed bool, vars []string) (string, []string) {
	var b strings.Builder
	for _, tok := range toks {
		if tok.Kind == syntax.TokenText {
			b.WriteString(strings.ReplaceAll(tok.Contents, "%", "%%"))
		} else {
			b.WriteString("%(")
			b.WriteString(tok.Contents)
			b.WriteString(")s")
			vars = append(vars, tok.Contents)
		}
	}
	msg := b.String()
	if trimmed {
		msg = pystr.TrimWhitespace(msg)
	}
	return msg, vars
}

// Render writes the translated block, or stores it in the asvar variable.
func (n *blockTransNode) Render(r *runnel.Renderer) error {
	return n.renderWith(r, r.Translator(), false)
}

// renderWith renders the block with translator tr. When the translation
// cannot be formatted with the block's values (a catalog error), Django
// renders the block again untranslated; nested marks that second attempt.
func (n *blockTransNode) renderWith(r *runnel.Renderer, tr runnel.Translator, nested bool) error {
	hasCtx := false
	msgctx := ""
	if n.msgctx != nil {
		c, err := n.msgctx.Resolve(r)
		if err != nil {
			return err
		}
		if runnel.Truthy(c) {
			hasCtx, msgctx = true, runnel.ToString(c)
		}
	}
	var vals []any
	if len(n.exprs) > 0 {
		vals = make([]any, len(n.exprs))
		for i, fe := range n.exprs {
			v, err := fe.Resolve(r)
			if err != nil {
				return err
			}
			vals[i] = v
		}
	}
	var result string
	var data *formatData
	err := r.Scope(func() error {
		for i, name := range n.names {
			r.Set(name, vals[i])
		}
		var err error
		result, data, err = n.translate(r, tr, hasCtx, msgctx)
		return err
	})
	if err != nil {
		return err
	}
	out, err := percentFormat(result, data)
	if err != nil {
		if fe, ok := err.(*formatError); !ok || !fe.recoverable {
			return err
		}
		if nested {
			return fmt.Errorf("%s is unable to format string returned by gettext: %s using %s", runnel.Repr(n.tag), runnel.Repr(result), data.repr())
		}
		return n.renderWith(r, nil, true)
	}
	if n.asvar != "" {
		r.Set(n.asvar, runnel.SafeString(out))
		return nil
	}
	r.WriteString(out)
	return nil
}

// translate looks the block's message up and renders the values of its
// placeholders, with the block's with and count variables in scope.
func (n *blockTransNode) translate(r *runnel.Renderer, tr runnel.Translator, hasCtx bool, msgctx string) (string, *formatData, error) {
	ctx := r.Context()
	var result string
	if n.counter != nil {
		count, err := n.counter.Resolve(r)
		if err != nil {
			return "", nil, err
		}
		count = indirect(count)
		if _, isBool := count.(bool); !isBool && !isNumber(count) {
			return "", nil, fmt.Errorf("%s argument to %s tag must be a number.", runnel.Repr(n.countVar), runnel.Repr(n.tag))
		}
		r.Set(n.countVar, count)
		if hasCtx {
			result = runnel.NPGettext(ctx, tr, msgctx, n.singular, n.plural, count)
		} else {
			result = runnel.NGettext(ctx, tr, n.singular, n.plural, count)
		}
	} else if hasCtx {
		result = runnel.PGettext(ctx, tr, msgctx, n.singular)
	} else {
		result = runnel.Gettext(ctx, tr, n.singular)
	}
	data := &formatData{}
	for _, key := range n.vars {
		if _, dup := data.get(key); dup {
			continue
		}
		val, ok := r.Get(key)
		if !ok {
			var err error
			if val, err = r.Undefined(key); err != nil {
				return "", nil, err
			}
		}
		text, _ := r.Text(val)
		data.keys = append(data.keys, key)
		data.vals = append(data.vals, text)
	}
	return result, data, nil
}

// formatData holds the rendered values of a blocktranslate's placeholders,
// in order.
type formatData struct {
	keys, vals []string
}

// get returns the value of key.
func (d *formatData) get(key string) (string, bool) {
	for i, k := range d.keys {
		if k == key {
			return d.vals[i], true
		}
	}
	return "", false
}

// repr renders the data as Python's repr of a dict.
func (d *formatData) repr() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range d.keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(runnel.Repr(k))
		b.WriteString(": ")
		b.WriteString(runnel.Repr(d.vals[i]))
	}
	b.WriteByte('}')
	return b.String()
}

// formatError is an error of Python's %-formatting. recoverable marks the
// KeyError and ValueError that make Django fall back to the untranslated
// message; the others (TypeError) end the render, as in Django.
type formatError struct {
	msg         string
	recoverable bool
}

// Error returns Python's message.
func (e *formatError) Error() string { return e.msg }

// percentFormat is Python's format % data for a dict: "%%" is a percent sign
// and "%(name)s" the value of name. Flags, width and precision apply to the
// text conversions s, r and a. As in Python, the first directive without a
// (name) formats the whole dict.
func percentFormat(f string, data *formatData) (string, error) {
	if strings.IndexByte(f, '%') < 0 {
		return f, nil
	}
	var b strings.Builder
	positional := 0
	for i := 0; i < len(f); {
		if f[i] != '%' {
			j := strings.IndexByte(f[i:], '%')
			if j < 0 {
				b.WriteString(f[i:])
				break
			}
			b.WriteString(f[i : i+j])
			i += j
			continue
		}
		i++
		if i >= len(f) {
			return "", &formatError{"incomplete format", true}
		}
		var val string
		named := false
		if f[i] == '(' {
			depth := 1
			j := i + 1
			for ; j < len(f) && depth > 0; j++ {
				switch f[j] {
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			if depth > 0 {
				return "", &formatError{"incomplete format key", true}
			}
			key := f[i+1 : j-1]
			v, ok := data.get(key)
			if !ok {
				return "", &formatError{"KeyError: " + runnel.Repr(key), true}
			}
			val, named = v, true
			i = j
		}
		left := false
		for i < len(f) && strings.IndexByte("-+ #0", f[i]) >= 0 {
			if f[i] == '-' {
				left = true
			}
			i++
		}
		width, prec := 0, -1
		if i < len(f) && f[i] == '*' {
			return "", &formatError{"* wants int", false}
		}
		for i < len(f) && f[i] >= '0' && f[i] <= '9' {
			width = width*10 + int(f[i]-'0')
			if width > pystr.MaxWidth {
				return "", &formatError{"width too big", false}
			}
			i++
		}
		if i < len(f) && f[i] == '.' {
			i++
			if i < len(f) && f[i] == '*' {
				return "", &formatError{"* wants int", false}
			}
			prec = 0
			for i < len(f) && f[i] >= '0' && f[i] <= '9' {
				prec = prec*10 + int(f[i]-'0')
				if prec > pystr.MaxWidth {
					return "", &formatError{"precision too big", false}
				}
				i++
			}
		}
		for i < len(f) && (f[i] == 'h' || f[i] == 'l' || f[i] == 'L') {
			i++
		}
		if i >= len(f) {
			return "", &formatError{"incomplete format", true}
		}
		conv := f[i]
		i++
		if conv == '%' {
			b.WriteByte('%')
			continue
		}
		if !named {
			positional++
			if positional > 1 {
				return "", &formatError{"not enough arguments for format string", false}
			}
			val = data.repr()
		}
		switch conv {
		case 's':
		case 'r':
			val = runnel.Repr(val)
		case 'a':
			val = pystr.ASCII(runnel.Repr(val))
		case 'c':
			if utf8.RuneCountInString(val) != 1 {
				return "", &formatError{fmt.Sprintf("%%c requires an int or a unicode character, not a string of length %d", utf8.RuneCountInString(val)), false}
			}
		case 'd', 'i', 'u', 'e', 'E', 'f', 'F', 'g', 'G':
			return "", &formatError{fmt.Sprintf("%%%c format: a real number is required, not str", conv), false}
		case 'o', 'x', 'X':
			return "", &formatError{fmt.Sprintf("%%%c format: an integer is required, not str", conv), false}
		default:
			r, _ := utf8.DecodeRuneInString(f[i-1:])
			return "", &formatError{fmt.Sprintf("unsupported format character '%c' (0x%x) at index %d", r, r, utf8.RuneCountInString(f[:i-1])), true}
		}
		if prec >= 0 && utf8.RuneCountInString(val) > prec {
			val = string([]rune(val)[:prec])
		}
		if pad := width - utf8.RuneCountInString(val); pad > 0 {
			if left {
				val += strings.Repeat(" ", pad)
			} else {
				val = strings.Repeat(" ", pad) + val
			}
		}
		b.WriteString(val)
	}
	return b.String(), nil
}
