package syntax

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Variable is an operand in a template: a literal or a dotted lookup.
type Variable struct {
	// Source is the variable's text as written.
	Source string
	// Literal is set for literals: an int, a float64, or a string (IsString).
	Literal   any
	IsLiteral bool
	// IsString marks a string literal; Django marks string literals safe.
	IsString bool
	// Translate marks a _("…") literal, translated when rendered.
	Translate bool
	// Lookups is the dotted path of a lookup ("user", "name").
	Lookups []string
}

// Filter is one |name:arg in a filter expression.
type Filter struct {
	Name string
	// Arg is nil when the filter was given no argument.
	Arg *Variable
}

// FilterExpr is a variable with filters: the operand of {{ }} and of most
// tag arguments. Var is nil for a constant that resolved to nothing.
type FilterExpr struct {
	Source  string
	Var     *Variable
	Filters []Filter
}

// ParseVariable parses a single operand the way Django's Variable does.
func ParseVariable(s string) (*Variable, error) {
	v := &Variable{Source: s}
	if s == "" {
		return nil, errors.New("Empty variable")
	}
	if n, ok := numberLiteral(s); ok {
		v.Literal, v.IsLiteral = n, true
		return v, nil
	}
	if len(s) >= 2 && strings.HasPrefix(s, "_(") && strings.HasSuffix(s, ")") {
		v.Translate = true
		s = s[2 : len(s)-1]
	}
	if lit, ok := UnquoteString(s); ok {
		v.Literal, v.IsLiteral, v.IsString = lit, true, true
		return v, nil
	}
	if v.Translate {
		return nil, fmt.Errorf("Could not parse the translated string %s", v.Source)
	}
	if strings.Contains(s, "._") || s[0] == '_' {
		return nil, fmt.Errorf("Variables and attributes may not begin with underscores: '%s'", s)
	}
	v.Lookups = strings.Split(s, ".")
	return v, nil
}

// numberLiteral parses s as Django's Variable does: as a float if it has a
// "." or an "e" (but not a trailing "."), else as an int (a float beyond
// int64).
func numberLiteral(s string) (any, bool) {
	num, ok := pyUnderscores(s)
	if !ok {
		return nil, false
	}
	if strings.ContainsAny(s, ".eE") {
		if f, ok := parseFloatLiteral(num); ok && s[len(s)-1] != '.' {
			return f, true
		}
		return nil, false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err == nil {
		return int(n), true
	}
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		f, _ := strconv.ParseFloat(num, 64)
		return f, true
	}
	return nil, false
}

// pyUnderscores removes the underscores Python's int() and float() allow
// between digits ("1_000"), reporting false if one is anywhere else.
func pyUnderscores(s string) (string, bool) {
	if !strings.Contains(s, "_") {
		return s, true
	}
	isDigit := func(b byte) bool { return b >= '0' && b <= '9' }
	for i := 0; i < len(s); i++ {
		if s[i] == '_' && (i == 0 || i == len(s)-1 || !isDigit(s[i-1]) || !isDigit(s[i+1])) {
			return "", false
		}
	}
	return strings.ReplaceAll(s, "_", ""), true
}

func parseFloatLiteral(s string) (float64, bool) {
	if strings.ContainsAny(s, "xXpP_") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// UnquoteString removes the quotes of a Django string literal and undoes
// backslash escapes of the quote and of backslash, as Django's
// unescape_string_literal does.
func UnquoteString(s string) (string, bool) {
	if len(s) < 2 || (s[0] != '"' && s[0] != '\'') || s[len(s)-1] != s[0] {
		return "", false
	}
	q := s[:1]
	inner := s[1 : len(s)-1]
	inner = strings.ReplaceAll(inner, `\`+q, q)
	inner = strings.ReplaceAll(inner, `\\`, `\`)
	return inner, true
}

// isVarChar matches Python's [\w.]: a word character or a dot.
func isVarChar(r rune) bool {
	return r == '.' || isWordChar(r)
}

// isWordChar matches Python's \w for str patterns: a letter, a number
// (any Unicode number category, as str.isalnum) or an underscore.
func isWordChar(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// scanConstant matches a quoted string (optionally inside _( )) at s[i:],
// returning its end.
func scanConstant(s string, i int) int {
	j := i
	if strings.HasPrefix(s[i:], "_(") {
		j = i + 2
	}
	if j >= len(s) || (s[j] != '"' && s[j] != '\'') {
		return -1
	}
	q := s[j]
	k := j + 1
	for k < len(s) {
		switch s[k] {
		case '\\':
			k += 2
			continue
		case q:
			k++
			if j != i {
				if k < len(s) && s[k] == ')' {
					return k + 1
				}
				return -1
			}
			return k
		}
		k++
	}
	return -1
}

// scanVar matches [\w.]+ or a number at s[i:].
func scanVar(s string, i int) int {
	k := i
	for k < len(s) {
		r, size := utf8.DecodeRuneInString(s[k:])
		if !isVarChar(r) {
			break
		}
		k += size
	}
	if k > i {
		return k
	}
	// num: [-+.]?\d[\d.e]*
	k = i
	if k < len(s) && (s[k] == '-' || s[k] == '+' || s[k] == '.') {
		k++
	}
	if k >= len(s) || s[k] < '0' || s[k] > '9' {
		return -1
	}
	for k < len(s) && (s[k] >= '0' && s[k] <= '9' || s[k] == '.' || s[k] == 'e') {
		k++
	}
	return k
}

func scanSpace(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

// ParseFilterExpr parses "var|filter:arg|filter" the way Django's
// FilterExpression does, with Django's error messages. When it fails after
// the operand, it also returns the part of the expression parsed before the
// error, so that a caller that knows the filters can report an unknown
// filter in that part first, as Django (which looks filters up as it goes)
// does.
func ParseFilterExpr(token string) (*FilterExpr, error) {
	fe := &FilterExpr{Source: token}
	upto := 0
	// The operand: a constant or a variable, only at the very start.
	if end := scanConstant(token, 0); end > 0 {
		v, err := ParseVariable(token[:end])
		if err != nil {
			return nil, err
		}
		fe.Var, upto = v, end
	} else if end := scanVar(token, 0); end > 0 {
		v, err := ParseVariable(token[:end])
		if err != nil {
			return nil, err
		}
		fe.Var, upto = v, end
	}
	for {
		start, nameStart, nameEnd, ok := nextFilter(token, upto)
		if !ok {
			break
		}
		if start != upto {
			return fe, fmt.Errorf("Could not parse some characters: %s|%s|%s", token[:upto], token[upto:start], token[start:])
		}
		if fe.Var == nil && start == 0 {
			return nil, fmt.Errorf("Could not find variable at start of %s.", token)
		}
		f := Filter{Name: token[nameStart:nameEnd]}
		k := nameEnd
		if k < len(token) && token[k] == ':' {
			end := scanConstant(token, k+1)
			if end < 0 {
				end = scanVar(token, k+1)
			}
			if end > 0 {
				v, err := ParseVariable(token[k+1 : end])
				if err != nil {
					return fe, err
				}
				f.Arg, k = v, end
			}
		}
		fe.Filters = append(fe.Filters, f)
		upto = k
	}
	if upto != len(token) {
		if upto == 0 {
			fe = nil
		}
		return fe, fmt.Errorf("Could not parse the remainder: '%s' from '%s'", token[upto:], token)
	}
	return fe, nil
}

// nextFilter finds the first "|name" at or after from, with the whitespace
// before and after the bar (Django's filter regex, searched as finditer
// does). start is where the match begins, including the leading space.
func nextFilter(s string, from int) (start, nameStart, nameEnd int, ok bool) {
	for i := from; i < len(s); {
		bar := strings.IndexByte(s[i:], '|')
		if bar < 0 {
			return 0, 0, 0, false
		}
		bar += i
		nameStart = scanSpace(s, bar+1)
		nameEnd = nameStart
		for nameEnd < len(s) {
			r, size := utf8.DecodeRuneInString(s[nameEnd:])
			if !isWordChar(r) {
				break
			}
			nameEnd += size
		}
		if nameEnd > nameStart {
			start = bar
			for start > i {
				r, size := utf8.DecodeLastRuneInString(s[i:start])
				if !unicode.IsSpace(r) {
					break
				}
				start -= size
			}
			return start, nameStart, nameEnd, true
		}
		i = bar + 1
	}
	return 0, 0, 0, false
}

// SplitContents splits a tag's contents on whitespace, keeping quoted strings
// (and _("…") translations) together, as Django's Token.split_contents does.
func SplitContents(s string) []string {
	bits := smartSplit(s)
	var out []string
	for i := 0; i < len(bits); i++ {
		bit := bits[i]
		if strings.HasPrefix(bit, `_("`) || strings.HasPrefix(bit, `_('`) {
			sentinel := bit[2:3] + ")"
			parts := []string{bit}
			for !strings.HasSuffix(bit, sentinel) && i+1 < len(bits) {
				i++
				bit = bits[i]
				parts = append(parts, bit)
			}
			bit = strings.Join(parts, " ")
		}
		out = append(out, bit)
	}
	return out
}

func smartSplit(s string) []string {
	var out []string
	// noClose[q] is a position from which closeQuote found no closing
	// quote (q: 0 for ", 1 for '). From any later quote of the same kind
	// it finds none either: two scans agree on which characters a
	// backslash escapes once both are past their starts. So a run of
	// quotes that never close (` a\"b a\"b …`) is not scanned to its end
	// once per quote, which took quadratic time.
	noClose := [2]int{-1, -1}
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
				q := 0
				if r == '\'' {
					q = 1
				}
				end := -1
				if noClose[q] < 0 || k < noClose[q] {
					if end = closeQuote(s, k); end < 0 {
						noClose[q] = k
					}
				}
				if end < 0 {
					if !quoted {
						// \S+ fallback
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

func closeQuote(s string, i int) int {
	q := s[i]
	for k := i + 1; k < len(s); k++ {
		switch s[k] {
		case '\\':
			k++
		case q:
			return k + 1
		}
	}
	return -1
}

// IfExpr is a parsed {% if %} condition.
type IfExpr struct {
	// Op is the operator ("or", "and", "not", "in", "not in", "is",
	// "is not", "==", "!=", "<", ">", "<=", ">="), or "" for an operand.
	Op          string
	Operand     *FilterExpr
	Left, Right *IfExpr
}

var ifOps = map[string]int{
	"or": 7, "and": 8, "not": 9, "in": 9, "not in": 9,
	"is": 10, "is not": 10, "==": 10, "!=": 10, ">": 10, ">=": 10, "<": 10, "<=": 10,
}

// ParseIf parses the bits of an {% if %} tag (after the tag name) with
// Django's operator precedence and error messages.
func ParseIf(bits []string) (*IfExpr, error) {
	return ParseIfWith(bits, ParseFilterExpr)
}

// ParseIfWith is ParseIf with the function that parses operands, called on
// each in order before the condition is parsed, as Django compiles them: a
// caller that knows the filters can report an unknown one first.
func ParseIfWith(bits []string, operand func(string) (*FilterExpr, error)) (*IfExpr, error) {
	p := &ifParser{}
	for i := 0; i < len(bits); i++ {
		t := bits[i]
		if t == "is" && i+1 < len(bits) && bits[i+1] == "not" {
			t = "is not"
			i++
		} else if t == "not" && i+1 < len(bits) && bits[i+1] == "in" {
			t = "not in"
			i++
		}
		if _, ok := ifOps[t]; ok {
			p.toks = append(p.toks, ifTok{op: t})
			continue
		}
		fe, err := operand(t)
		if err != nil {
			return nil, err
		}
		p.toks = append(p.toks, ifTok{lit: fe, text: t})
	}
	p.cur = p.next()
	e, err := p.expression(0)
	if err != nil {
		return nil, err
	}
	if !p.cur.end {
		return nil, fmt.Errorf("Unused '%s' at end of if expression.", p.cur.display())
	}
	return e, nil
}

type ifTok struct {
	op   string
	lit  *FilterExpr
	text string
	end  bool
}

func (t ifTok) lbp() int {
	if t.end || t.lit != nil {
		return 0
	}
	return ifOps[t.op]
}

func (t ifTok) display() string {
	if t.lit != nil {
		return t.text
	}
	return t.op
}

type ifParser struct {
	toks []ifTok
	pos  int
	cur  ifTok
	nots int // prefix operators met, bounded by DefaultMaxNesting
}

func (p *ifParser) next() ifTok {
	if p.pos >= len(p.toks) {
		return ifTok{end: true}
	}
	t := p.toks[p.pos]
	p.pos++
	return t
}

func (p *ifParser) expression(rbp int) (*IfExpr, error) {
	t := p.cur
	p.cur = p.next()
	left, err := p.nud(t)
	if err != nil {
		return nil, err
	}
	for rbp < p.cur.lbp() {
		t = p.cur
		p.cur = p.next()
		if t.op == "not" { // prefix-only operator
			return nil, fmt.Errorf("Not expecting '%s' as infix operator in if tag.", t.op)
		}
		right, err := p.expression(ifOps[t.op])
		if err != nil {
			return nil, err
		}
		left = &IfExpr{Op: t.op, Left: left, Right: right}
	}
	return left, nil
}

func (p *ifParser) nud(t ifTok) (*IfExpr, error) {
	switch {
	case t.end:
		return nil, errors.New("Unexpected end of expression in if tag.")
	case t.lit != nil:
		return &IfExpr{Operand: t.lit}, nil
	case t.op == "not":
		if p.nots++; p.nots > DefaultMaxNesting {
			return nil, fmt.Errorf("Too many 'not' operators in if tag: more than %d.", DefaultMaxNesting)
		}
		e, err := p.expression(ifOps["not"])
		if err != nil {
			return nil, err
		}
		return &IfExpr{Op: "not", Left: e}, nil
	}
	return nil, fmt.Errorf("Not expecting '%s' in this position in if tag.", t.op)
}
