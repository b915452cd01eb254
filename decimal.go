package runnel

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/runnelhq/runnel/internal/pystr"
)

// Decimal is an exact decimal number, Python's decimal.Decimal: a sign, a
// coefficient of decimal digits and a power-of-ten exponent, so that
// "1.10" keeps its trailing zero. It prints as Python's str() of a Decimal
// ("1.10", "1E+3", "1.23E-8"), displays in {{ }} as Django localizes one
// (positional: "1000"), is false when zero, converts to an int by
// truncation (add, divisibleby), compares exactly with ints and floats in
// {% if %}, goes through floatformat exactly, and is written by
// json_script as a string, as Django's DjangoJSONEncoder writes it. The
// zero value is Decimal("0").
type Decimal struct {
	neg     bool
	coef    string // digits without leading zeros; "" means "0"
	exp     int64
	special byte // 0, 'F' (infinity), 'n' (NaN), 'N' (signalling NaN)
}

// ErrDecimal is the error of ParseDecimal for text that is not a decimal
// number.
var ErrDecimal = errors.New("runnel: invalid decimal literal")

// ParseDecimal parses text as Python's Decimal(str) does: an optional
// sign, digits with an optional point and exponent ("1.10", "-2.5e-3"), or
// Infinity, Inf, NaN and sNaN in any case; surrounding whitespace and
// underscores are ignored.
func ParseDecimal(s string) (Decimal, error) {
	d, ok := pystr.ParseDecimal(nil, s)
	if !ok {
		return Decimal{}, ErrDecimal
	}
	out := Decimal{neg: d.Neg, exp: d.Exp, special: d.Special}
	if c := string(d.Coef); c != "0" {
		out.coef = c
	}
	return out, nil
}

// MustDecimal is ParseDecimal that panics on an invalid literal, for
// constants.
func MustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err.Error() + ": " + strconv.Quote(s))
	}
	return d
}

// NewDecimal returns coef × 10^exp: NewDecimal(110, -2) is 1.10.
func NewDecimal(coef int64, exp int) Decimal {
	d := Decimal{neg: coef < 0, exp: int64(exp)}
	u := uint64(coef)
	if coef < 0 {
		u = -u
	}
	if u != 0 {
		d.coef = strconv.FormatUint(u, 10)
	}
	return d
}

func (d Decimal) digits() string {
	if d.coef == "" {
		return "0"
	}
	return d.coef
}

func (d Decimal) sign() string {
	if d.neg {
		return "-"
	}
	return ""
}

// specialStr is the text of an infinity or a NaN.
func (d Decimal) specialStr() string {
	switch d.special {
	case 'F':
		return d.sign() + "Infinity"
	case 'n':
		return d.sign() + "NaN"
	}
	return d.sign() + "sNaN"
}

// String is Python's str() of the Decimal: positional notation when the
// exponent is at most zero and the number is not below 1E-6, scientific
// notation ("1E+3", "1.5E-7") otherwise.
func (d Decimal) String() string {
	if d.special != 0 {
		return d.specialStr()
	}
	c := d.digits()
	left := d.exp + int64(len(c))
	dot := int64(1)
	if d.exp <= 0 && left > -6 {
		dot = left
	}
	s := d.sign() + place(c, dot)
	if left != dot {
		s += "E" + signed(left-dot)
	}
	return s
}

// place writes the digits c with the decimal point after dot of them.
func place(c string, dot int64) string {
	switch {
	case dot <= 0:
		return "0." + strings.Repeat("0", int(-dot)) + c
	case dot >= int64(len(c)):
		return c + strings.Repeat("0", int(dot-int64(len(c))))
	}
	return c[:dot] + "." + c[dot:]
}

func signed(n int64) string {
	if n >= 0 {
		return "+" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// maxDisplayDigits is where Django's number_format writes a Decimal in
// scientific notation rather than build its positional form.
const maxDisplayDigits = 200

// Localized is Django's number_format of the Decimal with the en
// settings, how {{ }} and the localize filter show it: positional
// ("{:f}": 1E+3 is "1000"), or "{:e}" for a number of more than 200 digits
// that way.
func (d Decimal) Localized() string {
	if d.special != 0 {
		return d.specialStr()
	}
	c := d.digits()
	exp := d.exp
	if exp < 0 {
		exp = -exp
	}
	if exp+int64(len(c)) > maxDisplayDigits {
		left := d.exp + int64(len(c))
		return d.sign() + place(c, 1) + "e" + signed(left-1)
	}
	if d.coef == "" && d.exp > 0 {
		return d.sign() + "0"
	}
	return d.sign() + place(c, d.exp+int64(len(c)))
}

// IsZero reports whether d is zero (of either sign).
func (d Decimal) IsZero() bool { return d.special == 0 && d.coef == "" }

// Float64 is float(d), rounded to the nearest float.
func (d Decimal) Float64() float64 {
	switch d.special {
	case 'F':
		if d.neg {
			return math.Inf(-1)
		}
		return math.Inf(1)
	case 'n', 'N':
		return math.NaN()
	}
	f, _ := strconv.ParseFloat(d.sign()+d.digits()+"e"+strconv.FormatInt(d.exp, 10), 64)
	return f
}

// maxExactExp bounds the exponents that Decimal arithmetic here makes
// exact (big numbers); past it a Decimal is compared as a float, which
// is then zero or infinite.
const maxExactExp = 1000

// rat returns d as an exact fraction; ok is false for an infinity, a NaN,
// or an exponent past maxExactExp.
func (d Decimal) rat() (*big.Rat, bool) {
	if d.special != 0 || d.exp > maxExactExp || d.exp < -maxExactExp {
		return nil, false
	}
	n, _ := new(big.Int).SetString(d.digits(), 10)
	if d.neg {
		n.Neg(n)
	}
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(abs64(d.exp)), nil)
	r := new(big.Rat)
	if d.exp >= 0 {
		return r.SetInt(n.Mul(n, p)), true
	}
	return r.SetFrac(n, p), true
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// int is int(d): truncated toward zero. ok is false for an infinity, a NaN
// (Python raises), or a value beyond int64.
func (d Decimal) int() (int64, bool) {
	if d.special != 0 {
		return 0, false
	}
	c := d.digits()
	var s string
	switch {
	case d.exp >= 0:
		if d.coef == "" {
			return 0, true
		}
		if d.exp > 19 {
			return 0, false
		}
		s = c + strings.Repeat("0", int(d.exp))
	case -d.exp >= int64(len(c)):
		return 0, true
	default:
		s = c[:int64(len(c))+d.exp]
	}
	n, err := strconv.ParseInt(d.sign()+s, 10, 64)
	return n, err == nil
}

// MarshalJSON writes d as a JSON string of its str(), as Django's
// DjangoJSONEncoder does (json_script).
func (d Decimal) MarshalJSON() ([]byte, error) {
	return []byte(`"` + d.String() + `"`), nil
}

// decimalOf returns v as a Decimal when it is one (or a pointer to one).
func decimalOf(v any) (Decimal, bool) { return valueOrField[Decimal](v) }

// exactRat returns a number value as an exact fraction: a Decimal, an
// integer, or a float (exactly the float's value, as Python compares a
// Decimal with a float).
func exactRat(v any) (*big.Rat, bool) {
	if d, ok := decimalOf(v); ok {
		return d.rat()
	}
	if isIntegral(v) {
		n, ok := toInt(v)
		if !ok {
			return nil, false
		}
		return new(big.Rat).SetInt64(n), true
	}
	if b, ok := v.(bool); ok {
		if b {
			return big.NewRat(1, 1), true
		}
		return new(big.Rat), true
	}
	f, ok := toFloat(v)
	if !ok || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, false
	}
	return new(big.Rat).SetFloat64(f), true
}

// decimalCompare compares a and b, one of them a Decimal, exactly where
// it can; ok is false when either is a NaN (every comparison is false).
func decimalCompare(a, b any) (c int, ok bool) {
	ra, okA := exactRat(a)
	rb, okB := exactRat(b)
	if okA && okB {
		return ra.Cmp(rb), true
	}
	fa, _ := toFloat(a)
	fb, _ := toFloat(b)
	if math.IsNaN(fa) || math.IsNaN(fb) {
		return 0, false
	}
	return cmp3(fa < fb, fa > fb), true
}

// repr is Python's repr() of the Decimal: Decimal('1.10').
func (d Decimal) repr() string { return "Decimal('" + d.String() + "')" }

// isDecimal reports whether v is a Decimal (or a pointer to one).
func isDecimal(v any) bool {
	_, ok := decimalOf(v)
	return ok
}
