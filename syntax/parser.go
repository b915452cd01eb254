package syntax

import (
	"errors"
	"fmt"
	"strings"
)

// Error is a template error with a position. Its message names the template,
// line and column, and shows the offending line with a caret under the column.
type Error struct {
	Template string
	Pos      Pos
	Msg      string
	// Line is the source line the error points at (empty if unknown).
	Line string
	// Err is the underlying cause, if any.
	Err error
	// Syntax is true for an error found while parsing and compiling the
	// template (Django's TemplateSyntaxError): the error is then ErrSyntax
	// for errors.Is.
	Syntax bool
}

// ErrSyntax is what an Error found while parsing or compiling a template
// is, for errors.Is.
var ErrSyntax = errors.New("template syntax error")

// Is reports whether target is ErrSyntax and e a syntax error.
func (e *Error) Is(target error) bool { return e.Syntax && target == ErrSyntax }

// Error formats the error as "name:line:col: message", followed by the
// offending line and a caret under the column.
func (e *Error) Error() string {
	var b strings.Builder
	name := e.Template
	if name == "" {
		name = "<string>"
	}
	if e.Pos.Line > 0 {
		fmt.Fprintf(&b, "%s:%d:%d: %s", name, e.Pos.Line, e.Pos.Col, e.Msg)
	} else {
		fmt.Fprintf(&b, "%s: %s", name, e.Msg)
	}
	if e.Line != "" {
		line := strings.ReplaceAll(e.Line, "\t", " ")
		fmt.Fprintf(&b, "\n    %s\n    %s^", line, strings.Repeat(" ", max(e.Pos.Col-1, 0)))
	}
	return b.String()
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// NewError builds an Error at pos in the template whose source is src.
func NewError(name, src string, pos Pos, msg string, cause error) *Error {
	return &Error{Template: name, Pos: pos, Msg: msg, Line: LineAt(src, pos), Err: cause}
}

// LineAt returns the text of the source line holding pos.
func LineAt(src string, pos Pos) string {
	if pos.Line <= 0 || pos.Offset > len(src) {
		return ""
	}
	start := strings.LastIndexByte(src[:pos.Offset], '\n') + 1
	end := strings.IndexByte(src[pos.Offset:], '\n')
	if end < 0 {
		return src[start:]
	}
	return strings.TrimRight(src[start:pos.Offset+end], "\r")
}

// TagShape describes how a tag's body is parsed.
type TagShape struct {
	// End is the tag that closes the body ("endif"); empty for a tag without
	// a body.
	End string
	// Middles are the intermediate tags that start a new branch ("elif",
	// "else").
	Middles []string
	// Raw means the body is skipped unparsed up to a tag whose contents are
	// exactly End (as {% comment %} does).
	Raw bool
	// NamedEnd means the closing tag may repeat the opening tag's first
	// argument ({% block name %}…{% endblock name %}); any other argument is
	// an error, reported when the closing tag is met, as Django's block tag
	// does.
	NamedEnd bool
}

// Grammar tells the parser which tags exist and what shape they have. It is
// asked about every tag in document order, so an implementation can act on
// {% load %} as it is met.
type Grammar interface {
	// Tag returns the shape of the tag named name, whether it exists, and an
	// error to stop parsing with (for a failed {% load %}).
	Tag(name, args string, pos Pos) (shape TagShape, ok bool, err error)
}

// FilterChecker is implemented by a Grammar that knows the filters. When a
// {{ }} expression has a syntax error after some filters, the parser asks
// it about those filters first and reports an unknown filter (or a wrong
// argument count) instead, in Django's order.
type FilterChecker interface {
	CheckFilter(f Filter) error
}

// DefaultMaxNesting is how deeply block tags may nest in a template (and
// how many prefix operators an {% if %} expression may chain) unless the
// Grammar says otherwise with a NestingLimiter. Django has no limit of its
// own but Python's recursion limit, which a few hundred nested tags reach;
// the limit keeps a hostile template from overflowing the parser's stack.
const DefaultMaxNesting = 512

// NestingLimiter is implemented by a Grammar that sets its own nesting
// limit: MaxNesting returns the most block tags that may be open at once
// (0: DefaultMaxNesting).
type NestingLimiter interface {
	MaxNesting() int
}

// Parse parses a template's source into a tree.
func Parse(name, src string, g Grammar) (*Tree, error) {
	p := &parser{name: name, src: src, toks: Lex(src), g: g, maxDepth: DefaultMaxNesting}
	if l, ok := g.(NestingLimiter); ok && l.MaxNesting() > 0 {
		p.maxDepth = l.MaxNesting()
	}
	nodes, _, err := p.parse(nil, nil)
	if err != nil {
		return nil, err
	}
	return &Tree{Name: name, Source: src, Nodes: nodes}, nil
}

type parser struct {
	name, src string
	toks      []Token
	i         int
	g         Grammar
	// depth is the number of block tags open; maxDepth its limit.
	depth, maxDepth int
}

func (p *parser) errorf(pos Pos, format string, args ...any) error {
	return NewError(p.name, p.src, pos, fmt.Sprintf(format, args...), nil)
}

func firstWord(s string) (string, string) {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, " \t\n\r\f\v")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// parse reads nodes until a block tag whose first word is in until, which it
// returns without consuming its body.
func (p *parser) parse(until []string, open *Token) ([]Node, *Token, error) {
	var nodes []Node
	for p.i < len(p.toks) {
		tok := p.toks[p.i]
		p.i++
		switch tok.Kind {
		case TokenText:
			nodes = append(nodes, &TextNode{Pos: tok.Pos, Text: tok.Contents})
		case TokenComment:
			// dropped
		case TokenVar:
			if tok.Contents == "" {
				return nil, nil, p.errorf(tok.Pos, "Empty variable tag on line %d", tok.Pos.Line)
			}
			expr, err := ParseFilterExpr(tok.Contents)
			if err != nil {
				if fc, ok := p.g.(FilterChecker); ok && expr != nil {
					for _, f := range expr.Filters {
						if ferr := fc.CheckFilter(f); ferr != nil {
							err = ferr
							break
						}
					}
				}
				return nil, nil, p.wrap(tok.Pos, err)
			}
			nodes = append(nodes, &VarNode{Pos: tok.Pos, Expr: expr, Source: tok.Contents})
		case TokenBlock:
			if tok.Contents == "" {
				return nil, nil, p.errorf(tok.Pos, "Empty block tag on line %d", tok.Pos.Line)
			}
			cmd, args := firstWord(tok.Contents)
			for _, u := range until {
				if cmd == u {
					t := tok
					return nodes, &t, nil
				}
			}
			shape, ok, err := p.g.Tag(cmd, args, tok.Pos)
			if err != nil {
				return nil, nil, p.wrap(tok.Pos, err)
			}
			if !ok {
				return nil, nil, p.invalidTag(tok, cmd, until)
			}
			n, err := p.parseTag(tok, cmd, args, shape)
			if err != nil {
				return nil, nil, err
			}
			nodes = append(nodes, n)
		}
	}
	if until != nil {
		cmd, _ := firstWord(open.Contents)
		return nil, nil, p.errorf(open.Pos, "Unclosed tag on line %d: '%s'. Looking for one of: %s.", open.Pos.Line, cmd, strings.Join(until, ", "))
	}
	return nodes, nil, nil
}

func (p *parser) parseTag(tok Token, cmd, args string, shape TagShape) (Node, error) {
	n := &TagNode{Pos: tok.Pos, Name: cmd, Args: args}
	first := &Branch{Tag: tok, Name: cmd, Args: args}
	n.Branches = []*Branch{first}
	if shape.End == "" {
		return n, nil
	}
	if shape.Raw {
		start := p.i
		for p.i < len(p.toks) {
			t := p.toks[p.i]
			p.i++
			if t.Kind == TokenBlock && t.Contents == shape.End {
				var raw strings.Builder
				for _, bt := range p.toks[start : p.i-1] {
					raw.WriteString(bt.Raw)
				}
				first.Nodes = []Node{&TextNode{Pos: tok.Pos, Text: raw.String()}}
				end := t
				n.End = &end
				return n, nil
			}
		}
		return nil, p.errorf(tok.Pos, "Unclosed tag on line %d: '%s'. Looking for one of: %s.", tok.Pos.Line, cmd, shape.End)
	}
	if p.depth >= p.maxDepth {
		return nil, p.errorf(tok.Pos, "Tags nested too deeply: '%s' on line %d opens level %d, and at most %d may be open.", cmd, tok.Pos.Line, p.depth+1, p.maxDepth)
	}
	p.depth++
	defer func() { p.depth-- }()
	until := append(append([]string{}, shape.Middles...), shape.End)
	cur := first
	open := tok
	for {
		nodes, stop, err := p.parse(until, &open)
		if err != nil {
			return nil, err
		}
		cur.Nodes = nodes
		name, bargs := firstWord(stop.Contents)
		if name == shape.End {
			if shape.NamedEnd && bargs != "" {
				if open, _ := firstWord(args); bargs != open {
					return nil, p.invalidTag(*stop, name, []string{shape.End, shape.End + " " + open})
				}
			}
			n.End = stop
			return n, nil
		}
		cur = &Branch{Tag: *stop, Name: name, Args: bargs}
		n.Branches = append(n.Branches, cur)
	}
}

func (p *parser) invalidTag(tok Token, cmd string, until []string) error {
	if len(until) > 0 {
		q := make([]string, len(until))
		for i, u := range until {
			q[i] = "'" + u + "'"
		}
		return p.errorf(tok.Pos, "Invalid block tag on line %d: '%s', expected %s. Did you forget to register or load this tag?", tok.Pos.Line, cmd, TextList(q, "or"))
	}
	return p.errorf(tok.Pos, "Invalid block tag on line %d: '%s'. Did you forget to register or load this tag?", tok.Pos.Line, cmd)
}

// wrap attaches a position to an error from a sub-parser.
func (p *parser) wrap(pos Pos, err error) error {
	if e, ok := err.(*Error); ok {
		if e.Template == "" {
			e.Template = p.name
		}
		if e.Pos.Line == 0 {
			e.Pos = pos
			e.Line = LineAt(p.src, pos)
		}
		return e
	}
	return NewError(p.name, p.src, pos, err.Error(), err)
}

// TextList joins items the way Django's get_text_list does:
// "a, b or c".
func TextList(items []string, last string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + last + " " + items[len(items)-1]
}
