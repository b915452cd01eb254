package pystr

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Digit returns the value of a Unicode decimal digit (category Nd), which
// Python's int() and Decimal() accept as well as ASCII digits.
func Digit(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if r < 0x80 || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	// Decimal digits come in runs of ten from zero to nine, and the runs of a
	// range of the table are contiguous from its start.
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int((r-rune(rg.Lo))/rune(rg.Stride)) % 10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int((r-rune(rg.Lo))/rune(rg.Stride)) % 10, true
		}
	}
	return 0, false
}

// IntDigits parses text like Python's int(str): surrounding whitespace, an
// optional sign, and digits with single underscores between them. The value
// is returned as a sign and a decimal digit string without leading zeros.
func IntDigits(s string) (neg bool, digits string, ok bool) {
	s = strings.TrimFunc(s, IsSpace)
	if s == "" {
		return false, "", false
	}
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	var b []byte
	prevDigit := false
	for _, r := range s {
		if r == '_' {
			if !prevDigit {
				return false, "", false
			}
			prevDigit = false
			continue
		}
		dv, isDigit := Digit(r)
		if !isDigit {
			return false, "", false
		}
		if len(b) > 0 || dv != 0 {
			b = append(b, byte('0'+dv))
		}
		prevDigit = true
	}
	if !prevDigit {
		return false, "", false
	}
	if len(b) == 0 {
		return false, "0", true
	}
	return neg, string(b), true
}

// Decimal is a finite or special Python Decimal: sign, coefficient digits
// (no leading zeros, "0" for zero) and exponent.
type Decimal struct {
	Neg     bool
	Coef    []byte
	Exp     int64
	Special byte // 0, or 'F' (infinity), 'n' (NaN), 'N' (signalling NaN)
}

// decimalMaxExp bounds the exponent of a Decimal string, as libmpdec does.
const decimalMaxExp = 999999999999999999

// ParseDecimal parses text like Python's Decimal(str): surrounding
// whitespace is stripped and every underscore dropped, then an optional sign
// and either digits with an optional point and exponent, or Inf, Infinity,
// NaN or sNaN (any case, NaN with optional diagnostic digits). The
// coefficient's digits are appended to dst.
func ParseDecimal(dst []byte, s string) (Decimal, bool) {
	var d Decimal
	s = strings.TrimFunc(s, IsSpace)
	if strings.IndexByte(s, '_') >= 0 {
		s = strings.ReplaceAll(s, "_", "")
	}
	if s == "" {
		return d, false
	}
	switch s[0] {
	case '-':
		d.Neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	if strings.EqualFold(s, "inf") || strings.EqualFold(s, "infinity") {
		d.Special = 'F'
		return d, true
	}
	if len(s) >= 3 && (strings.EqualFold(s[:3], "nan") || len(s) >= 4 && strings.EqualFold(s[:4], "snan")) {
		rest := s[3:]
		d.Special = 'n'
		if s[0] == 's' || s[0] == 'S' {
			rest = s[4:]
			d.Special = 'N'
		}
		for _, r := range rest {
			if _, ok := Digit(r); !ok {
				return d, false
			}
		}
		return d, true
	}
	coef := dst
	nDigits, fracDigits := 0, 0
	seenPoint := false
	k := 0
	for k < len(s) {
		r, size := rune(s[k]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[k:])
		}
		if r == '.' {
			if seenPoint {
				return d, false
			}
			seenPoint = true
			k += size
			continue
		}
		dv, ok := Digit(r)
		if !ok {
			break
		}
		nDigits++
		if seenPoint {
			fracDigits++
		}
		if len(coef) > len(dst) || dv != 0 {
			coef = append(coef, byte('0'+dv))
		}
		k += size
	}
	if nDigits == 0 {
		return d, false
	}
	var exp int64
	if k < len(s) {
		if s[k] != 'e' && s[k] != 'E' {
			return d, false
		}
		k++
		eneg := false
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			eneg = s[k] == '-'
			k++
		}
		n := 0
		for k < len(s) {
			r, size := utf8.DecodeRuneInString(s[k:])
			dv, ok := Digit(r)
			if !ok {
				return d, false
			}
			if exp <= decimalMaxExp {
				exp = exp*10 + int64(dv)
			}
			n++
			k += size
		}
		if n == 0 || exp > decimalMaxExp {
			return d, false
		}
		if eneg {
			exp = -exp
		}
	}
	if len(coef) == len(dst) {
		coef = append(coef, '0')
	}
	d.Coef = coef[len(dst):]
	d.Exp = exp - int64(fracDigits)
	return d, true
}

// FloatDecimal is Decimal(repr(f)) up to trailing zeros of the
// coefficient, which change neither its value nor floatformat's result: the
// shortest digits that read back as f. The digits are appended to dst.
func FloatDecimal(dst []byte, f float64) Decimal {
	var d Decimal
	switch {
	case math.IsInf(f, 0):
		d.Neg = f < 0
		d.Special = 'F'
		return d
	case math.IsNaN(f):
		d.Special = 'n'
		return d
	}
	d.Neg = math.Signbit(f)
	coef, x := Shortest(dst, math.Abs(f))
	d.Coef = coef
	d.Exp = int64(x) - int64(len(coef)-1)
	return d
}

// Shortest appends to dst the shortest digits that read back as the
// non-negative finite f (the digits of Python's repr), and returns them with
// the decimal exponent of the first one: 1234.5 gives "12345" and 3.
func Shortest(dst []byte, f float64) ([]byte, int) {
	e := strconv.AppendFloat(dst, f, 'e', -1, 64)[len(dst):]
	k := bytes.IndexByte(e, 'e')
	x := 0
	for _, c := range e[k+2:] {
		x = x*10 + int(c-'0')
	}
	if e[k+1] == '-' {
		x = -x
	}
	digits := e[:1]
	if k > 1 {
		// Drop the point: "1.2345" becomes "12345".
		digits = append(e[:1], e[2:k]...)
	}
	return digits, x
}
