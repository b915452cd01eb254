package syntax

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/runnelhq/runnel/internal/fuzzcheck"
)

// anyTag is a grammar that knows the common block tags and accepts any
// other tag as a tag without a body.
type anyTag struct{}

func (anyTag) Tag(name, args string, pos Pos) (TagShape, bool, error) {
	switch name {
	case "if":
		return TagShape{End: "endif", Middles: []string{"elif", "else"}}, true, nil
	case "for":
		return TagShape{End: "endfor", Middles: []string{"empty"}}, true, nil
	case "block":
		return TagShape{End: "endblock"}, true, nil
	case "comment":
		return TagShape{End: "endcomment", Raw: true}, true, nil
	case "verbatim":
		return TagShape{End: "endverbatim"}, true, nil
	case "bogus":
		return TagShape{}, false, nil
	}
	return TagShape{}, true, nil
}

// The fuzz targets look for slow inputs as well as crashes: each step runs
// under a wall-time budget, and an input over budget twice in a row fails
// (twice, so that a pause of a shared machine is not a find). The
// ...Scale targets and FuzzLex also run the input repeated to a fixed size
// (amplify), so that a small input that costs quadratic time in its length
// ("{{{{…") is found without the fuzzer having to grow it to megabytes.
// See docs/hardening.md.

// FuzzLex checks the lexer alone: it agrees with the plain (quadratic)
// reference lexer below, tokens cover the source exactly and in order with
// the right positions, each tag ends at the first closer on its line, and
// lexing the input repeated to 256 KiB stays within the budget.
func FuzzLex(f *testing.F) {
	for _, s := range []string{
		"", "text", "{{ a }}", "{% if a %}x{% endif %}", "{# c #}", "{{ a\n}}", "{{{{{{{{",
		"{%{%{%{%", "{#{#{#", "{{ a }}}}", "{% verbatim %}{{ x }}{% endverbatim %}{{ y }}",
		"{% verbatim v %}{% endverbatim %}{% endverbatim v %}", "a\nb{{ c }}\n{% d %}", "{", "}}", "{{}}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var toks []Token
		fuzzcheck.Within(t, "Lex", src, fuzzcheck.Budget(len(src)), func() { toks = Lex(src) })
		if len(src) <= 16<<10 {
			if ref := refLex(src); (len(toks) > 0 || len(ref) > 0) && !reflect.DeepEqual(toks, ref) {
				t.Fatalf("Lex and the reference lexer differ on %q:\n%+v\n%+v", src, toks, ref)
			}
		}
		off, line, col := 0, 1, 1
		for n, tok := range toks {
			if tok.Raw == "" || tok.Pos != (Pos{Line: line, Col: col, Offset: off}) || src[off:off+len(tok.Raw)] != tok.Raw {
				t.Fatalf("token %d %+v at offset %d, line %d, col %d of %q", n, tok, off, line, col, src)
			}
			if tok.Kind == TokenText {
				if tok.Contents != tok.Raw || n > 0 && toks[n-1].Kind == TokenText {
					t.Fatalf("text token %d %+v of %q", n, tok, src)
				}
			} else {
				open, closer := delims[tok.Kind][0], delims[tok.Kind][1]
				raw := tok.Raw
				if len(raw) < 4 || !strings.HasPrefix(raw, open) || strings.Index(raw[2:], closer) != len(raw)-4 || strings.Contains(raw, "\n") || tok.Contents != strings.TrimSpace(raw[2:len(raw)-2]) {
					t.Fatalf("%v token %d %+v of %q", tok.Kind, n, tok, src)
				}
			}
			for _, c := range []byte(tok.Raw) {
				col++
				if c == '\n' {
					line, col = line+1, 1
				}
			}
			off += len(tok.Raw)
		}
		if off != len(src) {
			t.Fatalf("tokens cover %d of %d bytes of %q", off, len(src), src)
		}
		if len(src) <= 1<<20 {
			big := fuzzcheck.Amplify(src, 256<<10)
			fuzzcheck.Within(t, "Lex of the input repeated", big, fuzzcheck.Budget(256<<10), func() { Lex(big) })
		}
	})
}

// delims are the delimiters of each kind of tag token.
var delims = map[TokenKind][2]string{TokenVar: {"{{", "}}"}, TokenBlock: {"{%", "%}"}, TokenComment: {"{#", "#}"}}

// refLex is the lexer as it was first written, scanning from each opener to
// its closer or the end of its line: quadratic on a line of unclosed
// openers, but plainly Django's regex. FuzzLex checks that Lex agrees.
func refLex(src string) []Token {
	var toks []Token
	verbatim := ""
	line, lineStart := 1, 0
	pos := func(off int) Pos { return Pos{Line: line, Col: off - lineStart + 1, Offset: off} }
	advance := func(from, to int) {
		for i := from; i < to; i++ {
			if src[i] == '\n' {
				line++
				lineStart = i + 1
			}
		}
	}
	textStart := 0
	emitText := func(end int) {
		if end > textStart {
			toks = append(toks, Token{Kind: TokenText, Contents: src[textStart:end], Raw: src[textStart:end], Pos: pos(textStart)})
			advance(textStart, end)
		}
	}
	i := 0
	for i < len(src)-1 {
		if src[i] != '{' {
			i++
			continue
		}
		var closer string
		switch src[i+1] {
		case '{':
			closer = "}}"
		case '%':
			closer = "%}"
		case '#':
			closer = "#}"
		default:
			i++
			continue
		}
		end := -1
		for j := i + 2; j < len(src)-1; j++ {
			if src[j] == '\n' {
				break
			}
			if src[j] == closer[0] && src[j+1] == closer[1] {
				end = j + 2
				break
			}
		}
		if end < 0 {
			i++
			continue
		}
		raw := src[i:end]
		inner := strings.TrimSpace(raw[2 : len(raw)-2])
		if verbatim != "" {
			if closer == "%}" && inner == verbatim {
				verbatim = ""
			} else {
				i = end
				continue
			}
		}
		emitText(i)
		tok := Token{Contents: inner, Raw: raw, Pos: pos(i)}
		switch closer {
		case "}}":
			tok.Kind = TokenVar
		case "%}":
			tok.Kind = TokenBlock
			if inner == "verbatim" || strings.HasPrefix(inner, "verbatim ") {
				verbatim = "end" + inner
			}
		case "#}":
			tok.Kind = TokenComment
		}
		toks = append(toks, tok)
		textStart = end
		i = end
	}
	emitText(len(src))
	return toks
}

// refSmartSplit is smartSplit as it was first written, scanning from each
// quote to its closing quote or the end: quadratic on a run of quotes that
// never close, but plainly Django's smart_split. FuzzParse checks that
// smartSplit agrees.
func refSmartSplit(s string) []string {
	var out []string
	i := 0
	for {
		i = scanSpace(s, i)
		if i >= len(s) {
			return out
		}
		start := i
		quoted := false
		k := i
	scan:
		for k < len(s) {
			r, size := utf8.DecodeRuneInString(s[k:])
			switch {
			case unicode.IsSpace(r):
				break scan
			case r == '"' || r == '\'':
				end := closeQuote(s, k)
				if end < 0 {
					if !quoted {
						for k < len(s) {
							r, size := utf8.DecodeRuneInString(s[k:])
							if unicode.IsSpace(r) {
								break
							}
							k += size
						}
					}
					break scan
				}
				quoted = true
				k = end
			default:
				k += size
			}
		}
		out = append(out, s[start:k])
		i = k
	}
}

// parsed is what parseSteps found.
type parsed struct {
	toks    []Token
	err     error // Parse's
	expr    *FilterExpr
	exprErr error
}

// parseSteps runs what FuzzParse checks on src: lexing, parsing with a
// grammar that accepts any tag, and the languages inside tags (filter
// expressions, Django's argument splitting, if conditions).
func parseSteps(src string) parsed {
	var p parsed
	p.toks = Lex(src)
	_, p.err = Parse("f.html", src, anyTag{})
	p.expr, p.exprErr = ParseFilterExpr(src)
	_, _ = ParseIf(SplitContents(src))
	return p
}

// FuzzParse checks that the lexer and parser never panic, that tokens
// cover the source exactly, that every error carries a position, and that
// all of it stays within the budget for the input's size.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "text", "{{ a }}", "{{ a|b:'c'|d }}", "{% if a and not b %}x{% elif c %}y{% else %}z{% endif %}",
		"{% for a, b in c reversed %}{{ forloop.counter }}{% empty %}-{% endfor %}",
		"{# c #}{% comment %}{% if %}{% endcomment %}", "{% verbatim %}{{ x }}{% endverbatim %}",
		"{{ _('hi')|upper }}", "{% bogus %}", "{% if %}", "{{ }}", "{% %}", "{{ a\n}}", "{% block a %}{% endblock a %}",
		`{{ "a\"b"|cut:' ' }}`, "{{ 1.5e3|add:-2 }}", "{% if a == 'x' or b != 2 %}{% endif %}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var p parsed
		fuzzcheck.Within(t, "Lex, Parse, ParseFilterExpr and ParseIf", src, fuzzcheck.Budget(len(src)), func() { p = parseSteps(src) })
		var b strings.Builder
		for _, tok := range p.toks {
			b.WriteString(tok.Raw)
		}
		if b.String() != src {
			t.Fatalf("tokens do not cover the source: %q vs %q", b.String(), src)
		}
		if err := p.err; err != nil {
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error is %T, not *Error: %v", err, err)
			}
			if e.Template != "f.html" || e.Pos.Line < 1 || e.Pos.Col < 1 {
				t.Fatalf("error without position: %+v", e)
			}
		}
		if p.exprErr == nil && p.expr == nil {
			t.Fatal("nil expression without error")
		}
		if len(src) <= 16<<10 {
			if got, want := smartSplit(src), refSmartSplit(src); !reflect.DeepEqual(got, want) {
				t.Fatalf("smartSplit and the reference differ on %q:\n%q\n%q", src, got, want)
			}
		}
	})
}

// FuzzParseScale runs FuzzParse's steps on the input repeated to 64 KiB,
// within the budget for that size: a construct whose cost grows faster
// than its count shows up here from a short input.
func FuzzParseScale(f *testing.F) {
	for _, s := range []string{
		"{% if a and not b %}x{% elif c %}y{% else %}z{% endif %}", "{{ a|b:'c'|d }}", "text\n",
		"{% for a, b in c reversed %}{{ forloop.counter }}{% empty %}-{% endfor %}", "{{", "{%", "{% block a %}",
		"{% comment %}", "{% verbatim %}{{ x }}", `"a\"b" `, "a|b:", "( not a or ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 1<<20 {
			t.Skip("over 1 MiB")
		}
		big := fuzzcheck.Amplify(src, 64<<10)
		fuzzcheck.Within(t, "Lex, Parse, ParseFilterExpr and ParseIf of the input repeated", big, fuzzcheck.Budget(len(big)), func() { parseSteps(big) })
	})
}
