package runnel_test

import (
	"context"
	"testing"
	"time"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/templatetags/humanize"
	"github.com/runnelhq/runnel/templatetags/l10n"
)

// catalog is a Translator with a few of Django's catalogs' messages, by
// language: "ctxt\x04msgid" for the messages with a context.
type catalog map[string]map[string]string

func (c catalog) lookup(ctx context.Context, key, msg string) string {
	if s, ok := c[runnel.LanguageFrom(ctx)][key]; ok {
		return s
	}
	return msg
}
func (c catalog) Gettext(ctx context.Context, msg string) string { return c.lookup(ctx, msg, msg) }
func (c catalog) NGettext(ctx context.Context, s, p string, n int) string {
	if n == 1 {
		return c.lookup(ctx, s, s)
	}
	return c.lookup(ctx, p, p)
}
func (c catalog) PGettext(ctx context.Context, msgctxt, msg string) string {
	return c.lookup(ctx, msgctxt+"\x04"+msg, msg)
}
func (c catalog) NPGettext(ctx context.Context, msgctxt, s, p string, n int) string {
	return c.NGettext(ctx, s, p, n)
}

// djangoCatalog holds the translations the ported tests need, as Django's
// catalogs have them.
var djangoCatalog = catalog{
	"ca":    {"December": "desembre", "alt. month\x04December": "de desembre", "alt. month\x04April": "d'abril"},
	"es-us": {"December": "diciembre"},
	"de":    {"December": "Dezember", "abbrev. month\x04Dec.": "Dez.", "midnight": "Mitternacht", "Thursday": "Donnerstag", "dec": "dez", "Thu": "Do"},
	"ru":    {"alt. month\x04December": "декабря", "December": "Декабрь"},
	"pt-br": {"December": "Dezembro"},
}

// fixed is the clock of the tests: Django's FormattingTests' datetime
// (2009-12-31 20:50).
var fixed = time.Date(2009, 12, 31, 20, 50, 0, 0, time.UTC)

// l10nCase is a template rendered in a language with settings.
type l10nCase struct {
	lang string
	set  runnel.Settings
	src  string
	want string
}

// l10nData is the context of Django's FormattingTests: n is a Decimal
// there (66666.666), here a float with the same text.
var l10nData = map[string]any{
	"n":  66666.666,
	"f":  99999.999,
	"l":  10000,
	"d":  time.Date(2009, 12, 31, 0, 0, 0, 0, time.UTC),
	"dt": fixed,
	"t":  time.Date(1, 1, 1, 10, 15, 48, 0, time.UTC),
	"a1": time.Date(2009, 4, 1, 0, 0, 0, 0, time.UTC),
	"c":  color(1),
	"u":  uint32(1234567),
}

// color is an integer type with a String method.
type color int

func (color) String() string { return "Purple" }

func runL10n(t *testing.T, cases []l10nCase) {
	t.Helper()
	for _, c := range cases {
		eng := runnel.New(nil, runnel.WithSettings(c.set), runnel.WithTranslator(djangoCatalog),
			runnel.WithClock(func() time.Time { return fixed }),
			runnel.WithLibrary("l10n", l10n.Library()),
			runnel.WithLibrary("humanize", humanize.Library(humanize.Options{})))
		tmpl, err := eng.Parse("t.html", c.src)
		if err != nil {
			t.Errorf("%s %q: %v", c.lang, c.src, err)
			continue
		}
		ctx := context.Background()
		switch c.lang {
		case "":
		case "None":
			ctx = runnel.WithoutTranslation(ctx)
		default:
			ctx = runnel.WithLanguage(ctx, c.lang)
		}
		got, err := tmpl.RenderString(ctx, l10nData)
		if err != nil || got != c.want {
			t.Errorf("%s %+v %q = %q, %v; want %q", c.lang, c.set, c.src, got, err, c.want)
		}
	}
}

var thousands = runnel.Settings{UseThousandSeparator: true}

// TestLocaleFormatsDjango ports tests/i18n/tests.py FormattingTests
// (test_l10n_enabled, test_sub_locales, test_localized_language): the
// Catalan, English, German sub-locale and Spanish sub-locale formats.
func TestLocaleFormatsDjango(t *testing.T) {
	runL10n(t, []l10nCase{
		// Catalan.
		{"ca", runnel.Settings{}, `{{ d|date }}`, "31 de desembre de 2009"},
		{"ca", runnel.Settings{}, `{{ a1|date }}`, "1 d&#x27;abril de 2009"}, // escaped, as the date filter is not safe
		{"ca", runnel.Settings{}, `{{ d|date:"YEAR_MONTH_FORMAT" }}`, "desembre del 2009"},
		{"ca", runnel.Settings{}, `{{ dt|date:"SHORT_DATETIME_FORMAT" }}`, "31/12/2009 20:50"},
		{"ca", runnel.Settings{}, `{{ t|time }}`, "10:15"},
		{"ca", runnel.Settings{}, `{{ dt|date:"DATE_FORMAT" }}|{{ dt|date:"FIRST_DAY_OF_WEEK" }}|{{ dt|date:"DECIMAL_SEPARATOR" }}`, "31 de desembre de 2009|1|,"},
		{"ca", thousands, `{{ n }} {{ f }} {{ l }} {{ True }}`, "66.666,666 99.999,999 10.000 True"},
		{"ca", thousands, `{% load l10n %}{{ n|localize }} {{ f|localize }} {{ l|localize }}`, "66.666,666 99.999,999 10.000"},
		{"ca", runnel.Settings{}, `{{ n }} {{ f }} {{ l }}`, "66666,666 99999,999 10000"},
		{"ca", runnel.Settings{}, `{{ dt }}`, "31 de desembre de 2009 a les 20:50"},
		{"ca", runnel.Settings{}, `{{ n|floatformat:2 }} {{ f|floatformat }}`, "66666,67 100000,0"},
		{"ca", runnel.Settings{}, `{{ n|floatformat:"2g" }} {{ f|floatformat:"g" }}`, "66.666,67 100.000,0"},
		{"ca", runnel.Settings{}, `{{ t|time:"TIME_FORMAT" }}`, "10:15"},
		{"ca", runnel.Settings{}, `{{ d|date:"SHORT_DATE_FORMAT" }}`, "31/12/2009"},
		{"ca", runnel.Settings{}, `{% now "DATE_FORMAT" %}`, "31 de desembre de 2009"},
		{"ca", runnel.Settings{}, `{% load l10n %}{{ "No localizable"|localize }}`, "No localizable"},
		// English.
		{"en", runnel.Settings{}, `{{ d|date }}`, "Dec. 31, 2009"},
		{"en", runnel.Settings{}, `{{ d|date:"YEAR_MONTH_FORMAT" }}`, "December 2009"},
		{"en", runnel.Settings{}, `{{ dt|date:"SHORT_DATETIME_FORMAT" }}`, "12/31/2009 8:50 p.m."},
		{"en", thousands, `{{ n }} {{ f }} {{ l }}`, "66,666.666 99,999.999 10,000"},
		{"en", runnel.Settings{}, `{{ n }} {{ f }} {{ l }}`, "66666.666 99999.999 10000"},
		{"en", runnel.Settings{}, `{{ dt }}`, "Dec. 31, 2009, 8:50 p.m."},
		{"en-us", thousands, `{{ n }} {{ dt|date:"DATE_FORMAT" }}`, "66,666.666 Dec. 31, 2009"},
		{"", runnel.Settings{}, `{{ n }} {{ f|floatformat:"g" }} {{ dt }}`, "66666.666 100,000.0 Dec. 31, 2009, 8:50 p.m."},
		// Sub-locales fall back to the main locale.
		{"de-at", thousands, `{{ n }}`, "66.666,666"},
		{"es-us", runnel.Settings{}, `{{ d|date }}`, "31 de diciembre de 2009"},
		// Russian (E is the genitive month), Brazilian Portuguese.
		{"ru", runnel.Settings{}, `{{ d|date }}`, "31 декабря 2009 г."},
		{"ru", runnel.Settings{}, `{{ d|date:"YEAR_MONTH_FORMAT" }}`, "Декабрь 2009 г."},
		{"ru", thousands, `{{ n }}`, "66\u00a0666,666"},
		{"pt-br", runnel.Settings{}, `{{ d|date }} {{ n }}`, "31 de Dezembro de 2009 66666,666"},
		// A language whose locale lacks a setting uses the settings':
		// hi has no DATETIME_FORMAT.
		{"hi", runnel.Settings{}, `{{ dt }}|{{ d|date }}`, "Dec. 31, 2009, 8:50 p.m.|31 December 2009"},
		{"hi", runnel.Settings{DatetimeFormat: "Y-m-d H:i"}, `{{ dt }}`, "2009-12-31 20:50"},
		// Unknown languages and translation deactivated use the settings.
		{"xx", runnel.Settings{DateFormat: "d.m.Y", DecimalSeparator: ","}, `{{ d|date }} {{ n }}`, "31.12.2009 66666,666"},
		{"None", runnel.Settings{}, `{{ d|date }} {{ n }}`, "Dec. 31, 2009 66666.666"},
	})
}

// TestLocalizeTagAndFilter ports test_localize_templatetag_and_filter
// (German, USE_THOUSAND_SEPARATOR): {% localize off %} and |unlocalize fall
// back to the settings. Django's test displays a date (DATE_FORMAT); runnel
// has only times, displayed with DATETIME_FORMAT.
func TestLocalizeTagAndFilter(t *testing.T) {
	data := map[string]any{"int": 1455, "float": 3.14, "date": time.Date(2016, 12, 31, 0, 0, 0, 0, time.UTC)}
	loc := "1.455/3,14/31. Dezember 2016 00:00"
	unloc := "1455/3.14/Dez. 31, 2016, Mitternacht"
	for _, c := range []struct{ src, want string }{
		{"{% load l10n %}{% localize %}{{ int }}/{{ float }}/{{ date }}{% endlocalize %}; {% localize on %}{{ int }}/{{ float }}/{{ date }}{% endlocalize %}", loc + "; " + loc},
		{"{% load l10n %}{{ int }}/{{ float }}/{{ date }}; {% localize off %}{{ int }}/{{ float }}/{{ date }};{% endlocalize %} {{ int }}/{{ float }}/{{ date }}", loc + "; " + unloc + "; " + loc},
		{"{% load l10n %}{{ int }}/{{ float }}/{{ date }}; {{ int|unlocalize }}/{{ float|unlocalize }}/{{ date|unlocalize }}", loc + "; " + unloc},
		{"{% load l10n %}{{ int|localize }}/{{ float|localize }}/{{ date|localize }}", loc},
		// The date filter localizes whatever {% localize %} says.
		{`{% load l10n %}{% localize off %}{{ date|date }} {{ float|floatformat:2 }}{% endlocalize %}`, "31. Dezember 2016 3,14"},
	} {
		eng := runnel.New(nil, runnel.WithSettings(thousands), runnel.WithTranslator(djangoCatalog),
			runnel.WithLibrary("l10n", l10n.Library()))
		tmpl, err := eng.Parse("t.html", c.src)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tmpl.RenderString(runnel.WithLanguage(context.Background(), "de"), data)
		if err != nil || got != c.want {
			t.Errorf("%q = %q, %v; want %q", c.src, got, err, c.want)
		}
	}
}

// TestFloatformatL10n ports filter_tests/test_floatformat.py
// test_force_grouping and test_unlocalize.
func TestFloatformatL10n(t *testing.T) {
	bang := runnel.Settings{UseThousandSeparator: true, NumberGrouping: []int{3}, ThousandSeparator: "!"}
	runL10n(t, []l10nCase{
		{"en", runnel.Settings{}, `{{ 10000|floatformat:"g" }} {{ n|floatformat:"1g" }} {{ 10000|floatformat:"g2" }}`, "10,000 66,666.7 10000"},
		{"de", runnel.Settings{}, `{{ 10000|floatformat:"g" }} {{ n|floatformat:"1g" }} {{ 10000|floatformat:"g2" }}`, "10.000 66.666,7 10000"},
		{"de", runnel.Settings{}, `{{ n|floatformat:"2" }} {{ n|floatformat:"2u" }}`, "66666,67 66666.67"},
		{"de", bang, `{{ n|floatformat:"2gu" }} {{ n|floatformat:"2ug" }}`, "66!666.67 66!666.67"},
		{"de", runnel.Settings{}, `{{ n|floatformat:"u2" }}`, "66666.666"},
		// USE_THOUSAND_SEPARATOR groups localized floatformat without "g".
		{"de", thousands, `{{ n|floatformat:"2" }}`, "66.666,67"},
		// filesizeformat writes its number with the decimal separator.
		{"de", runnel.Settings{}, `{{ 1024|filesizeformat }} {{ 10|filesizeformat }}`, "1,0\u00a0KB 10\u00a0bytes"},
	})
}

// TestLocaleFormatsSequenceGrouping: a NUMBER_GROUPING sequence (the
// settings' docs' en_IN example), used where localization is off.
func TestLocaleFormatsSequenceGrouping(t *testing.T) {
	lakh := runnel.Settings{NumberGrouping: []int{3, 2, 0}}
	runL10n(t, []l10nCase{
		{"xx", lakh, `{{ 10000000|floatformat:"g" }} {{ 1234567.5|floatformat:"1gu" }}`, "1,00,00,000 12,34,567.5"},
		{"xx", runnel.Settings{UseThousandSeparator: true, NumberGrouping: []int{3, 2, 0}}, `{{ 10000000 }}`, "1,00,00,000"},
		// An integer type with a String method is not grouped.
		{"en", thousands, `{{ c }} {{ u }}`, "Purple 1,234,567"},
	})
}

// TestDateNamesTranslated: month and weekday names of the date format
// characters go through the translator with Django's message ids.
func TestDateNamesTranslated(t *testing.T) {
	runL10n(t, []l10nCase{
		{"de", runnel.Settings{}, `{{ dt|date:"l, j. F Y, N" }}`, "Donnerstag, 31. Dezember 2009, Dez."},
		{"de", runnel.Settings{}, `{{ dt|date:"M b D" }}`, "Dez dez Do"},
		{"de", runnel.Settings{}, `{{ dt|date:"r" }}`, "Thu, 31 Dec 2009 20:50:00 +0000"},
	})
}

// TestUrlizeAssumeHTTPS ports test_urlize's URLIZE_ASSUME_HTTPS cases.
func TestUrlizeAssumeHTTPS(t *testing.T) {
	runL10n(t, []l10nCase{
		{"", runnel.Settings{}, `{{ "djangoproject.com"|urlize }}`, `<a href="http://djangoproject.com" rel="nofollow">djangoproject.com</a>`},
		{"", runnel.Settings{URLizeAssumeHTTPS: true}, `{{ "djangoproject.com"|urlize }}`, `<a href="https://djangoproject.com" rel="nofollow">djangoproject.com</a>`},
		{"", runnel.Settings{URLizeAssumeHTTPS: true}, `{{ "www.djangoproject.com"|urlizetrunc:10 }}`, `<a href="https://www.djangoproject.com" rel="nofollow">www.djang…</a>`},
		{"", runnel.Settings{URLizeAssumeHTTPS: true}, `{{ "http://djangoproject.com"|urlize }}`, `<a href="http://djangoproject.com" rel="nofollow">http://djangoproject.com</a>`},
	})
}

// TestClock: {% now %}, timesince, timeuntil and humanize's naturaltime and
// naturalday read the engine's clock (WithClock).
func TestClock(t *testing.T) {
	data := map[string]any{"past": fixed.Add(-26 * time.Hour), "soon": fixed.Add(90 * time.Second), "ago": fixed.Add(-30 * time.Second),
		"before": fixed.Add(-72 * time.Hour)}
	eng := runnel.New(nil, runnel.WithClock(func() time.Time { return fixed }), runnel.WithTranslator(djangoCatalog),
		runnel.WithLibrary("humanize", humanize.Library(humanize.Options{})))
	for _, c := range []struct{ lang, src, want string }{
		{"en", `{% now "j n Y" %}|{% now "DATE_FORMAT" as x %}{{ x }}`, "31 12 2009|Dec. 31, 2009"},
		{"en", `{{ past|timesince }}|{{ soon|timeuntil }}`, "1\u00a0day, 2\u00a0hours|1\u00a0minute"},
		{"en", `{% load humanize %}{{ ago|naturaltime }}|{{ past|naturalday }}|{{ before|naturalday }}`, "30\u00a0seconds ago|yesterday|Dec. 28, 2009"},
		{"de", `{% load humanize %}{{ before|naturalday }}|{{ 4500|intcomma }}|{{ 45000.5|intcomma }}|{{ 4500|intcomma:False }}|{{ 1200000|intword }}`, "28. Dezember 2009|4.500|45.000,5|4,500|1,2 million"},
	} {
		tmpl, err := eng.Parse("t.html", c.src)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tmpl.RenderString(runnel.WithLanguage(context.Background(), c.lang), data)
		if err != nil || got != c.want {
			t.Errorf("%s %q = %q, %v; want %q", c.lang, c.src, got, err, c.want)
		}
	}
}

// TestLocaleFormatsConcurrent renders in several languages at once on one
// engine (its cache of language settings is shared).
func TestLocaleFormatsConcurrent(t *testing.T) {
	eng := runnel.New(nil, runnel.WithSettings(thousands))
	tmpl, err := eng.Parse("t.html", `{{ n }}`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"de": "66.666,666", "en": "66,666.666", "fr": "66\u00a0666,666", "ru": "66\u00a0666,666", "ja": "66666.666"} // ja has no NUMBER_GROUPING: the setting's 0
	done := make(chan string, 50)
	for i := 0; i < 50; i++ {
		go func(i int) {
			for lang, w := range want {
				got, err := tmpl.RenderString(runnel.WithLanguage(context.Background(), lang), l10nData)
				if err != nil || got != w {
					done <- lang + ": " + got
					return
				}
			}
			done <- ""
		}(i)
	}
	for i := 0; i < 50; i++ {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}

// TestLocalizedValueTypes: Decimal, Date, TimeOfDay and NaiveDateTime
// display with the language's formats, as Django's date, time and
// Decimal values do in Django's test_localize_templatetag_and_filter.
func TestLocalizedValueTypes(t *testing.T) {
	data := map[string]any{
		"dec":   runnel.MustDecimal("1234.50"),
		"date":  runnel.Date{Year: 2016, Month: 12, Day: 31},
		"time":  runnel.TimeOfDay{Hour: 20, Minute: 5},
		"naive": runnel.Naive(time.Date(2016, 12, 31, 20, 5, 0, 0, time.UTC)),
	}
	eng := runnel.New(nil, runnel.WithSettings(thousands), runnel.WithTranslator(djangoCatalog),
		runnel.WithLibrary("l10n", l10n.Library()))
	tmpl := eng.MustParse("t.html", "{% load l10n %}{{ dec }}|{{ date }}|{{ time }}|{{ naive }}|{{ dec|unlocalize }}|{{ date|unlocalize }}")
	got, err := tmpl.RenderString(runnel.WithLanguage(context.Background(), "de"), data)
	if want := "1.234,50|31. Dezember 2016|20:05|31. Dezember 2016 20:05|1234.50|Dez. 31, 2016"; err != nil || got != want {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
}
