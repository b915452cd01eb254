package export

import (
	"database/sql/driver"
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"
)

// encoder appends rows' cells to a buffer in one format.
type encoder struct {
	format     Format
	delim      byte
	formulas   bool // write formula-like cells as they are
	timeFormat string
	keys       [][]byte // `"key":` of each column, for JSON objects
	ncols      int
	col        int  // cells written in the current row
	rowStart   int  // where the current row's cells start in the buffer
	first      bool // no cell yet in the current row
}

func (e *encoder) init(o Options) {
	e.format, e.formulas, e.timeFormat = o.Format, o.AllowFormulas, o.TimeFormat
	e.delim = ','
	if o.Format == TSV {
		e.delim = '\t'
	}
}

// jsonKeys pre-encodes the JSON keys of the columns.
func jsonKeys(keys []string) [][]byte {
	if len(keys) == 0 {
		return nil
	}
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = append(appendJSONString(nil, k), ':')
	}
	return out
}

func (e *encoder) isJSON() bool { return e.format == NDJSON || e.format == JSON }

func (e *encoder) beginRow(b []byte, first bool) []byte {
	e.col, e.first = 0, true
	switch e.format {
	case JSON:
		if first {
			b = append(b, '\n')
		} else {
			b = append(b, ',', '\n')
		}
	}
	if e.isJSON() {
		if e.keys != nil {
			b = append(b, '{')
		} else {
			b = append(b, '[')
		}
	}
	e.rowStart = len(b)
	return b
}

func (e *encoder) endRow(b []byte) []byte {
	switch e.format {
	case NDJSON:
		if e.keys != nil {
			return append(b, '}', '\n')
		}
		return append(b, ']', '\n')
	case JSON:
		if e.keys != nil {
			return append(b, '}')
		}
		return append(b, ']')
	}
	if len(b) == e.rowStart {
		// An empty row of one column: quoted, so that it is not read as
		// a blank line (as Python's csv writes it).
		b = append(b, '"', '"')
	}
	return append(b, '\r', '\n')
}

// sep starts a cell: the delimiter, or the JSON key.
func (e *encoder) sep(b []byte) []byte {
	if e.isJSON() {
		if !e.first {
			b = append(b, ',')
		}
		if e.keys != nil && e.col < len(e.keys) {
			b = append(b, e.keys[e.col]...)
		} else if e.keys != nil {
			b = append(b, `"`...)
			b = strconv.AppendInt(b, int64(e.col), 10)
			b = append(b, `":`...)
		}
	} else if !e.first {
		b = append(b, e.delim)
	}
	e.first = false
	e.col++
	return b
}

// appendText appends a text cell. text is false for the text of numbers
// and times, which are never neutralised as formulas.
func (e *encoder) appendText(b []byte, s string, text bool) []byte {
	b = e.sep(b)
	if e.isJSON() {
		return appendJSONString(b, s)
	}
	return e.appendField(b, s, text)
}

func (e *encoder) appendBytes(b []byte, s []byte) []byte {
	b = e.sep(b)
	if e.isJSON() {
		return appendJSONBytes(b, s)
	}
	return e.appendField(b, bytesString(s), true)
}

// appendField appends a CSV or TSV field, quoted if it must be.
func (e *encoder) appendField(b []byte, s string, text bool) []byte {
	formula := text && !e.formulas && len(s) > 0 && isFormulaStart(s[0])
	quote := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == e.delim || c == '"' || c == '\r' || c == '\n' {
			quote = true
			break
		}
	}
	if !quote {
		if formula {
			b = append(b, '\'')
		}
		return append(b, s...)
	}
	b = append(b, '"')
	if formula {
		b = append(b, '\'')
	}
	for {
		i := indexByte(s, '"')
		if i < 0 {
			break
		}
		b = append(b, s[:i+1]...)
		b = append(b, '"')
		s = s[i+1:]
	}
	b = append(b, s...)
	return append(b, '"')
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// isFormulaStart: the first characters that make a spreadsheet read a
// cell as a formula (OWASP's CSV injection list).
func isFormulaStart(c byte) bool {
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'
}

// appendNum appends a number's (or boolean's) text, which needs neither
// quoting nor neutralising in any format.
func (e *encoder) appendNum(b []byte, num []byte) []byte {
	b = e.sep(b)
	return append(b, num...)
}

func (e *encoder) appendInt(b []byte, n int64) []byte {
	b = e.sep(b)
	return strconv.AppendInt(b, n, 10)
}

func (e *encoder) appendUint(b []byte, n uint64) []byte {
	b = e.sep(b)
	return strconv.AppendUint(b, n, 10)
}

func (e *encoder) appendBool(b []byte, v bool) []byte {
	b = e.sep(b)
	return strconv.AppendBool(b, v)
}

func (e *encoder) appendNull(b []byte) []byte {
	b = e.sep(b)
	if e.isJSON() {
		return append(b, "null"...)
	}
	return b
}

func (e *encoder) appendFloat(b []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return e.appendNull(b)
	}
	b = e.sep(b)
	return appendFloat(b, f, bits)
}

// appendFloat formats f as encoding/json and JavaScript do: the shortest
// decimal that reads back exactly, with an exponent outside [1e-6, 1e21).
func appendFloat(b []byte, f float64, bits int) []byte {
	abs := math.Abs(f)
	fmt := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			fmt = 'e'
		}
	}
	b = strconv.AppendFloat(b, f, fmt, -1, bits)
	if fmt == 'e' {
		// 1e-07, not 1e-7: drop the exponent's leading zero.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

func (e *encoder) appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return e.appendNull(b)
	}
	b = e.sep(b)
	if e.isJSON() {
		b = append(b, '"')
		b = t.AppendFormat(b, e.timeFormat) // layouts hold no character JSON escapes
		return append(b, '"')
	}
	start := len(b)
	b = t.AppendFormat(b, e.timeFormat)
	if e.timeFormat != time.RFC3339Nano {
		// A custom layout may hold a delimiter: quote like any text.
		s := string(b[start:])
		b = e.appendField(b[:start], s, false)
	}
	return b
}

// appendAny appends a value of any type, by the rules of the package doc.
func (e *encoder) appendAny(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return e.appendNull(b)
	case string:
		return e.appendText(b, x, true)
	case []byte:
		if x == nil {
			return e.appendNull(b)
		}
		return e.appendBytes(b, x)
	case int:
		return e.appendInt(b, int64(x))
	case int64:
		return e.appendInt(b, x)
	case int32:
		return e.appendInt(b, int64(x))
	case int16:
		return e.appendInt(b, int64(x))
	case int8:
		return e.appendInt(b, int64(x))
	case uint:
		return e.appendUint(b, uint64(x))
	case uint64:
		return e.appendUint(b, x)
	case uint32:
		return e.appendUint(b, uint64(x))
	case uint16:
		return e.appendUint(b, uint64(x))
	case uint8:
		return e.appendUint(b, uint64(x))
	case float64:
		return e.appendFloat(b, x, 64)
	case float32:
		return e.appendFloat(b, float64(x), 32)
	case bool:
		return e.appendBool(b, x)
	case time.Time:
		return e.appendTime(b, x)
	case *time.Time:
		if x == nil {
			return e.appendNull(b)
		}
		return e.appendTime(b, *x)
	case driver.Valuer:
		if rv := reflect.ValueOf(x); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return e.appendNull(b)
		}
		dv, err := x.Value()
		if err != nil {
			return e.appendText(b, "", false)
		}
		if _, again := dv.(driver.Valuer); again {
			return e.appendText(b, fmt.Sprint(dv), true)
		}
		return e.appendAny(b, dv)
	case encoding.TextMarshaler:
		if rv := reflect.ValueOf(x); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return e.appendNull(b)
		}
		t, err := x.MarshalText()
		if err != nil {
			return e.appendNull(b)
		}
		return e.appendBytes(b, t)
	case fmt.Stringer:
		if rv := reflect.ValueOf(x); rv.Kind() == reflect.Pointer && rv.IsNil() {
			return e.appendNull(b)
		}
		return e.appendText(b, x.String(), true)
	}
	return e.appendValue(b, reflect.ValueOf(v))
}

// appendValue appends a value known by reflection: named basic types,
// pointers and interfaces, and, for the rest, its JSON encoding.
func (e *encoder) appendValue(b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.Invalid:
		return e.appendNull(b)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return e.appendNull(b)
		}
		return e.appendAny(b, v.Elem().Interface())
	case reflect.String:
		return e.appendText(b, v.String(), true)
	case reflect.Bool:
		return e.appendBool(b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return e.appendInt(b, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return e.appendUint(b, v.Uint())
	case reflect.Float32:
		return e.appendFloat(b, v.Float(), 32)
	case reflect.Float64:
		return e.appendFloat(b, v.Float(), 64)
	case reflect.Slice:
		if v.IsNil() {
			return e.appendNull(b)
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return e.appendBytes(b, v.Bytes())
		}
	case reflect.Map:
		if v.IsNil() {
			return e.appendNull(b)
		}
	}
	j, err := json.Marshal(v.Interface())
	if err != nil {
		return e.appendNull(b)
	}
	if e.isJSON() {
		return e.appendNum(b, j) // already JSON
	}
	return e.appendText(b, string(j), true)
}

// ---- JSON strings ----

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, as are U+2028 and U+2029 (for JavaScript),
// and invalid UTF-8 replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendJSONBytes(b []byte, s []byte) []byte {
	return appendJSONString(b, bytesString(s))
}

// bytesString views s as a string, without a copy, for the appenders,
// which do not keep it.
func bytesString(s []byte) string {
	if len(s) == 0 {
		return ""
	}
	return unsafe.String(&s[0], len(s))
}
