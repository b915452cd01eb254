package humanize

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/templatetags/internal/tagtest"
)

var now = time.Date(2012, 3, 9, 22, 30, 0, 0, time.UTC)

func lib() runnel.Option {
	return runnel.WithLibrary("humanize", Library(Options{Now: func() time.Time { return now }}))
}

// each renders filter over every value, joined by "|".
func each(t *testing.T, filter string, in []any, want []string) {
	t.Helper()
	tagtest.Run(t, []tagtest.Case{{
		Name: filter,
		Src:  `{% load humanize %}{% for v in in %}{{ v|` + filter + ` }}{% if not forloop.last %}|{% endif %}{% endfor %}`,
		Data: map[string]any{"in": in},
		Want: strings.Join(want, "|"),
	}}, lib())
}

// The cases of Django's humanize_tests.
func TestOrdinal(t *testing.T) {
	each(t, "ordinal",
		[]any{"1", "2", "3", "4", "11", "12", "13", "101", "102", "103", "111", "something else", nil, -1, 1.9, true},
		[]string{"1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "101st", "102nd", "103rd", "111th", "something else", "None", "-1", "1st", "1st"})
}

func TestIntcomma(t *testing.T) {
	each(t, "intcomma",
		[]any{100, 1000, 10123, 10311, 1000000, 1234567.25, "100", "1000", "10123", "10311", "1000000", "1234567.1234567", -100, -1000, "-1234567.1234567", nil, "foo", 1e20, int64(-9223372036854775808)},
		[]string{"100", "1,000", "10,123", "10,311", "1,000,000", "1,234,567.25", "100", "1,000", "10,123", "10,311", "1,000,000", "1,234,567.1234567", "-100", "-1,000", "-1,234,567.1234567", "None", "foo", "100,000,000,000,000,000,000", "-9,223,372,036,854,775,808"})
	tagtest.Run(t, []tagtest.Case{{Name: "no l10n", Src: `{% load humanize %}{{ 1234567|intcomma:False }} {{ "x1000"|intcomma }}`, Want: "1,234,567 x1000"}}, lib())
	each(t, "intcomma",
		[]any{runnel.MustDecimal("1234567.1234567"), runnel.MustDecimal("-1234567.1234567"), runnel.MustDecimal("1E+3"), runnel.MustDecimal("100.10")},
		[]string{"1,234,567.1234567", "-1,234,567.1234567", "1,000", "100.10"})
}

func TestIntword(t *testing.T) {
	each(t, "intword",
		[]any{"100", "1000000", "1200000", "1290000", "1000000000", "2000000000", "6000000000000", "1300000000000000", "3500000000000000000000", "8100000000000000000000000000000000", "1" + strings.Repeat("0", 100), "1" + strings.Repeat("0", 104), nil, "-1000000", "-1290000", 999999, 999_950_000},
		[]string{"100", "1.0 million", "1.2 million", "1.3 million", "1.0 billion", "2.0 billion", "6.0 trillion", "1.3 quadrillion", "3.5 sextillion", "8.1 decillion", "1.0 googol", "1" + strings.Repeat("0", 104), "None", "-1.0 million", "-1.3 million", "999999", "1000.0 million"})
}

func TestApnumber(t *testing.T) {
	each(t, "apnumber",
		[]any{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "7", 0, -1, "something else", nil},
		[]string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "10", "seven", "0", "-1", "something else", "None"})
}

func TestNaturalday(t *testing.T) {
	today := now.Add(-2 * time.Hour)
	each(t, "naturalday",
		[]any{today, today.AddDate(0, 0, 1), today.AddDate(0, 0, -1), today.AddDate(0, 0, -2), "foo", nil},
		[]string{"today", "tomorrow", "yesterday", "March 7, 2012", "foo", "None"})
	tagtest.Run(t, []tagtest.Case{{Name: "format", Src: `{% load humanize %}{{ d|naturalday:"Y-m-d" }}`, Data: map[string]any{"d": today.AddDate(0, 0, 5)}, Want: "2012-03-14"}}, lib())
	// A date (runnel.Date) is compared with today where the render runs.
	day := runnel.DateOf(now.In(time.Local))
	next := runnel.DateOf(now.In(time.Local).AddDate(0, 0, 1))
	tagtest.Run(t, []tagtest.Case{{Name: "date", Src: `{% load humanize %}{{ d|naturalday }} {{ n|naturalday }} {{ o|naturalday }} [{{ o|naturalday:"H" }}]`,
		Data: map[string]any{"d": day, "n": next, "o": runnel.Date{Year: 2000, Month: 1, Day: 1}}, Want: "today tomorrow Jan. 1, 2000 []"}}, lib())
}

func TestNaturaltime(t *testing.T) {
	d := func(s string) time.Time {
		dur, err := time.ParseDuration(s)
		if err != nil {
			t.Fatal(err)
		}
		return now.Add(dur)
	}
	each(t, "naturaltime",
		[]any{now, d("-1s"), d("-30s"), d("-1m30s"), d("-2m"), d("-1h30m"), d("-23h50m50s"), d("-24h"), d("-25h"), now.AddDate(-1, -4, 0),
			d("1s"), d("30s"), d("1m30s"), d("2m"), d("1h30m"), d("23h50m50s"), d("24h"), d("49h"), now.AddDate(1, 4, 0), "foo", nil},
		[]string{"now", "a second ago", "30\u00a0seconds ago", "a minute ago", "2\u00a0minutes ago", "an hour ago", "23\u00a0hours ago", "1\u00a0day ago", "1\u00a0day, 1\u00a0hour ago", "1\u00a0year, 4\u00a0months ago",
			"a second from now", "30\u00a0seconds from now", "a minute from now", "2\u00a0minutes from now", "an hour from now", "23\u00a0hours from now", "1\u00a0day from now", "2\u00a0days, 1\u00a0hour from now", "1\u00a0year, 4\u00a0months from now", "foo", "None"})
}

// german translates a few of humanize's messages, as a catalog would.
type german struct{}

func (german) Gettext(_ context.Context, id string) string {
	return map[string]string{"today": "heute", "three": "drei", "%(delta)s ago": "vor %(delta)s"}[id]
}
func (german) NGettext(_ context.Context, s, p string, n int) string {
	if s == "%(value)s million" {
		return "%(value)s Millionen"
	}
	if n == 1 {
		return s
	}
	return p
}
func (german) PGettext(_ context.Context, c, id string) string {
	if c == "ordinal 0" {
		return "{}."
	}
	return id
}
func (german) NPGettext(_ context.Context, c, s, p string, n int) string {
	if c == "naturaltime-past" && s == "%(num)d day" {
		if n == 1 {
			return "%(num)d Tag"
		}
		return "%(num)d Tagen"
	}
	return p
}

// The words go through the engine's translator, with Django's message ids
// and contexts.
func TestTranslated(t *testing.T) {
	tagtest.Run(t, []tagtest.Case{{
		Name: "de",
		Src:  `{% load humanize %}{{ d|naturalday }} {{ 3|apnumber }} {{ 2000000|intword }} {{ 4|ordinal }} {{ p|naturaltime }}`,
		Data: map[string]any{"d": now, "p": now.Add(-72 * time.Hour)},
		Want: "heute drei 2.0 Millionen 4. vor 3\u00a0Tagen",
	}}, lib(), runnel.WithTranslator(german{}))
}
