package runnel

import (
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/runnelhq/runnel/internal/numberformat"
	"github.com/runnelhq/runnel/internal/pystr"
)

// Django's integer, date, logic and miscellaneous filters: add,
// divisibleby, get_digit, floatformat, filesizeformat, stringformat, date,
// time, timesince, timeuntil, pluralize, yesno and pprint. The number and
// date formatting itself is in format_num.go and internal/dateformat.

// init registers the number, date and logic filters.
func init() {
	registerFilter("add", argRequired, false, filterAdd)
	appendingFilter("add", addApp)
	registerFilter("divisibleby", argRequired, false, filterDivisibleby)
	registerFilter("get_digit", argRequired, false, filterGetDigit)
	registerFilter("floatformat", argOptional, true, filterFloatformat)
	appendingFilter("floatformat", floatformatApp)
	registerFilter("filesizeformat", argNone, true, func(s *state, in, _ any) (any, error) {
		_, seps := s.formatsFor(true)
		return fileSizeFormat(in, seps), nil
	})
	registerFilter("stringformat", argRequired, true, filterStringformat)
	registerFilter("date", argOptional, false, filterDate)
	registerFilter("time", argOptional, false, filterTime)
	registerFilter("timesince", argOptional, false, func(s *state, in, arg any) (any, error) {
		return timesinceFilter(s, in, arg, false)
	})
	registerFilter("timeuntil", argOptional, false, func(s *state, in, arg any) (any, error) {
		return timesinceFilter(s, in, arg, true)
	})
	registerFilter("pluralize", argOptional, false, filterPluralize)
	registerFilter("yesno", argOptional, false, filterYesno)
	registerFilter("pprint", argNone, true, func(s *state, in, _ any) (any, error) {
		if err := reprSize(s, in); err != nil {
			return nil, err
		}
		return bounded(s, pyRepr(in))
	})
}

// filterAdd adds the argument to the value: as integers when both convert
// with int() (a float is truncated), otherwise with Python's + (string and
// list concatenation, a time plus a duration), and "" when that fails too.
//
// Text and lists are added under MaxValueBytes: added to themselves they
// double at each step.
func filterAdd(s *state, in, arg any) (any, error) {
	a, errA := pyInt(in)
	b, errB := pyInt(arg)
	if errA == nil && errB == nil {
		sum := a + b
		if (sum > a) == (b > 0) || b == 0 {
			return int(sum), nil
		}
		return float64(a) + float64(b), nil // beyond int64: approximate
	}
	if err := addSize(s, in, arg); err != nil {
		return nil, err
	}
	if r, ok := pyAdd(in, arg); ok {
		return r, nil
	}
	return "", nil
}

// valueOrField returns in as a T, given a T or (a field) a non-nil *T.
func valueOrField[T any](in any) (T, bool) {
	switch x := in.(type) {
	case T:
		return x, true
	case *T:
		if x != nil {
			return *x, true
		}
	}
	var zero T
	return zero, false
}

// addApp is add of two ints (an int field and a literal, say) appended to
// b, where {{ }} would write the sum as it is (not grouped by
// USE_THOUSAND_SEPARATOR).
func addApp(s *state, b []byte, in, arg any) ([]byte, bool, bool, error) {
	a, ok := valueOrField[int](in)
	if !ok {
		return b, false, false, nil
	}
	n, ok := arg.(int)
	if !ok || s.groupsInts() {
		return b, false, false, nil
	}
	sum := a + n
	if (sum > a) != (n > 0) && n != 0 {
		return b, false, false, nil // beyond int: the general form's float
	}
	return strconv.AppendInt(b, int64(sum), 10), true, true, nil
}

// addSize fails when a + b, of two texts or two lists, would be larger
// than MaxValueBytes.
func addSize(s *state, a, b any) error {
	a, b = indirect(a), indirect(b)
	if sa, ok := isString(a); ok {
		if sb, ok := isString(b); ok {
			return s.checkSize(int64(len(sa)) + int64(len(sb)))
		}
		return nil
	}
	if isAddList(a) && isAddList(b) {
		na, _ := length(a)
		nb, _ := length(b)
		return s.checkItems(na + nb)
	}
	return nil
}

// pyAdd is Python's a + b for the types it supports between template
// values: text, lists, numbers, and times with durations.
func pyAdd(a, b any) (any, bool) {
	a, b = indirect(a), indirect(b)
	if sa, ok := isString(a); ok {
		sb, ok := isString(b)
		if !ok {
			return nil, false
		}
		if isSafe(a) && isSafe(b) {
			return SafeString(sa + sb), true
		}
		return sa + sb, true
	}
	switch x := a.(type) {
	case time.Time:
		if d, ok := b.(time.Duration); ok {
			return x.Add(d), true
		}
		return nil, false
	case time.Duration:
		switch y := b.(type) {
		case time.Duration:
			return x + y, true
		case time.Time:
			return y.Add(x), true
		}
		return nil, false
	}
	if isNumber(a) && isNumber(b) {
		fa, _ := toFloat(a)
		fb, _ := toFloat(b)
		return fa + fb, true
	}
	if isAddList(a) && isAddList(b) {
		if isTuple(a) != isTuple(b) {
			return nil, false // Python: a list and a tuple do not concatenate
		}
		la, _ := toList(a)
		lb, _ := toList(b)
		out := make([]any, 0, len(la)+len(lb))
		out = append(append(out, la...), lb...)
		if isTuple(a) {
			return Tuple(out), true
		}
		return out, true
	}
	return nil, false
}

// isAddList reports whether v is a list for +: a slice or array.
func isAddList(v any) bool {
	switch v.(type) {
	case []any:
		return true
	case nil, string, SafeString:
		return false
	}
	k := reflect.ValueOf(v).Kind()
	return k == reflect.Slice || k == reflect.Array
}

// filterDivisibleby reports whether the value is divisible by the argument
// (both converted with int(); errors are render errors, as in Django).
func filterDivisibleby(_ *state, in, arg any) (any, error) {
	a, err := pyInt(in)
	if err != nil {
		return nil, err
	}
	b, err := pyInt(arg)
	if err != nil {
		return nil, err
	}
	if b == 0 {
		return nil, pystr.Errorf(pystr.ZeroDivisionError, "integer modulo by zero")
	}
	return a%b == 0, nil
}

// filterGetDigit returns the argument-th digit of the value counted from the
// right (1 is the last digit), 0 past the first digit, and the value itself
// when the argument is below 1 or either is not an integer.
func filterGetDigit(_ *state, in, arg any) (any, error) {
	n, err := pyInt(arg)
	if err != nil {
		if pystr.IsKind(err, pystr.ValueError) {
			return in, nil
		}
		return nil, err
	}
	v, err := pyInt(in)
	if err != nil {
		if pystr.IsKind(err, pystr.ValueError) {
			return in, nil
		}
		return nil, err
	}
	if n < 1 {
		return int(v), nil
	}
	digits := []rune(toStr(int(v)))
	if n > int64(len(digits)) {
		return 0, nil
	}
	c := digits[int64(len(digits))-n]
	if c < '0' || c > '9' {
		return nil, pystr.Errorf(pystr.ValueError, "invalid literal for int() with base 10: %s", pystr.Repr(string(c)))
	}
	return int(c - '0'), nil
}

// filterFloatformat rounds a number to the argument's number of decimal
// places (see floatFormat for the rules).
func filterFloatformat(s *state, in, arg any) (any, error) {
	a := argStr(arg)
	if places, err := pystr.ParseInt(strings.TrimRight(a, "gu")); err == nil && places > 0 && places <= 1<<20 {
		// Django would build however many places; the engine makes up to
		// 2^20 (numberformat's bound; more gives the value back as it
		// is), within MaxValueBytes.
		if err := s.checkSize(places); err != nil {
			return nil, err
		}
	}
	_, loc := s.formatsFor(true)
	_, plain := s.formatsFor(false)
	out, ok := floatFormat(in, a, loc, plain)
	if !ok {
		return "", nil
	}
	return SafeString(out), nil
}

// floatformatApp is floatformat of a float or int field, appended to b.
func floatformatApp(s *state, b []byte, in, arg any) ([]byte, bool, bool, error) {
	f, ok := valueOrField[float64](in)
	if !ok {
		return b, false, false, nil
	}
	a := argStr(arg)
	if places, err := pystr.ParseInt(strings.TrimRight(a, "gu")); err == nil && places > 0 && places <= 1<<20 {
		if err := s.checkSize(places); err != nil {
			return nil, false, false, err
		}
	}
	_, loc := s.formatsFor(true)
	_, plain := s.formatsFor(false)
	return numberformat.AppendFloat64(b, f, a, pyValues{}, loc, plain), true, true, nil
}

// filterStringformat formats the value with a Python %-format specifier
// (without the leading "%"); "" when Python would raise.
func filterStringformat(s *state, in, arg any) (any, error) {
	if strings.ContainsAny(argStr(arg), "ra") {
		if err := reprSize(s, in); err != nil {
			return nil, err
		}
	}
	out, err := pyFormat(argStr(arg), in)
	if err != nil {
		return "", nil
	}
	return bounded(s, out)
}

// reprSize fails for text whose repr() could be larger than MaxValueBytes
// (each character may take four, as \xNN), before it is made.
func reprSize(s *state, in any) error {
	if str, ok := isString(in); ok {
		return s.checkSize(int64(len(str)) * 4)
	}
	return nil
}

// bounded returns text a filter made, or the error of text larger than
// MaxValueBytes (for filters whose result is at most a few times larger
// than their input, built whole).
func bounded(s *state, out string) (any, error) {
	if err := s.checkSize(int64(len(out))); err != nil {
		return nil, err
	}
	return out, nil
}

// filterDate formats a time with a Django date format (default
// DATE_FORMAT), in the engine's time zone. Anything but a time gives "".
func filterDate(s *state, in, arg any) (any, error) {
	t, kind, ok := s.timeValue(in)
	if !ok {
		return "", nil
	}
	format := argStr(arg)
	if err := checkFormat(s, format); err != nil {
		return nil, err
	}
	// date_format localizes whatever {% localize %} says (use_l10n=None).
	out, ok, err := s.dateLocale(true).FormatKind(t, kind, format)
	if err != nil {
		return nil, err
	}
	if !ok {
		return "", nil
	}
	return out, nil
}

// maxFormatExpansion is the most text a character of a date format makes
// ("r" and "c" make a whole date of about 32 characters).
const maxFormatExpansion = 40

// checkFormat fails for a date format that could make text larger than
// MaxValueBytes.
func checkFormat(s *state, format string) error {
	return s.checkSize(int64(len(format)) * maxFormatExpansion)
}

// filterTime formats the time of day of a time with a Django time format
// (default TIME_FORMAT), in the engine's time zone. Anything but a time, or
// a format using date-only characters, gives "".
func filterTime(s *state, in, arg any) (any, error) {
	t, kind, ok := s.timeValue(in)
	if !ok {
		return "", nil
	}
	if err := checkFormat(s, argStr(arg)); err != nil {
		return nil, err
	}
	out, ok := s.dateLocale(true).FormatTimeKind(t, kind, argStr(arg))
	if !ok {
		return "", nil
	}
	return out, nil
}

// timesinceFilter is Django's timesince (or timeuntil when reversed): the
// time between the value and the argument (default now), such as
// "4\u00a0days, 6\u00a0hours"; now is the engine's clock (WithClock).
// Values or arguments that are not times give "" (Django raises
// AttributeError for them). A Date is its midnight and a
// NaiveDateTime its wall clock; a naive value and an aware one (a
// time.Time) give "", as Python cannot subtract them, and the default
// now of a naive value is the wall clock of the default time zone.
func timesinceFilter(s *state, in, arg any, reversed bool) (any, error) {
	d, naive, ok := sinceValue(in)
	if !ok {
		return "", nil
	}
	now := s.now()
	if naive {
		now = Naive(now.In(s.defaultLocation())).In(time.UTC)
	}
	if truthy(arg) {
		n, nNaive, ok := sinceValue(arg)
		if !ok || nNaive != naive {
			return "", nil
		}
		now = n
	}
	return s.dateLocale(true).Since(d, now, reversed, 2), nil
}

// sinceValue is a value of timesince as a time: a time.Time (aware), or a
// Date or NaiveDateTime as its wall clock in UTC (naive).
func sinceValue(v any) (t time.Time, naive, ok bool) {
	v = indirect(v)
	if t, ok := v.(time.Time); ok {
		return t, false, true
	}
	switch x := v.(type) {
	case *Date:
		if x == nil {
			return t, false, false
		}
		v = *x
	case *NaiveDateTime:
		if x == nil {
			return t, false, false
		}
		v = *x
	}
	switch x := v.(type) {
	case Date:
		return x.time(time.UTC), true, true
	case NaiveDateTime:
		return x.In(time.UTC), true, true
	}
	return t, false, false
}

// filterPluralize returns a plural suffix unless the value is 1 (or has one
// item): "s" by default, the argument otherwise, or with "singular,plural"
// one of the two. More than two forms, or a value that is neither a number
// nor sized, give "".
func filterPluralize(_ *state, in, arg any) (any, error) {
	a := "s"
	if arg != nil {
		a = toStr(arg)
	}
	if !strings.Contains(a, ",") {
		a = "," + a
	}
	bits := strings.SplitN(a, ",", 3) // more than two forms: ""
	if len(bits) > 2 {
		return "", nil
	}
	singular, plural := bits[0], bits[1]
	f, ok, typeErr := pyFloatOf(in)
	if ok {
		if f == 1 {
			return singular, nil
		}
		return plural, nil
	}
	if !typeErr {
		return "", nil
	}
	if n, ok := length(in); ok {
		if n == 1 {
			return singular, nil
		}
		return plural, nil
	}
	return "", nil
}

// filterYesno maps true, false and None to the argument's "yes,no,maybe"
// strings (default "yes,no,maybe", translated). With two strings None maps
// to the second; with fewer than two the value is returned unchanged.
func filterYesno(s *state, in, arg any) (any, error) {
	var a string
	if arg == nil {
		a = s.gettext("yes,no,maybe")
	} else {
		a = toStr(arg)
	}
	bits := strings.SplitN(a, ",", 4) // past three, the first two are used
	if len(bits) < 2 {
		return in, nil
	}
	yes, no, maybe := bits[0], bits[1], bits[1]
	if len(bits) == 3 {
		maybe = bits[2]
	}
	if in == nil {
		return maybe, nil
	}
	if truthy(in) {
		return yes, nil
	}
	return no, nil
}
