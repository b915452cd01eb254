package dateformat

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// This file follows django.utils.timesince.

// monthDays are the month lengths Django's timesince uses to clamp the day
// of its pivot date (February always has 28 days there).
var monthDays = [12]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// timeUnits are the English unit names of timesince, singular and plural.
var timeUnits = [6][2]string{
	{"year", "years"}, {"month", "months"}, {"week", "weeks"},
	{"day", "days"}, {"hour", "hours"}, {"minute", "minutes"},
}

// Since returns Django's timesince(d, now) (or timeuntil when reversed is
// true): the time between d and now in years, months, weeks, days, hours and
// minutes, e.g. "2\u00a0weeks, 3\u00a0days". Up to depth adjacent units are
// shown (Django's filters use 2); a non-breaking space separates each number
// from its unit. When d is not before now (after now for timeuntil), or less
// than a minute apart, the result is "0\u00a0minutes". Years and months are
// counted on the calendar in d's location, as Django does; seconds and
// microseconds are ignored. A depth below 1 is an error in Django (the filters
// then output ""), and gives "" here.
func Since(d, now time.Time, reversed bool, depth int) string {
	partials, ok := sinceParts(d, now, reversed, depth)
	if !ok {
		return ""
	}
	return Locale{}.sinceText(partials[:])
}

// sinceParts counts the years, months, weeks, days, hours and minutes
// between d and now, keeping the first depth non-zero ones from the
// largest unit on (the others zero); ok is false for a depth below 1.
func sinceParts(d, now time.Time, reversed bool, depth int) (partials [6]int64, ok bool) {
	if depth <= 0 {
		return partials, false
	}
	// Compared datetimes are put in the same time zone (d's).
	now = now.In(d.Location())
	if reversed {
		d, now = now, d
	}
	// delta in whole seconds, ignoring microseconds (Python's
	// delta.days * 86400 + delta.seconds floors the difference).
	since := now.Unix() - d.Unix()
	if micro(now) < micro(d) {
		since--
	}
	if since <= 0 {
		return partials, true // "0 minutes"
	}

	totalMonths := (now.Year()-d.Year())*12 + int(now.Month()) - int(d.Month())
	if totalMonths < 0 {
		totalMonths = 0
	}
	pivot := pivotDate(d, totalMonths)
	if totalMonths > 0 && pivot.After(now) {
		totalMonths--
		pivot = pivotDate(d, totalMonths)
	}
	years, months := totalMonths/12, totalMonths%12

	// remaining_time = (now - pivot).total_seconds(), then Python float
	// floor divisions by each chunk.
	remUS := (now.Unix()-pivot.Unix())*1e6 + int64(micro(now)-micro(pivot))
	remaining := microsToSeconds(remUS)
	partials[0], partials[1] = int64(years), int64(months)
	for i, chunk := range [4]float64{604800, 86400, 3600, 60} {
		count := pyFloorDiv(remaining, chunk)
		partials[2+i] = int64(count)
		remaining -= chunk * count
	}

	i := 0
	for i < len(partials) && partials[i] == 0 {
		i++
	}
	for j := i + depth; j < len(partials); j++ {
		partials[j] = 0
	}
	return partials, true
}

// Since is the package's Since with the locale's words: each unit through
// the translator with Django's message ids ("%(num)d year", "%(num)d
// years", …) and the separator gettext(", ").
func (l Locale) Since(d, now time.Time, reversed bool, depth int) string {
	partials, ok := sinceParts(d, now, reversed, depth)
	if !ok {
		return ""
	}
	return l.sinceText(partials[:])
}

// sinceText writes the first run of non-zero partials, at most depth of
// them (the partials past depth are zero).
func (l Locale) sinceText(partials []int64) string {
	i := 0
	for i < len(partials) && partials[i] == 0 {
		i++
	}
	if i == len(partials) {
		return l.timeUnit(5, 0)
	}
	var b strings.Builder
	b.Grow(48)
	for n := 0; i < len(partials); i, n = i+1, n+1 {
		v := partials[i]
		if v == 0 {
			break
		}
		if n > 0 {
			b.WriteString(l.gettext(", "))
		}
		b.WriteString(l.timeUnit(i, v))
	}
	return b.String()
}

// timeUnit is "%(num)d <unit>" for unit i of timeUnits, translated, with
// non-breaking spaces (Django's avoid_wrapping).
func (l Locale) timeUnit(i int, v int64) string {
	num := strconv.FormatInt(v, 10)
	if l.Tr == nil {
		u := timeUnits[i][1]
		if v == 1 {
			u = timeUnits[i][0]
		}
		return num + "\u00a0" + u
	}
	msg := l.Tr.NGettext("%(num)d "+timeUnits[i][0], "%(num)d "+timeUnits[i][1], int(min(v, math.MaxInt32)))
	return strings.ReplaceAll(strings.Replace(msg, "%(num)d", num, 1), " ", "\u00a0")
}

// pivotDate is the datetime Django's timesince builds by moving d forward by
// totalMonths months on the wall clock, clamping the day to monthDays and
// dropping microseconds.
func pivotDate(d time.Time, totalMonths int) time.Time {
	if totalMonths == 0 {
		return d
	}
	year := d.Year() + totalMonths/12
	month := int(d.Month()) + totalMonths%12
	if month > 12 {
		month -= 12
		year++
	}
	day := min(monthDays[month-1], d.Day())
	return wallTime(year, time.Month(month), day, d.Hour(), d.Minute(), d.Second(), d.Location())
}

// wallTime returns the instant in loc whose wall clock reads the given
// fields, resolving the hours skipped or repeated by daylight saving time the
// way Python's zoneinfo does for fold=0: a repeated time is its first
// occurrence, and a skipped time is read with the offset in force before the
// transition.
func wallTime(year int, month time.Month, day, hour, min, sec int, loc *time.Location) time.Time {
	t := time.Date(year, month, day, hour, min, sec, 0, loc)
	start, end := t.ZoneBounds()
	if start.IsZero() && end.IsZero() {
		return t
	}
	wall := time.Date(year, month, day, hour, min, sec, 0, time.UTC).Unix()
	_, off := t.Zone()
	// The candidates: the period Go chose and its neighbours. A candidate is
	// valid when the wall time read with its offset falls inside it.
	type period struct {
		off        int64
		start, end int64 // end exclusive; math bounds when open
	}
	cur := period{int64(off), math.MinInt64, math.MaxInt64}
	if !start.IsZero() {
		cur.start = start.Unix()
	}
	if !end.IsZero() {
		cur.end = end.Unix()
	}
	var cands [3]period
	n := 0
	if !start.IsZero() {
		ps, _ := start.Add(-time.Second).ZoneBounds()
		_, po := start.Add(-time.Second).Zone()
		p := period{int64(po), math.MinInt64, cur.start}
		if !ps.IsZero() {
			p.start = ps.Unix()
		}
		cands[n] = p
		n++
	}
	cands[n] = cur
	n++
	if !end.IsZero() {
		_, ne := end.ZoneBounds()
		_, no := end.Zone()
		p := period{int64(no), cur.end, math.MaxInt64}
		if !ne.IsZero() {
			p.end = ne.Unix()
		}
		cands[n] = p
		n++
	}
	for i := 0; i < n; i++ {
		u := wall - cands[i].off
		if u >= cands[i].start && u < cands[i].end {
			// The first valid period in time order is fold=0.
			return time.Unix(u, 0).In(loc)
		}
	}
	// A skipped time: use the offset of the period before the gap.
	for i := 0; i+1 < n; i++ {
		before, after := cands[i], cands[i+1]
		if wall-before.off >= before.end && wall-after.off < after.start {
			return time.Unix(wall-before.off, 0).In(loc)
		}
	}
	return t
}

// pyFloorDiv is Python's float floor division x // y (for y > 0), which
// snaps the quotient to the nearest integer after an exact fmod.
func pyFloorDiv(x, y float64) float64 {
	mod := math.Mod(x, y)
	div := (x - mod) / y
	if mod != 0 && (y < 0) != (mod < 0) {
		div--
	}
	if div == 0 {
		return math.Copysign(0, x/y)
	}
	f := math.Floor(div)
	if div-f > 0.5 {
		f++
	}
	return f
}
