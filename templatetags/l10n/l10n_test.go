package l10n

import (
	"testing"
	"time"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/templatetags/internal/tagtest"
)

// TestL10n covers the l10n library. Django's own test
// (tests/i18n/tests.py, test_localize_templatetag_and_filter) uses the de
// locale with USE_THOUSAND_SEPARATOR; with runnel's en locale, localized
// and unlocalized output coincide.
func TestL10n(t *testing.T) {
	lib := runnel.WithLibrary("tzt", runnel.NewLibrary().Filter("use_l10n", func(r *runnel.Renderer, _ any) bool { return r.UseL10n() }))
	dt := time.Date(2016, 12, 31, 0, 0, 0, 0, time.UTC)
	data := map[string]any{"int": 1455, "float": 3.14, "date": dt}
	run(t, []tagtest.Case{
		{Name: "unlocalize", Src: "{% load l10n %}{{ int|unlocalize }}/{{ float|unlocalize }}/{{ date|unlocalize }}", Data: data, Want: "1455/3.14/Dec. 31, 2016, midnight"},
		{Name: "localize", Src: "{% load l10n %}{{ int|localize }}/{{ float|localize }}/{{ date|localize }}", Data: data, Want: "1455/3.14/Dec. 31, 2016, midnight"},
		{Name: "localize-tag", Src: "{% load l10n %}{% localize %}{{ int }}/{{ float }}{% endlocalize %}; {% localize on %}{{ int }}/{{ float }}{% endlocalize %}; {% localize off %}{{ int }}/{{ float }}{% endlocalize %}", Data: data, Want: "1455/3.14; 1455/3.14; 1455/3.14"},
		{Name: "localize-tag-state", Src: "{% load l10n tzt %}{{ 0|use_l10n }}{% localize off %}{{ 0|use_l10n }}{% localize %}{{ 0|use_l10n }}{% endlocalize %}{{ 0|use_l10n }}{% endlocalize %}{{ 0|use_l10n }}", Opts: []runnel.Option{lib}, Want: "TrueFalseTrueFalseTrue"},
		{Name: "localize-invalid", Src: "{% load l10n %}{% localize foo %}{% endlocalize %}", Err: "'localize' argument should be 'on' or 'off'"},
		{Name: "localize-too-many", Src: "{% load l10n %}{% localize on off %}{% endlocalize %}", Err: "'localize' argument should be 'on' or 'off'"},
		{Name: "unclosed", Src: "{% load l10n %}{% localize %}", Err: "Unclosed tag on line 1: 'localize'. Looking for one of: endlocalize."},
		{Name: "float-exponent", Src: "{% load l10n %}{{ a|localize }} {{ b|unlocalize }} {{ c|localize }} {{ d|localize }} {{ e|localize }}", Data: map[string]any{"a": 1e20, "b": -1.5e-7, "c": 1.5e16, "d": 1e-300, "e": 123.0}, Want: "100000000000000000000 -1.5e-07 15000000000000000 1e-300 123.0"},
		{Name: "special-floats", Src: "{% load l10n %}{{ a|localize }}", Data: map[string]any{"a": []any{}}, Want: "[]"},
		{Name: "bool", Src: "{% load l10n %}{{ True|localize }} {{ False|unlocalize }}", Want: "True False"},
		{Name: "none", Src: "{% load l10n %}{{ None|localize }}", Want: "None"},
		{Name: "string-escaped", Src: "{% load l10n %}{{ s|localize }}{{ s|unlocalize }}", Data: map[string]any{"s": "<b>"}, Want: "&lt;b&gt;&lt;b&gt;"},
		{Name: "safe-string-kept", Src: `{% load l10n %}{{ "<b>"|localize }}{{ s|unlocalize }}`, Data: map[string]any{"s": runnel.MarkSafe("<i>")}, Want: "<b><i>"},
		{Name: "other-number-types", Src: "{% load l10n %}{{ a|localize }} {{ b|localize }} {{ c|localize }}", Data: map[string]any{"a": uint8(7), "b": float32(0.1), "c": int64(-3)}, Want: "7 0.1 -3"},
		{Name: "values", Src: "{% load l10n %}{{ d|localize }}|{{ day|localize }}|{{ c|localize }}|{{ n|unlocalize }}", Data: map[string]any{"d": runnel.MustDecimal("1E+3"), "day": runnel.Date{Year: 2000, Month: 1, Day: 1}, "c": runnel.TimeOfDay{Hour: 12, Minute: 30}, "n": runnel.Naive(dt)}, Want: "1000|Jan. 1, 2000|12:30 p.m.|Dec. 31, 2016, midnight"},
		{Name: "not-loaded", Src: "{{ 1|localize }}", Err: "Invalid filter: 'localize'"},
	})
}

// run runs template cases with the l10n library registered.
func run(t *testing.T, cases []tagtest.Case) {
	t.Helper()
	tagtest.Run(t, cases, runnel.WithLibrary("l10n", Library()))
}
