package dateformat_test

import (
	"testing"
	"time"
	_ "time/tzdata" // the tests load named zones; keep them working without system tzdata

	"github.com/runnelhq/runnel/internal/dateformat"
)

// loadZone loads a named time zone for a test.
func loadZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// TestFormatDateDjango ports Django's tests of dateformat.format
// (tests/utils_tests/test_dateformat.py) and of the date filter. Django runs
// them with TIME_ZONE="Europe/Copenhagen", turning naive datetimes into
// Copenhagen times.
func TestFormatDateDjango(t *testing.T) {
	cph := loadZone(t, "Europe/Copenhagen")
	myBirthday := time.Date(1979, 7, 8, 22, 0, 0, 0, cph)
	timestamp := time.Date(2008, 5, 19, 11, 45, 23, 123456000, cph)
	summertime := time.Date(2005, 10, 30, 1, 0, 0, 0, cph)
	wintertime := time.Date(2005, 10, 30, 4, 0, 0, 0, cph)
	awareDT := time.Date(2009, 5, 16, 5, 30, 30, 0, time.FixedZone("-0330", -210*60))
	utc := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		t      time.Time
		format string
		want   string
	}{
		{"epoch U", utc, "U", "0"},
		{"empty literal", myBirthday, `\`, `\`},
		{"am pm", myBirthday, "a", "p.m."},
		{"microsecond", time.Date(2009, 5, 16, 0, 0, 0, 123000, cph), "u", "000123"},
		{"A", myBirthday, "A", "PM"},
		{"c naive-like", timestamp, "c", "2008-05-19T11:45:23.123456+02:00"},
		{"c aware", awareDT, "c", "2009-05-16T05:30:30-03:30"},
		{"d", myBirthday, "d", "08"},
		{"j", myBirthday, "j", "8"},
		{"l", myBirthday, "l", "Sunday"},
		{"L", myBirthday, "L", "False"},
		{"L leap", time.Date(2000, 1, 1, 0, 0, 0, 0, cph), "L", "True"},
		{"m", myBirthday, "m", "07"},
		{"M", myBirthday, "M", "Jul"},
		{"b", myBirthday, "b", "jul"},
		{"n", myBirthday, "n", "7"},
		{"N", myBirthday, "N", "July"},
		{"E", myBirthday, "E", "July"},
		{"F", myBirthday, "F", "July"},
		{"D", myBirthday, "D", "Sun"},
		{"P", myBirthday, "P", "10 p.m."},
		{"s", myBirthday, "s", "00"},
		{"S", myBirthday, "S", "th"},
		{"t", myBirthday, "t", "31"},
		{"w", myBirthday, "w", "0"},
		{"W", myBirthday, "W", "27"},
		{"y", myBirthday, "y", "79"},
		{"Y", myBirthday, "Y", "1979"},
		{"z", myBirthday, "z", "189"},
		{"z leap", time.Date(2000, 12, 31, 0, 0, 0, 0, cph), "z", "366"},
		{"escapes", myBirthday, `Y z \C\E\T`, "1979 189 CET"},
		{"jS of F", myBirthday, `jS \o\f F`, "8th of July"},
		{"future", time.Date(2100, 10, 25, 0, 0, 0, 0, cph), "Y", "2100"},
		{"O", myBirthday, "O", "+0100"},
		{"r", myBirthday, "r", "Sun, 08 Jul 1979 22:00:00 +0100"},
		{"T", myBirthday, "T", "CET"},
		{"e named", myBirthday, "e", "CET"},
		{"e fixed", awareDT, "e", "-0330"},
		{"e utc", utc, "e", "UTC"},
		{"U", myBirthday, "U", "300315600"},
		{"u", timestamp, "u", "123456"},
		{"Z", myBirthday, "Z", "3600"},
		{"I summer", summertime, "I", "1"},
		{"O summer", summertime, "O", "+0200"},
		{"I winter", wintertime, "I", "0"},
		{"O winter", wintertime, "O", "+0100"},
		{"O fixed west", awareDT, "O", "-0330"},
		{"Y before 1000", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), "Y", "0001"},
		{"Y 999", time.Date(999, 1, 1, 0, 0, 0, 0, time.UTC), "Y", "0999"},
		{"y 476", time.Date(476, 9, 8, 5, 0, 0, 0, time.UTC), "y", "76"},
		{"y 42", time.Date(42, 9, 8, 5, 0, 0, 0, time.UTC), "y", "42"},
		{"y 4", time.Date(4, 9, 8, 5, 0, 0, 0, time.UTC), "y", "04"},
		// The date filter's own tests.
		{"date01", time.Date(2008, 1, 1, 0, 0, 0, 0, cph), "m", "01"},
		{"date02 default", time.Date(2008, 1, 1, 0, 0, 0, 0, cph), "", "Jan. 1, 2008"},
		{"date04 iso year", time.Date(2008, 12, 29, 0, 0, 0, 0, cph), "o", "2009"},
		{"date05 iso year", time.Date(2010, 1, 3, 0, 0, 0, 0, cph), "o", "2009"},
		{"date06 e", time.Date(2009, 3, 12, 0, 0, 0, 0, time.FixedZone("+0030", 30*60)), "e", "+0030"},
		{"date08 H:i", time.Date(2000, 1, 1, 0, 1, 0, 0, cph), "H:i", "00:01"},
		{"date09 H:i", time.Date(2000, 1, 1, 0, 0, 0, 0, cph), "H:i", "00:00"},
		{"d F Y", time.Date(2005, 12, 29, 0, 0, 0, 0, cph), "d F Y", "29 December 2005"},
		{"escape characters", time.Date(2005, 12, 29, 0, 0, 0, 0, cph), `jS \o\f F`, "29th of December"},
	}
	for _, tc := range tests {
		if got := dateformat.Format(tc.t, tc.format); got != tc.want {
			t.Errorf("%s: dateformat.Format(%v, %q) = %q, want %q", tc.name, tc.t, tc.format, got, tc.want)
		}
	}
}

// TestFormatDateCharacters checks every format character on one time in
// Europe/Paris, with values checked against Django.
func TestFormatDateCharacters(t *testing.T) {
	paris := loadZone(t, "Europe/Paris")
	d := time.Date(2024, 3, 9, 16, 5, 7, 4200, paris) // a Saturday, CET
	want := map[byte]string{
		'a': "p.m.", 'A': "PM", 'b': "mar", 'c': "2024-03-09T16:05:07.000004+01:00",
		'd': "09", 'D': "Sat", 'e': "CET", 'E': "March", 'f': "4:05", 'F': "March",
		'g': "4", 'G': "16", 'h': "04", 'H': "16", 'i': "05", 'I': "0", 'j': "9",
		'l': "Saturday", 'L': "True", 'm': "03", 'M': "Mar", 'n': "3", 'N': "March",
		'o': "2024", 'O': "+0100", 'P': "4:05 p.m.", 'r': "Sat, 09 Mar 2024 16:05:07 +0100",
		's': "07", 'S': "th", 't': "31", 'T': "CET", 'u': "000004", 'U': "1709996707",
		'w': "6", 'W': "10", 'y': "24", 'Y': "2024", 'z': "69", 'Z': "3600",
	}
	for c, w := range want {
		if got := dateformat.Format(d, string(c)); got != w {
			t.Errorf("dateformat.Format(%q) = %q, want %q", c, got, w)
		}
	}
	summer := time.Date(2024, 7, 1, 0, 0, 0, 0, paris)
	if got := dateformat.Format(summer, "e I O T Z"); got != "CEST 1 +0200 CEST 7200" {
		t.Errorf("summer zone = %q", got)
	}
}

// TestFormatDateHours covers the 12-hour characters g h f P a A across a day.
func TestFormatDateHours(t *testing.T) {
	tests := []struct {
		h, m           int
		g, hh, f, p, a string
	}{
		{0, 0, "12", "12", "12", "midnight", "a.m."},
		{0, 30, "12", "12", "12:30", "12:30 a.m.", "a.m."},
		{1, 0, "1", "01", "1", "1 a.m.", "a.m."},
		{4, 0, "4", "04", "4", "4 a.m.", "a.m."},
		{8, 30, "8", "08", "8:30", "8:30 a.m.", "a.m."},
		{11, 59, "11", "11", "11:59", "11:59 a.m.", "a.m."},
		{12, 0, "12", "12", "12", "noon", "p.m."},
		{12, 30, "12", "12", "12:30", "12:30 p.m.", "p.m."},
		{13, 5, "1", "01", "1:05", "1:05 p.m.", "p.m."},
		{16, 0, "4", "04", "4", "4 p.m.", "p.m."},
		{20, 30, "8", "08", "8:30", "8:30 p.m.", "p.m."},
		{23, 0, "11", "11", "11", "11 p.m.", "p.m."},
	}
	for _, tc := range tests {
		d := time.Date(2020, 1, 1, tc.h, tc.m, 0, 0, time.UTC)
		got := dateformat.Format(d, `g|h|f|P|a`)
		want := tc.g + "|" + tc.hh + "|" + tc.f + "|" + tc.p + "|" + tc.a
		if got != want {
			t.Errorf("%02d:%02d: got %q, want %q", tc.h, tc.m, got, want)
		}
	}
}

// TestFormatDateOrdinal covers "S" for every day of a month.
func TestFormatDateOrdinal(t *testing.T) {
	want := map[int]string{1: "st", 2: "nd", 3: "rd", 4: "th", 10: "th", 11: "th", 12: "th",
		13: "th", 14: "th", 20: "th", 21: "st", 22: "nd", 23: "rd", 24: "th", 29: "th", 30: "th", 31: "st"}
	for day, w := range want {
		if got := dateformat.Format(time.Date(2021, 1, day, 0, 0, 0, 0, time.UTC), "S"); got != w {
			t.Errorf("day %d: S = %q, want %q", day, got, w)
		}
	}
}

// TestFormatDateZones covers the zone characters for fixed and named zones,
// and Django's empty I O T Z for a wall-clock time that occurs twice.
func TestFormatDateZones(t *testing.T) {
	cph := loadZone(t, "Europe/Copenhagen")
	paris := loadZone(t, "Europe/Paris")
	nyc := loadZone(t, "America/New_York")
	kathmandu := loadZone(t, "Asia/Kathmandu")
	tests := []struct {
		name   string
		t      time.Time
		format string
		want   string
	}{
		// 2015-10-25 02:30 happens twice in Copenhagen.
		{"ambiguous first", time.Unix(1445733000, 0).In(cph), "I|O|T|Z|e|H:i", "||||CEST|02:30"},
		{"ambiguous second", time.Unix(1445736600, 0).In(cph), "I|O|T|Z|e|H:i", "||||CET|02:30"},
		{"just before", time.Unix(1445733000-3600, 0).In(cph), "I|O|T|Z", "1|+0200|CEST|7200"},
		{"just after", time.Unix(1445736600+3600, 0).In(cph), "I|O|T|Z", "0|+0100|CET|3600"},
		{"paris fall back", time.Date(2024, 10, 27, 1, 0, 0, 0, time.UTC).In(paris), "c|T", "2024-10-27T02:00:00+01:00|"},
		{"paris spring", time.Date(2024, 3, 31, 1, 0, 0, 0, time.UTC).In(paris), "c|T|I", "2024-03-31T03:00:00+02:00|CEST|1"},
		{"new york", time.Date(2024, 1, 15, 9, 0, 0, 0, nyc), "O|T|Z|r", "-0500|EST|-18000|Mon, 15 Jan 2024 09:00:00 -0500"},
		{"kathmandu", time.Date(2024, 1, 15, 9, 0, 0, 0, kathmandu), "O|Z|c", "+0545|20700|2024-01-15T09:00:00+05:45"},
		{"fixed unnamed", time.Date(2024, 1, 15, 9, 0, 0, 0, time.FixedZone("", 7200)), "e|T|O", "UTC+02:00|UTC+02:00|+0200"},
		{"fixed unnamed utc", time.Date(2024, 1, 15, 9, 0, 0, 0, time.FixedZone("", 0)), "e|O|Z", "UTC|+0000|0"},
		{"fixed seconds", time.Date(2009, 3, 12, 1, 2, 3, 4000, time.FixedZone("", -(2*3600+30))), "e|O|Z|c|r",
			"UTC-02:00:30|-0200|-7230|2009-03-12T01:02:03.000004-02:00:30|Thu, 12 Mar 2009 01:02:03 -020030"},
		{"time01", time.Date(2024, 1, 15, 9, 0, 0, 0, time.FixedZone("+0315", 195*60)), "e:O:T:Z", "+0315:+0315:+0315:11700"},
	}
	for _, tc := range tests {
		if got := dateformat.Format(tc.t, tc.format); got != tc.want {
			t.Errorf("%s: dateformat.Format(%q) = %q, want %q", tc.name, tc.format, got, tc.want)
		}
	}
}

// TestFormatDateTimestamp covers "U", which truncates the float timestamp
// toward zero like Python's int().
func TestFormatDateTimestamp(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Unix(0, 0), "0"},
		{time.Unix(1234567890, 999999000), "1234567890"},
		{time.Unix(-1, 500000000), "0"},  // -0.5 s
		{time.Unix(-2, 999999000), "-1"}, // -1.000001 s
		{time.Unix(-10, 0), "-10"},
		{time.Unix(-1, 1000), "0"}, // -0.999999 s
		{time.Unix(1e10, 999999000), "10000000000"},
		// Past 2**53 microseconds the float rounds up to the next second.
		{time.Unix(1e11, 999999000), "100000000001"},
		{time.Unix(253402300799, 999999000), "253402300800"},
	}
	for _, tc := range tests {
		if got := dateformat.Format(tc.t.In(time.UTC), "U"); got != tc.want {
			t.Errorf("U of %v = %q, want %q", tc.t, got, tc.want)
		}
	}
}

// TestFormatDateEscapes covers Django's backslash handling: a backslash
// before a format character makes it literal, and in literal text a
// backslash is dropped before any character but a newline.
func TestFormatDateEscapes(t *testing.T) {
	d := time.Date(2003, 10, 7, 11, 39, 0, 0, time.UTC)
	tests := []struct{ format, want string }{
		{"jS F Y H:i", "7th October 2003 11:39"},
		{`\Y`, "Y"},
		{`\\Y`, `\Y`},
		{`\\\Y`, `\Y`},
		{`\\\\Y`, `\\Y`},
		{`\q`, "q"},
		{`\é`, "é"},
		{"a\\\nq", "a.m.\\\nq"},
		{`x\`, `x\`},
		{"", "Oct. 7, 2003"},
		{"q", "q"},
		{"日本 Y", "日本 2003"},
		{`\日`, "日"},
		{"%Y-%m", "%2003-%10"},
	}
	for _, tc := range tests {
		if got := dateformat.Format(d, tc.format); got != tc.want {
			t.Errorf("dateformat.Format(%q) = %q, want %q", tc.format, got, tc.want)
		}
	}
}

// TestFormatNamed covers the en locale's format settings.
func TestFormatNamed(t *testing.T) {
	d := time.Date(2008, 1, 2, 16, 30, 0, 0, time.UTC)
	tests := []struct{ name, format, out string }{
		{"DATE_FORMAT", "N j, Y", "Jan. 2, 2008"},
		{"DATETIME_FORMAT", "N j, Y, P", "Jan. 2, 2008, 4:30 p.m."},
		{"SHORT_DATE_FORMAT", "m/d/Y", "01/02/2008"},
		{"SHORT_DATETIME_FORMAT", "m/d/Y P", "01/02/2008 4:30 p.m."},
		{"TIME_FORMAT", "P", "4:30 p.m."},
		{"YEAR_MONTH_FORMAT", "F Y", "January 2008"},
		{"MONTH_DAY_FORMAT", "F j", "January 2"},
	}
	for _, tc := range tests {
		f, ok := dateformat.Named(tc.name)
		if !ok || f != tc.format {
			t.Errorf("dateformat.Named(%q) = %q, %v, want %q", tc.name, f, ok, tc.format)
		}
		if got := dateformat.Format(d, tc.name); got != tc.out {
			t.Errorf("dateformat.Format(%q) = %q, want %q", tc.name, got, tc.out)
		}
	}
	if f, ok := dateformat.Named("Y-m-d"); ok || f != "" {
		t.Errorf("dateformat.Named of a plain format = %q, %v", f, ok)
	}
	if f, ok := dateformat.Named("date_format"); ok {
		t.Errorf("dateformat.Named is case-sensitive, got %q", f)
	}
	// Each month's AP abbreviation.
	ap := []string{"Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."}
	for i, w := range ap {
		if got := dateformat.Format(time.Date(2021, time.Month(i+1), 1, 0, 0, 0, 0, time.UTC), "N"); got != w {
			t.Errorf("N of month %d = %q, want %q", i+1, got, w)
		}
	}
}

// TestFormatTime ports Django's time filter tests: only time characters are
// formatted, and a date-only character makes the filter output "".
func TestFormatTime(t *testing.T) {
	tzI := time.FixedZone("+0315", 195*60)
	tests := []struct {
		t      time.Time
		format string
		want   string
		ok     bool
	}{
		{time.Date(2000, 1, 1, 16, 25, 0, 0, time.UTC), "", "4:25 p.m.", true},
		{time.Date(2000, 1, 1, 16, 25, 0, 0, time.UTC), "TIME_FORMAT", "4:25 p.m.", true},
		{time.Date(2000, 1, 1, 13, 0, 0, 0, time.UTC), "h", "01", true},
		{time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), "h", "12", true},
		{time.Date(2000, 1, 1, 4, 0, 0, 0, tzI), "e:O:T:Z", "+0315:+0315:+0315:11700", true},
		{time.Date(2000, 1, 1, 4, 0, 0, 0, tzI), "P:e:O:T:Z", "4 a.m.:+0315:+0315:+0315:11700", true},
		{time.Date(2000, 1, 1, 23, 59, 58, 7000, time.UTC), "H:i:s.u a A G g f", "23:59:58.000007 p.m. PM 23 11 11:59", true},
		{time.Date(2000, 1, 1, 4, 0, 0, 0, time.UTC), "Y", "", false},
		{time.Date(2000, 1, 1, 4, 0, 0, 0, time.UTC), "H:i d", "", false},
		{time.Date(2000, 1, 1, 4, 0, 0, 0, time.UTC), "DATE_FORMAT", "", false},
		{time.Date(2000, 1, 1, 4, 0, 0, 0, time.UTC), "c", "", false},
		{time.Date(2000, 1, 1, 4, 0, 0, 0, time.UTC), "r", "", false},
		{time.Date(2000, 1, 1, 4, 0, 0, 0, time.UTC), `H\Y`, "04Y", true},
		{time.Date(2000, 1, 1, 4, 0, 0, 0, time.UTC), `\\Y`, `\Y`, true},
		{time.Date(2000, 1, 1, 4, 0, 0, 0, time.UTC), "hello", "", false}, // l
		{time.Date(2000, 1, 1, 4, 0, 0, 0, time.UTC), "-:/ é", "-:/ é", true},
	}
	for _, tc := range tests {
		got, ok := dateformat.FormatTime(tc.t, tc.format)
		if got != tc.want || ok != tc.ok {
			t.Errorf("dateformat.FormatTime(%v, %q) = %q, %v, want %q, %v", tc.t, tc.format, got, ok, tc.want, tc.ok)
		}
	}
}

// BenchmarkFormatDate measures a typical date format.
func BenchmarkFormatDate(b *testing.B) {
	d := time.Date(2008, 1, 2, 16, 30, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		dateformat.Format(d, "DATETIME_FORMAT")
	}
}
