package pystr

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Float formats a float64 like Python's repr(float).
func Float(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	return floatDigits(strconv.FormatFloat(f, 'e', -1, 64))
}

// Float32 formats a float32 like Python's repr of the same value as a
// float, in its shortest float32 digits.
func Float32(f float32) string {
	if math.IsInf(float64(f), 0) || math.IsNaN(float64(f)) {
		return Float(float64(f))
	}
	return floatDigits(strconv.FormatFloat(float64(f), 'e', -1, 32))
}

// floatDigits turns Go's shortest 'e' form into Python's repr layout:
// positional for exponents in [-4, 16), scientific otherwise.
func floatDigits(e string) string {
	neg := false
	if e[0] == '-' {
		neg = true
		e = e[1:]
	}
	mant, expS, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expS)
	digits := strings.Replace(mant, ".", "", 1)
	var out string
	if exp >= -4 && exp < 16 {
		if exp < 0 {
			out = "0." + strings.Repeat("0", -exp-1) + digits
		} else if len(digits) <= exp+1 {
			out = digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
		} else {
			out = digits[:exp+1] + "." + digits[exp+1:]
		}
	} else {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		sign := "+"
		if exp < 0 {
			sign = "-"
			exp = -exp
		}
		out = fmt.Sprintf("%se%s%02d", m, sign, exp)
	}
	if neg {
		return "-" + out
	}
	return out
}
