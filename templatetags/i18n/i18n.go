// Package i18n is Django's i18n tag library ({% load i18n %}): translate,
// blocktranslate, language, the language-information tags and the
// language_name filters.
//
// Translation goes through the engine's Translator (runnel.WithTranslator).
// With none, runnel behaves like Django with translation deactivated: msgids
// come back unchanged and the plural form is chosen by n == 1. The language
// of a render is carried by its context.Context (runnel.WithLanguage); the
// {% language %} tag renders its body with a derived context.
//
// Msgids are the ones Django's runtime asks gettext for, so catalogs built
// by Django's makemessages work unchanged: {% translate %} doubles every "%"
// of the message ("100%" is looked up as "100%%"), and {% blocktranslate %}
// builds "Hello %(name)s" style msgids, with the "%" of the literal text
// doubled. PGettext and NPGettext receive the message context separately.
//
// Register the library under its Django name:
//
//	eng := runnel.New(fsys, runnel.WithTranslator(tr), runnel.WithLibrary("i18n", i18n.Library()))
package i18n

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/runnelhq/runnel"
)

// Library returns the i18n library.
func Library() *runnel.Library {
	return runnel.NewLibrary().
		Tag("translate", runnel.TagSpec{}, compileTranslate).
		Tag("trans", runnel.TagSpec{}, compileTranslate).
		Tag("blocktranslate", runnel.TagSpec{End: "endblocktranslate", Raw: true}, compileBlockTranslate).
		Tag("blocktrans", runnel.TagSpec{End: "endblocktrans", Raw: true}, compileBlockTranslate).
		Tag("language", runnel.TagSpec{End: "endlanguage"}, compileLanguage).
		Tag("get_current_language", runnel.TagSpec{}, compileGetCurrentLanguage).
		Tag("get_current_language_bidi", runnel.TagSpec{}, compileGetCurrentLanguage).
		Tag("get_available_languages", runnel.TagSpec{}, compileGetCurrentLanguage).
		Tag("get_language_info", runnel.TagSpec{}, compileGetLanguageInfo).
		Tag("get_language_info_list", runnel.TagSpec{}, compileGetLanguageInfo).
		Filter("language_name", languageInfoFilter("name")).
		Filter("language_name_local", languageInfoFilter("name_local")).
		Filter("language_bidi", languageInfoFilter("bidi")).
		Filter("language_name_translated", languageInfoFilter("name_translated"))
}

// LanguageLister may be implemented by a Translator to say which languages
// the site offers: {% get_available_languages %} lists them (Django's
// LANGUAGES setting), as (code, English name) pairs; the names are then
// translated into the current language. Without it the list holds only
// ("en", "English").
type LanguageLister interface {
	Languages(ctx context.Context) [][2]string
}

// languagesBidi is Django's default LANGUAGES_BIDI setting: the languages
// written right to left.
var languagesBidi = map[string]bool{"he": true, "ar": true, "ar-dz": true, "ckb": true, "fa": true, "ug": true, "ur": true}

// toLanguage turns a locale name such as "en_US" into a language code
// ("en-us"), as Django's to_language does.
func toLanguage(locale string) string {
	if p := strings.IndexByte(locale, '_'); p >= 0 {
		return strings.ToLower(locale[:p]) + "-" + strings.ToLower(locale[p+1:])
	}
	return strings.ToLower(locale)
}

// ---- values ----

// indirect follows pointers.
func indirect(v any) any {
	for {
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Pointer || rv.IsNil() {
			return v
		}
		v = rv.Elem().Interface()
	}
}

// asString returns v's text when v is a string (of any string type).
func asString(v any) (string, bool) {
	if rv := reflect.ValueOf(indirect(v)); rv.Kind() == reflect.String {
		return rv.String(), true
	}
	return "", false
}

// isSafe reports whether v is safe HTML.
func isSafe(v any) bool {
	_, ok := indirect(v).(runnel.SafeString)
	return ok
}

// isNumber reports whether v is a number.
func isNumber(v any) bool {
	switch reflect.ValueOf(v).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// pyStrList renders a list of strings as Python's repr of a list does.
func pyStrList(items []string) string { return runnel.Repr(items) }

// ---- translate / trans ----

// translateNode is {% translate "text" [noop] [context "ctx"] [as var] %}.
type translateNode struct {
	expr   *runnel.Expr
	noop   bool
	msgctx *runnel.Expr // nil without a context option
	asvar  string
}

// compileTranslate compiles {% translate %} and {% trans %}, with Django's
// option parsing and error messages.
func compileTranslate(p *runnel.TagParser) (runnel.Node, error) {
	name := p.Name()
	bits := p.Bits()[1:]
	if len(bits) < 1 {
		return nil, fmt.Errorf("'%s' takes at least one argument", name)
	}
	fe, err := p.Expr(bits[0])
	if err != nil {
		return nil, err
	}
	n := &translateNode{expr: fe}
	remaining := bits[1:]
	seen := map[string]bool{}
	for len(remaining) > 0 {
		opt := remaining[0]
		remaining = remaining[1:]
		if seen[opt] {
			return nil, fmt.Errorf("The '%s' option was specified more than once.", opt)
		}
		switch opt {
		case "noop":
			n.noop = true
		case "context":
			if len(remaining) == 0 {
				return nil, fmt.Errorf("No argument provided to the '%s' tag for the context option.", name)
			}
			value := remaining[0]
			remaining = remaining[1:]
			if value == "as" || value == "noop" {
				return nil, fmt.Errorf("Invalid argument '%s' provided to the '%s' tag for the context option", value, name)
			}
			if n.msgctx, err = p.Expr(value); err != nil {
				return nil, err
			}
		case "as":
			if len(remaining) == 0 {
				return nil, fmt.Errorf("No argument provided to the '%s' tag for the as option.", name)
			}
			n.asvar = remaining[0]
			remaining = remaining[1:]
		default:
			return nil, fmt.Errorf("Unknown argument for '%s' tag: '%s'. The only options available are 'noop', 'context' \"xxx\", and 'as VAR'.", name, opt)
		}
		seen[opt] = true
	}
	return n, nil
}

// Render writes the translation, or stores it in the as variable. The
// operand is translated before the filters run, as Django's Variable does
// when its translate flag is set.
func (n *translateNode) Render(r *runnel.Renderer) error {
	v, err := n.expr.ResolveOperand(r, func(v any) (any, error) {
		if n.noop {
			return v, nil
		}
		return n.translate(r, v)
	})
	if err != nil {
		return err
	}
	text, safe := r.Text(v)
	// Percent signs were doubled for the lookup; restore them.
	if strings.Contains(text, "%%") {
		text = strings.ReplaceAll(text, "%%", "%")
	}
	if n.asvar != "" {
		if safe {
			r.Set(n.asvar, runnel.SafeString(text))
		} else {
			r.Set(n.asvar, text)
		}
		return nil
	}
	r.WriteString(text)
	return nil
}

// translate translates a text operand (other values are left alone), keeping
// it safe if it was.
func (n *translateNode) translate(r *runnel.Renderer, v any) (any, error) {
	str, ok := asString(v)
	if !ok {
		return v, nil
	}
	msgid := strings.ReplaceAll(str, "%", "%%")
	ctx, tr := r.Context(), r.Translator()
	var out string
	translated := false
	if n.msgctx != nil {
		c, err := n.msgctx.Resolve(r)
		if err != nil {
			return nil, err
		}
		if runnel.Truthy(c) {
			out = runnel.PGettext(ctx, tr, runnel.ToString(c), msgid)
			translated = true
		}
	}
	if !translated {
		out = runnel.Gettext(ctx, tr, msgid)
	}
	if isSafe(v) {
		return runnel.SafeString(out), nil
	}
	return out, nil
}

// ---- language ----

// languageNode is {% language "de" %}…{% endlanguage %}.
type languageNode struct {
	lang *runnel.Expr
	body runnel.Body
}

// compileLanguage compiles {% language %}.
func compileLanguage(p *runnel.TagParser) (runnel.Node, error) {
	bits := p.Bits()[1:]
	if len(bits) != 1 {
		return nil, fmt.Errorf("'%s' takes one argument (language)", p.Name())
	}
	lang, err := p.Expr(bits[0])
	if err != nil {
		return nil, err
	}
	body, err := p.Branches()[0].Body()
	if err != nil {
		return nil, err
	}
	return &languageNode{lang: lang, body: body}, nil
}

// Render renders the body with the language selected in the render's
// context, as Django's translation.override does; None deactivates
// translation.
func (n *languageNode) Render(r *runnel.Renderer) error {
	v, err := n.lang.Resolve(r)
	if err != nil {
		return err
	}
	if v = indirect(v); v == nil {
		return r.RenderWith(runnel.WithoutTranslation(r.Context()), n.body)
	}
	return r.RenderWith(runnel.WithLanguage(r.Context(), toLanguage(runnel.ToString(v))), n.body)
}

// ---- get_current_language, get_current_language_bidi,
// get_available_languages ----

// currentLanguageNode stores a fact about the languages in a variable.
type currentLanguageNode struct {
	tag   string
	asvar string
}

// compileGetCurrentLanguage compiles the three "{% tag as var %}" tags.
func compileGetCurrentLanguage(p *runnel.TagParser) (runnel.Node, error) {
	args := append([]string{p.Name()}, strings.Fields(p.Args())...)
	if len(args) != 3 || args[1] != "as" {
		return nil, fmt.Errorf("'%s' requires 'as variable' (got %s)", p.Name(), pyStrList(args))
	}
	return &currentLanguageNode{tag: p.Name(), asvar: args[2]}, nil
}

// Render stores the current language, its direction or the available
// languages in the variable.
func (n *currentLanguageNode) Render(r *runnel.Renderer) error {
	lang, active := r.Language()
	var v any
	switch n.tag {
	case "get_current_language":
		if active {
			v = lang
		}
	case "get_current_language_bidi":
		v = active && languagesBidi[strings.SplitN(lang, "-", 2)[0]]
	default: // get_available_languages
		langs := [][2]string{{"en", "English"}}
		if l, ok := r.Engine().Translator().(LanguageLister); ok {
			langs = l.Languages(r.Context())
		}
		tr := r.Translator()
		list := make([]any, len(langs))
		for i, l := range langs {
			list[i] = []any{l[0], runnel.Gettext(r.Context(), tr, l[1])}
		}
		v = list
	}
	r.Set(n.asvar, v)
	return nil
}

// ---- get_language_info, get_language_info_list and the filters ----

// languageInfoNode is {% get_language_info for code as var %} or
// {% get_language_info_list for codes as var %}.
type languageInfoNode struct {
	list  bool
	expr  *runnel.Expr
	asvar string
}

// compileGetLanguageInfo compiles get_language_info and
// get_language_info_list.
func compileGetLanguageInfo(p *runnel.TagParser) (runnel.Node, error) {
	args := p.Bits()[1:]
	list := p.Name() == "get_language_info_list"
	if len(args) != 4 || args[0] != "for" || args[2] != "as" {
		what := "string"
		if list {
			what = "sequence"
		}
		return nil, fmt.Errorf("'%s' requires 'for %s as variable' (got %s)", p.Name(), what, pyStrList(args))
	}
	fe, err := p.Expr(args[1])
	if err != nil {
		return nil, err
	}
	return &languageInfoNode{list: list, expr: fe, asvar: args[3]}, nil
}

// Render stores the information of the language (or a list of it, for
// get_language_info_list) in the variable.
func (n *languageInfoNode) Render(r *runnel.Renderer) error {
	v, err := n.expr.Resolve(r)
	if err != nil {
		return err
	}
	if !n.list {
		info, err := languageInfo(r, v)
		if err != nil {
			return err
		}
		r.Set(n.asvar, info)
		return nil
	}
	langs, _ := runnel.ToList(v)
	out := make([]any, 0, len(langs))
	for _, l := range langs {
		// Each item is a code, or a sequence (such as a LANGUAGES pair)
		// whose first item is the code.
		code := l
		if _, isStr := asString(l); !isStr {
			if seq, ok := runnel.ToList(l); ok && len(seq) > 0 {
				if first, ok := asString(seq[0]); ok && utf8.RuneCountInString(first) > 1 {
					code = first
				}
			}
		}
		info, err := languageInfo(r, code)
		if err != nil {
			return err
		}
		out = append(out, info)
	}
	r.Set(n.asvar, out)
	return nil
}

// languageInfoFilter returns the filter that gives one field of a language's
// information (language_name, language_name_local, language_bidi,
// language_name_translated).
func languageInfoFilter(field string) func(r *runnel.Renderer, in any) (any, error) {
	return func(r *runnel.Renderer, in any) (any, error) {
		info, err := languageInfo(r, in)
		if err != nil {
			return nil, err
		}
		return info[field], nil
	}
}

// languageInfo is Django's get_language_info: the code, English name, local
// name, direction and translated name of a language, from Django's LANG_INFO
// table. A code with a region falls back to its base language ("de-at" to
// "de"). An unknown code is an error, as Django raises KeyError.
func languageInfo(r *runnel.Renderer, code any) (map[string]any, error) {
	c := runnel.ToString(indirect(code))
	li, ok := langInfo[c]
	if ok && li.fallback != "" {
		li = langInfo[li.fallback]
	}
	if !ok {
		base, _, cut := strings.Cut(c, "-")
		if !cut {
			return nil, fmt.Errorf("Unknown language code %s.", c)
		}
		if li, ok = langInfo[base]; !ok || li.fallback != "" {
			return nil, fmt.Errorf("Unknown language code %s and %s.", c, base)
		}
	}
	return map[string]any{
		"code":            li.code,
		"name":            li.name,
		"name_local":      li.nameLocal,
		"bidi":            li.bidi,
		"name_translated": runnel.Gettext(r.Context(), r.Translator(), li.name),
	}, nil
}
