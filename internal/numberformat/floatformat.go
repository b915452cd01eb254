package numberformat

import (
	"strconv"
	"strings"

	"github.com/runnelhq/runnel/internal/pystr"
)

// Values is how the caller's values look to Python: str() of any value,
// and float() where Python would give one.
type Values interface {
	Str(v any) string
	Float(v any) (float64, bool)
}

// maxPlaces bounds the number of decimal places floatFormat
// accepts; Python would build the string however long.
const maxPlaces = 1 << 20

// FloatFormat is Django's floatformat filter. arg is the filter's argument
// as text, "" when there is none (which means -1): a positive N shows exactly
// N decimal places, a negative N shows |N| places only when the value is not
// a whole number, and 0 rounds to a whole number. A "g" suffix forces the
// thousands to be grouped, "u" asks for unlocalized output: the number is
// written with loc (the active language's separators), or with unloc (the
// settings) for "u", so that with Django's default settings "gu" does not
// group (NUMBER_GROUPING is 0). Nil separators are EN and Plain.
// The value is converted as Django does, through str() to an exact pystr.Decimal
// (falling back to float() for other types), and rounded half away from zero,
// so 1.005 with 2 places is "1.01" and 18.125 is "18.13"; a rounded zero has
// no minus sign. Infinity and NaN, an argument that is not an integer, and
// numbers of more than 200 digits come back as str() of the value. ok is false
// where Django's filter outputs "": the value is not a number.
func FloatFormat(v any, arg string, vals Values, loc, unloc *Separators) (string, bool) {
	var buf [64]byte
	b, ok := AppendFloatFormat(buf[:0], v, arg, vals, loc, unloc)
	return string(b), ok
}

// AppendFloatFormat is FloatFormat appending the text to b.
func AppendFloatFormat(b []byte, v any, arg string, vals Values, loc, unloc *Separators) ([]byte, bool) {
	var dbuf [40]byte
	var d pystr.Decimal
	switch x := v.(type) {
	case float64:
		d = pystr.FloatDecimal(dbuf[:0], x)
	case int:
		d.Neg, d.Coef = x < 0, strconv.AppendUint(dbuf[:0], uint64(fnAbs(int64(x))), 10)
	default:
		var ok bool
		if d, ok = pystr.ParseDecimal(dbuf[:0], vals.Str(v)); !ok {
			// Django falls back to pystr.Decimal(str(float(value))), which saves
			// text whose exponent is beyond pystr.Decimal's range
			// ("1e99999999999999999999" is infinite as a float), and values
			// whose str() is not numeric.
			f, fok := vals.Float(v)
			if !fok {
				return b, false
			}
			d = pystr.FloatDecimal(dbuf[:0], f)
		}
	}

	out, asStr := appendDecimal(b, d, arg, loc, unloc)
	if asStr {
		return append(b, vals.Str(v)...), true
	}
	return out, true
}

// AppendFloat64 is AppendFloatFormat of a float, which it does not box.
func AppendFloat64(b []byte, x float64, arg string, vals Values, loc, unloc *Separators) []byte {
	var dbuf [40]byte
	out, asStr := appendDecimal(b, pystr.FloatDecimal(dbuf[:0], x), arg, loc, unloc)
	if asStr {
		return append(b, vals.Str(x)...)
	}
	return out
}

// appendDecimal appends d as floatformat with arg writes it; asStr reports
// that the filter's result is str() of the value instead (b is returned as
// it was).
func appendDecimal(b []byte, d pystr.Decimal, arg string, loc, unloc *Separators) (_ []byte, asStr bool) {
	grouping, l10n := false, true
	switch {
	case strings.HasSuffix(arg, "gu") || strings.HasSuffix(arg, "ug"):
		grouping, l10n = true, false
		arg = arg[:len(arg)-2]
	case strings.HasSuffix(arg, "g"):
		grouping = true
		arg = arg[:len(arg)-1]
	case strings.HasSuffix(arg, "u"):
		l10n = false
		arg = arg[:len(arg)-1]
	}
	if loc == nil {
		loc = EN
	}
	if unloc == nil {
		unloc = Plain
	}
	seps := loc
	if !l10n {
		// Unlocalized, the settings apply (NUMBER_GROUPING defaults to 0).
		seps = unloc
	}
	grouping = seps.groups(grouping)

	p := int64(-1)
	if arg != "" {
		neg, digits, ok := pystr.IntDigits(arg)
		if !ok || len(digits) > 7 {
			return b, true
		}
		p, _ = strconv.ParseInt(digits, 10, 64)
		if p > maxPlaces {
			return b, true
		}
		if neg {
			p = -p
		}
	}
	if d.Special != 0 {
		// int() of an infinity or NaN fails: the value comes back as is.
		return b, true
	}
	if int64(len(d.Coef))+fnAbs(d.Exp) > 200 {
		return b, true
	}

	places := int(fnAbs(p))
	integral := d.Exp >= 0 || fnAllZero(d.Coef[max(0, len(d.Coef)+int(d.Exp)):])
	if integral && p <= 0 {
		// "%d" % int(d), without decimals.
		var digits []byte
		zeros := 0
		switch {
		case d.Exp >= 0:
			digits = d.Coef
			if !fnAllZero(digits) {
				zeros = int(d.Exp)
			}
		case len(d.Coef)+int(d.Exp) > 0:
			digits = d.Coef[:len(d.Coef)+int(d.Exp)]
		default:
			digits = d.Coef[:0]
		}
		if len(digits) == 0 || fnAllZero(digits) {
			return append(b, '0'), false
		}
		if d.Neg {
			b = append(b, '-')
		}
		return fnAppendInt(b, digits, zeros, grouping, seps), false
	}

	// Quantize to places decimals, rounding half away from zero: n holds the
	// digits of value * 10**places.
	var nbuf [48]byte
	n := nbuf[:0]
	shift := d.Exp + int64(places)
	if shift >= 0 {
		n = append(n, d.Coef...)
		for k := int64(0); k < shift; k++ {
			n = append(n, '0')
		}
	} else {
		drop := int(-shift)
		keep := len(d.Coef) - drop
		roundUp := keep >= 0 && d.Coef[keep] >= '5'
		if keep > 0 {
			n = append(n, d.Coef[:keep]...)
		} else {
			n = append(n, '0')
		}
		if roundUp {
			k := len(n) - 1
			for ; k >= 0 && n[k] == '9'; k-- {
				n[k] = '0'
			}
			if k >= 0 {
				n[k]++
			} else {
				n = append(n, 0)
				copy(n[1:], n)
				n[0] = '1'
			}
		}
	}
	if d.Neg && !fnAllZero(n) {
		b = append(b, '-')
	}
	// The integer part, at least one digit, without leading zeros.
	intLen := len(n) - places
	var intPart []byte
	if intLen > 0 {
		intPart = n[:intLen]
		for len(intPart) > 1 && intPart[0] == '0' {
			intPart = intPart[1:]
		}
	}
	if len(intPart) == 0 {
		b = append(b, '0')
	} else {
		b = fnAppendInt(b, intPart, 0, grouping, seps)
	}
	if places > 0 {
		b = append(b, seps.Decimal...)
		for k := intLen; k < 0; k++ {
			b = append(b, '0')
		}
		b = append(b, n[max(intLen, 0):]...)
	}
	return b, false
}

// fnAllZero reports whether digits holds only zeros.
func fnAllZero(digits []byte) bool {
	for _, c := range digits {
		if c != '0' {
			return false
		}
	}
	return true
}

// fnAppendInt appends integer digits followed by zeros more zeros, grouped
// with the separators' NUMBER_GROUPING and THOUSAND_SEPARATOR when grouping.
func fnAppendInt(b []byte, digits []byte, zeros int, grouping bool, seps *Separators) []byte {
	total := len(digits) + zeros
	if grouping && !(len(seps.Grouping) == 1 && seps.Grouping[0] == 3) {
		all := make([]byte, 0, total)
		all = append(all, digits...)
		for k := len(digits); k < total; k++ {
			all = append(all, '0')
		}
		var g strings.Builder
		seps.writeGrouped(&g, string(all))
		return append(b, g.String()...)
	}
	for k := 0; k < total; k++ {
		if grouping && k > 0 && (total-k)%3 == 0 {
			b = append(b, seps.Thousand...)
		}
		if k < len(digits) {
			b = append(b, digits[k])
		} else {
			b = append(b, '0')
		}
	}
	return b
}

// fnAbs returns |x|.
func fnAbs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
