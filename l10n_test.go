package runnel

import (
	"testing"
	"time"
)

// TestL10n covers the l10n library. Django's own test
// (tests/i18n/tests.py, test_localize_templatetag_and_filter) uses the de
// locale with USE_THOUSAND_SEPARATOR; with runnel's en locale, localized
// and unlocalized output coincide.
func TestL10n(t *testing.T) {
	lib := WithLibrary("tzt", NewLibrary().Filter("use_l10n", func(r *Renderer, _ any) bool { return r.s.useL10n() }))
	dt := time.Date(2016, 12, 31, 0, 0, 0, 0, time.UTC)
	data := map[string]any{"int": 1455, "float": 3.14, "date": dt}
	runCases(t, []tcase{
		{name: "unlocalize", src: "{% load l10n %}{{ int|unlocalize }}/{{ float|unlocalize }}/{{ date|unlocalize }}", data: data, want: "1455/3.14/Dec. 31, 2016, midnight"},
		{name: "localize", src: "{% load l10n %}{{ int|localize }}/{{ float|localize }}/{{ date|localize }}", data: data, want: "1455/3.14/Dec. 31, 2016, midnight"},
		{name: "localize-tag", src: "{% load l10n %}{% localize %}{{ int }}/{{ float }}{% endlocalize %}; {% localize on %}{{ int }}/{{ float }}{% endlocalize %}; {% localize off %}{{ int }}/{{ float }}{% endlocalize %}", data: data, want: "1455/3.14; 1455/3.14; 1455/3.14"},
		{name: "localize-tag-state", src: "{% load l10n tzt %}{{ 0|use_l10n }}{% localize off %}{{ 0|use_l10n }}{% localize %}{{ 0|use_l10n }}{% endlocalize %}{{ 0|use_l10n }}{% endlocalize %}{{ 0|use_l10n }}", opts: []Option{lib}, want: "TrueFalseTrueFalseTrue"},
		{name: "localize-invalid", src: "{% load l10n %}{% localize foo %}{% endlocalize %}", err: "'localize' argument should be 'on' or 'off'"},
		{name: "localize-too-many", src: "{% load l10n %}{% localize on off %}{% endlocalize %}", err: "'localize' argument should be 'on' or 'off'"},
		{name: "unclosed", src: "{% load l10n %}{% localize %}", err: "Unclosed tag on line 1: 'localize'. Looking for one of: endlocalize."},
		{name: "float-exponent", src: "{% load l10n %}{{ a|localize }} {{ b|unlocalize }} {{ c|localize }} {{ d|localize }} {{ e|localize }}", data: map[string]any{"a": 1e20, "b": -1.5e-7, "c": 1.5e16, "d": 1e-300, "e": 123.0}, want: "100000000000000000000 -0.00000015 15000000000000000 1e-300 123.0"},
		{name: "special-floats", src: "{% load l10n %}{{ a|localize }}", data: map[string]any{"a": []any{}}, want: "[]"},
		{name: "bool", src: "{% load l10n %}{{ True|localize }} {{ False|unlocalize }}", want: "True False"},
		{name: "none", src: "{% load l10n %}{{ None|localize }}", want: "None"},
		{name: "string-escaped", src: "{% load l10n %}{{ s|localize }}{{ s|unlocalize }}", data: map[string]any{"s": "<b>"}, want: "&lt;b&gt;&lt;b&gt;"},
		{name: "safe-string-kept", src: `{% load l10n %}{{ "<b>"|localize }}{{ s|unlocalize }}`, data: map[string]any{"s": MarkSafe("<i>")}, want: "<b><i>"},
		{name: "other-number-types", src: "{% load l10n %}{{ a|localize }} {{ b|localize }} {{ c|localize }}", data: map[string]any{"a": uint8(7), "b": float32(0.1), "c": int64(-3)}, want: "7 0.1 -3"},
		{name: "not-loaded", src: "{{ 1|localize }}", err: "Invalid filter: 'localize'"},
	})
}

// TestNumberFormatFloat checks Django's numberformat for floats.
func TestNumberFormatFloat(t *testing.T) {
	for in, want := range map[string]string{
		"1.5":       "1.5",
		"-0.0":      "-0.0",
		"inf":       "inf",
		"nan":       "nan",
		"1e+20":     "100000000000000000000",
		"1.25e+16":  "12500000000000000",
		"1e-05":     "0.00001",
		"-2.5e-07":  "-0.00000025",
		"1.5e+300":  "1.5e+300",
		"1e-300":    "1e-300",
		"1.234e+17": "123400000000000000",
	} {
		if got := numberFormatFloat(in); got != want {
			t.Errorf("numberFormatFloat(%q) = %q, want %q", in, got, want)
		}
	}
}
