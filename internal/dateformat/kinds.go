package dateformat

import (
	"fmt"
	"strings"
	"time"
)

// Kind is the Python type a formatted value stands for. A Go time.Time is
// always an aware datetime (Aware); the other kinds are given as a
// time.Time too, built by the caller as described for each.
type Kind uint8

const (
	// Aware is a datetime with a tzinfo: the time's location.
	Aware Kind = iota
	// Naive is a datetime without a tzinfo: its wall clock, given in the
	// default time zone, which Django uses for O, T, Z, I, U and r; "e"
	// (the tzinfo's name) is "", and "c" has no offset.
	Naive
	// Date is a datetime.date: the date at midnight in the default time
	// zone (for U). A time-related character, or r, is Django's TypeError.
	Date
	// TimeOfDay is a datetime.time without a tzinfo: the time of day on
	// any date. e, I, O, T and Z are "" (Django formats no zone for a
	// time), a date character is the date filter's "" (AttributeError),
	// and U is a TypeError.
	TimeOfDay
)

// isTimeChar reports whether c is a character of Django's TimeFormat.
func isTimeChar(c byte) bool { return isFormatChar(c) && !isDateOnly(c) }

// resolve is the format a filter uses: def for "", a setting's value for
// its name.
func (l Locale) resolve(format, def string) string {
	if format == "" {
		format = def
	}
	return l.named(format)
}

// formatChars calls f for each format character of format (those not
// escaped by a backslash); f returning false stops.
func formatChars(format string, f func(c byte) bool) {
	for i := 0; i < len(format); i++ {
		c := format[i]
		if isFormatChar(c) && (i == 0 || format[i-1] != '\\') && !f(c) {
			return
		}
	}
}

// FormatKind is Format of a value of kind k, for the date filter: ok is
// false where Django's filter gives "" (a date character for a time of
// day), and err is Django's TypeError (a time character for a date).
func FormatKind(t time.Time, k Kind, format string) (out string, ok bool, err error) {
	return Locale{}.FormatKind(t, k, format)
}

// FormatKind is the package's FormatKind with the locale's named formats
// and translated words.
func (l Locale) FormatKind(t time.Time, k Kind, format string) (out string, ok bool, err error) {
	if k == Aware {
		return l.Format(t, format), true, nil
	}
	format = l.resolve(format, "DATE_FORMAT")
	ok = true
	formatChars(format, func(c byte) bool {
		switch k {
		case Date:
			if isTimeChar(c) || c == 'r' {
				err = fmt.Errorf("The format for date objects may not contain time-related format specifiers (found '%c').", c)
			}
		case TimeOfDay:
			switch {
			case c == 'U':
				err = fmt.Errorf("combine() argument 1 must be datetime.date, not datetime.time")
			case isDateOnly(c) && c != 'c' && c != 'I':
				ok = false
			}
		}
		return err == nil && ok
	})
	if err != nil || !ok {
		return "", ok, err
	}
	return l.expandKind(t, k, format), true, nil
}

// FormatTimeKind is FormatTime of a value of kind k, for the time filter:
// ok is false where Django's filter gives "".
func FormatTimeKind(t time.Time, k Kind, format string) (string, bool) {
	return Locale{}.FormatTimeKind(t, k, format)
}

// FormatTimeKind is the package's FormatTimeKind with the locale's named
// formats and translated words.
func (l Locale) FormatTimeKind(t time.Time, k Kind, format string) (string, bool) {
	if k == Aware {
		return l.FormatTime(t, format)
	}
	format = l.resolve(format, "TIME_FORMAT")
	ok := true
	formatChars(format, func(c byte) bool {
		// A date has no time characters (TypeError) and the time filter
		// knows no date ones (AttributeError): both give "".
		ok = !isDateOnly(c) && k != Date
		return ok
	})
	if !ok {
		return "", false
	}
	return l.expandKind(t, k, format), true
}

// expandKind is expand for a value of kind k.
func (l Locale) expandKind(t time.Time, k Kind, format string) string {
	var b strings.Builder
	b.Grow(len(format) * 4)
	var z zoneInfo
	lit := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if !isFormatChar(c) || (i > 0 && format[i-1] == '\\') {
			continue
		}
		writeLiteral(&b, format[lit:i])
		lit = i + 1
		switch {
		case c == 'e' && k != Aware:
			// The value has no tzinfo to name.
		case k == TimeOfDay && (c == 'I' || c == 'O' || c == 'T' || c == 'Z'):
			// Django formats no time zone for a time.
		case k == Date && c == 'I':
		case c == 'c' && k != Aware:
			b.WriteString(ISO(t, k))
		default:
			l.writeChar(&b, t, c, &z)
		}
	}
	writeLiteral(&b, format[lit:])
	return b.String()
}

// ISO is Python's isoformat() of a value of kind k: 2000-01-02 for a date,
// 10:30:00 for a time, 2000-01-02T10:30:00 for a naive datetime (the
// fraction only when there are microseconds), and Aware's with the offset.
func ISO(t time.Time, k Kind) string {
	var buf [40]byte
	switch k {
	case Aware:
		return string(appendISO(buf[:0], t))
	case Date:
		return string(appendDate(buf[:0], t))
	case TimeOfDay:
		return string(appendClock(buf[:0], t))
	}
	out := appendDate(buf[:0], t)
	out = append(out, 'T')
	return string(appendClock(out, t))
}

func appendDate(dst []byte, t time.Time) []byte {
	dst = appendPad(dst, t.Year(), 4)
	dst = append(dst, '-')
	dst = append2(dst, int(t.Month()))
	dst = append(dst, '-')
	return append2(dst, t.Day())
}

func appendClock(dst []byte, t time.Time) []byte {
	dst = append2(dst, t.Hour())
	dst = append(dst, ':')
	dst = append2(dst, t.Minute())
	dst = append(dst, ':')
	dst = append2(dst, t.Second())
	if us := micro(t); us != 0 {
		dst = append(dst, '.')
		dst = appendPad(dst, us, 6)
	}
	return dst
}
