package dateformat_test

import (
	"testing"
	"time"

	"github.com/runnelhq/runnel/internal/dateformat"
)

// TestTimeSince ports Django's tests of timesince and timeuntil
// (tests/utils_tests/test_timesince.py and the filter tests).
func TestTimeSince(t *testing.T) {
	const (
		minute = time.Minute
		hour   = time.Hour
		day    = 24 * hour
		week   = 7 * day
		month  = 31 * day
		year   = 366 * day
	)
	for _, zone := range []string{"UTC", "America/Chicago", "Europe/Paris"} {
		loc := loadZone(t, zone)
		base := time.Date(2007, 8, 14, 13, 46, 0, 0, loc)
		tests := []struct {
			now  time.Time
			want string
		}{
			{base, "0\u00a0minutes"},
			{base.Add(time.Microsecond), "0\u00a0minutes"},
			{base.Add(time.Second), "0\u00a0minutes"},
			{base.Add(minute), "1\u00a0minute"},
			{base.Add(hour), "1\u00a0hour"},
			{base.Add(day), "1\u00a0day"},
			{base.Add(week), "1\u00a0week"},
			{base.Add(month), "1\u00a0month"},
			{base.Add(year), "1\u00a0year"},
			{base.Add(2*day + 6*hour), "2\u00a0days, 6\u00a0hours"},
			{base.Add(2*week + 2*day), "2\u00a0weeks, 2\u00a0days"},
			{base.Add(2*week + 3*hour + 4*minute), "2\u00a0weeks"},
			{base.Add(4*day + 5*minute), "4\u00a0days"},
			{base.Add(-time.Microsecond), "0\u00a0minutes"},
			{base.Add(-time.Second), "0\u00a0minutes"},
			{base.Add(-minute), "0\u00a0minutes"},
			{base.Add(-hour), "0\u00a0minutes"},
			{base.Add(-day), "0\u00a0minutes"},
			{base.Add(-week), "0\u00a0minutes"},
			{base.Add(-month), "0\u00a0minutes"},
			{base.Add(-year), "0\u00a0minutes"},
			{base.Add(-2*day - 6*hour), "0\u00a0minutes"},
			{base.Add(-2*week - 2*day), "0\u00a0minutes"},
			{base.Add(-4*day - 5*minute), "0\u00a0minutes"},
		}
		for _, tc := range tests {
			if got := dateformat.Since(base, tc.now, false, 2); got != tc.want {
				t.Errorf("%s: timesince(%v, %v) = %q, want %q", zone, base, tc.now, got, tc.want)
			}
		}

		thousandAgo := base.AddDate(-1000, 0, 0)
		if got := dateformat.Since(thousandAgo, base, false, 2); got != "1000\u00a0years" {
			t.Errorf("%s: thousand years ago = %q", zone, got)
		}
		if got := dateformat.Since(base, thousandAgo, true, 2); got != "1000\u00a0years" {
			t.Errorf("%s: thousand years until = %q", zone, got)
		}

		deep := base.Add(year + month + week + day + hour)
		depths := []struct {
			now   time.Time
			depth int
			want  string
		}{
			{deep, 1, "1\u00a0year"},
			{deep, 2, "1\u00a0year, 1\u00a0month"},
			{deep, 3, "1\u00a0year, 1\u00a0month, 1\u00a0week"},
			{deep, 4, "1\u00a0year, 1\u00a0month, 1\u00a0week, 1\u00a0day"},
			{deep, 5, "1\u00a0year, 1\u00a0month, 1\u00a0week, 1\u00a0day, 1\u00a0hour"},
			{deep, 6, "1\u00a0year, 1\u00a0month, 1\u00a0week, 1\u00a0day, 1\u00a0hour"},
			{base.Add(hour), 5, "1\u00a0hour"},
			{base.Add(4 * minute), 3, "4\u00a0minutes"},
			{base.Add(hour + minute), 1, "1\u00a0hour"},
			{base.Add(day + hour), 1, "1\u00a0day"},
			{base.Add(week + day), 1, "1\u00a0week"},
			{base.Add(month + week), 1, "1\u00a0month"},
			{base.Add(year + month), 1, "1\u00a0year"},
			{base.Add(year + week + day), 3, "1\u00a0year"},
		}
		for _, tc := range depths {
			if got := dateformat.Since(base, tc.now, false, tc.depth); got != tc.want {
				t.Errorf("%s: depth %d timesince = %q, want %q", zone, tc.depth, got, tc.want)
			}
			if got := dateformat.Since(tc.now, base, true, tc.depth); got != tc.want {
				t.Errorf("%s: depth %d timeuntil = %q, want %q", zone, tc.depth, got, tc.want)
			}
		}
		if got := dateformat.Since(base, base, false, 0); got != "" {
			t.Errorf("depth 0 = %q, want empty (Django raises ValueError)", got)
		}
	}
}

// TestTimeSinceCalendar covers Django's calendar arithmetic for months and
// years (test_months_edge and the docstring's examples).
func TestTimeSinceCalendar(t *testing.T) {
	d := func(y, m, day int) time.Time { return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
	start := d(2022, 1, 1)
	edges := []struct {
		now  time.Time
		want string
	}{
		{d(2022, 1, 31), "4\u00a0weeks, 2\u00a0days"},
		{d(2022, 2, 1), "1\u00a0month"},
		{d(2022, 2, 28), "1\u00a0month, 3\u00a0weeks"},
		{d(2022, 3, 1), "2\u00a0months"},
		{d(2022, 3, 31), "2\u00a0months, 4\u00a0weeks"},
		{d(2022, 4, 1), "3\u00a0months"},
		{d(2022, 4, 30), "3\u00a0months, 4\u00a0weeks"},
		{d(2022, 5, 1), "4\u00a0months"},
		{d(2022, 5, 31), "4\u00a0months, 4\u00a0weeks"},
		{d(2022, 6, 1), "5\u00a0months"},
		{d(2022, 6, 30), "5\u00a0months, 4\u00a0weeks"},
		{d(2022, 7, 1), "6\u00a0months"},
		{d(2022, 7, 31), "6\u00a0months, 4\u00a0weeks"},
		{d(2022, 8, 1), "7\u00a0months"},
		{d(2022, 8, 31), "7\u00a0months, 4\u00a0weeks"},
		{d(2022, 9, 1), "8\u00a0months"},
		{d(2022, 9, 30), "8\u00a0months, 4\u00a0weeks"},
		{d(2022, 10, 1), "9\u00a0months"},
		{d(2022, 10, 31), "9\u00a0months, 4\u00a0weeks"},
		{d(2022, 11, 1), "10\u00a0months"},
		{d(2022, 11, 30), "10\u00a0months, 4\u00a0weeks"},
		{d(2022, 12, 1), "11\u00a0months"},
		{d(2022, 12, 31), "11\u00a0months, 4\u00a0weeks"},
	}
	for _, tc := range edges {
		if got := dateformat.Since(start, tc.now, false, 2); got != tc.want {
			t.Errorf("timesince(2022-01-01, %v) = %q, want %q", tc.now.Format("2006-01-02"), got, tc.want)
		}
	}
	tests := []struct {
		d, now time.Time
		want   string
	}{
		{d(2013, 2, 10), d(2014, 3, 10), "1\u00a0year, 1\u00a0month"},
		{d(2007, 8, 10), d(2008, 9, 10), "1\u00a0year, 1\u00a0month"},
		{d(2016, 12, 25), d(2017, 1, 1), "1\u00a0week"},
		{d(2024, 2, 29), d(2025, 2, 28), "1\u00a0year"},
		{d(2024, 1, 31), d(2024, 2, 29), "1\u00a0month"},
		{d(2024, 1, 31), d(2024, 3, 1), "1\u00a0month"},
		{d(2005, 12, 29), d(2005, 12, 30), "1\u00a0day"},
		{time.Date(2022, 1, 10, 12, 0, 0, 0, time.UTC), time.Date(2022, 2, 10, 11, 0, 0, 0, time.UTC), "4\u00a0weeks, 2\u00a0days"},
		{time.Date(2022, 1, 10, 12, 0, 0, 0, time.UTC), time.Date(2022, 2, 10, 12, 0, 0, 0, time.UTC), "1\u00a0month"},
		{time.Date(2007, 8, 14, 13, 46, 0, 0, time.UTC), time.Date(2007, 8, 14, 15, 11, 10, 0, time.UTC), "1\u00a0hour, 25\u00a0minutes"},
	}
	for _, tc := range tests {
		if got := dateformat.Since(tc.d, tc.now, false, 2); got != tc.want {
			t.Errorf("timesince(%v, %v) = %q, want %q", tc.d, tc.now, got, tc.want)
		}
		if got := dateformat.Since(tc.now, tc.d, true, 2); got != tc.want {
			t.Errorf("timeuntil(%v, %v) = %q, want %q", tc.now, tc.d, got, tc.want)
		}
	}
}

// TestTimeSinceZones covers differing time zones and daylight saving time
// transitions, as Django's zoneinfo tests do.
func TestTimeSinceZones(t *testing.T) {
	berlin := loadZone(t, "Europe/Berlin")
	kathmandu := loadZone(t, "Asia/Kathmandu")
	paris := loadZone(t, "Europe/Paris")

	// Fall back: 02:55 CEST, then 02:05 CET ten minutes later.
	start := time.Date(2024, 10, 27, 0, 55, 0, 0, time.UTC).In(berlin)
	if got := dateformat.Since(start, start.Add(10*time.Minute), false, 2); got != "10\u00a0minutes" {
		t.Errorf("across fall back = %q", got)
	}
	if got := dateformat.Since(start, time.Date(2024, 10, 27, 3, 5, 0, 0, berlin), false, 2); got != "1\u00a0hour, 10\u00a0minutes" {
		t.Errorf("across fall back, 70 minutes = %q", got)
	}
	earlier := time.Date(2024, 10, 27, 0, 5, 0, 0, time.UTC).In(berlin) // 02:05 CEST
	later := time.Date(2024, 10, 27, 1, 5, 0, 0, time.UTC).In(berlin)   // 02:05 CET
	if got := dateformat.Since(earlier, later, false, 2); got != "1\u00a0hour" {
		t.Errorf("same wall time, different fold = %q", got)
	}
	if got := dateformat.Since(later, earlier, true, 2); got != "1\u00a0hour" {
		t.Errorf("timeuntil same wall time = %q", got)
	}
	// Spring forward: 01:55 CET to 03:05 CEST is ten minutes.
	spring := time.Date(2025, 3, 30, 1, 55, 0, 0, berlin)
	if got := dateformat.Since(spring, time.Date(2025, 3, 30, 3, 5, 0, 0, berlin), false, 2); got != "10\u00a0minutes" {
		t.Errorf("across spring forward = %q", got)
	}

	// Less than a day across midnight, with now given in UTC.
	now := time.Date(2023, 4, 14, 1, 30, 30, 0, kathmandu)
	nowUTC := now.UTC()
	for _, tc := range []struct {
		d    time.Time
		want string
	}{
		{now, "0\u00a0minutes"},
		{now.Add(-time.Microsecond), "0\u00a0minutes"},
		{now.Add(-time.Second), "0\u00a0minutes"},
		{now.Add(-time.Minute), "1\u00a0minute"},
		{now.Add(-time.Hour), "1\u00a0hour"},
	} {
		if got := dateformat.Since(tc.d, nowUTC, false, 2); got != tc.want {
			t.Errorf("kathmandu %v = %q, want %q", tc.d, got, tc.want)
		}
	}

	// The same instant in different zones.
	x := time.Date(2024, 6, 1, 12, 0, 0, 0, paris)
	xi := x.In(time.FixedZone("+0315", 195*60))
	for _, pair := range [][2]time.Time{{x, xi}, {xi, x}} {
		if got := dateformat.Since(pair[0], pair[1], false, 2); got != "0\u00a0minutes" {
			t.Errorf("same instant timesince = %q", got)
		}
		if got := dateformat.Since(pair[0], pair[1], true, 2); got != "0\u00a0minutes" {
			t.Errorf("same instant timeuntil = %q", got)
		}
	}
	if got := dateformat.Since(x.Add(-8*time.Hour), x, false, 2); got != "8\u00a0hours" {
		t.Errorf("timesince06 = %q", got)
	}

	// The month pivot lands on a repeated wall time (02:30 on 2024-10-27 in
	// Paris): Python's fold=0 takes the first, so a full seven months have
	// passed by 02:57 CEST.
	d := time.Date(2024, 3, 27, 2, 30, 30, 0, paris)
	if got := dateformat.Since(d, time.Date(2024, 10, 27, 0, 57, 9, 0, time.UTC), false, 3); got != "7\u00a0months" {
		t.Errorf("pivot on repeated hour = %q", got)
	}
	// And on a skipped one (02:30 on 2024-03-31 does not exist in Paris):
	// Python reads it with the offset before the gap, 01:30 UTC, which is
	// still ahead of now.
	d = time.Date(2024, 1, 31, 2, 30, 0, 0, paris)
	if got := dateformat.Since(d, time.Date(2024, 3, 31, 1, 20, 0, 0, time.UTC), false, 6); got != "1\u00a0month, 4\u00a0weeks, 3\u00a0days, 23\u00a0hours, 50\u00a0minutes" {
		t.Errorf("pivot on skipped hour = %q", got)
	}
}

// TestTimeSinceFilterCases ports the timesince and timeuntil filter tests that
// compare two given times.
func TestTimeSinceFilterCases(t *testing.T) {
	now := time.Date(2024, 5, 6, 10, 11, 12, 131415000, loadZone(t, "America/Chicago"))
	day := 24 * time.Hour
	tests := []struct {
		a, b     time.Time
		reversed bool
		want     string
	}{
		{now.Add(-2 * day), now.Add(-day), false, "1\u00a0day"},                    // timesince04
		{now.Add(-2*day - time.Minute), now.Add(-2 * day), false, "1\u00a0minute"}, // timesince05
		{now.Add(-7 * day), now, false, "1\u00a0week"},                             // timesince08
		{now.Add(7 * day), now, false, "0\u00a0minutes"},                           // timesince10
		{now.Add(-day), now.Add(-2 * day), true, "1\u00a0day"},                     // timeuntil04
		{now.Add(-2 * day), now.Add(-2*day - time.Minute), true, "1\u00a0minute"},  // timeuntil05
		{now.Add(-7 * day), now, true, "0\u00a0minutes"},                           // timeuntil07
		{now.Add(7 * day), now, true, "1\u00a0week"},                               // timeuntil09
		{now.Add(7*day + time.Hour), now, true, "1\u00a0week"},                     // timeuntil08
		{now.Add(2*time.Minute + 10*time.Second), now, true, "2\u00a0minutes"},     // timeuntil01
		{now.Add(8*time.Hour + 10*time.Minute + 10*time.Second), now, true, "8\u00a0hours, 10\u00a0minutes"},
	}
	for _, tc := range tests {
		if got := dateformat.Since(tc.a, tc.b, tc.reversed, 2); got != tc.want {
			t.Errorf("dateformat.Since(%v, %v, %v) = %q, want %q", tc.a, tc.b, tc.reversed, got, tc.want)
		}
	}
}

// BenchmarkTimeSince measures timesince over a span with months.
func BenchmarkTimeSince(b *testing.B) {
	d := time.Date(2007, 8, 14, 13, 46, 0, 0, time.UTC)
	now := d.AddDate(1, 2, 3).Add(5 * time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		dateformat.Since(d, now, false, 2)
	}
}
