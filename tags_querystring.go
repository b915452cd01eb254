package runnel

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/runnelhq/runnel/syntax"
)

// {% querystring [mapping…] [key=value…] [as var] %} (Django 5.1+, with
// Django 6's positional mappings): builds "?query" from request.GET, or from
// the given mappings, with the keyword arguments applied last. In Go the
// request is the context variable "request": an *http.Request (its URL's
// query, in its written order), or any value with a GET attribute holding a
// mapping such as url.Values.

// init registers {% querystring %}.
func init() {
	registerTag("querystring", syntax.TagShape{}, compileQuerystring)
}

// querystringNode is a compiled {% querystring %}.
type querystringNode struct {
	pos    syntax.Pos
	args   []qsArg
	kwKeys []string
	kwVals []*filterExpr
	asvar  string
}

// qsArg is a positional argument. reqBase is set for "x.GET": if x is an
// *http.Request, which has no GET attribute, its query is used.
type qsArg struct {
	fe      *filterExpr
	reqBase *varRef
}

// compileQuerystring parses the arguments as Django's simple_tag does for
// querystring(context, *args, **kwargs).
func compileQuerystring(c *compiler, t *syntax.TagNode) (node, error) {
	bits := syntax.SplitContents(t.Args)
	n := &querystringNode{pos: t.Pos}
	if len(bits) >= 2 && bits[len(bits)-2] == "as" {
		n.asvar = bits[len(bits)-1]
		bits = bits[:len(bits)-2]
	}
	for _, bit := range bits {
		if m := kwargRe.FindStringSubmatch(bit); m != nil && m[1] != "" {
			for _, k := range n.kwKeys {
				if k == m[1] {
					return nil, fmt.Errorf("'querystring' received multiple values for keyword argument '%s'", k)
				}
			}
			fe, err := c.filterExpr(m[2])
			if err != nil {
				return nil, err
			}
			n.kwKeys = append(n.kwKeys, m[1])
			n.kwVals = append(n.kwVals, fe)
			continue
		}
		if len(n.kwKeys) > 0 {
			return nil, errors.New("'querystring' received some positional argument(s) after some keyword argument(s)")
		}
		sfe, err := syntax.ParseFilterExpr(bit)
		if err != nil {
			return nil, err
		}
		fe, err := c.filterExprFrom(sfe)
		if err != nil {
			return nil, err
		}
		arg := qsArg{fe: fe}
		if v := sfe.Var; v != nil && !v.IsLiteral && len(sfe.Filters) == 0 && len(v.Lookups) >= 2 && v.Lookups[len(v.Lookups)-1] == "GET" {
			if arg.reqBase, err = c.variable(strings.Join(v.Lookups[:len(v.Lookups)-1], ".")); err != nil {
				return nil, err
			}
		}
		n.args = append(n.args, arg)
	}
	return n, nil
}

// render builds the query string and writes it escaped, or binds it.
func (n *querystringNode) render(s *state) error {
	params := &qsParams{}
	if len(n.args) == 0 {
		get, err := s.qsRequestGET()
		if err != nil {
			return s.wrapErr(n.pos, err)
		}
		if err := params.update(get); err != nil {
			return s.wrapErr(n.pos, err)
		}
	}
	for _, a := range n.args {
		// x.GET of an *http.Request (which has no GET attribute) is its
		// query; resolved first so that string_if_invalid does not stand in
		// for it.
		var v any
		if a.reqBase != nil {
			if base, err := a.reqBase.resolve(s); err == nil {
				if q, ok := qsRequestQuery(base); ok {
					v = q
				}
			}
		}
		if v == nil {
			var err error
			if v, err = a.fe.resolve(s, false); err != nil {
				return s.wrapErr(n.pos, err)
			}
		}
		if isUndefined(v) {
			v = ""
		}
		if err := params.update(v); err != nil {
			return s.wrapErr(n.pos, err)
		}
	}
	for i, fe := range n.kwVals {
		v, err := tagArgValue(s, fe)
		if err != nil {
			return s.wrapErr(n.pos, err)
		}
		params.setValue(n.kwKeys[i], v)
	}
	out := "?" + params.encode()
	if n.asvar != "" {
		s.setUpward(n.asvar, out)
		return nil
	}
	s.writeText(out)
	return nil
}

// qsRequestGET finds request.GET: the query of the context's "request" when it
// is an *http.Request, or its GET attribute.
func (s *state) qsRequestGET() (any, error) {
	req, ok := s.lookupName("request")
	if !ok {
		return nil, errors.New("querystring: 'Context' object has no attribute 'request' (put an *http.Request or a value with a GET mapping in the context as \"request\")")
	}
	if q, ok := qsRequestQuery(req); ok {
		return q, nil
	}
	get, found, err := s.getAttr(req, &lookupStep{key: "GET"})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("querystring: '%s' object has no attribute 'GET'", pyTypeName(req))
	}
	return s.call(get)
}

// qsRequestQuery returns an HTTP request's query parameters in the order they
// were written.
func qsRequestQuery(v any) (*qsParams, bool) {
	var u *url.URL
	switch r := indirect(v).(type) {
	case *http.Request:
		u = r.URL
	case http.Request:
		u = r.URL
	default:
		return nil, false
	}
	q := &qsParams{}
	if u != nil {
		q.parse(u.RawQuery)
	}
	return q, true
}

// qsParams is an ordered multi-valued mapping, Django's mutable QueryDict.
type qsParams struct {
	keys []string
	vals map[string][]string
}

// setList sets key's values, keeping its position if it is already present.
func (p *qsParams) setList(key string, vals []string) {
	if p.vals == nil {
		p.vals = map[string][]string{}
	}
	if _, ok := p.vals[key]; !ok {
		p.keys = append(p.keys, key)
	}
	p.vals[key] = vals
}

// pop removes key.
func (p *qsParams) pop(key string) {
	if _, ok := p.vals[key]; !ok {
		return
	}
	delete(p.vals, key)
	for i, k := range p.keys {
		if k == key {
			p.keys = append(p.keys[:i], p.keys[i+1:]...)
			break
		}
	}
}

// setValue applies one key=value the way Django's querystring does: None
// removes the key, an iterable (other than text) sets the list of its
// non-None items, anything else sets the single value.
func (p *qsParams) setValue(key string, v any) {
	v = indirect(v)
	if v == nil {
		p.pop(key)
		return
	}
	if str, ok := isString(v); ok {
		p.setList(key, []string{str})
		return
	}
	if q, ok := v.(*qsParams); ok {
		p.setList(key, q.keys)
		return
	}
	if items, ok := toList(v); ok {
		vals := make([]string, 0, len(items))
		for _, it := range items {
			if it = indirect(it); it != nil {
				vals = append(vals, toStr(it))
			}
		}
		p.setList(key, vals)
		return
	}
	p.setList(key, []string{toStr(v)})
}

// update applies a mapping's items in its iteration order.
func (p *qsParams) update(m any) error {
	m = indirect(m)
	switch x := m.(type) {
	case *qsParams:
		for _, k := range x.keys {
			p.setList(k, x.vals[k])
		}
		return nil
	case *OrderedMap:
		for _, k := range x.keys {
			p.setValue(k, x.vals[k])
		}
		return nil
	}
	rv := reflect.ValueOf(m)
	if rv.Kind() != reflect.Map {
		return fmt.Errorf("querystring requires mappings for positional arguments (got %s instead).", pyRepr(m))
	}
	for _, k := range sortedKeys(rv) {
		ke := k
		if ke.Kind() == reflect.Interface {
			ke = ke.Elem()
		}
		if ke.Kind() != reflect.String {
			return fmt.Errorf("querystring requires strings for mapping keys (got %s instead).", pyRepr(k.Interface()))
		}
		key := ke.String()
		p.setValue(key, rv.MapIndex(k).Interface())
	}
	return nil
}

// encode is QueryDict.urlencode: key=value pairs, form-encoded, joined by &.
func (p *qsParams) encode() string {
	var b strings.Builder
	for _, k := range p.keys {
		ek := url.QueryEscape(k)
		for _, v := range p.vals[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(ek)
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	return b.String()
}

// parse reads a raw query string the way Django's QueryDict does (Python's
// parse_qsl with blank values kept): pairs split on "&", "+" as space,
// invalid %-escapes left as written.
func (p *qsParams) parse(raw string) {
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, v = qsUnquote(k), qsUnquote(v)
		if p.vals == nil {
			p.vals = map[string][]string{}
		}
		if _, ok := p.vals[k]; !ok {
			p.keys = append(p.keys, k)
		}
		p.vals[k] = append(p.vals[k], v)
	}
}

// qsUnquote is Python's unquote_plus: "+" is a space and valid %XX escapes
// are decoded; invalid UTF-8 becomes U+FFFD.
func qsUnquote(s string) string {
	if !strings.ContainsAny(s, "+%") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && qsIsHex(s[i+1]) && qsIsHex(s[i+2]):
			b = append(b, qsUnhex(s[i+1])<<4|qsUnhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// qsIsHex reports whether c is a hexadecimal digit.
func qsIsHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// qsUnhex returns the value of a hexadecimal digit.
func qsUnhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
