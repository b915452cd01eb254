package i18n

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/internal/pystr"
	"github.com/runnelhq/runnel/templatetags/internal/tagtest"
)

// mapTranslator is a Translator backed by in-memory catalogs, standing in
// for the .po catalogs Django's tests use. A catalog maps a msgid (or
// "context\x04msgid") to its forms: one for a plain message, one per plural
// form for a plural message (keyed by the singular msgid).
type mapTranslator map[string]map[string][]string

// testTranslator holds the translations Django's i18n template tests rely
// on (from Django's own catalogs and the test locales).
var testTranslator = mapTranslator{
	"de": {
		"Page not found":    {"Seite nicht gefunden"},
		"Password":          {"Passwort"},
		"No":                {"Nein"},
		"month name\x04May": {"Mai"},
		"verb\x04May":       {"Kann"},
		"super search\x04%(number)s super result":                    {"%(number)s Super-Ergebnis", "%(number)s Super-Ergebnisse"},
		"other super search\x04%(number)s super result":              {"%(number)s anderen Super-Ergebnis", "%(number)s andere Super-Ergebnisse"},
		"comment count\x04There are %(num_comments)s comments":       {"Es gibt %(num_comments)s Kommentare"},
		"other comment count\x04There are %(num_comments)s comments": {"Andere: Es gibt %(num_comments)s Kommentare"},
		"The result was %(percent)s%%":                               {"Das Ergebnis war %(percent)s%%"},
		"%(percent)s%% represents %(num)s object":                    {"%(percent)s%% stellt %(num)s Objekt dar", "%(percent)s%% stellt %(num)s Objekte dar"},
		"100%% sure":      {"100%% sicher"},
		"English":         {"Englisch"},
		"German":          {"Deutsch"},
		"<b>%(name)s</b>": {"<b>%(name)s</b>!"},
	},
	"cs": {
		"Hungarian": {"maďarsky"},
		"Dutch":     {"nizozemsky"},
		"Italian":   {"italsky"},
		"French":    {"francouzsky"},
		"German":    {"německy"},
	},
	"ru": {
		"%(counter)s result": {"%(counter)s результат", "%(counter)s результата", "%(counter)s результатов"},
	},
	"fr": {
		"Yes":                          {"Oui"},
		"My name is %(person)s.":       {"Mon nom est %(personne)s."},
		"My other name is %(person)s.": {"Mon autre nom est %(person)."},
		"Hello %(name)s":               {"Bonjour %(name)d"},
	},
	"nl": {
		"No": {"Nee"},
	},
}

// pluralIndex is the gettext plural rule of the test languages.
func pluralIndex(lang string, n int) int {
	switch lang {
	case "fr":
		if n > 1 {
			return 1
		}
		return 0
	case "ru":
		switch {
		case n%10 == 1 && n%100 != 11:
			return 0
		case n%10 >= 2 && n%10 <= 4 && (n%100 < 10 || n%100 >= 20):
			return 1
		}
		return 2
	}
	if n != 1 {
		return 1
	}
	return 0
}

// lookup returns the forms of key in the context's language.
func (m mapTranslator) lookup(ctx context.Context, key string) []string {
	return m[runnel.LanguageFrom(ctx)][key]
}

// Gettext implements Translator.
func (m mapTranslator) Gettext(ctx context.Context, msgid string) string {
	if f := m.lookup(ctx, msgid); len(f) > 0 {
		return f[0]
	}
	return msgid
}

// NGettext implements Translator.
func (m mapTranslator) NGettext(ctx context.Context, singular, plural string, n int) string {
	if f := m.lookup(ctx, singular); len(f) > 0 {
		return f[min(pluralIndex(runnel.LanguageFrom(ctx), n), len(f)-1)]
	}
	if n == 1 {
		return singular
	}
	return plural
}

// PGettext implements Translator.
func (m mapTranslator) PGettext(ctx context.Context, msgctxt, msgid string) string {
	if f := m.lookup(ctx, msgctxt+"\x04"+msgid); len(f) > 0 {
		return f[0]
	}
	return msgid
}

// NPGettext implements Translator.
func (m mapTranslator) NPGettext(ctx context.Context, msgctxt, singular, plural string, n int) string {
	if f := m.lookup(ctx, msgctxt+"\x04"+singular); len(f) > 0 {
		return f[min(pluralIndex(runnel.LanguageFrom(ctx), n), len(f)-1)]
	}
	if n == 1 {
		return singular
	}
	return plural
}

// listingTranslator adds a LANGUAGES list to the test translator.
type listingTranslator struct{ mapTranslator }

// Languages implements LanguageLister.
func (listingTranslator) Languages(context.Context) [][2]string {
	return [][2]string{{"de", "German"}, {"en", "English"}}
}

// i18nCase is a template test rendered in a language with the test
// translator.
type i18nCase struct {
	name string
	lang string // "" renders without WithLanguage
	src  string
	data map[string]any
	want string
	err  string
	opts []runnel.Option
}

// runI18n runs i18n cases. Each case runs as written and, when its source
// uses translate or blocktranslate, again with the legacy tag names (trans,
// blocktrans), as Django's i18n tests do.
func runI18n(t *testing.T, cases []i18nCase) {
	t.Helper()
	for _, tc := range cases {
		variants := map[string]string{tc.name: tc.src}
		legacy := strings.NewReplacer("{% translate ", "{% trans ", "{% blocktranslate", "{% blocktrans", "{% endblocktranslate %}", "{% endblocktrans %}",
			"'blocktranslate'", "'blocktrans'", "'translate'", "'trans'").Replace(tc.src)
		if legacy != tc.src {
			variants[tc.name+"/legacy"] = legacy
		}
		for name, src := range variants {
			want, wantErr := tc.want, tc.err
			if name != tc.name {
				wantErr = strings.NewReplacer("'blocktranslate'", "'blocktrans'", "'translate'", "'trans'").Replace(wantErr)
			}
			t.Run(name, func(t *testing.T) {
				opts := append([]runnel.Option{runnel.WithTranslator(testTranslator), runnel.WithLibrary("i18n", Library())}, tc.opts...)
				e := runnel.New(fstest.MapFS{"t.html": &fstest.MapFile{Data: []byte(src)}}, opts...)
				ctx := context.Background()
				if tc.lang != "" {
					ctx = runnel.WithLanguage(ctx, tc.lang)
				}
				tmpl, err := e.Template("t.html")
				var got string
				if err == nil {
					got, err = tmpl.RenderString(ctx, tc.data)
				}
				if wantErr != "" {
					if err == nil {
						t.Fatalf("want error containing %q, got output %q", wantErr, got)
					}
					if !strings.Contains(err.Error(), wantErr) {
						t.Fatalf("want error containing %q, got %v", wantErr, err)
					}
					return
				}
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if got != want {
					t.Fatalf("\n got: %q\nwant: %q", got, want)
				}
			})
		}
	}
}

// TestTranslateTag ports Django's test_translate.py.
func TestTranslateTag(t *testing.T) {
	invalid := []runnel.Option{runnel.WithStringIfInvalid("INVALID")}
	runI18n(t, []i18nCase{
		{name: "i18n01", src: `{% load i18n %}{% translate 'xxxyyyxxx' %}`, want: "xxxyyyxxx"},
		{name: "i18n02", src: `{% load i18n %}{% translate "xxxyyyxxx" %}`, want: "xxxyyyxxx"},
		{name: "i18n06", lang: "de", src: `{% load i18n %}{% translate "Page not found" %}`, want: "Seite nicht gefunden"},
		{name: "i18n09", lang: "de", src: `{% load i18n %}{% translate "Page not found" noop %}`, want: "Page not found"},
		{name: "i18n20", src: `{% load i18n %}{% translate andrew %}`, data: map[string]any{"andrew": "a & b"}, want: "a &amp; b"},
		{name: "i18n22", src: `{% load i18n %}{% translate andrew %}`, data: map[string]any{"andrew": runnel.MarkSafe("a & b")}, want: "a & b"},
		{name: "i18n23", lang: "de", src: `{% load i18n %}{% translate "Page not found"|capfirst|slice:"6:" %}`, want: "nicht gefunden"},
		{name: "i18n24", lang: "de", src: `{% load i18n %}{% translate 'Page not found'|upper %}`, want: "SEITE NICHT GEFUNDEN"},
		{name: "i18n25", lang: "de", src: `{% load i18n %}{% translate somevar|upper %}`, data: map[string]any{"somevar": "Page not found"}, want: "SEITE NICHT GEFUNDEN"},
		{name: "i18n35", lang: "de", src: `{% load i18n %}{% translate "Page not found" as page_not_found %}{{ page_not_found }}`, want: "Seite nicht gefunden"},
		{name: "i18n36", lang: "de", src: `{% load i18n %}{% translate "Page not found" noop as page_not_found %}{{ page_not_found }}`, want: "Page not found"},
		{name: "no-arguments", src: `{% load i18n %}{% translate %}A}`, err: "'translate' takes at least one argument"},
		{name: "bad-option", src: `{% load i18n %}{% translate "Yes" badoption %}`, err: "Unknown argument for 'translate' tag: 'badoption'. The only options available are 'noop', 'context' \"xxx\", and 'as VAR'."},
		{name: "missing-assignment", src: `{% load i18n %}{% translate "Yes" as %}`, err: "No argument provided to the 'translate' tag for the as option."},
		{name: "missing-context", src: `{% load i18n %}{% translate "Yes" as var context %}`, err: "No argument provided to the 'translate' tag for the context option."},
		{name: "context-as", src: `{% load i18n %}{% translate "Yes" context as var %}`, err: "Invalid argument 'as' provided to the 'translate' tag for the context option"},
		{name: "context-noop", src: `{% load i18n %}{% translate "Yes" context noop %}`, err: "Invalid argument 'noop' provided to the 'translate' tag for the context option"},
		{name: "duplicate-option", src: `{% load i18n %}{% translate "Yes" noop noop %}`, err: "The 'noop' option was specified more than once."},
		{name: "str-fmt", src: `{% load i18n %}{% translate "%s" %}`, want: "%s"},
		// test_template_tags_pgettext
		{name: "pgettext-nonexistent", lang: "de", src: `{% load i18n %}{% translate "May" context "nonexistent" %}`, want: "May"},
		{name: "pgettext-month", lang: "de", src: `{% load i18n %}{% translate "May" context "month name" %}`, want: "Mai"},
		{name: "pgettext-verb", lang: "de", src: `{% load i18n %}{% translate "May" context "verb" %}`, want: "Kann"},
		{name: "pgettext-var-month", lang: "de", src: `{% load i18n %}{% translate "May" context message_context %}`, data: map[string]any{"message_context": "month name"}, want: "Mai"},
		{name: "pgettext-var-verb", lang: "de", src: `{% load i18n %}{% translate "May" context message_context %}`, data: map[string]any{"message_context": "verb"}, want: "Kann"},
		{name: "pgettext-filter-month", lang: "de", src: `{% load i18n %}{% translate "May" context message_context|lower %}`, data: map[string]any{"message_context": "MONTH NAME"}, want: "Mai"},
		{name: "pgettext-filter-verb", lang: "de", src: `{% load i18n %}{% translate "May" context message_context|lower %}`, data: map[string]any{"message_context": "VERB"}, want: "Kann"},
		{name: "pgettext-as", lang: "de", src: `{% load i18n %}{% translate "May" context "month name" as var %}Value: {{ var }}`, want: "Value: Mai"},
		{name: "pgettext-as-first", lang: "de", src: `{% load i18n %}{% translate "May" as var context "verb" %}Value: {{ var }}`, want: "Value: Kann"},
		// MultipleLocaleActivation: the language is the render's, not the
		// one active when the template was compiled.
		{name: "single-locale", lang: "fr", src: `{% load i18n %}{% translate 'Yes' %}`, want: "Oui"},
		{name: "multiple-locale", lang: "nl", src: `{% load i18n %}{% translate 'No' %}`, want: "Nee"},
		// runnel additions.
		{name: "percent-lookup", lang: "de", src: `{% load i18n %}{% translate "100% sure" %}`, want: "100% sicher"},
		{name: "percent-noop", src: `{% load i18n %}{% translate "100%% sure" noop %}`, want: "100% sure"},
		{name: "missing-var", src: `{% load i18n %}[{% translate missing %}]`, want: "[]"},
		{name: "missing-var-invalid", src: `{% load i18n %}[{% translate missing %}]`, opts: invalid, want: "[INVALID]"},
		{name: "as-escaped-once", src: `{% load i18n %}{% translate v as x %}{{ x }}`, data: map[string]any{"v": "<a>"}, want: "&lt;a&gt;"},
		{name: "as-scope", src: `{% load i18n %}{% with a=1 %}{% translate "x" as x %}{% endwith %}[{{ x }}]`, want: "[]"},
		{name: "non-string", src: `{% load i18n %}{% translate 5 %}{% translate n %}`, data: map[string]any{"n": 1.5}, want: "51.5"},
		{name: "autoescape-off", src: `{% load i18n %}{% autoescape off %}{% translate v %}{% endautoescape %}`, data: map[string]any{"v": "<a>"}, want: "<a>"},
		{name: "eol", src: "{% load i18n %}{% translate \"a\rb\" %}", want: "a\nb"},
		{name: "not-loaded", src: `{% translate "x" %}`, err: "Invalid block tag on line 1: 'translate'. Did you forget to register or load this tag?"},
	})
}

// TestBlockTranslateTag ports Django's test_blocktranslate.py.
func TestBlockTranslateTag(t *testing.T) {
	invalid := []runnel.Option{runnel.WithStringIfInvalid("INVALID")}
	runI18n(t, []i18nCase{
		{name: "i18n03", src: `{% load i18n %}{% blocktranslate %}{{ anton }}{% endblocktranslate %}`, data: map[string]any{"anton": "Å"}, want: "Å"},
		{name: "i18n04", src: `{% load i18n %}{% blocktranslate with berta=anton|lower %}{{ berta }}{% endblocktranslate %}`, data: map[string]any{"anton": "Å"}, want: "å"},
		{name: "legacyi18n04", src: `{% load i18n %}{% blocktranslate with anton|lower as berta %}{{ berta }}{% endblocktranslate %}`, data: map[string]any{"anton": "Å"}, want: "å"},
		{name: "i18n05", src: `{% load i18n %}{% blocktranslate %}xxx{{ anton }}xxx{% endblocktranslate %}`, data: map[string]any{"anton": "yyy"}, want: "xxxyyyxxx"},
		{name: "i18n07", src: `{% load i18n %}{% blocktranslate count counter=number %}singular{% plural %}{{ counter }} plural{% endblocktranslate %}`, data: map[string]any{"number": 1}, want: "singular"},
		{name: "legacyi18n07", src: `{% load i18n %}{% blocktranslate count number as counter %}singular{% plural %}{{ counter }} plural{% endblocktranslate %}`, data: map[string]any{"number": 1}, want: "singular"},
		{name: "i18n08", src: `{% load i18n %}{% blocktranslate count number as counter %}singular{% plural %}{{ counter }} plural{% endblocktranslate %}`, data: map[string]any{"number": 2}, want: "2 plural"},
		{name: "legacyi18n08", src: `{% load i18n %}{% blocktranslate count counter=number %}singular{% plural %}{{ counter }} plural{% endblocktranslate %}`, data: map[string]any{"number": 2}, want: "2 plural"},
		{name: "i18n17", src: `{% load i18n %}{% blocktranslate with berta=anton|escape %}{{ berta }}{% endblocktranslate %}`, data: map[string]any{"anton": "α & β"}, want: "α &amp; β"},
		{name: "i18n18", src: `{% load i18n %}{% blocktranslate with berta=anton|force_escape %}{{ berta }}{% endblocktranslate %}`, data: map[string]any{"anton": "α & β"}, want: "α &amp; β"},
		{name: "i18n19", src: `{% load i18n %}{% blocktranslate %}{{ andrew }}{% endblocktranslate %}`, data: map[string]any{"andrew": "a & b"}, want: "a &amp; b"},
		{name: "i18n21", src: `{% load i18n %}{% blocktranslate %}{{ andrew }}{% endblocktranslate %}`, data: map[string]any{"andrew": runnel.MarkSafe("a & b")}, want: "a & b"},
		{name: "legacyi18n17", src: `{% load i18n %}{% blocktranslate with anton|escape as berta %}{{ berta }}{% endblocktranslate %}`, data: map[string]any{"anton": "α & β"}, want: "α &amp; β"},
		{name: "legacyi18n18", src: `{% load i18n %}{% blocktranslate with anton|force_escape as berta %}{{ berta }}{% endblocktranslate %}`, data: map[string]any{"anton": "α & β"}, want: "α &amp; β"},
		{name: "i18n26", src: `{% load i18n %}{% blocktranslate with extra_field=myextra_field count counter=number %}singular {{ extra_field }}{% plural %}plural{% endblocktranslate %}`, data: map[string]any{"myextra_field": "test", "number": 1}, want: "singular test"},
		{name: "legacyi18n26", src: `{% load i18n %}{% blocktranslate with myextra_field as extra_field count number as counter %}singular {{ extra_field }}{% plural %}plural{% endblocktranslate %}`, data: map[string]any{"myextra_field": "test", "number": 1}, want: "singular test"},
		{name: "i18n27", lang: "ru", src: `{% load i18n %}{% blocktranslate count counter=number %}{{ counter }} result{% plural %}{{ counter }} results{% endblocktranslate %}`, data: map[string]any{"number": 1}, want: "1 результат"},
		{name: "legacyi18n27", lang: "ru", src: `{% load i18n %}{% blocktranslate count number as counter %}{{ counter }} result{% plural %}{{ counter }} results{% endblocktranslate %}`, data: map[string]any{"number": 1}, want: "1 результат"},
		{name: "i18n27-few", lang: "ru", src: `{% load i18n %}{% blocktranslate count counter=number %}{{ counter }} result{% plural %}{{ counter }} results{% endblocktranslate %}`, data: map[string]any{"number": 3}, want: "3 результата"},
		{name: "i18n28", src: `{% load i18n %}{% blocktranslate with a=anton b=berta %}{{ a }} + {{ b }}{% endblocktranslate %}`, data: map[string]any{"anton": "α", "berta": "β"}, want: "α + β"},
		{name: "legacyi18n28", src: `{% load i18n %}{% blocktranslate with anton as a and berta as b %}{{ a }} + {{ b }}{% endblocktranslate %}`, data: map[string]any{"anton": "α", "berta": "β"}, want: "α + β"},
		{name: "i18n34", src: `{% load i18n %}{% blocktranslate %}{{ missing }}{% endblocktranslate %}`, want: ""},
		{name: "i18n34/invalid", src: `{% load i18n %}{% blocktranslate %}{{ missing }}{% endblocktranslate %}`, opts: invalid, want: "INVALID"},
		{name: "i18n34_2", src: `{% load i18n %}{% blocktranslate with a='α' %}{{ missing }}{% endblocktranslate %}`, want: ""},
		{name: "i18n34_2/invalid", src: `{% load i18n %}{% blocktranslate with a='α' %}{{ missing }}{% endblocktranslate %}`, opts: invalid, want: "INVALID"},
		{name: "i18n34_3", src: `{% load i18n %}{% blocktranslate with a=anton %}{{ missing }}{% endblocktranslate %}`, data: map[string]any{"anton": "\xce\xb1"}, want: ""},
		{name: "i18n34_3/invalid", src: `{% load i18n %}{% blocktranslate with a=anton %}{{ missing }}{% endblocktranslate %}`, data: map[string]any{"anton": "\xce\xb1"}, opts: invalid, want: "INVALID"},
		{name: "i18n37", lang: "de", src: `{% load i18n %}{% translate "Page not found" as page_not_found %}{% blocktranslate %}Error: {{ page_not_found }}{% endblocktranslate %}`, want: "Error: Seite nicht gefunden"},
		{name: "i18n39", lang: "de", src: `{% load i18n %}{% blocktranslate asvar page_not_found %}Page not found{% endblocktranslate %}>{{ page_not_found }}<`, want: ">Seite nicht gefunden<"},
		{name: "i18n40", src: `{% load i18n %}{% translate "Page not found" as pg_404 %}{% blocktranslate with page_not_found=pg_404 asvar output %}Error: {{ page_not_found }}{% endblocktranslate %}`, want: ""},
		{name: "i18n41", lang: "de", src: `{% load i18n %}{% translate "Page not found" as pg_404 %}{% blocktranslate with page_not_found=pg_404 asvar output %}Error: {{ page_not_found }}{% endblocktranslate %}>{{ output }}<`, want: ">Error: Seite nicht gefunden<"},
		{name: "asvar-safestring", src: `{% load i18n %}{% blocktranslate asvar the_title %}{{title}}other text{% endblocktranslate %}{{ the_title }}`, data: map[string]any{"title": "<Main Title>"}, want: "&lt;Main Title&gt;other text"},
		{name: "missing-assignment", src: `{% load i18n %}{% blocktranslate asvar %}Yes{% endblocktranslate %}`, err: "No argument provided to the 'blocktranslate' tag for the asvar option."},
		{name: "str-fmt", src: `{% load i18n %}{% blocktranslate %}%s{% endblocktranslate %}`, want: "%s"},
		{name: "with-block", src: `{% load i18n %}{% blocktranslate %}{% block b %} {% endblock %}{% endblocktranslate %}`, err: "'blocktranslate' doesn't allow other block tags (seen 'block b') inside it"},
		{name: "with-for", src: `{% load i18n %}{% blocktranslate %}{% for b in [1, 2, 3] %} {% endfor %}{% endblocktranslate %}`, err: "'blocktranslate' doesn't allow other block tags (seen 'for b in [1, 2, 3]') inside it"},
		{name: "variable-twice", src: `{% load i18n %}{% blocktranslate with foo=bar with %}{{ foo }}{% endblocktranslate %}`, data: map[string]any{"bar": "x"}, err: "The 'with' option was specified more than once"},
		{name: "no-args-with", src: `{% load i18n %}{% blocktranslate with %}{% endblocktranslate %}`, err: "\"with\" in 'blocktranslate' tag needs at least one keyword argument."},
		{name: "count", src: `{% load i18n %}{% blocktranslate count a %}{% endblocktranslate %}`, data: map[string]any{"a": []int{1, 2, 3}}, err: "\"count\" in 'blocktranslate' tag expected exactly one keyword argument."},
		{name: "count-not-number", src: `{% load i18n %}{% blocktranslate count counter=num %}{{ counter }}{% plural %}{{ counter }}{% endblocktranslate %}`, data: map[string]any{"num": "1"}, err: "'counter' argument to 'blocktranslate' tag must be a number."},
		{name: "plural-bad-syntax", src: `{% load i18n %}{% blocktranslate count count=var|length %}There is {{ count }} object. {% block a %} {% endblock %}{% endblocktranslate %}`, data: map[string]any{"var": []int{1, 2, 3}}, err: "'blocktranslate' doesn't allow other block tags inside it"},
		// test_template_tags_pgettext
		{name: "pgettext-nonexistent", lang: "de", src: `{% load i18n %}{% blocktranslate context "nonexistent" %}May{% endblocktranslate %}`, want: "May"},
		{name: "pgettext-month", lang: "de", src: `{% load i18n %}{% blocktranslate context "month name" %}May{% endblocktranslate %}`, want: "Mai"},
		{name: "pgettext-verb", lang: "de", src: `{% load i18n %}{% blocktranslate context "verb" %}May{% endblocktranslate %}`, want: "Kann"},
		{name: "pgettext-var-month", lang: "de", src: `{% load i18n %}{% blocktranslate context message_context %}May{% endblocktranslate %}`, data: map[string]any{"message_context": "month name"}, want: "Mai"},
		{name: "pgettext-var-verb", lang: "de", src: `{% load i18n %}{% blocktranslate context message_context %}May{% endblocktranslate %}`, data: map[string]any{"message_context": "verb"}, want: "Kann"},
		{name: "pgettext-filter-month", lang: "de", src: `{% load i18n %}{% blocktranslate context message_context|lower %}May{% endblocktranslate %}`, data: map[string]any{"message_context": "MONTH NAME"}, want: "Mai"},
		{name: "pgettext-filter-verb", lang: "de", src: `{% load i18n %}{% blocktranslate context message_context|lower %}May{% endblocktranslate %}`, data: map[string]any{"message_context": "VERB"}, want: "Kann"},
		{name: "pgettext-count-1", lang: "de", src: `{% load i18n %}{% blocktranslate count number=1 context "super search" %}{{ number }} super result{% plural %}{{ number }} super results{% endblocktranslate %}`, want: "1 Super-Ergebnis"},
		{name: "pgettext-count-2", lang: "de", src: `{% load i18n %}{% blocktranslate count number=2 context "super search" %}{{ number }} super result{% plural %}{{ number }} super results{% endblocktranslate %}`, want: "2 Super-Ergebnisse"},
		{name: "pgettext-context-count-1", lang: "de", src: `{% load i18n %}{% blocktranslate context "other super search" count number=1 %}{{ number }} super result{% plural %}{{ number }} super results{% endblocktranslate %}`, want: "1 anderen Super-Ergebnis"},
		{name: "pgettext-context-count-2", lang: "de", src: `{% load i18n %}{% blocktranslate context "other super search" count number=2 %}{{ number }} super result{% plural %}{{ number }} super results{% endblocktranslate %}`, want: "2 andere Super-Ergebnisse"},
		{name: "pgettext-with", lang: "de", src: `{% load i18n %}{% blocktranslate with num_comments=5 context "comment count" %}There are {{ num_comments }} comments{% endblocktranslate %}`, want: "Es gibt 5 Kommentare"},
		{name: "pgettext-with-other", lang: "de", src: `{% load i18n %}{% blocktranslate with num_comments=5 context "other comment count" %}There are {{ num_comments }} comments{% endblocktranslate %}`, want: "Andere: Es gibt 5 Kommentare"},
		{name: "trimmed", lang: "de", src: "{% load i18n %}{% blocktranslate trimmed %}\n\nThere\n\t are 5  \n\n   comments\n{% endblocktranslate %}", want: "There are 5 comments"},
		{name: "trimmed-context", lang: "de", src: "{% load i18n %}{% blocktranslate with num_comments=5 context \"comment count\" trimmed %}\n\nThere are  \t\n  \t {{ num_comments }} comments\n\n{% endblocktranslate %}", want: "Es gibt 5 Kommentare"},
		{name: "trimmed-count", lang: "de", src: "{% load i18n %}{% blocktranslate context \"other super search\" count number=2 trimmed %}\n{{ number }} super \n result{% plural %}{{ number }} super results{% endblocktranslate %}", want: "2 andere Super-Ergebnisse"},
		{name: "misuse-context-with", lang: "de", src: `{% load i18n %}{% blocktranslate context with month="May" %}{{ month }}{% endblocktranslate %}`, err: `Unknown argument for 'blocktranslate' tag: 'month="May"'.`},
		{name: "misuse-context-missing", lang: "de", src: `{% load i18n %}{% blocktranslate context %}{% endblocktranslate %}`, err: `"context" in 'blocktranslate' tag expected exactly one argument.`},
		{name: "misuse-count-context-missing", lang: "de", src: `{% load i18n %}{% blocktranslate count number=2 context %}{{ number }} super result{% plural %}{{ number }} super results{% endblocktranslate %}`, err: `"context" in 'blocktranslate' tag expected exactly one argument.`},
		// test_bad_placeholder_1 and _2: a catalog error falls back to the
		// untranslated message.
		{name: "bad-placeholder-1", lang: "fr", src: `{% load i18n %}{% blocktranslate %}My name is {{ person }}.{% endblocktranslate %}`, data: map[string]any{"person": "James"}, want: "My name is James."},
		{name: "bad-placeholder-2", lang: "fr", src: `{% load i18n %}{% blocktranslate %}My other name is {{ person }}.{% endblocktranslate %}`, data: map[string]any{"person": "James"}, want: "My other name is James."},
		// MultipleLocaleActivation
		{name: "single-locale", lang: "fr", src: `{% load i18n %}{% blocktranslate %}Yes{% endblocktranslate %}`, want: "Oui"},
		{name: "multiple-locale", lang: "nl", src: `{% load i18n %}{% blocktranslate %}No{% endblocktranslate %}`, want: "Nee"},
		// MiscTests
		{name: "percent-sing", lang: "de", src: `{% load i18n %}{% blocktranslate %}The result was {{ percent }}%{% endblocktranslate %}`, data: map[string]any{"percent": 42}, want: "Das Ergebnis war 42%"},
		{name: "percent-plur-1", lang: "de", src: `{% load i18n %}{% blocktranslate count num as number %}{{ percent }}% represents {{ num }} object{% plural %}{{ percent }}% represents {{ num }} objects{% endblocktranslate %}`, data: map[string]any{"percent": 42, "num": 1}, want: "42% stellt 1 Objekt dar"},
		{name: "percent-plur-4", lang: "de", src: `{% load i18n %}{% blocktranslate count num as number %}{{ percent }}% represents {{ num }} object{% plural %}{{ percent }}% represents {{ num }} objects{% endblocktranslate %}`, data: map[string]any{"percent": 42, "num": 4}, want: "42% stellt 4 Objekte dar"},
		{name: "percent-formatting-sing", lang: "de", src: `{% load i18n %}{% blocktranslate %}There are %(num_comments)s comments{% endblocktranslate %}`, data: map[string]any{"num_comments": 42}, want: "There are %(num_comments)s comments"},
		{name: "percent-formatting-plur-1", lang: "de", src: `{% load i18n %}{% blocktranslate count num as number %}%(percent)s% represents {{ num }} object{% plural %}%(percent)s% represents {{ num }} objects{% endblocktranslate %}`, data: map[string]any{"percent": 42, "num": 1}, want: "%(percent)s% represents 1 object"},
		{name: "percent-formatting-plur-4", lang: "de", src: `{% load i18n %}{% blocktranslate count num as number %}%(percent)s% represents {{ num }} object{% plural %}%(percent)s% represents {{ num }} objects{% endblocktranslate %}`, data: map[string]any{"percent": 42, "num": 4}, want: "%(percent)s% represents 4 objects"},
		// runnel additions.
		{name: "comment-inside", src: `{% load i18n %}{% blocktranslate %}a{# c #}b{% endblocktranslate %}`, err: "'blocktranslate' doesn't allow other block tags (seen 'c') inside it"},
		{name: "plural-without-count", src: `{% load i18n %}{% blocktranslate %}a{% plural %}b{% endblocktranslate %}`, err: "'blocktranslate' doesn't allow other block tags (seen 'plural') inside it"},
		{name: "count-without-plural", src: `{% load i18n %}{% blocktranslate count n=1 %}a{% endblocktranslate %}`, err: "'blocktranslate' doesn't allow other block tags inside it"},
		{name: "unknown-tag-inside", src: "{% load i18n %}{% blocktranslate %}\n  {% nope %}{% endblocktranslate %}", err: "t.html:2:3: 'blocktranslate' doesn't allow other block tags (seen 'nope') inside it"},
		{name: "unclosed", src: `{% load i18n %}{% blocktranslate %}abc`, err: "Unclosed tag on line 1: 'blocktranslate'"},
		{name: "unknown-option", src: `{% load i18n %}{% blocktranslate foo %}x{% endblocktranslate %}`, err: "Unknown argument for 'blocktranslate' tag: 'foo'."},
		{name: "no-dotted-lookup", src: `{% load i18n %}[{% blocktranslate %}{{ a.b }}{% endblocktranslate %}]`, data: map[string]any{"a": map[string]any{"b": 1}}, want: "[]"},
		{name: "strict", src: `{% load i18n %}{% blocktranslate %}{{ missing }}{% endblocktranslate %}`, opts: []runnel.Option{runnel.WithStrict()}, err: "undefined variable: missing"},
		{name: "with-scope", src: `{% load i18n %}{% blocktranslate with a=1 count n=2 %}{{ a }}{% plural %}{{ a }}/{{ n }}{% endblocktranslate %}[{{ a }}{{ n }}]`, want: "1/2[]"},
		{name: "count-bool", src: `{% load i18n %}{% blocktranslate count n=True %}one{% plural %}many{% endblocktranslate %}`, want: "one"},
		{name: "escaped-values-in-translation", lang: "de", src: `{% load i18n %}{% blocktranslate %}<b>{{ name }}</b>{% endblocktranslate %}`, data: map[string]any{"name": "<i>"}, want: "<b>&lt;i&gt;</b>!"},
		{name: "autoescape-off", src: `{% load i18n %}{% autoescape off %}{% blocktranslate %}{{ name }}{% endblocktranslate %}{% endautoescape %}`, data: map[string]any{"name": "<i>"}, want: "<i>"},
		{name: "type-error", lang: "fr", src: `{% load i18n %}{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}`, data: map[string]any{"name": "x"}, err: "%d format: a real number is required, not str"},
		{name: "value-not-called", src: `{% load i18n %}{% blocktranslate with v=f %}{{ v }}{% endblocktranslate %}`, data: map[string]any{"f": func() string { return "called" }}, want: "called"},
		{name: "duplicate-var", src: `{% load i18n %}{% blocktranslate %}{{ a }}{{ a }}{% endblocktranslate %}`, data: map[string]any{"a": "x"}, want: "xx"},
		{name: "multiline", src: "{% load i18n %}{% blocktranslate %}a\nb{% endblocktranslate %}|{% blocktranslate trimmed %} a \n b {% endblocktranslate %}", want: "a\nb|a b"},
	})
}

// TestLanguageTags ports Django's test_language.py,
// test_get_current_language*.py, test_get_available_languages.py,
// test_get_language_info*.py and test_filters.py.
func TestLanguageTags(t *testing.T) {
	runI18n(t, []i18nCase{
		{name: "language-no-arg", src: `{% load i18n %} {% language %} {% endlanguage %}`, err: "'language' takes one argument (language)"},
		{name: "language", src: `{% load i18n %}{% translate "Page not found" %}|{% language "de" %}{% translate "Page not found" %}{% get_current_language as l %}{{ l }}{% endlanguage %}|{% get_current_language as l %}{{ l }}`, want: "Page not found|Seite nicht gefundende|en-us"},
		{name: "language-nested", lang: "de", src: `{% load i18n %}{% language "fr" %}{% language lang %}{% translate "Page not found" %}{% endlanguage %}{% translate "Yes" %}{% endlanguage %}{% translate "No" %}`, data: map[string]any{"lang": "de"}, want: "Seite nicht gefundenOuiNein"},
		{name: "language-normalized", src: `{% load i18n %}{% language "DE_at" %}{% get_current_language as l %}{{ l }}{% endlanguage %}`, want: "de-at"},
		{name: "language-none", lang: "de", src: `{% load i18n %}{% language None %}{% translate "Page not found" %}[{% get_current_language as l %}{{ l }}]{% get_current_language_bidi as b %}{{ b }}{% endlanguage %}`, want: "Page not found[None]False"},
		{name: "language-blocktranslate", src: `{% load i18n %}{% language "de" %}{% blocktranslate %}Page not found{% endblocktranslate %}{% endlanguage %}`, want: "Seite nicht gefunden"},
		{name: "get-current-language-no-as", src: `{% load i18n %} {% get_current_language %}`, err: "'get_current_language' requires 'as variable' (got ['get_current_language'])"},
		{name: "get-current-language", lang: "fr", src: `{% load i18n %}{% get_current_language as LANGUAGE_CODE %}{{ LANGUAGE_CODE }}`, want: "fr"},
		{name: "get-current-language-default", src: `{% load i18n %}{% get_current_language as LANGUAGE_CODE %}{{ LANGUAGE_CODE }}`, want: "en-us"},
		{name: "get-current-language-bidi-no-as", src: `{% load i18n %} {% get_current_language_bidi %}`, err: "'get_current_language_bidi' requires 'as variable' (got ['get_current_language_bidi'])"},
		{name: "get-current-language-bidi", src: `{% load i18n %}{% get_current_language_bidi as b %}{{ b }}{% language "he" %}{% get_current_language_bidi as b %}{{ b }}{% endlanguage %}{% language "fa-ir" %}{% get_current_language_bidi as b %}{{ b }}{% endlanguage %}`, want: "FalseTrueTrue"},
		{name: "get-available-languages", lang: "de", src: `{% load i18n %}{% get_available_languages as langs %}{% for code, name in langs %}{{ code }}={{ name }};{% endfor %}`, want: "en=Englisch;"},
		{name: "i18n12", src: `{% load i18n %}{% get_available_languages as langs %}{% for lang in langs %}{% if lang.0 == "de" %}{{ lang.0 }}{% endif %}{% endfor %}`, opts: []runnel.Option{runnel.WithTranslator(listingTranslator{testTranslator})}, want: "de"},
		{name: "get-available-languages-lister", lang: "de", src: `{% load i18n %}{% get_available_languages as langs %}{% for lang in langs %}{{ lang.0 }}={{ lang.1 }};{% endfor %}`, opts: []runnel.Option{runnel.WithTranslator(listingTranslator{testTranslator})}, want: "de=Deutsch;en=Englisch;"},
		{name: "get-available-languages-no-as", src: `{% load i18n %}{% get_available_languages a langs %}`, err: "'get_available_languages' requires 'as variable' (got ['get_available_languages', 'a', 'langs'])"},
		{name: "i18n28_2", src: `{% load i18n %}{% get_language_info for "de" as l %}{{ l.code }}: {{ l.name }}/{{ l.name_local }} bidi={{ l.bidi }}`, want: "de: German/Deutsch bidi=False"},
		{name: "i18n29", src: `{% load i18n %}{% get_language_info for LANGUAGE_CODE as l %}{{ l.code }}: {{ l.name }}/{{ l.name_local }} bidi={{ l.bidi }}`, data: map[string]any{"LANGUAGE_CODE": "fi"}, want: "fi: Finnish/suomi bidi=False"},
		{name: "i18n38", lang: "cs", src: `{% load i18n %}{% get_language_info for "de"|lower as l %}{{ l.code }}: {{ l.name }}/{{ l.name_local }}/{{ l.name_translated }} bidi={{ l.bidi }}`, want: "de: German/Deutsch/německy bidi=False"},
		{name: "get-language-info-region", src: `{% load i18n %}{% get_language_info for "de-at" as l %}{{ l.code }}`, want: "de"},
		{name: "get-language-info-fallback", src: `{% load i18n %}{% get_language_info for "zh-cn" as l %}{{ l.code }} {{ l.name }}`, want: "zh-hans Simplified Chinese"},
		{name: "get-language-info-unknown", src: `{% load i18n %}{% get_language_info for "xx" as l %}`, err: "Unknown language code xx."},
		{name: "get-language-info-unknown-region", src: `{% load i18n %}{% get_language_info for "xx-yy" as l %}`, err: "Unknown language code xx-yy and xx."},
		{name: "get-language-info-syntax", src: `{% load i18n %}{% get_language_info "de" as l %}`, err: "'get_language_info' requires 'for string as variable' (got ['\"de\"', 'as', 'l'])"},
		{name: "i18n30", src: `{% load i18n %}{% get_language_info_list for langcodes as langs %}{% for l in langs %}{{ l.code }}: {{ l.name }}/{{ l.name_local }} bidi={{ l.bidi }}; {% endfor %}`, data: map[string]any{"langcodes": []string{"it", "no"}}, want: "it: Italian/italiano bidi=False; no: Norwegian/norsk bidi=False; "},
		{name: "i18n31", src: `{% load i18n %}{% get_language_info_list for langcodes as langs %}{% for l in langs %}{{ l.code }}: {{ l.name }}/{{ l.name_local }} bidi={{ l.bidi }}; {% endfor %}`, data: map[string]any{"langcodes": [][2]string{{"sl", "Slovenian"}, {"fa", "Persian"}}}, want: "sl: Slovenian/Slovenščina bidi=False; fa: Persian/فارسی bidi=True; "},
		{name: "i18n38_2", lang: "cs", src: `{% load i18n %}{% get_language_info_list for langcodes|slice:":2" as langs %}{% for l in langs %}{{ l.code }}: {{ l.name }}/{{ l.name_local }}/{{ l.name_translated }} bidi={{ l.bidi }}; {% endfor %}`, data: map[string]any{"langcodes": []string{"it", "fr"}}, want: "it: Italian/italiano/italsky bidi=False; fr: French/français/francouzsky bidi=False; "},
		{name: "get-language-info-list-syntax", src: `{% load i18n %}{% get_language_info_list for x %}`, err: "'get_language_info_list' requires 'for sequence as variable' (got ['for', 'x'])"},
		{name: "i18n32", src: `{% load i18n %}{{ "hu"|language_name }} {{ "hu"|language_name_local }} {{ "hu"|language_bidi }} {{ "hu"|language_name_translated }}`, want: "Hungarian Magyar False Hungarian"},
		{name: "i18n32-cs", lang: "cs", src: `{% load i18n %}{{ "hu"|language_name }} {{ "hu"|language_name_local }} {{ "hu"|language_bidi }} {{ "hu"|language_name_translated }}`, want: "Hungarian Magyar False maďarsky"},
		{name: "i18n33", src: `{% load i18n %}{{ langcode|language_name }} {{ langcode|language_name_local }} {{ langcode|language_bidi }} {{ langcode|language_name_translated }}`, data: map[string]any{"langcode": "nl"}, want: "Dutch Nederlands False Dutch"},
		{name: "i18n33-cs", lang: "cs", src: `{% load i18n %}{{ langcode|language_name }} {{ langcode|language_name_local }} {{ langcode|language_bidi }} {{ langcode|language_name_translated }}`, data: map[string]any{"langcode": "nl"}, want: "Dutch Nederlands False nizozemsky"},
		{name: "filter-unknown", src: `{% load i18n %}{{ "xx"|language_name }}`, err: "Unknown language code xx."},
	})
}

// TestUnderscoreSyntax ports Django's test_underscore_syntax.py: _("…")
// literals go through the translator in the render's language.
func TestUnderscoreSyntax(t *testing.T) {
	runI18n(t, []i18nCase{
		{name: "single-locale", lang: "fr", src: `{{ _('Yes') }}`, want: "Oui"},
		{name: "multiple-locale", lang: "nl", src: `{{ _('No') }}`, want: "Nee"},
		{name: "multiple-locale-loadi18n", lang: "nl", src: `{% load i18n %}{{ _('No') }}`, want: "Nee"},
		{name: "i18n13", lang: "de", src: `{{ _("Password") }}`, want: "Passwort"},
		{name: "i18n15", lang: "de", src: `{{ absent|default:_("Password") }}`, data: map[string]any{"absent": ""}, want: "Passwort"},
		{name: "i18n16", lang: "de", src: `{{ _("<") }}`, want: "<"},
		{name: "language-tag", src: `{% load i18n %}{% language "de" %}{{ _("Password") }}{% endlanguage %}`, want: "Passwort"},
		// Django doubles "%" for the lookup and does not undo it here.
		{name: "percent", lang: "de", src: `{{ _("100% sure") }}`, want: "100%% sicher"},
	})
}

// TestNoTranslator checks the identity behaviour without a translator.
func TestNoTranslator(t *testing.T) {
	run(t, []tagtest.Case{
		{Name: "translate", Src: `{% load i18n %}{% translate "Page not found" context "x" %}{{ _("a") }}`, Want: "Page not founda"},
		{Name: "plural", Src: `{% load i18n %}{% blocktranslate count n=k %}{{ n }} item{% plural %}{{ n }} items{% endblocktranslate %}`, Data: map[string]any{"k": 3}, Want: "3 items"},
		{Name: "language", Src: `{% load i18n %}{% language "de" %}{% translate "Page not found" %}{% get_current_language as l %}{{ l }}{% endlanguage %}`, Want: "Page not foundde"},
		{Name: "count-float", Src: `{% load i18n %}{% blocktranslate count n=1.0 %}one{% plural %}many{% endblocktranslate %}{% blocktranslate count n=1.5 %}one{% plural %}many{% endblocktranslate %}`, Want: "onemany"},
		{Name: "available", Src: `{% load i18n %}{% get_available_languages as langs %}{{ langs.0.0 }}:{{ langs.0.1 }}`, Want: "en:English"},
	})
}

// TestInvalidString ports invalidstr07 of Django's test_invalid_string.py:
// an undefined placeholder renders as string_if_invalid.
func TestInvalidString(t *testing.T) {
	const src = "{% load i18n %}{% blocktranslate %}{{ var }}{% endblocktranslate %}"
	run(t, []tagtest.Case{
		{Name: "invalidstr07", Src: src, Want: ""},
		{Name: "invalidstr07/INVALID", Src: src, Opts: []runnel.Option{runnel.WithStringIfInvalid("INVALID")}, Want: "INVALID"},
	})
}

// TestTrimWhitespace checks Django's trim_whitespace.
func TestTrimWhitespace(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"  a  ":             "a",
		"a  b":              "a  b",
		"a \n b":            "a b",
		"\n\nThere\n\t are": "There are",
		"a\u00a0\n\u2003b":  "a b",
		"a\tb\n":            "a\tb",
	} {
		if got := pystr.TrimWhitespace(in); got != want {
			t.Errorf("trimWhitespace(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPercentFormat checks Python's %-formatting with a dict.
func TestPercentFormat(t *testing.T) {
	d := &formatData{keys: []string{"a", "b(c)"}, vals: []string{"x", "yy"}}
	for _, tc := range []struct {
		in, want string
		err      bool
		recover  bool
	}{
		{in: "plain", want: "plain"},
		{in: "%(a)s-%(b(c))s 100%%", want: "x-yy 100%"},
		{in: "[%(a)5s|%(a)-3s|%(b(c)).1s]", want: "[    x|x  |y]"},
		{in: "%(a)r", want: "'x'"},
		{in: "%s", want: "{'a': 'x', 'b(c)': 'yy'}"},
		{in: "%s %s", err: true},
		{in: "%(z)s", err: true, recover: true},
		{in: "%(a)", err: true, recover: true},
		{in: "%(a)y", err: true, recover: true},
		{in: "%(a", err: true, recover: true},
		{in: "50%", err: true, recover: true},
		{in: "%(a)d", err: true},
	} {
		got, err := percentFormat(tc.in, d)
		if tc.err {
			fe, ok := err.(*formatError)
			if !ok || fe.recoverable != tc.recover {
				t.Errorf("percentFormat(%q): got %q, %v; want error (recoverable %v)", tc.in, got, err, tc.recover)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("percentFormat(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// run runs template cases with the i18n library registered and no
// translator.
func run(t *testing.T, cases []tagtest.Case) {
	t.Helper()
	tagtest.Run(t, cases, runnel.WithLibrary("i18n", Library()))
}
