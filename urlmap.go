package runnel

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// URLMap returns a [URLResolver] that reverses URL names with Django's
// path() patterns, for {% url %} in an application without Django's URL
// configuration, in tests, and for `runnel render -urls`:
//
//	runnel.WithURLResolver(runnel.URLMap(map[string]string{
//		"home":        "/",
//		"blog:detail": "/blog/<int:pk>/",
//		"blog:tag":    "/blog/tag/<slug:tag>/",
//	}))
//
// A pattern's <converter:name> parts take the tag's positional arguments
// in order, or its keyword arguments by name (not both, as in Django); the
// converters are Django's: str (the default, no "/"), int, slug, uuid and
// path. A value that does not fit its converter, a wrong number of
// arguments, or an unknown name is an error ({% url … as var %} then sets
// ""), with Django's NoReverseMatch message. Values are percent-encoded as
// Django's reverse() encodes them. A pattern that is not valid panics.
func URLMap(patterns map[string]string) URLResolver {
	compiled := make(map[string]*urlPattern, len(patterns))
	for name, p := range patterns {
		up, err := parseURLPattern(p)
		if err != nil {
			panic(fmt.Sprintf("runnel: URLMap %q: %v", name, err))
		}
		compiled[name] = up
	}
	return func(_ context.Context, name string, args []any, kwargs map[string]any) (string, error) {
		up, ok := compiled[name]
		if !ok {
			return "", fmt.Errorf("Reverse for '%s' not found. '%s' is not a valid view function or pattern name.", name, name)
		}
		if s, ok := up.reverse(args, kwargs); ok {
			return s, nil
		}
		return "", up.noMatch(name, args, kwargs)
	}
}

// urlPattern is a parsed Django path() pattern: literal parts and
// parameters, alternating (parts has one more element than params).
type urlPattern struct {
	src    string
	parts  []string
	params []urlParam
}

type urlParam struct {
	name string
	re   *regexp.Regexp // what the converter matches, anchored
}

var (
	urlParamRe = regexp.MustCompile(`<(?:([^>:]+):)?([^>]+)>`)
	identRe    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// urlConverters are the regular expressions of Django's path converters.
	urlConverters = map[string]*regexp.Regexp{
		"str":  regexp.MustCompile(`^[^/]+$`),
		"int":  regexp.MustCompile(`^[0-9]+$`),
		"slug": regexp.MustCompile(`^[-a-zA-Z0-9_]+$`),
		"uuid": regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`),
		"path": regexp.MustCompile(`^.+$`),
	}
)

func parseURLPattern(p string) (*urlPattern, error) {
	up := &urlPattern{src: p}
	last := 0
	for _, m := range urlParamRe.FindAllStringSubmatchIndex(p, -1) {
		conv := "str"
		if m[2] >= 0 {
			conv = p[m[2]:m[3]]
		}
		name := p[m[4]:m[5]]
		re, ok := urlConverters[conv]
		if !ok {
			return nil, fmt.Errorf("URL route '%s' uses invalid converter '%s'", p, conv)
		}
		if !identRe.MatchString(name) {
			return nil, fmt.Errorf("URL route '%s' uses parameter name '%s' which isn't a valid Python identifier", p, name)
		}
		up.parts = append(up.parts, p[last:m[0]])
		up.params = append(up.params, urlParam{name: name, re: re})
		last = m[1]
	}
	up.parts = append(up.parts, p[last:])
	return up, nil
}

// reverse fills the pattern with args or kwargs.
func (up *urlPattern) reverse(args []any, kwargs map[string]any) (string, bool) {
	if len(args) > 0 && len(kwargs) > 0 {
		return "", false
	}
	vals := make([]string, len(up.params))
	switch {
	case len(kwargs) > 0:
		if len(kwargs) != len(up.params) {
			return "", false
		}
		for i, p := range up.params {
			v, ok := kwargs[p.name]
			if !ok {
				return "", false
			}
			vals[i] = toStr(v)
		}
	default:
		if len(args) != len(up.params) {
			return "", false
		}
		for i, a := range args {
			vals[i] = toStr(a)
		}
	}
	var b strings.Builder
	for i, part := range up.parts {
		b.WriteString(quoteURLPath(part))
		if i < len(vals) {
			if !up.params[i].re.MatchString(vals[i]) {
				return "", false
			}
			b.WriteString(quoteURLPath(vals[i]))
		}
	}
	return b.String(), true
}

// noMatch is Django's NoReverseMatch message for a name whose pattern the
// arguments do not fit.
func (up *urlPattern) noMatch(name string, args []any, kwargs map[string]any) error {
	var with string
	switch {
	case len(args) > 0:
		parts := make([]string, len(args))
		for i, a := range args {
			parts[i] = pyRepr(a)
		}
		tuple := strings.Join(parts, ", ")
		if len(args) == 1 {
			tuple += ","
		}
		with = fmt.Sprintf(" with arguments '(%s)'", tuple)
	case len(kwargs) > 0:
		om := NewOrderedMap()
		for _, k := range sortedStringKeys(kwargs) {
			om.Set(k, kwargs[k])
		}
		with = fmt.Sprintf(" with keyword arguments '%s'", pyRepr(om))
	}
	return fmt.Errorf("Reverse for '%s'%s not found. 1 pattern(s) tried: [%s]", name, with, pyRepr(up.regex()))
}

// regex is the pattern as Django shows it in NoReverseMatch: the route
// turned into a regular expression.
func (up *urlPattern) regex() string {
	var b strings.Builder
	for i, part := range up.parts {
		if i == 0 {
			part = strings.TrimPrefix(part, "/") // Django's routes have no leading "/"
		}
		b.WriteString(regexp.QuoteMeta(part))
		if i < len(up.params) {
			re := up.params[i].re.String()
			b.WriteString("(?P<" + up.params[i].name + ">" + re[1:len(re)-1] + ")")
		}
	}
	return b.String() + `\Z`
}

// quoteURLPath percent-encodes s as Django's reverse() does: everything
// but unreserved characters, RFC 3986 sub-delimiters and "/~:@".
func quoteURLPath(s string) string {
	const safe = "!$&'()*+,;=/~:@-._"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte("0123456789ABCDEF"[c>>4])
		b.WriteByte("0123456789ABCDEF"[c&15])
	}
	return b.String()
}
