package tz

import (
	"strings"
	"testing"
	"time"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/templatetags/internal/tagtest"
)

// isoLib is a test library with the filter iso: the value displayed the way
// {{ value }} displays times (converted with template_localtime), in
// Python's isoformat, standing in for Django's DATETIME_FORMAT="c" in
// tests/timezones.
func isoLib() *runnel.Library {
	return runnel.NewLibrary().Filter("iso", func(r *runnel.Renderer, in any) any {
		if t, ok := in.(time.Time); ok {
			return r.Localtime(t).Format("2006-01-02T15:04:05-07:00")
		}
		return in
	})
}

// mustZone loads a zone, skipping the test when the system lacks it.
func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("time zone %s not available: %v", name, err)
	}
	return loc
}

// TestLocaltimeTagAndFilters ports test_localtime_templatetag_and_filters
// from Django's tests/timezones/tests.py.
func TestLocaltimeTagAndFilters(t *testing.T) {
	nairobi := mustZone(t, "Africa/Nairobi")
	eat := time.FixedZone("EAT", 3*3600)
	ict := time.FixedZone("ICT", 7*3600)
	datetimes := map[string]time.Time{
		"utc": time.Date(2011, 9, 1, 10, 20, 30, 0, time.UTC),
		"eat": time.Date(2011, 9, 1, 13, 20, 30, 0, eat),
		"ict": time.Date(2011, 9, 1, 17, 20, 30, 0, ict),
	}
	const cols = "{{ dt|iso }}|{{ dt|localtime|iso }}|{{ dt|utc|iso }}|{{ dt|timezone:ICT|iso }}"
	templates := map[string]string{
		"notag": "{% load tz tzt %}" + cols,
		"noarg": "{% load tz tzt %}{% localtime %}" + cols + "{% endlocaltime %}",
		"on":    "{% load tz tzt %}{% localtime on %}" + cols + "{% endlocaltime %}",
		"off":   "{% load tz tzt %}{% localtime off %}" + cols + "{% endlocaltime %}",
	}
	iso := func(t time.Time) string { return t.Format("2006-01-02T15:04:05-07:00") }
	for _, useTZ := range []bool{true, false} {
		opts := []runnel.Option{runnel.WithLibrary("tzt", isoLib())}
		cur := time.Local // Django's default time zone when USE_TZ is off
		if useTZ {
			opts = append(opts, runnel.WithTimeZone(nairobi))
			cur = nairobi
		}
		var cases []tagtest.Case
		for k1, dt := range datetimes {
			for k2, src := range templates {
				first := dt.In(cur)
				if k2 == "off" || (k2 == "notag" && !useTZ) {
					first = dt
				}
				want := strings.Join([]string{iso(first), iso(dt.In(cur)), iso(dt.In(time.UTC)), iso(dt.In(ict))}, "|")
				name := k1 + "/" + k2
				if !useTZ {
					name += "/use_tz=false"
				}
				cases = append(cases, tagtest.Case{Name: name, Src: src, Data: map[string]any{"dt": dt, "ICT": ict}, Want: want, Opts: opts})
			}
		}
		run(t, cases)
	}
	// The table above spelled out for USE_TZ=True, as Django writes it.
	e := "2011-09-01T13:20:30+03:00"
	u := "2011-09-01T10:20:30+00:00"
	i := "2011-09-01T17:20:30+07:00"
	opts := []runnel.Option{runnel.WithLibrary("tzt", isoLib()), runnel.WithTimeZone(nairobi)}
	run(t, []tagtest.Case{
		{Name: "utc/notag", Src: templates["notag"], Data: map[string]any{"dt": datetimes["utc"], "ICT": ict}, Opts: opts, Want: e + "|" + e + "|" + u + "|" + i},
		{Name: "utc/off", Src: templates["off"], Data: map[string]any{"dt": datetimes["utc"], "ICT": ict}, Opts: opts, Want: u + "|" + e + "|" + u + "|" + i},
		{Name: "ict/off", Src: templates["off"], Data: map[string]any{"dt": datetimes["ict"], "ICT": ict}, Opts: opts, Want: i + "|" + e + "|" + u + "|" + i},
	})
}

// TestTimezoneFiltersAndTags ports the other template tests of Django's
// tests/timezones/tests.py.
func TestTimezoneFiltersAndTags(t *testing.T) {
	nairobi := mustZone(t, "Africa/Nairobi")
	paris := mustZone(t, "Europe/Paris")
	eat := time.FixedZone("EAT", 3*3600)
	ict := time.FixedZone("ICT", 7*3600)
	lib := runnel.WithLibrary("tzt", isoLib())
	tzOpts := []runnel.Option{lib, runnel.WithTimeZone(nairobi)}
	utcDT := time.Date(2011, 9, 1, 10, 20, 30, 0, time.UTC)
	run(t, []tagtest.Case{
		// test_localtime_filters_with_iana
		{Name: "iana-localtime", Src: "{% load tz tzt %}{{ dt|localtime|iso }}|{{ dt|utc|iso }}", Data: map[string]any{"dt": utcDT}, Opts: []runnel.Option{lib, runnel.WithTimeZone(paris)}, Want: "2011-09-01T12:20:30+02:00|2011-09-01T10:20:30+00:00"},
		{Name: "iana-timezone-arg", Src: "{% load tz tzt %}{{ dt|timezone:tz|iso }}", Data: map[string]any{"dt": time.Date(2011, 9, 1, 13, 20, 30, 0, eat), "tz": paris}, Opts: tzOpts, Want: "2011-09-01T12:20:30+02:00"},
		{Name: "iana-timezone-name", Src: `{% load tz tzt %}{{ dt|timezone:"Europe/Paris"|iso }}`, Data: map[string]any{"dt": utcDT}, Opts: tzOpts, Want: "2011-09-01T12:20:30+02:00"},
		// test_localtime_templatetag_invalid_argument
		{Name: "localtime-invalid", Src: "{% load tz %}{% localtime foo %}{% endlocaltime %}", Err: "'localtime' argument should be 'on' or 'off'"},
		{Name: "localtime-too-many", Src: "{% load tz %}{% localtime on off %}{% endlocaltime %}", Err: "'localtime' argument should be 'on' or 'off'"},
		// test_localtime_filters_do_not_raise_exceptions
		{Name: "bad-value-none", Src: "{% load tz %}{{ dt }}|{{ dt|localtime }}|{{ dt|utc }}|{{ dt|timezone:tz }}", Data: map[string]any{"dt": nil, "tz": ict}, Opts: tzOpts, Want: "None|||"},
		{Name: "bad-value-string", Src: "{% load tz %}{{ dt }}|{{ dt|localtime }}|{{ dt|utc }}|{{ dt|timezone:tz }}", Data: map[string]any{"dt": "not a date", "tz": ict}, Opts: tzOpts, Want: "not a date|||"},
		{Name: "bad-tz-none", Src: "{% load tz %}{{ dt|timezone:tz }}", Data: map[string]any{"dt": utcDT, "tz": nil}, Opts: tzOpts, Want: ""},
		{Name: "bad-tz-name", Src: "{% load tz %}{{ dt|timezone:tz }}", Data: map[string]any{"dt": utcDT, "tz": "not a tz"}, Opts: tzOpts, Want: ""},
		{Name: "bad-tz-type", Src: "{% load tz %}{{ dt|timezone:tz }}", Data: map[string]any{"dt": utcDT, "tz": 5}, Opts: tzOpts, Want: ""},
		{Name: "timezone-filter-no-arg", Src: "{% load tz %}{{ dt|timezone }}", Err: "timezone requires 2 arguments, 1 provided"},
		// test_timezone_templatetag
		{Name: "timezone-tag", Src: "{% load tz tzt %}{{ dt|iso }}|{% timezone tz1 %}{{ dt|iso }}|{% timezone tz2 %}{{ dt|iso }}{% endtimezone %}{% endtimezone %}", Data: map[string]any{"dt": utcDT, "tz1": ict, "tz2": nil}, Opts: tzOpts, Want: "2011-09-01T13:20:30+03:00|2011-09-01T17:20:30+07:00|2011-09-01T13:20:30+03:00"},
		// test_timezone_templatetag_with_iana
		{Name: "timezone-tag-iana", Src: "{% load tz tzt %}{% timezone tz %}{{ dt|iso }}{% endtimezone %}", Data: map[string]any{"dt": time.Date(2011, 9, 1, 13, 20, 30, 0, eat), "tz": paris}, Opts: tzOpts, Want: "2011-09-01T12:20:30+02:00"},
		{Name: "timezone-tag-iana-name", Src: "{% load tz tzt %}{% timezone tz %}{{ dt|iso }}{% endtimezone %}", Data: map[string]any{"dt": time.Date(2011, 9, 1, 13, 20, 30, 0, eat), "tz": "Europe/Paris"}, Opts: tzOpts, Want: "2011-09-01T12:20:30+02:00"},
		// test_timezone_templatetag_invalid_argument
		{Name: "timezone-tag-no-arg", Src: "{% load tz %}{% timezone %}{% endtimezone %}", Err: "'timezone' takes one argument (timezone)"},
		{Name: "timezone-tag-unknown", Src: `{% load tz %}{% timezone "foobar" %}{% endtimezone %}`, Err: "No time zone found with key foobar"},
		{Name: "timezone-tag-bad-type", Src: `{% load tz %}{% timezone 5 %}{% endtimezone %}`, Err: "Invalid timezone: 5"},
		// test_get_current_timezone_templatetag
		{Name: "get-current-timezone", Src: "{% load tz %}{% get_current_timezone as time_zone %}{{ time_zone }}", Opts: tzOpts, Want: "Africa/Nairobi"},
		{Name: "get-current-timezone-utc", Src: "{% load tz %}{% get_current_timezone as time_zone %}{{ time_zone }}", Opts: []runnel.Option{runnel.WithTimeZone(time.UTC)}, Want: "UTC"},
		{Name: "get-current-timezone-fixed", Src: "{% load tz %}{% timezone tz %}{% get_current_timezone as time_zone %}{% endtimezone %}{{ time_zone }}", Data: map[string]any{"tz": time.FixedZone("", 7*3600)}, Opts: tzOpts, Want: "+0700"},
		{Name: "get-current-timezone-fixed-negative", Src: "{% load tz %}{% timezone tz %}{% get_current_timezone as time_zone %}{% endtimezone %}{{ time_zone }}", Data: map[string]any{"tz": time.FixedZone("", -(3*3600 + 30*60))}, Want: "-0330"},
		// test_get_current_timezone_templatetag_with_iana
		{Name: "get-current-timezone-iana", Src: "{% load tz %}{% timezone 'Europe/Paris' %}{% get_current_timezone as time_zone %}{% endtimezone %}{{ time_zone }}", Want: "Europe/Paris"},
		// test_get_current_timezone_templatetag_invalid_argument
		{Name: "get-current-timezone-no-as", Src: "{% load tz %}{% get_current_timezone %}", Err: "'get_current_timezone' requires 'as variable' (got ['get_current_timezone'])"},
		// runnel additions.
		{Name: "default-zone-is-local", Src: "{% load tz %}{% get_current_timezone as z %}{{ z }}", Want: time.Local.String()},
		{Name: "timezone-tag-without-use-tz", Src: "{% load tz tzt %}{% timezone tz %}{{ dt|iso }}|{{ dt|localtime|iso }}{% endtimezone %}", Data: map[string]any{"dt": utcDT, "tz": ict}, Opts: []runnel.Option{lib}, Want: "2011-09-01T10:20:30+00:00|2011-09-01T17:20:30+07:00"},
		{Name: "localtime-on-without-use-tz", Src: "{% load tz tzt %}{% timezone tz %}{% localtime on %}{{ dt|iso }}{% endlocaltime %}{% endtimezone %}", Data: map[string]any{"dt": utcDT, "tz": ict}, Opts: []runnel.Option{lib}, Want: "2011-09-01T17:20:30+07:00"},
		{Name: "converted-stays-converted", Src: "{% load tz tzt %}{% timezone 'Asia/Tokyo' %}{{ dt|utc|iso }}|{{ dt|timezone:'Europe/Paris'|iso }}|{{ dt|iso }}{% endtimezone %}", Data: map[string]any{"dt": utcDT}, Opts: tzOpts, Want: "2011-09-01T10:20:30+00:00|2011-09-01T12:20:30+02:00|2011-09-01T19:20:30+09:00"},
		{Name: "localtime-filter-in-timezone", Src: "{% load tz tzt %}{% timezone tz %}{{ dt|localtime|iso }}{% endtimezone %}{{ dt|localtime|iso }}", Data: map[string]any{"dt": utcDT, "tz": ict}, Opts: tzOpts, Want: "2011-09-01T17:20:30+07:00" + "2011-09-01T13:20:30+03:00"},
		{Name: "pointer-time", Src: "{% load tz tzt %}{{ dt|utc|iso }}", Data: map[string]any{"dt": &utcDT}, Opts: tzOpts, Want: "2011-09-01T10:20:30+00:00"},
		{Name: "filters-not-loaded", Src: "{{ dt|utc }}", Err: "Invalid filter: 'utc'"},
	})
}

// run runs template cases with the tz library registered.
func run(t *testing.T, cases []tagtest.Case) {
	t.Helper()
	tagtest.Run(t, cases, runnel.WithLibrary("tz", Library()))
}
