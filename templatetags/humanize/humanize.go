// Package humanize is django.contrib.humanize's tag library
// ({% load humanize %}): the filters apnumber, intcomma, intword,
// naturalday, naturaltime and ordinal, written against runnel's public
// library API only. Their words go through the engine's translator
// (runnel.WithTranslator) with Django's message ids and contexts, so a
// catalog that translates Django's humanize messages translates them here.
//
// Numbers are formatted with the format settings of the render's language
// (runnel.Renderer.NumberFormat): intcomma groups 4500 as "4,500" in en and
// "4.500" in de, intword writes "1,0" for one in de; intcomma with
// use_l10n False groups with "," as Django does. Dates (naturalday) use the
// language's DATE_FORMAT and month names (runnel.Renderer.FormatDate).
// Register the library under its Django name:
//
//	eng := runnel.New(fsys, runnel.WithLibrary("humanize", humanize.Library(humanize.Options{})))
package humanize

import (
	"context"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/internal/dateformat"
)

// Options configure the library.
type Options struct {
	// Now is the clock naturalday and naturaltime compare with; nil is the
	// render's clock (runnel.WithClock, time.Now by default). (Django reads
	// the system clock; a test sets its own.)
	Now func() time.Time
}

// Library returns the humanize library.
func Library(o Options) *runnel.Library {
	now := func(r *runnel.Renderer) time.Time {
		if o.Now != nil {
			return o.Now()
		}
		return r.Now()
	}
	return runnel.NewLibrary().
		Filter("apnumber", apnumber, runnel.IsSafe).
		Filter("intcomma", func(r *runnel.Renderer, v any, useL10n *any) any {
			return intcomma(r, v, useL10n == nil || runnel.Truthy(*useL10n))
		}, runnel.IsSafe).
		Filter("intword", intword, runnel.IsSafe).
		Filter("ordinal", ordinal, runnel.IsSafe).
		Filter("naturalday", func(r *runnel.Renderer, v any, format *any) any {
			f := ""
			if format != nil {
				f = runnel.ToString(*format)
			}
			return naturalday(r, v, f, now(r))
		}, runnel.IsSafe).
		Filter("naturaltime", func(r *runnel.Renderer, v any) any {
			return naturaltime(r, v, now(r))
		}, runnel.IsSafe)
}

// tr is the render's translator with its context.
type tr struct {
	t   runnel.Translator
	ctx context.Context
}

func trOf(r *runnel.Renderer) tr { return tr{r.Translator(), r.Context()} }

func (t tr) gettext(msgid string) string {
	if t.t == nil {
		return msgid
	}
	return t.t.Gettext(t.ctx, msgid)
}

func (t tr) ngettext(singular, plural string, n int) string {
	if t.t == nil {
		if n == 1 {
			return singular
		}
		return plural
	}
	return t.t.NGettext(t.ctx, singular, plural, n)
}

func (t tr) pgettext(msgctxt, msgid string) string {
	if t.t == nil {
		return msgid
	}
	return t.t.PGettext(t.ctx, msgctxt, msgid)
}

func (t tr) npgettext(msgctxt, singular, plural string, n int) string {
	if t.t == nil {
		return tr{}.ngettext(singular, plural, n)
	}
	return t.t.NPGettext(t.ctx, msgctxt, singular, plural, n)
}

// pyInt is Python's int(value): integers, floats truncated, booleans,
// and text that spells an integer; ok is false where int() raises.
func pyInt(v any) (*big.Int, bool) {
	switch x := v.(type) {
	case runnel.SafeString:
		v = string(x)
	case *big.Int:
		return x, x != nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Bool:
		if rv.Bool() {
			return big.NewInt(1), true
		}
		return big.NewInt(0), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return big.NewInt(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return new(big.Int).SetUint64(rv.Uint()), true
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, false
		}
		n, _ := big.NewFloat(math.Trunc(f)).Int(nil)
		return n, true
	case reflect.String:
		s := strings.TrimSpace(rv.String())
		s = strings.TrimPrefix(s, "+")
		if s == "" || strings.HasPrefix(s, "-+") || strings.Contains(s, "__") || strings.HasPrefix(strings.TrimPrefix(s, "-"), "_") || strings.HasSuffix(s, "_") {
			return nil, false
		}
		n, ok := new(big.Int).SetString(strings.ReplaceAll(s, "_", ""), 10)
		return n, ok
	}
	return nil, false
}

// ordinal converts an integer to its ordinal: 1st, 2nd, 3rd, 11th, 101st.
// A value that is not an integer comes back as it is; a negative one as
// its text.
func ordinal(r *runnel.Renderer, v any) any {
	n, ok := pyInt(v)
	if !ok {
		return v
	}
	if n.Sign() < 0 {
		return n.String()
	}
	t := trOf(r)
	var tmpl string
	switch m100 := new(big.Int).Mod(n, big.NewInt(100)).Int64(); {
	case m100 == 11 || m100 == 12 || m100 == 13:
		tmpl = t.pgettext("ordinal 11, 12, 13", "{}th")
	default:
		switch m100 % 10 {
		case 1:
			tmpl = t.pgettext("ordinal 1", "{}st")
		case 2:
			tmpl = t.pgettext("ordinal 2", "{}nd")
		case 3:
			tmpl = t.pgettext("ordinal 3", "{}rd")
		default:
			tmpl = t.pgettext("ordinal 0", "{}th")
		}
	}
	return runnel.SafeString(strings.Replace(tmpl, "{}", n.String(), 1))
}

// intcomma writes an integer, a float or a numeric text with its
// thousands grouped: localized (number_format with force_grouping), 4500
// becomes "4,500" in en and "4.500" in de, 45000.5 "45,000.5"; otherwise
// a comma goes every three digits of the text's leading integer.
func intcomma(r *runnel.Renderer, v any, useL10n bool) any {
	if useL10n {
		if d, ok := v.(runnel.Decimal); ok {
			return groupText(d.Localized()) // number_format of the Decimal
		}
		if f, ok := floatOf(v); ok {
			return r.NumberFormat(floatText(f), true)
		}
		if n, ok := pyInt(v); ok {
			return r.NumberFormat(n.String(), true)
		}
	}
	return groupText(runnel.ToString(v))
}

// floatOf returns a float value (Python's float and Decimal, which
// intcomma formats as they are rather than through int()).
func floatOf(v any) (float64, bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true
	}
	return 0, false
}

// floatText is str() of a float as Django's number_format writes it: the
// shortest text that reads back as the float, without an exponent.
func floatText(f float64) string {
	s := runnel.ToString(f)
	if strings.ContainsAny(s, "eE") && !math.IsInf(f, 0) && !math.IsNaN(f) {
		s = strconv.FormatFloat(f, 'f', -1, 64)
	}
	return s
}

// groupText puts a comma every three digits in the leading integer of s
// (an optional "-" and digits), leaving the rest as it is.
func groupText(s string) string {
	i := 0
	if strings.HasPrefix(s, "-") {
		i = 1
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	digits := s[i:j]
	if len(digits) <= 3 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(digits)/3)
	b.WriteString(s[:i])
	first := len(digits) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(digits[:first])
	for k := first; k < len(digits); k += 3 {
		b.WriteByte(',')
		b.WriteString(digits[k : k+3])
	}
	b.WriteString(s[j:])
	return b.String()
}

// intwordUnits are the powers of ten intword names, with Django's
// message ids.
var intwordUnits = []struct {
	exp              int
	singular, plural string
}{
	{6, "%(value)s million", "%(value)s million"},
	{9, "%(value)s billion", "%(value)s billion"},
	{12, "%(value)s trillion", "%(value)s trillion"},
	{15, "%(value)s quadrillion", "%(value)s quadrillion"},
	{18, "%(value)s quintillion", "%(value)s quintillion"},
	{21, "%(value)s sextillion", "%(value)s sextillion"},
	{24, "%(value)s septillion", "%(value)s septillion"},
	{27, "%(value)s octillion", "%(value)s octillion"},
	{30, "%(value)s nonillion", "%(value)s nonillion"},
	{33, "%(value)s decillion", "%(value)s decillion"},
	{100, "%(value)s googol", "%(value)s googol"},
}

// intword writes a large integer in words: 1000000 becomes "1.0 million",
// 1200000000 "1.2 billion". Values under a million, and those that are
// not integers, come back as they are.
func intword(r *runnel.Renderer, v any) any {
	n, ok := pyInt(v)
	if !ok {
		return v
	}
	abs := new(big.Int).Abs(n)
	if abs.Cmp(big.NewInt(1_000_000)) < 0 {
		return n.String()
	}
	for _, u := range intwordUnits {
		large := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(u.exp)), nil)
		if abs.Cmp(new(big.Int).Mul(large, big.NewInt(1000))) < 0 {
			// value / large_number in Python is a float.
			q, _ := new(big.Rat).SetFrac(n, large).Float64()
			text := r.NumberFormat(oneDecimal(q), false) // floatformat(value, 1)
			count := roundAwayFromOne(math.Abs(q))
			tmpl := trOf(r).ngettext(u.singular, u.plural, count)
			return strings.Replace(tmpl, "%(value)s", text, 1)
		}
	}
	return n.String()
}

// oneDecimal is floatformat(f, 1): the float's shortest text rounded half
// up to one decimal place, which is always shown.
func oneDecimal(f float64) string {
	d, _ := new(big.Rat).SetString(strconv.FormatFloat(f, 'f', -1, 64))
	neg := d.Sign() < 0
	d.Abs(d)
	tenths := new(big.Rat).Mul(d, big.NewRat(10, 1))
	tenths.Add(tenths, big.NewRat(1, 2))
	t := new(big.Int).Quo(tenths.Num(), tenths.Denom()) // floor
	s := t.String()
	if len(s) < 2 {
		s = "0" + s
	}
	out := s[:len(s)-1] + "." + s[len(s)-1:]
	if neg && t.Sign() != 0 {
		out = "-" + out
	}
	return out
}

// roundAwayFromOne is Django's round_away_from_one, the count that picks
// the plural form: values above 1 round up, values below 1 round down.
func roundAwayFromOne(f float64) int {
	if f >= 1 {
		return int(math.Ceil(f-1)) + 1
	}
	return int(math.Floor(f-1)) + 1
}

// apnumber writes 1 to 9 as words (Associated Press style); other values
// come back as they are.
func apnumber(r *runnel.Renderer, v any) any {
	n, ok := pyInt(v)
	if !ok {
		return v
	}
	if !n.IsInt64() || n.Int64() <= 0 || n.Int64() >= 10 {
		return n.String()
	}
	words := [...]string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	return trOf(r).gettext(words[n.Int64()-1])
}

// dateOf returns a value naturalday and naturaltime can read as a date.
func dateOf(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case *time.Time:
		if x != nil {
			return *x, true
		}
	}
	return time.Time{}, false
}

// naturalday writes "today", "tomorrow" or "yesterday" for a date that
// is one of them (in the date's own location), and other dates with the
// date filter's format (DATE_FORMAT, "N j, Y", by default).
func naturalday(r *runnel.Renderer, v any, format string, now time.Time) any {
	kind := dateformat.Aware
	x, isDate := v.(runnel.Date)
	if isDate {
		// A date is compared with today's date where the render runs.
		v, kind = time.Date(x.Year, time.Month(x.Month), x.Day, 0, 0, 0, 0, time.Local), dateformat.Date
	}
	d, ok := dateOf(v)
	if !ok {
		return v
	}
	now = now.In(d.Location())
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	t := trOf(r)
	switch int(day(d).Sub(day(now)).Hours() / 24) {
	case 0:
		return t.gettext("today")
	case 1:
		return t.gettext("tomorrow")
	case -1:
		return t.gettext("yesterday")
	}
	if format == "" {
		format = "DATE_FORMAT"
	}
	if kind == dateformat.Date {
		v = x
	} else {
		v = d
	}
	out, err := r.FormatDate(v, format)
	if err != nil {
		return "" // Django raises TypeError (a time character for a date)
	}
	return out
}

// naturaltime writes how long ago, or from now, a time is: "now",
// "29 seconds ago", "an hour from now", "2 days, 3 hours ago".
func naturaltime(r *runnel.Renderer, v any, now time.Time) any {
	d, ok := dateOf(v)
	if !ok {
		return v
	}
	t := trOf(r)
	past := d.Before(now)
	delta := now.Sub(d)
	if !past {
		delta = d.Sub(now)
	}
	secs := int64(delta / time.Second)
	count := func(s string) string { return strings.Replace(s, "%(count)s", strconv.FormatInt(secs, 10), 1) }
	switch {
	case secs >= 86400:
		since := dateformat.Since(d, now, !past, 2)
		delta := substrings(t, since, past)
		if past {
			return strings.Replace(t.gettext("%(delta)s ago"), "%(delta)s", delta, 1)
		}
		return strings.Replace(t.gettext("%(delta)s from now"), "%(delta)s", delta, 1)
	case secs == 0:
		return t.gettext("now")
	case secs < 60:
		if past {
			return count(t.ngettext("a second ago", "%(count)s\u00a0seconds ago", int(secs)))
		}
		return count(t.ngettext("a second from now", "%(count)s\u00a0seconds from now", int(secs)))
	case secs < 3600:
		secs /= 60
		if past {
			return count(t.ngettext("a minute ago", "%(count)s\u00a0minutes ago", int(secs)))
		}
		return count(t.ngettext("a minute from now", "%(count)s\u00a0minutes from now", int(secs)))
	}
	secs /= 3600
	if past {
		return count(t.ngettext("an hour ago", "%(count)s\u00a0hours ago", int(secs)))
	}
	return count(t.ngettext("an hour from now", "%(count)s\u00a0hours from now", int(secs)))
}

// substrings rewrites timesince's "2\u00a0days, 3\u00a0hours" with
// humanize's own messages ("%(num)d day" in the naturaltime-past or
// naturaltime-future context), whose spaces become non-breaking, as
// Django's timesince makes them.
func substrings(t tr, since string, past bool) string {
	msgctxt := "naturaltime-future"
	if past {
		msgctxt = "naturaltime-past"
	}
	parts := strings.Split(since, ", ")
	for i, p := range parts {
		num, unit, ok := strings.Cut(p, "\u00a0")
		if !ok {
			continue
		}
		n, _ := strconv.Atoi(num)
		singular := strings.TrimSuffix(unit, "s")
		msg := t.npgettext(msgctxt, "%(num)d "+singular, "%(num)d "+singular+"s", n)
		// timesince's avoid_wrapping: no line break inside "2 days".
		parts[i] = strings.ReplaceAll(strings.Replace(msg, "%(num)d", num, 1), " ", "\u00a0")
	}
	return strings.Join(parts, ", ")
}
