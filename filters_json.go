package runnel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/runnelhq/runnel/internal/dateformat"
)

// pyJSON encodes v as Python's json.dumps(v, cls=DjangoJSONEncoder) does:
// ", " and ": " separators, non-ASCII characters as \uXXXX escapes, floats
// as Python prints them (NaN and Infinity included), times as ISO 8601 with
// milliseconds and "Z" for UTC, durations as ISO 8601 durations. Maps keep
// their iteration order (sorted keys for Go maps, insertion order for
// OrderedMap). Other Go values (structs, json.Marshaler) go through
// encoding/json first, keeping its field order and tags.
func pyJSON(v any) (string, error) {
	var b strings.Builder
	if err := writePyJSON(&b, v, 0); err != nil {
		return "", err
	}
	return b.String(), nil
}

// maxJSONDepth bounds nesting, so that cyclic data is an error.
const maxJSONDepth = 200

// writePyJSON writes one value.
func writePyJSON(b *strings.Builder, v any, depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("json_script: value nests too deeply (circular reference?)")
	}
	v = indirect(v)
	switch x := v.(type) {
	case nil, undefinedT:
		b.WriteString("null")
		return nil
	case bool:
		b.WriteString(strconv.FormatBool(x))
		return nil
	case string:
		writeJSONString(b, x)
		return nil
	case SafeString:
		writeJSONString(b, string(x))
		return nil
	case int:
		b.WriteString(strconv.Itoa(x))
		return nil
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
		return nil
	case float64:
		writeJSONFloat(b, x)
		return nil
	case time.Time:
		writeJSONString(b, jsonTime(x))
		return nil
	case time.Duration:
		writeJSONString(b, durationISO(x))
		return nil
	case []any:
		return writeJSONList(b, x, depth)
	case *OrderedMap:
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONString(b, k)
			b.WriteString(": ")
			if err := writePyJSON(b, x.vals[k], depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case json.Marshaler:
		return writeMarshaled(b, x)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		b.WriteString(strconv.FormatInt(rv.Int(), 10))
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		b.WriteString(strconv.FormatUint(rv.Uint(), 10))
		return nil
	case reflect.Float32, reflect.Float64:
		writeJSONFloat(b, rv.Float())
		return nil
	case reflect.String:
		writeJSONString(b, rv.String())
		return nil
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(rv.Bool()))
		return nil
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			break // []byte: encoding/json's base64
		}
		l, _ := toList(v)
		return writeJSONList(b, l, depth)
	case reflect.Map:
		b.WriteByte('{')
		for i, k := range sortedKeys(rv) {
			if i > 0 {
				b.WriteString(", ")
			}
			key := k.Interface()
			switch kk := key.(type) {
			case string:
				writeJSONString(b, kk)
			case bool:
				writeJSONString(b, strconv.FormatBool(kk))
			case nil:
				writeJSONString(b, "null")
			default:
				if isNumber(kk) || reflect.ValueOf(kk).Kind() == reflect.String {
					writeJSONString(b, toStr(kk))
				} else {
					return fmt.Errorf("keys must be str, int, float, bool or None, not %s", pyTypeOf(kk))
				}
			}
			b.WriteString(": ")
			if err := writePyJSON(b, rv.MapIndex(k).Interface(), depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	}
	if seq, ok := iterOf(v); ok {
		var l []any
		for x := range seq {
			l = append(l, x)
		}
		return writeJSONList(b, l, depth)
	}
	return writeMarshaled(b, v)
}

// writeJSONList writes a list.
func writeJSONList(b *strings.Builder, l []any, depth int) error {
	b.WriteByte('[')
	for i, e := range l {
		if i > 0 {
			b.WriteString(", ")
		}
		if err := writePyJSON(b, e, depth+1); err != nil {
			return err
		}
	}
	b.WriteByte(']')
	return nil
}

// writeMarshaled encodes v with encoding/json and rewrites the result in
// Python's layout.
func writeMarshaled(b *strings.Builder, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("Object of type %T is not JSON serializable", v)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return rewriteJSON(b, dec)
}

// rewriteJSON copies one JSON value from dec to b in Python's layout.
func rewriteJSON(b *strings.Builder, dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		closing := byte(']')
		if t == '{' {
			closing = '}'
		}
		b.WriteByte(byte(t))
		for i := 0; dec.More(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			if t == '{' {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				writeJSONString(b, k.(string))
				b.WriteString(": ")
			}
			if err := rewriteJSON(b, dec); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return err
		}
		b.WriteByte(closing)
	case json.Number:
		if _, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			b.WriteString(string(t))
		} else if f, err := t.Float64(); err == nil {
			writeJSONFloat(b, f)
		} else {
			b.WriteString(string(t))
		}
	case string:
		writeJSONString(b, t)
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case nil:
		b.WriteString("null")
	}
	return nil
}

// writeJSONFloat writes a float as Python's json module does.
func writeJSONFloat(b *strings.Builder, f float64) {
	switch {
	case math.IsNaN(f):
		b.WriteString("NaN")
	case math.IsInf(f, 1):
		b.WriteString("Infinity")
	case math.IsInf(f, -1):
		b.WriteString("-Infinity")
	default:
		b.WriteString(pyFloat(f))
	}
}

// writeJSONString writes a JSON string with Python's ensure_ascii escapes.
func writeJSONString(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	u4 := func(r rune) {
		b.WriteString(`\u`)
		b.WriteByte(hex[r>>12&15])
		b.WriteByte(hex[r>>8&15])
		b.WriteByte(hex[r>>4&15])
		b.WriteByte(hex[r&15])
	}
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20:
			u4(r)
		case r < utf8.RuneSelf:
			b.WriteByte(byte(r))
		case r > 0xffff:
			r -= 0x10000
			u4(0xd800 | (r >> 10 & 0x3ff))
			u4(0xdc00 | (r & 0x3ff))
		default:
			u4(r)
		}
	}
	b.WriteByte('"')
}

// jsonTime is DjangoJSONEncoder's datetime form: isoformat() cut to
// milliseconds, with "Z" for a zero UTC offset.
func jsonTime(t time.Time) string {
	s := t.Format("2006-01-02T15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%03d", us/1000)
	}
	_, off := t.Zone()
	if off == 0 {
		return s + "Z"
	}
	return string(dateformat.AppendOffset([]byte(s), off, true))
}

// durationISO is Django's duration_iso_string: P<days>DT<hh>H<mm>M<ss>[.ffffff]S
// with a leading "-" for negative durations.
func durationISO(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign = "-"
		d = -d
	}
	us := int64(d / time.Microsecond)
	days := us / 86400e6
	us -= days * 86400e6
	h := us / 3600e6
	us -= h * 3600e6
	m := us / 60e6
	us -= m * 60e6
	sec := us / 1e6
	us -= sec * 1e6
	ms := ""
	if us != 0 {
		ms = fmt.Sprintf(".%06d", us)
	}
	return fmt.Sprintf("%sP%dDT%02dH%02dM%02d%sS", sign, days, h, m, sec, ms)
}
