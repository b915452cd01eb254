package gettext

import (
	"fmt"
	"strconv"
	"strings"
)

// The plural expression of a catalog's Plural-Forms header ("plural=(n != 1);")
// is a C expression of n. It is compiled here into a tree of closures,
// evaluated as Python's gettext.c2py evaluates it for Django: integers of
// unbounded sign, "/" and "%" rounding towards minus infinity, comparisons
// and ! giving 0 or 1, the ternary ?: associating to the right.
//
// (gotext's plurals package was not used: it evaluates "a && b || c"
// wrongly, so it picks the wrong form for n = 15 in Django's Polish catalog,
// n = 0 in the Lithuanian one and n = 13 in the Breton one; see
// TestPluralDjango.)

// pluralFunc returns the index of the plural form for the count n.
type pluralFunc func(n int64) int64

// maxPluralLen bounds the length of a plural expression (GNU gettext allows
// 1000 characters), and with it the depth of the recursion that compiles it.
const maxPluralLen = 1000

// germanic is the rule of a catalog without a Plural-Forms header: the
// singular for 1, the plural otherwise.
func germanic(n int64) int64 { return b2i(n != 1) }

// parsePluralForms reads "nplurals=N; plural=EXPR;" and compiles EXPR.
func parsePluralForms(header string) (pluralFunc, error) {
	var expr string
	found := false
	for _, part := range strings.Split(header, ";") { // an expression has no ";"
		if k, v, ok := strings.Cut(part, "="); ok && strings.TrimSpace(k) == "plural" {
			expr, found = strings.TrimSpace(v), true
			break
		}
	}
	if !found {
		return nil, fmt.Errorf("Plural-Forms %q has no plural= expression", header)
	}
	f, err := compilePlural(expr)
	if err != nil {
		return nil, fmt.Errorf("Plural-Forms %q: %v", header, err)
	}
	return f, nil
}

// compilePlural compiles a C plural expression of n.
func compilePlural(expr string) (pluralFunc, error) {
	if len(expr) > maxPluralLen {
		return nil, fmt.Errorf("plural expression longer than %d bytes", maxPluralLen)
	}
	toks, err := pluralTokens(expr)
	if err != nil {
		return nil, err
	}
	p := &pluralParser{toks: toks}
	f, err := p.ternary()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q in plural expression", p.toks[p.i])
	}
	return f, nil
}

// pluralTokens splits a plural expression into numbers, "n", operators and
// parentheses.
func pluralTokens(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		case c == 'n':
			toks = append(toks, "n")
			i++
		default:
			if i+1 < len(s) {
				switch two := s[i : i+2]; two {
				case "||", "&&", "==", "!=", "<=", ">=":
					toks = append(toks, two)
					i += 2
					continue
				}
			}
			if strings.IndexByte("?:()<>+-*/%!", c) < 0 {
				return nil, fmt.Errorf("unexpected %q in plural expression", c)
			}
			toks = append(toks, string(c))
			i++
		}
	}
	return toks, nil
}

type pluralParser struct {
	toks []string
	i    int
}

func (p *pluralParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

// ternary: or ["?" ternary ":" ternary]
func (p *pluralParser) ternary() (pluralFunc, error) {
	cond, err := p.binary(0)
	if err != nil || p.peek() != "?" {
		return cond, err
	}
	p.i++
	yes, err := p.ternary()
	if err != nil {
		return nil, err
	}
	if p.peek() != ":" {
		return nil, fmt.Errorf("missing ':' in plural expression")
	}
	p.i++
	no, err := p.ternary()
	if err != nil {
		return nil, err
	}
	return func(n int64) int64 {
		if cond(n) != 0 {
			return yes(n)
		}
		return no(n)
	}, nil
}

// pluralLevels are C's binary operators, loosest first.
var pluralLevels = [][]string{{"||"}, {"&&"}, {"==", "!="}, {"<", ">", "<=", ">="}, {"+", "-"}, {"*", "/", "%"}}

// binary parses the left-associative operators of level and tighter ones.
func (p *pluralParser) binary(level int) (pluralFunc, error) {
	if level == len(pluralLevels) {
		return p.unary()
	}
	left, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		op := p.peek()
		found := false
		for _, o := range pluralLevels[level] {
			found = found || o == op
		}
		if !found {
			return left, nil
		}
		p.i++
		right, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		left = pluralOp(op, left, right)
	}
}

func pluralOp(op string, a, b pluralFunc) pluralFunc {
	switch op {
	case "||":
		return func(n int64) int64 { return b2i(a(n) != 0 || b(n) != 0) }
	case "&&":
		return func(n int64) int64 { return b2i(a(n) != 0 && b(n) != 0) }
	case "==":
		return func(n int64) int64 { return b2i(a(n) == b(n)) }
	case "!=":
		return func(n int64) int64 { return b2i(a(n) != b(n)) }
	case "<":
		return func(n int64) int64 { return b2i(a(n) < b(n)) }
	case ">":
		return func(n int64) int64 { return b2i(a(n) > b(n)) }
	case "<=":
		return func(n int64) int64 { return b2i(a(n) <= b(n)) }
	case ">=":
		return func(n int64) int64 { return b2i(a(n) >= b(n)) }
	case "+":
		return func(n int64) int64 { return a(n) + b(n) }
	case "-":
		return func(n int64) int64 { return a(n) - b(n) }
	case "*":
		return func(n int64) int64 { return a(n) * b(n) }
	case "/":
		return func(n int64) int64 { q, _ := floorDivMod(a(n), b(n)); return q }
	default: // "%"
		return func(n int64) int64 { _, r := floorDivMod(a(n), b(n)); return r }
	}
}

// floorDivMod is Python's // and %; a zero divisor gives 0 (Python raises,
// and gettext then falls back to the msgid).
func floorDivMod(a, b int64) (int64, int64) {
	if b == 0 {
		return 0, 0
	}
	q, r := a/b, a%b
	if r != 0 && (r < 0) != (b < 0) {
		q, r = q-1, r+b
	}
	return q, r
}

// unary: "!" unary | "-" unary | primary
func (p *pluralParser) unary() (pluralFunc, error) {
	switch p.peek() {
	case "!":
		p.i++
		f, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(n int64) int64 { return b2i(f(n) == 0) }, nil
	case "-":
		p.i++
		f, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(n int64) int64 { return -f(n) }, nil
	}
	return p.primary()
}

// primary: "n" | number | "(" ternary ")"
func (p *pluralParser) primary() (pluralFunc, error) {
	tok := p.peek()
	p.i++
	switch {
	case tok == "n":
		return func(n int64) int64 { return n }, nil
	case tok == "(":
		f, err := p.ternary()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("missing ')' in plural expression")
		}
		p.i++
		return f, nil
	case tok != "" && tok[0] >= '0' && tok[0] <= '9':
		v, err := strconv.ParseInt(tok, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("number %s out of range in plural expression", tok)
		}
		return func(int64) int64 { return v }, nil
	case tok == "":
		return nil, fmt.Errorf("plural expression ends early")
	}
	return nil, fmt.Errorf("unexpected %q in plural expression", tok)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
