package numberformat

import "strings"

// Float is Django's numberformat.format of a float with the en
// settings, given Python's str() of the float: a float that str() writes
// in scientific notation goes through Decimal and comes out in positional
// notation ("1e+20" → "100000000000000000000", "1e-05" → "0.00001"), unless
// it has more than 200 digits that way, when it keeps the notation.
func Float(repr string) string {
	mant, expS, ok := strings.Cut(repr, "e")
	if !ok {
		return repr
	}
	sign := ""
	if mant[0] == '-' {
		sign, mant = "-", mant[1:]
	}
	exp := 0
	neg := false
	for i, c := range expS {
		switch {
		case i == 0 && c == '-':
			neg = true
		case i == 0 && c == '+':
		default:
			exp = exp*10 + int(c-'0')
		}
	}
	if neg {
		exp = -exp
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	// Decimal's exponent is that of the last digit.
	lastExp := exp - len(frac)
	if lastExp < 0 {
		lastExp = -lastExp
	}
	if lastExp+len(digits) > 200 {
		return repr
	}
	point := len(intPart) + exp // digits before the decimal point
	switch {
	case point <= 0:
		return sign + "0." + strings.Repeat("0", -point) + digits
	case point >= len(digits):
		return sign + digits + strings.Repeat("0", point-len(digits))
	default:
		return sign + digits[:point] + "." + digits[point:]
	}
}
