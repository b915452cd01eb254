package numberformat

import (
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"

	"github.com/runnelhq/runnel/internal/pystr"
)

// FileSize is Django's filesizeformat filter: a byte count made
// human-readable with binary units, "0\u00a0bytes", "1\u00a0byte",
// "1023\u00a0bytes", "1.0\u00a0KB", "1024.0\u00a0KB", up to PB, with one
// decimal rounded as Python's round(x, 1) does and a non-breaking space before
// the unit. Negative sizes get a leading "-". The value goes through Python's
// int(): floats are truncated, text must be an integer, and anything else
// gives "0\u00a0bytes".
func FileSize(v any) string { return FileSizeSep(v, EN) }

// FileSizeSep is FileSize with the number of a size in units written with
// the given separators, as Django's filesize_number_format
// (formats.number_format(round(value, 1), 1)) does: "1,0\u00a0KB" in de.
// Byte counts are not localized.
func FileSizeSep(v any, seps *Separators) string {
	out := fileSize(v)
	if seps == nil || seps.IsEN() {
		return out
	}
	num, unit, ok := strings.Cut(out, "\u00a0")
	if !ok || strings.HasPrefix(unit, "byte") {
		return out
	}
	return seps.Number(num, false) + "\u00a0" + unit
}

// fileSize is FileSize with the en separators.
func fileSize(v any) string {
	neg, mag, f, ok := fnToInt(v)
	if !ok {
		return "0\u00a0bytes"
	}
	if mag < 1024 && f < 1024 {
		var buf [32]byte
		out := buf[:0]
		if neg && mag != 0 {
			out = append(out, '-')
		}
		out = strconv.AppendUint(out, mag, 10)
		if mag == 1 {
			out = append(out, "\u00a0byte"...)
		} else {
			out = append(out, "\u00a0bytes"...)
		}
		return string(out)
	}
	units := [...]string{"KB", "MB", "GB", "TB", "PB"}
	u := 0
	for u < len(units)-1 && f >= math.Ldexp(1, 10*(u+2)) {
		u++
	}
	// bytes / unit: the unit is a power of two, so scaling the (rounded)
	// float is the correctly rounded quotient Python computes.
	x := math.Ldexp(f, -10*(u+1))
	var b strings.Builder
	b.Grow(24)
	if neg {
		b.WriteByte('-')
	}
	rounded, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 1, 64), 64)
	fnFormatFloat1(&b, rounded)
	b.WriteString("\u00a0")
	b.WriteString(units[u])
	return b.String()
}

// fnFormatFloat1 is Django's number_format(x, 1) of a float x >= 1: its
// repr in positional notation, cut or extended to one decimal. A repr in
// scientific notation (from 1e16 up) goes through pystr.Decimal: written out in
// full, or, past 200 digits, as pystr.Decimal's "{:e}" does with the coefficient cut
// to one decimal ("8.8e+284").
func fnFormatFloat1(b *strings.Builder, x float64) {
	var buf [32]byte
	digits, exp := pystr.Shortest(buf[:0], x)
	switch {
	case exp < 16:
		// repr is positional: the integer digits, then at least one decimal.
		if len(digits) <= exp+1 {
			b.Write(digits)
			for k := len(digits); k <= exp; k++ {
				b.WriteByte('0')
			}
			b.WriteString(".0")
			return
		}
		b.Write(digits[:exp+1])
		b.WriteByte('.')
		b.WriteByte(digits[exp+1])
	case exp+1 > 200:
		b.WriteByte(digits[0])
		b.WriteByte('.')
		if len(digits) > 1 {
			b.WriteByte(digits[1])
		} else {
			b.WriteByte('0')
		}
		b.WriteString("e+")
		b.WriteString(strconv.Itoa(exp))
	default:
		b.Write(digits)
		for k := len(digits); k <= exp; k++ {
			b.WriteByte('0')
		}
		b.WriteString(".0")
	}
}

// fnToInt is Python's int() of a value for filesizeformat: the sign, the
// magnitude when it fits in a uint64, and the magnitude as the nearest float.
// ok is false where int() fails (or overflows a float).
func fnToInt(v any) (neg bool, mag uint64, f float64, ok bool) {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		s := rv.String()
		neg, digits, ok := pystr.IntDigits(s)
		if !ok || len(digits) > 4300 {
			// Python refuses to convert text of more than 4300 digits.
			return false, 0, 0, false
		}
		if u, err := strconv.ParseUint(digits, 10, 64); err == nil {
			return neg, u, float64(u), true
		}
		bi, _ := new(big.Int).SetString(digits, 10)
		f, _ := new(big.Float).SetInt(bi).Float64()
		if math.IsInf(f, 0) {
			return false, 0, 0, false
		}
		return neg, math.MaxUint64, f, true
	}
	kind, neg, mag, f := pystr.Classify(v)
	switch kind {
	case pystr.IntType, pystr.BoolType:
		return neg, mag, float64(mag), true
	case pystr.FloatType:
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false, 0, 0, false
		}
		t := math.Trunc(f)
		neg = t < 0
		t = math.Abs(t)
		if t < 1<<64 {
			return neg, uint64(t), t, true
		}
		return neg, math.MaxUint64, t, true
	}
	return false, 0, 0, false
}
