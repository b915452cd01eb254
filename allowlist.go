package runnel

import (
	"fmt"
	"slices"
)

// Allowlist restricts what templates may use, for templates that users
// edit: a template that uses a tag or a filter outside it, or loads a
// library outside it, fails to compile with an [*Error] naming the
// template, line and column, as a syntax error does. Set it with
// [WithAllowlist]; [UntrustedAllowlist] is the recommended one.
//
// A nil field does not restrict; an empty, non-nil one allows nothing.
type Allowlist struct {
	// Tags are the built-in tags templates may use, and those of
	// libraries added with WithBuiltins. {% load %} is always allowed
	// (Libraries decides what it may load), and so are the closing and
	// intermediate tags of an allowed tag ({% endif %}, {% else %}).
	Tags []string
	// Filters are the built-in filters templates may use, and those of
	// libraries added with WithBuiltins.
	Filters []string
	// Libraries are the libraries {% load %} may load (among those
	// registered with WithLibrary). A loaded library brings all its tags
	// and filters: to allow only some, register a library that has only
	// those.
	Libraries []string
}

// WithAllowlist restricts the tags, filters and libraries the engine's
// templates may use (see [Allowlist]).
func WithAllowlist(a Allowlist) Option {
	return func(e *Engine) {
		e.allow = &allowSets{tags: setOf(a.Tags), filters: setOf(a.Filters), libs: setOf(a.Libraries)}
	}
}

// allowSets is an Allowlist as sets (nil: not restricted).
type allowSets struct {
	tags, filters, libs map[string]bool
}

func setOf(names []string) map[string]bool {
	if names == nil {
		return nil
	}
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// untrustedTags are the built-in tags of UntrustedAllowlist.
var untrustedTags = []string{
	"block", "comment", "csrf_token", "cycle", "filter", "firstof", "for",
	"if", "ifchanged", "now", "partial", "partialdef", "querystring",
	"regroup", "resetcycle", "spaceless", "templatetag", "url", "verbatim",
	"widthratio", "with",
}

// untrustedFilters are the built-in filters of UntrustedAllowlist: all of
// them but safe, safeseq and pprint.
var untrustedFilters = []string{
	"add", "addslashes", "capfirst", "center", "cut", "date", "default",
	"default_if_none", "dictsort", "dictsortreversed", "divisibleby",
	"escape", "escapejs", "escapeseq", "filesizeformat", "first",
	"floatformat", "force_escape", "get_digit", "iriencode", "join",
	"json_script", "last", "length", "linebreaks", "linebreaksbr",
	"linenumbers", "ljust", "lower", "make_list", "phone2numeric",
	"pluralize", "random", "rjust", "slice", "slugify", "stringformat",
	"striptags", "time", "timesince", "timeuntil", "title", "truncatechars",
	"truncatechars_html", "truncatewords", "truncatewords_html",
	"unordered_list", "upper", "urlencode", "urlize", "urlizetrunc",
	"wordcount", "wordwrap", "yesno",
}

// UntrustedAllowlist returns the recommended allowlist for templates that
// users edit (docs/security.md explains each exclusion). It allows every
// built-in tag but include, extends (templates by name: any template of
// the engine, or one named by the data), debug (the whole context), lorem,
// autoescape (turning escaping off), and the streaming tags defer, await
// and flush (delivery is the application's layout's business); every
// built-in filter but safe and safeseq (data stays escaped) and pprint;
// and Django's libraries humanize, i18n, l10n, static and tz, if registered
// (not cache: fragment keys are shared by every template of the engine, so
// one user's template could store a fragment another's shows). Each
// call returns new slices, which the caller may change.
func UntrustedAllowlist() Allowlist {
	return Allowlist{
		Tags:      slices.Clone(untrustedTags),
		Filters:   slices.Clone(untrustedFilters),
		Libraries: []string{"humanize", "i18n", "l10n", "static", "tz"},
	}
}

// tagAllowed reports whether a built-in tag may be used.
func (a *allowSets) tagAllowed(name string) bool {
	return a == nil || a.tags == nil || name == "load" || a.tags[name]
}

// filterAllowed reports whether a built-in filter may be used.
func (a *allowSets) filterAllowed(name string) bool {
	return a == nil || a.filters == nil || a.filters[name]
}

// libAllowed reports whether a library may be loaded.
func (a *allowSets) libAllowed(name string) bool {
	return a == nil || a.libs == nil || a.libs[name]
}

// addBuiltins adds a library of built-ins (the engine's own, or one added
// with WithBuiltins) to the compiler's tags and filters, leaving out and
// remembering those the allowlist does not allow.
func (c *compiler) addBuiltins(l *Library) {
	a := c.eng.allow
	for k, v := range l.tags {
		if a.tagAllowed(k) {
			c.tags[k] = v
		} else {
			c.denied(k, "tag")
		}
	}
	for k, v := range l.filters {
		if a.filterAllowed(k) {
			c.filters[k] = v
		} else {
			c.denied(k, "filter")
		}
	}
}

// denied records a name the allowlist leaves out, for the error of a use.
func (c *compiler) denied(name, kind string) {
	if c.notAllowed == nil {
		c.notAllowed = map[string]bool{}
	}
	c.notAllowed[kind+" "+name] = true
}

// notAllowedErr is the error of a use of a tag or a filter (kind) that
// the allowlist leaves out, or nil if name is not one.
func (c *compiler) notAllowedErr(kind, name string) error {
	if !c.notAllowed[kind+" "+name] {
		return nil
	}
	return fmt.Errorf("'%s' is not an allowed %s: the engine's allowlist (runnel.WithAllowlist) leaves it out", name, kind)
}

// libraryAllowedErr is the error of a {% load %} of a library the
// allowlist leaves out.
func (c *compiler) libraryAllowedErr(name string) error {
	if c.eng.allow.libAllowed(name) {
		return nil
	}
	return fmt.Errorf("'%s' is not an allowed tag library: the engine's allowlist (runnel.WithAllowlist) leaves it out", name)
}
