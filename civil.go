package runnel

import (
	"strconv"
	"time"

	"github.com/runnelhq/runnel/internal/dateformat"
)

// Go's time.Time always has a location, so it stands for an aware Python
// datetime. These types stand for the values of Python's datetime module
// that have none, which Django's date and time filters treat differently.

// Date is a calendar date, Python's datetime.date. It displays with
// DATE_FORMAT ("Jan. 1, 2000"), prints as str() of a date ("2000-01-01"),
// and is never converted to a time zone. Its date filter formats take
// date characters only: a time character (H, i, a, …) or r is an error,
// as Django's TypeError. {{ d.year }}, {{ d.month }}, {{ d.day }} work.
type Date struct {
	Year  int
	Month int // 1 to 12
	Day   int
}

// DateOf returns the date of t in its location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, int(m), d}
}

// time is the date at midnight in loc.
func (d Date) time(loc *time.Location) time.Time {
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, loc)
}

// String is Python's str() of the date: 2000-01-01.
func (d Date) String() string { return dateformat.ISO(d.time(time.UTC), dateformat.Date) }

// MarshalJSON writes the date as Django's DjangoJSONEncoder does: its
// isoformat() as a string.
func (d Date) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

func (d Date) repr() string {
	return "datetime.date(" + itoa(d.Year) + ", " + itoa(d.Month) + ", " + itoa(d.Day) + ")"
}

// TimeOfDay is a time of day without a time zone, Python's datetime.time.
// It displays with TIME_FORMAT ("12:30 p.m."), prints as str() of a time
// ("12:30:00", "12:30:00.000123"). The date filter gives "" for a format
// with date characters, the time filter formats it, and e, O, T, Z and I
// are "" (Django formats no zone for a time).
type TimeOfDay struct {
	Hour, Minute, Second int
	Microsecond          int // 0 to 999999
}

// TimeOfDayOf returns the time of day of t in its location.
func TimeOfDayOf(t time.Time) TimeOfDay {
	return TimeOfDay{t.Hour(), t.Minute(), t.Second(), t.Nanosecond() / 1000}
}

func (c TimeOfDay) time(loc *time.Location) time.Time {
	return time.Date(1900, 1, 1, c.Hour, c.Minute, c.Second, c.Microsecond*1000, loc)
}

// String is Python's str() of the time: 12:30:00.
func (c TimeOfDay) String() string {
	return dateformat.ISO(c.time(time.UTC), dateformat.TimeOfDay)
}

// MarshalJSON writes the time as Django's DjangoJSONEncoder does: its
// isoformat() with milliseconds at most.
func (c TimeOfDay) MarshalJSON() ([]byte, error) {
	s := c.String()
	if len(s) > 12 {
		s = s[:12]
	}
	return []byte(`"` + s + `"`), nil
}

// clockRepr is the arguments of a time's repr: the hour and minute, and
// the second and microsecond when they are not zero.
func (c TimeOfDay) clockRepr() string {
	s := itoa(c.Hour) + ", " + itoa(c.Minute)
	if c.Second != 0 || c.Microsecond != 0 {
		s += ", " + itoa(c.Second)
	}
	if c.Microsecond != 0 {
		s += ", " + itoa(c.Microsecond)
	}
	return s
}

func (c TimeOfDay) repr() string { return "datetime.time(" + c.clockRepr() + ")" }

// NaiveDateTime is a date and time without a time zone, Python's naive
// datetime. It is never converted to the current time zone; it displays
// with DATETIME_FORMAT and prints as str() of a datetime
// ("2000-01-01 12:30:00"). In date formats "e" is "" and "c" has no
// offset; O, T, Z, I, U and r take the engine's default time zone
// (WithTimeZone, else the process's), as Django takes TIME_ZONE.
type NaiveDateTime struct {
	Date
	TimeOfDay
}

// Naive returns the wall clock of t, its location dropped.
func Naive(t time.Time) NaiveDateTime { return NaiveDateTime{DateOf(t), TimeOfDayOf(t)} }

// In returns the naive time's wall clock as a time in loc (Django's
// make_aware).
func (n NaiveDateTime) In(loc *time.Location) time.Time {
	return time.Date(n.Year, time.Month(n.Month), n.Day, n.Hour, n.Minute, n.Second, n.Microsecond*1000, loc)
}

// String is Python's str() of the datetime: 2000-01-01 12:30:00.
func (n NaiveDateTime) String() string {
	return n.Date.String() + " " + n.TimeOfDay.String()
}

// MarshalJSON writes the datetime as Django's DjangoJSONEncoder does: its
// isoformat() with milliseconds at most.
func (n NaiveDateTime) MarshalJSON() ([]byte, error) {
	s := dateformat.ISO(n.In(time.UTC), dateformat.Naive)
	if len(s) > 23 {
		s = s[:23]
	}
	return []byte(`"` + s + `"`), nil
}

func (n NaiveDateTime) repr() string {
	return "datetime.datetime(" + itoa(n.Year) + ", " + itoa(n.Month) + ", " + itoa(n.Day) + ", " + n.clockRepr() + ")"
}

func itoa(n int) string { return strconv.Itoa(n) }

// civilOf returns a Date, TimeOfDay or NaiveDateTime value (or a pointer
// to one) as a time.Time for dateformat, with its kind; loc is the default
// time zone the naive kinds are read in.
func civilOf(v any, loc *time.Location) (time.Time, dateformat.Kind, bool) {
	switch x := v.(type) {
	case Date:
		return x.time(loc), dateformat.Date, true
	case *Date:
		if x != nil {
			return x.time(loc), dateformat.Date, true
		}
	case TimeOfDay:
		return x.time(loc), dateformat.TimeOfDay, true
	case *TimeOfDay:
		if x != nil {
			return x.time(loc), dateformat.TimeOfDay, true
		}
	case NaiveDateTime:
		return x.In(loc), dateformat.Naive, true
	case *NaiveDateTime:
		if x != nil {
			return x.In(loc), dateformat.Naive, true
		}
	}
	return time.Time{}, 0, false
}

// civilRepr is Python's repr() of a Date, TimeOfDay or NaiveDateTime.
func civilRepr(v any) (string, bool) {
	switch x := v.(type) {
	case Date:
		return x.repr(), true
	case TimeOfDay:
		return x.repr(), true
	case NaiveDateTime:
		return x.repr(), true
	case *Date:
		if x != nil {
			return x.repr(), true
		}
	case *TimeOfDay:
		if x != nil {
			return x.repr(), true
		}
	case *NaiveDateTime:
		if x != nil {
			return x.repr(), true
		}
	}
	return "", false
}

// defaultLocation is Django's default time zone (TIME_ZONE): the engine's
// zone, else the process's.
func (s *state) defaultLocation() *time.Location {
	if s.eng.loc != nil {
		return s.eng.loc
	}
	return time.Local
}

// timeValue returns v as a time to format with its kind: a time.Time
// (aware, converted to the current time zone when the render does), or a
// Date, TimeOfDay or NaiveDateTime in the default time zone, never
// converted.
func (s *state) timeValue(v any) (time.Time, dateformat.Kind, bool) {
	v = indirect(v)
	if t, ok := v.(time.Time); ok {
		return s.templateLocaltime(t), dateformat.Aware, true
	}
	return civilOf(v, s.defaultLocation())
}
