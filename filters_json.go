package runnel

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/runnelhq/runnel/internal/pyjson"
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
		pyjson.String(b, x)
		return nil
	case SafeString:
		pyjson.String(b, string(x))
		return nil
	case int:
		b.WriteString(strconv.Itoa(x))
		return nil
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
		return nil
	case float64:
		pyjson.Float(b, x)
		return nil
	case time.Time:
		pyjson.String(b, pyjson.Time(x))
		return nil
	case time.Duration:
		pyjson.String(b, pyjson.Duration(x))
		return nil
	case []any:
		return writeJSONList(b, x, depth)
	case *OrderedMap:
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			pyjson.String(b, k)
			b.WriteString(": ")
			if err := writePyJSON(b, x.vals[k], depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case json.Marshaler:
		return pyjson.Marshal(b, x)
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
		pyjson.Float(b, rv.Float())
		return nil
	case reflect.String:
		pyjson.String(b, rv.String())
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
				pyjson.String(b, kk)
			case bool:
				pyjson.String(b, strconv.FormatBool(kk))
			case nil:
				pyjson.String(b, "null")
			default:
				if isNumber(kk) || reflect.ValueOf(kk).Kind() == reflect.String {
					pyjson.String(b, toStr(kk))
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
	return pyjson.Marshal(b, v)
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
