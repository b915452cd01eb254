// Package dateformat formats dates and times the way Django does. It follows
// django.utils.dateformat (DateFormat and TimeFormat, the format characters
// of the date and time filters), with the month and weekday names of
// django.utils.dates translated by a Translator (English without one), the
// named formats of a locale (internal/formats; the en locale by default) as
// django.utils.formats get_format returns them, and django.utils.timesince
// (timesince and timeuntil).
//
// A Go time.Time always carries a location, so every value is treated like a
// timezone-aware Python datetime whose tzinfo is that location.
package dateformat

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/runnelhq/runnel/internal/formats"
)

// Translator translates the words of dates with Django's message ids
// (django/utils/dates.py and dateformat.py): gettext, and pgettext for the
// ids with a context ("abbrev. month", "alt. month").
type Translator interface {
	Gettext(msg string) string
	PGettext(msgctxt, msg string) string
	NGettext(singular, plural string, n int) string
}

// Locale is what a format is expanded with: the named formats of the
// active language (nil: the en locale) and the translator of the words
// (nil: English).
type Locale struct {
	Formats *formats.Locale
	Tr      Translator
}

// en is the en locale's settings.
var en = formats.For("en", &formats.Defaults)

// named resolves a format setting name with the locale's formats.
func (l Locale) named(format string) string {
	f := l.Formats
	if f == nil {
		f = en
	}
	if v, ok := f.Named(format); ok {
		return v
	}
	return format
}

// gettext translates msg, or returns it without a translator.
func (l Locale) gettext(msg string) string {
	if l.Tr == nil {
		return msg
	}
	return l.Tr.Gettext(msg)
}

// pgettext translates msg in the context msgctxt.
func (l Locale) pgettext(msgctxt, msg string) string {
	if l.Tr == nil {
		return msg
	}
	return l.Tr.PGettext(msgctxt, msg)
}

// Month and weekday names of Django's English locale. Weekday tables are
// indexed by Go's time.Weekday (Sunday is 0).
var (
	monthNames = [13]string{"", "January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November", "December"}
	// monthsAP are the Associated Press abbreviations used by "N".
	monthsAP = [13]string{"", "Jan.", "Feb.", "March", "April", "May", "June",
		"July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."}
	months3 = [13]string{"", "jan", "feb", "mar", "apr", "may", "jun",
		"jul", "aug", "sep", "oct", "nov", "dec"}
	months3Title = [13]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	weekdayNames = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	weekdaysAbbr = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
)

// isDateOnly reports whether c is a format character that Django's
// DateFormat knows but TimeFormat does not. The time filter gives "" when its
// format uses one of them (TimeFormat raises AttributeError).
func isDateOnly(c byte) bool {
	switch c {
	case 'b', 'c', 'd', 'D', 'E', 'F', 'I', 'j', 'l', 'L', 'm', 'M', 'n', 'N',
		'o', 'r', 'S', 't', 'U', 'w', 'W', 'y', 'Y', 'z':
		return true
	}
	return false
}

// isFormatChar reports whether c is one of Django's date format characters.
func isFormatChar(c byte) bool {
	switch c {
	case 'a', 'A', 'e', 'f', 'g', 'G', 'h', 'H', 'i', 'O', 'P', 's', 'T', 'u', 'Z':
		return true
	}
	return isDateOnly(c)
}

// Named returns the value of a Django format setting of the English
// locale, as django.utils.formats.get_format does for the date and time
// filters: an argument such as "SHORT_DATE_FORMAT" stands for the setting's
// format string. ok is false when name is not a format setting, in which case
// the argument is itself the format string.
// The scalar settings get_format also answers for come as text (str()), as
// the date filters turn them into text before formatting with them.
func Named(name string) (string, bool) { return en.Named(name) }

// Format formats t like Django's date filter with the given format
// (django.utils.formats.date_format followed by dateformat.format). An empty
// format means DATE_FORMAT, and a format setting name such as
// "SHORT_DATE_FORMAT" is replaced by the setting (see Named).
// Backslash escapes a format character; "\\" before any other character
// drops the backslash, as Django does.
func Format(t time.Time, format string) string { return Locale{}.Format(t, format) }

// Format is the package's Format with the locale's named formats and
// translated words.
func (l Locale) Format(t time.Time, format string) string {
	if format == "" {
		format = "DATE_FORMAT"
	}
	return l.expand(t, l.named(format))
}

// FormatTime formats t like Django's time filter (TimeFormat). An empty format
// means TIME_FORMAT and a setting name is replaced by its value. Only the
// time-related characters a A e f g G h H i O P s T u Z are format
// characters there: when the format uses one of the date-only characters
// Django's filter outputs "", and FormatTime returns ok=false.
func FormatTime(t time.Time, format string) (string, bool) { return Locale{}.FormatTime(t, format) }

// FormatTime is the package's FormatTime with the locale's named formats
// and translated words.
func (l Locale) FormatTime(t time.Time, format string) (string, bool) {
	if format == "" {
		format = "TIME_FORMAT"
	}
	format = l.named(format)
	for i := 0; i < len(format); i++ {
		if isDateOnly(format[i]) && (i == 0 || format[i-1] != '\\') {
			return "", false
		}
	}
	return l.expand(t, format), true
}

// expand does the work of Format once the format is resolved. Like
// Django, a character is a format character unless the character before it is
// a backslash, and in the literal text between format characters a backslash
// followed by any character but a newline stands for that character.
func (l Locale) expand(t time.Time, format string) string { return l.expandKind(t, Aware, format) }

// writeLiteral writes literal format text, dropping each backslash that
// escapes the character after it (Python's re.sub(r"\\(.)", r"\1", s), where
// "." does not match a newline).
func writeLiteral(b *strings.Builder, s string) {
	for {
		j := strings.IndexByte(s, '\\')
		if j < 0 || j+1 >= len(s) {
			b.WriteString(s)
			return
		}
		b.WriteString(s[:j])
		if s[j+1] == '\n' {
			b.WriteString("\\\n")
		} else {
			// Write the escaped byte; the rest of a multi-byte character
			// follows as ordinary text since it holds no backslash.
			b.WriteByte(s[j+1])
		}
		s = s[j+2:]
	}
}

// zoneInfo caches the zone facts of the time being formatted.
type zoneInfo struct {
	done      bool
	name      string
	offset    int
	ambiguous bool
}

// get fills the cache for t.
func (z *zoneInfo) get(t time.Time) *zoneInfo {
	if !z.done {
		z.done = true
		z.name, z.offset = t.Zone()
		if z.name == "" {
			z.name = pyZoneName(z.offset)
		}
		z.ambiguous = ambiguous(t)
	}
	return z
}

// pyZoneName is the name Python gives a datetime.timezone built without a
// name: "UTC", "UTC+02:00", "UTC-02:00:30". Go fixed zones made with an empty
// name are named that way.
func pyZoneName(offset int) string {
	if offset == 0 {
		return "UTC"
	}
	var buf [16]byte
	out := append(buf[:0], "UTC"...)
	out = AppendOffset(out, offset, true)
	return string(out)
}

// AppendOffset appends a UTC offset as +HH:MM (or +HHMM without colons),
// with :SS added when the offset has seconds, like Python's isoformat and
// strftime("%z").
func AppendOffset(dst []byte, offset int, colon bool) []byte {
	sign := byte('+')
	if offset < 0 {
		sign = '-'
		offset = -offset
	}
	dst = append(dst, sign)
	dst = append2(dst, offset/3600)
	if colon {
		dst = append(dst, ':')
	}
	dst = append2(dst, offset/60%60)
	if s := offset % 60; s != 0 {
		if colon {
			dst = append(dst, ':')
		}
		dst = append2(dst, s)
	}
	return dst
}

// append2 appends n with at least two digits ("%02d").
func append2(dst []byte, n int) []byte {
	if n >= 0 && n < 10 {
		dst = append(dst, '0')
	}
	return strconv.AppendInt(dst, int64(n), 10)
}

// appendPad appends n zero-padded to at least width digits, with the sign
// first, like Python's "%0Nd".
func appendPad(dst []byte, n, width int) []byte {
	if n < 0 {
		dst = append(dst, '-')
		n = -n
		width--
	}
	var buf [24]byte
	d := strconv.AppendInt(buf[:0], int64(n), 10)
	for i := len(d); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, d...)
}

// ambiguous reports whether the wall-clock time of t occurs twice in its
// location (the hour repeated when daylight saving time ends). Django leaves
// I, O, T and Z empty for such times, because
// tzinfo.utcoffset(dt.replace(fold=not dt.fold)) differs from
// tzinfo.utcoffset(dt).
func ambiguous(t time.Time) bool {
	start, end := t.ZoneBounds()
	if start.IsZero() && end.IsZero() {
		return false
	}
	_, off := t.Zone()
	wall := t.Unix() + int64(off)
	if !start.IsZero() {
		_, prev := start.Add(-time.Second).Zone()
		if prev != off && wall-int64(prev) < start.Unix() {
			return true
		}
	}
	if !end.IsZero() {
		_, next := end.Zone()
		if next != off && wall-int64(next) >= end.Unix() {
			return true
		}
	}
	return false
}

// micro returns the microsecond of t: Python datetimes have no finer
// resolution, so nanoseconds are truncated.
func micro(t time.Time) int { return t.Nanosecond() / 1000 }

// hour12 is the hour on a 12-hour clock, 1 to 12.
func hour12(h int) int {
	if h%12 == 0 {
		return 12
	}
	return h % 12
}

// writeChar writes the expansion of one format character.
func (l Locale) writeChar(b *strings.Builder, t time.Time, c byte, z *zoneInfo) {
	var buf [64]byte
	out := buf[:0]
	switch c {
	case 'a':
		b.WriteString(l.ampm(t))
		return
	case 'A':
		if t.Hour() > 11 {
			b.WriteString(l.gettext("PM"))
		} else {
			b.WriteString(l.gettext("AM"))
		}
		return
	case 'b':
		b.WriteString(l.gettext(months3[t.Month()]))
		return
	case 'c':
		out = appendISO(out, t)
	case 'd':
		out = append2(out, t.Day())
	case 'D':
		b.WriteString(l.gettext(weekdaysAbbr[t.Weekday()]))
		return
	case 'e':
		b.WriteString(z.get(t).name)
		return
	case 'E':
		b.WriteString(l.pgettext("alt. month", monthNames[t.Month()]))
		return
	case 'F':
		b.WriteString(l.gettext(monthNames[t.Month()]))
		return
	case 'f':
		out = appendF(out, t)
	case 'g':
		out = strconv.AppendInt(out, int64(hour12(t.Hour())), 10)
	case 'G':
		out = strconv.AppendInt(out, int64(t.Hour()), 10)
	case 'h':
		out = append2(out, hour12(t.Hour()))
	case 'H':
		out = append2(out, t.Hour())
	case 'i':
		out = append2(out, t.Minute())
	case 'I':
		if z.get(t).ambiguous {
			return
		}
		if t.IsDST() {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
		return
	case 'j':
		out = strconv.AppendInt(out, int64(t.Day()), 10)
	case 'l':
		b.WriteString(l.gettext(weekdayNames[t.Weekday()]))
		return
	case 'L':
		if isLeap(t.Year()) {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
		return
	case 'm':
		out = append2(out, int(t.Month()))
	case 'M':
		if l.Tr == nil {
			b.WriteString(months3Title[t.Month()])
		} else {
			b.WriteString(pyTitle(l.gettext(months3[t.Month()])))
		}
		return
	case 'n':
		out = strconv.AppendInt(out, int64(t.Month()), 10)
	case 'N':
		b.WriteString(l.pgettext("abbrev. month", monthsAP[t.Month()]))
		return
	case 'o':
		y, _ := t.ISOWeek()
		out = strconv.AppendInt(out, int64(y), 10)
	case 'O':
		zz := z.get(t)
		if zz.ambiguous {
			return
		}
		off := zz.offset
		sign := byte('+')
		if off < 0 {
			sign = '-'
			off = -off
		}
		out = append(out, sign)
		out = append2(out, off/3600)
		out = append2(out, off/60%60)
	case 'P':
		switch {
		case t.Minute() == 0 && t.Hour() == 0:
			b.WriteString(l.gettext("midnight"))
			return
		case t.Minute() == 0 && t.Hour() == 12:
			b.WriteString(l.gettext("noon"))
			return
		}
		out = appendF(out, t)
		out = append(out, ' ')
		out = append(out, l.ampm(t)...)
	case 'r':
		out = appendRFC5322(out, t)
	case 's':
		out = append2(out, t.Second())
	case 'S':
		b.WriteString(ordinalSuffix(t.Day()))
		return
	case 't':
		out = append2(out, daysIn(t.Year(), t.Month()))
	case 'T':
		zz := z.get(t)
		if !zz.ambiguous {
			b.WriteString(zz.name)
		}
		return
	case 'u':
		out = appendPad(out, micro(t), 6)
	case 'U':
		out = strconv.AppendInt(out, timestamp(t), 10)
	case 'w':
		out = strconv.AppendInt(out, int64(t.Weekday()), 10)
	case 'W':
		_, w := t.ISOWeek()
		out = strconv.AppendInt(out, int64(w), 10)
	case 'y':
		y := t.Year() % 100
		if y < 0 {
			y += 100
		}
		out = append2(out, y)
	case 'Y':
		out = appendPad(out, t.Year(), 4)
	case 'z':
		out = strconv.AppendInt(out, int64(t.YearDay()), 10)
	case 'Z':
		zz := z.get(t)
		if zz.ambiguous {
			return
		}
		out = strconv.AppendInt(out, int64(zz.offset), 10)
	}
	b.Write(out)
}

// ampm is Django's "a": "a.m." or "p.m.", translated.
func (l Locale) ampm(t time.Time) string {
	if t.Hour() > 11 {
		return l.gettext("p.m.")
	}
	return l.gettext("a.m.")
}

// pyTitle is Python's str.title(): the first letter of each run of letters
// in upper case (title case), the others in lower case.
func pyTitle(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	prev := false
	for _, r := range s {
		if prev {
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(unicode.ToTitle(r))
		}
		prev = unicode.IsLetter(r)
	}
	return b.String()
}

// appendF appends Django's "f": the 12-hour hour, with ":MM" only when the
// minutes are not zero ("1", "1:30").
func appendF(dst []byte, t time.Time) []byte {
	dst = strconv.AppendInt(dst, int64(hour12(t.Hour())), 10)
	if m := t.Minute(); m != 0 {
		dst = append(dst, ':')
		dst = append2(dst, m)
	}
	return dst
}

// ordinalSuffix is Django's "S": the English ordinal suffix of a day.
func ordinalSuffix(day int) string {
	switch day {
	case 11, 12, 13:
		return "th"
	}
	switch day % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

// isLeap reports whether year is a leap year of the Gregorian calendar.
func isLeap(year int) bool {
	return year%4 == 0 && (year%100 != 0 || year%400 == 0)
}

// daysIn returns the number of days in a month.
func daysIn(year int, month time.Month) int {
	switch month {
	case time.February:
		if isLeap(year) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// appendISO appends Python's datetime.isoformat() of an aware datetime:
// 2008-01-02T10:30:00.000123+02:00, the fraction only when there are
// microseconds.
func appendISO(dst []byte, t time.Time) []byte {
	dst = appendDate(dst, t)
	dst = append(dst, 'T')
	dst = appendClock(dst, t)
	_, off := t.Zone()
	return AppendOffset(dst, off, true)
}

// appendRFC5322 appends Python's email.utils.format_datetime of an aware
// datetime: "Thu, 21 Dec 2000 16:01:07 +0200".
func appendRFC5322(dst []byte, t time.Time) []byte {
	dst = append(dst, weekdaysAbbr[t.Weekday()]...)
	dst = append(dst, ", "...)
	dst = append2(dst, t.Day())
	dst = append(dst, ' ')
	dst = append(dst, months3Title[t.Month()]...)
	dst = append(dst, ' ')
	dst = appendPad(dst, t.Year(), 4)
	dst = append(dst, ' ')
	dst = append2(dst, t.Hour())
	dst = append(dst, ':')
	dst = append2(dst, t.Minute())
	dst = append(dst, ':')
	dst = append2(dst, t.Second())
	dst = append(dst, ' ')
	_, off := t.Zone()
	return AppendOffset(dst, off, false)
}

// timestamp is Django's "U": int(dt.timestamp()). Python computes the
// timestamp as a float from whole microseconds and truncates it toward zero.
func timestamp(t time.Time) int64 {
	sec := t.Unix()
	us := int64(micro(t))
	if us == 0 || sec > 1e12 || sec < -1e12 {
		return sec
	}
	return int64(math.Trunc(microsToSeconds(sec*1e6 + us)))
}

// microsToSeconds converts a count of microseconds to seconds as Python's
// timedelta.total_seconds() does: the exact quotient rounded once to the
// nearest float.
func microsToSeconds(us int64) float64 {
	const exact = 1 << 53
	if us > -exact && us < exact {
		return float64(us) / 1e6
	}
	f, _ := new(big.Rat).SetFrac64(us, 1e6).Float64()
	return f
}
