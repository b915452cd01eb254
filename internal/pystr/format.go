package pystr

import (
	"bytes"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxWidth bounds the width and precision Format accepts. Python
// allows up to sys.maxsize and would build the string; runnel refuses, to
// keep a template from allocating without bound.
const MaxWidth = 1 << 20

// FormatError is the error Format returns where Python raises.
type FormatError struct{ msg string }

// Error returns the message Python would give.
func (e *FormatError) Error() string { return e.msg }

// pyfErr builds a FormatError.
func pyfErr(msg string) error { return &FormatError{msg} }

var (
	errPyfNotEnough  = pyfErr("not enough arguments for format string")
	errPyfNotAll     = pyfErr("not all arguments converted during string formatting")
	errPyfIncomplete = pyfErr("incomplete format")
	errPyfMapping    = pyfErr("format requires a mapping")
	errPyfTooBig     = pyfErr("width or precision too big")
)

// Values is how the caller's values look to Python, for what Format cannot
// tell from plain Go values: str() and repr() of any value, and which values
// are mappings ("%(key)s" looks keys up in them; lists count too, as Python
// does not require a mapping argument to be consumed). Values passed to it
// have their pointers followed already.
type Values interface {
	Str(v any) string
	Repr(v any) string
	IsMapping(v any) bool
	// Lookup returns m[key] of a mapping, its pointers followed.
	Lookup(m any, key string) (any, bool)
}

// Format returns Python's ("%" + spec) % v for one value v, which is what
// Django's stringformat filter computes: flags "#0- +", a width, a precision
// and the conversions d i o u x X e E f F g G c r s a and %. The spec may go on
// with more text after the conversion ("5s!" of "x" gives "    x!"). Python's rules
// for each conversion hold: %d truncates a float, %x wants an integer, %s is
// str() and %r repr(). When v is a map, "%(key)s" looks the key up. The error
// is non-nil where Python raises (Django's filter then outputs "").
func Format(spec string, v any, vals Values) (string, error) {
	mapping := vals.IsMapping(v)
	var b strings.Builder
	b.Grow(len(spec) + 16)
	used := false
	i := 0
	for first := true; ; first = false {
		if !first {
			j := strings.IndexByte(spec[i:], '%')
			if j < 0 {
				b.WriteString(spec[i:])
				break
			}
			b.WriteString(spec[i : i+j])
			i += j + 1
		}
		// A directive starts at spec[i], just after a '%'.
		if i >= len(spec) {
			return "", errPyfIncomplete
		}
		if spec[i] == '%' {
			// Only "%%" itself is a literal percent sign.
			b.WriteByte('%')
			i++
			continue
		}
		arg := v
		keyed := false
		if spec[i] == '(' {
			if !mapping {
				return "", errPyfMapping
			}
			depth := 1
			k := i + 1
			for ; k < len(spec) && depth > 0; k++ {
				switch spec[k] {
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			if depth > 0 {
				return "", pyfErr("incomplete format key")
			}
			val, ok := vals.Lookup(v, spec[i+1:k-1])
			if !ok {
				return "", pyfErr("KeyError: " + spec[i+1:k-1])
			}
			arg = val
			keyed = true
			i = k
		}
		var d pyfDirective
		for ; i < len(spec); i++ {
			switch spec[i] {
			case '-':
				d.left = true
				continue
			case '+':
				d.plus = true
				continue
			case ' ':
				d.space = true
				continue
			case '#':
				d.alt = true
				continue
			case '0':
				d.zero = true
				continue
			}
			break
		}
		if i < len(spec) && spec[i] == '*' {
			// The width would come from the argument tuple, and one value is
			// at most the width: nothing is left for the conversion.
			return "", errPyfNotEnough
		}
		var ok bool
		if d.width, i, ok = pyfNumber(spec, i); !ok {
			return "", errPyfTooBig
		}
		d.prec = -1
		if i < len(spec) && spec[i] == '.' {
			i++
			if i < len(spec) && spec[i] == '*' {
				return "", errPyfNotEnough
			}
			if d.prec, i, ok = pyfNumber(spec, i); !ok {
				return "", errPyfTooBig
			}
		}
		for i < len(spec) && (spec[i] == 'h' || spec[i] == 'l' || spec[i] == 'L') {
			i++
		}
		if i >= len(spec) {
			return "", errPyfIncomplete
		}
		c := spec[i]
		i++
		if !keyed && used {
			return "", errPyfNotEnough
		}
		// A keyed conversion also uses up the positional argument.
		used = true
		d.conv = c
		if err := d.format(&b, arg, vals); err != nil {
			return "", err
		}
	}
	if !used && !mapping {
		return "", errPyfNotAll
	}
	return b.String(), nil
}

// pyfNumber reads the decimal digits at s[i:] (none means 0). ok is false when
// the number is too big.
func pyfNumber(s string, i int) (n, next int, ok bool) {
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
		if n > MaxWidth {
			return 0, i, false
		}
	}
	return n, i, true
}

// pyfDirective is one parsed "%" conversion.
type pyfDirective struct {
	left, plus, space, alt, zero bool
	width, prec                  int
	conv                         byte
}

// Type classifies a Go value as the Python type it stands for.
type Type int

const (
	OtherType Type = iota
	NoneType
	BoolType
	IntType
	FloatType
	StrType
)

// Classify returns the Python kind of v, with its integer (as sign and
// magnitude) or float value when it has one.
func Classify(v any) (kind Type, neg bool, mag uint64, f float64) {
	switch x := v.(type) {
	case nil:
		return NoneType, false, 0, 0
	case bool:
		if x {
			return BoolType, false, 1, 1
		}
		return BoolType, false, 0, 0
	case int:
		return classifyInt(int64(x))
	case int64:
		return classifyInt(x)
	case float64:
		return FloatType, false, 0, x
	case string:
		return StrType, false, 0, 0
	case time.Time, time.Duration:
		return OtherType, false, 0, 0
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return classifyInt(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return IntType, false, rv.Uint(), float64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return FloatType, false, 0, rv.Float()
	case reflect.String:
		return StrType, false, 0, 0
	case reflect.Bool:
		return Classify(rv.Bool())
	}
	return OtherType, false, 0, 0
}

// classifyInt splits a signed integer into sign and magnitude.
func classifyInt(n int64) (Type, bool, uint64, float64) {
	if n < 0 {
		return IntType, true, uint64(-(n + 1)) + 1, float64(n)
	}
	return IntType, false, uint64(n), float64(n)
}

// format writes the conversion of arg.
func (d *pyfDirective) format(b *strings.Builder, arg any, vals Values) error {
	kind, neg, mag, f := Classify(arg)
	var buf [64]byte
	switch d.conv {
	case 's':
		d.padText(b, vals.Str(arg))
	case 'r':
		d.padText(b, vals.Repr(arg))
	case 'a':
		d.padText(b, ASCII(vals.Repr(arg)))
	case 'c':
		var r rune
		switch kind {
		case IntType, BoolType:
			if neg || mag >= 0x110000 {
				return pyfErr("%c arg not in range(0x110000)")
			}
			r = rune(mag)
		case StrType:
			s := vals.Str(arg)
			n := utf8.RuneCountInString(s)
			if n != 1 {
				return pyfErr("%c requires int or char")
			}
			r, _ = utf8.DecodeRuneInString(s)
		default:
			return pyfErr("%c requires int or char")
		}
		var rb [utf8.UTFMax]byte
		d.prec = -1
		d.padText(b, string(rb[:utf8.EncodeRune(rb[:], r)]))
	case 'd', 'i', 'u':
		var digits []byte
		switch kind {
		case IntType, BoolType:
			digits = strconv.AppendUint(buf[:0], mag, 10)
		case FloatType:
			if math.IsNaN(f) {
				return pyfErr("cannot convert float NaN to integer")
			}
			if math.IsInf(f, 0) {
				return pyfErr("cannot convert float infinity to integer")
			}
			t := math.Trunc(f)
			neg = t < 0
			if math.Abs(t) < 1<<63 {
				digits = strconv.AppendUint(buf[:0], uint64(math.Abs(t)), 10)
			} else {
				bi, _ := big.NewFloat(math.Abs(t)).Int(nil)
				digits = bi.Append(buf[:0], 10)
			}
		default:
			return pyfErr("%" + string(d.conv) + " format: a real number is required")
		}
		d.padNumber(b, neg, "", digits, true)
	case 'o', 'x', 'X':
		if kind != IntType && kind != BoolType {
			return pyfErr("%" + string(d.conv) + " format: an integer is required")
		}
		var digits []byte
		prefix := ""
		switch d.conv {
		case 'o':
			digits = strconv.AppendUint(buf[:0], mag, 8)
			if d.alt {
				prefix = "0o"
			}
		case 'x':
			digits = strconv.AppendUint(buf[:0], mag, 16)
			if d.alt {
				prefix = "0x"
			}
		default:
			digits = strconv.AppendUint(buf[:0], mag, 16)
			for k, c := range digits {
				if c >= 'a' {
					digits[k] = c - 'a' + 'A'
				}
			}
			if d.alt {
				prefix = "0X"
			}
		}
		d.padNumber(b, neg, prefix, digits, true)
	case 'e', 'E', 'f', 'F', 'g', 'G':
		switch kind {
		case IntType, BoolType, FloatType:
		default:
			return pyfErr("must be real number")
		}
		d.formatFloat(b, f)
	default:
		return pyfErr("unsupported format character '" + string(d.conv) + "'")
	}
	return nil
}

// padText writes a text conversion (%s, %r, %a, %c): the precision cuts it to
// that many characters, and the width pads it with spaces.
func (d *pyfDirective) padText(b *strings.Builder, s string) {
	n := utf8.RuneCountInString(s)
	if d.prec >= 0 && n > d.prec {
		k := 0
		for j := range s {
			if k == d.prec {
				s = s[:j]
				break
			}
			k++
		}
		n = d.prec
	}
	if d.left {
		b.WriteString(s)
	}
	for ; n < d.width; n++ {
		b.WriteByte(' ')
	}
	if !d.left {
		b.WriteString(s)
	}
}

// padNumber lays a number out: sign, prefix, digits (zero-extended to the
// precision for integers), padded to the width with spaces, or with zeros
// after the sign and prefix under the "0" flag.
func (d *pyfDirective) padNumber(b *strings.Builder, neg bool, prefix string, digits []byte, integer bool) {
	sign := ""
	switch {
	case neg:
		sign = "-"
	case d.plus:
		sign = "+"
	case d.space:
		sign = " "
	}
	zeros := 0
	if integer && d.prec > len(digits) {
		zeros = d.prec - len(digits)
	}
	n := len(sign) + len(prefix) + zeros + len(digits)
	pad := 0
	if d.width > n {
		pad = d.width - n
	}
	if pad > 0 && !d.left && !d.zero {
		for ; pad > 0; pad-- {
			b.WriteByte(' ')
		}
	}
	b.WriteString(sign)
	b.WriteString(prefix)
	if !d.left {
		zeros += pad
		pad = 0
	}
	for ; zeros > 0; zeros-- {
		b.WriteByte('0')
	}
	b.Write(digits)
	for ; pad > 0; pad-- {
		b.WriteByte(' ')
	}
}

// formatFloat writes %e, %f or %g of f (and their upper-case forms).
func (d *pyfDirective) formatFloat(b *strings.Builder, f float64) {
	neg := math.Signbit(f)
	upper := d.conv == 'E' || d.conv == 'F' || d.conv == 'G'
	var buf [64]byte
	var digits []byte
	switch {
	case math.IsNaN(f):
		neg = false
		digits = append(buf[:0], "nan"...)
	case math.IsInf(f, 0):
		digits = append(buf[:0], "inf"...)
	default:
		digits = pyfFloatBody(buf[:0], math.Abs(f), d.conv|0x20, d.prec, d.alt)
	}
	if upper {
		for k, c := range digits {
			if c >= 'a' && c <= 'z' {
				digits[k] = c - 'a' + 'A'
			}
		}
	}
	d.padNumber(b, neg, "", digits, false)
}

// pyfFloatBody formats a non-negative finite float for conv 'e', 'f' or 'g'
// with Python's rules: precision 6 by default, at least two exponent digits,
// and for 'g' the shorter of the two layouts without trailing zeros unless the
// "#" flag asks to keep them and the decimal point.
func pyfFloatBody(dst []byte, f float64, conv byte, prec int, alt bool) []byte {
	if prec < 0 {
		prec = 6
	}
	switch conv {
	case 'f':
		dst = strconv.AppendFloat(dst, f, 'f', prec, 64)
		if alt && prec == 0 {
			dst = append(dst, '.')
		}
		return dst
	case 'e':
		dst = strconv.AppendFloat(dst, f, 'e', prec, 64)
		if alt && prec == 0 {
			k := bytes.IndexByte(dst, 'e')
			dst = append(dst[:k], append([]byte{'.'}, dst[k:]...)...)
		}
		return dst
	}
	// 'g': the exponent of the value rounded to prec significant digits
	// decides between the two layouts.
	if prec == 0 {
		prec = 1
	}
	var eb [32]byte
	es := strconv.AppendFloat(eb[:0], f, 'e', prec-1, 64)
	k := bytes.LastIndexByte(es, 'e')
	exp := 0
	for _, c := range es[k+2:] {
		exp = exp*10 + int(c-'0')
	}
	if es[k+1] == '-' {
		exp = -exp
	}
	start := len(dst)
	if exp >= -4 && exp < prec {
		dst = strconv.AppendFloat(dst, f, 'f', prec-1-exp, 64)
	} else {
		dst = append(dst, es[:k]...)
	}
	body := dst[start:]
	if alt {
		if bytes.IndexByte(body, '.') < 0 {
			dst = append(dst, '.')
		}
	} else if bytes.IndexByte(body, '.') >= 0 {
		end := len(dst)
		for dst[end-1] == '0' {
			end--
		}
		if dst[end-1] == '.' {
			end--
		}
		dst = dst[:end]
	}
	if !(exp >= -4 && exp < prec) {
		dst = append(dst, es[k:]...)
	}
	return dst
}

// Repr is Python's repr() of a str: single quotes unless the text has a
// single quote and no double quote, with backslash escapes for the quote, the
// backslash, \t \n \r and the characters Python does not print.
func Repr(s string) string {
	q := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == '\\' || r == rune(q):
			b.WriteByte('\\')
			b.WriteByte(byte(r))
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x7f && r >= 0x20:
			b.WriteByte(byte(r))
		case r >= 0x7f && unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			pyfEscapeRune(&b, r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// pyfEscapeRune writes Python's escape of a character: \xNN, \uNNNN or
// \UNNNNNNNN.
func pyfEscapeRune(b *strings.Builder, r rune) {
	const hex = "0123456789abcdef"
	switch {
	case r < 0x100:
		b.WriteString(`\x`)
		b.WriteByte(hex[r>>4])
		b.WriteByte(hex[r&15])
	case r < 0x10000:
		b.WriteString(`\u`)
		for s := 12; s >= 0; s -= 4 {
			b.WriteByte(hex[(r>>s)&15])
		}
	default:
		b.WriteString(`\U`)
		for s := 28; s >= 0; s -= 4 {
			b.WriteByte(hex[(r>>s)&15])
		}
	}
}

// ASCII turns a repr into Python's ascii(): every non-ASCII character is
// written as an escape.
func ASCII(s string) string {
	k := 0
	for k < len(s) && s[k] < utf8.RuneSelf {
		k++
	}
	if k == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:k])
	for _, r := range s[k:] {
		if r < utf8.RuneSelf {
			b.WriteByte(byte(r))
		} else {
			pyfEscapeRune(&b, r)
		}
	}
	return b.String()
}
