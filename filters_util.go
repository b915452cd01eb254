package runnel

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/runnelhq/runnel/internal/pystr"
)

// Helpers shared by the built-in filters: the bits of Python's semantics
// (int(), str.split(), str.strip(), exception kinds) that Django's filters
// rely on.

// pyTypeOf names the Python type a Go value stands for, for error messages.
func pyTypeOf(v any) string {
	switch x := indirect(v).(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case string, SafeString:
		return "str"
	case time.Time:
		return "datetime.datetime"
	case time.Duration:
		return "datetime.timedelta"
	case *OrderedMap:
		return "dict"
	default:
		switch reflect.ValueOf(x).Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return "int"
		case reflect.Float32, reflect.Float64:
			return "float"
		case reflect.String:
			return "str"
		case reflect.Slice, reflect.Array:
			return "list"
		case reflect.Map:
			return "dict"
		}
	}
	return fmt.Sprintf("%T", v)
}

// pyInt converts v the way Python's int(v) does: integers as they are,
// floats truncated toward zero, booleans as 0 and 1, and text holding a
// base-10 integer (surrounding whitespace, a sign and single underscores
// between digits allowed). Anything else fails with Python's ValueError or
// TypeError.
func pyInt(v any) (int64, error) {
	v = indirect(v)
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int64:
		return x, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case float64:
		return pyIntFloat(x)
	case string:
		return pystr.ParseInt(x)
	case SafeString:
		return pystr.ParseInt(string(x))
	case nil, undefinedT:
		return 0, pystr.Errorf(pystr.TypeError, "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'")
	case Decimal, *Decimal:
		d, _ := decimalOf(x)
		if n, ok := d.int(); ok {
			return n, nil
		}
		switch d.special {
		case 'n', 'N':
			return 0, pystr.Errorf(pystr.ValueError, "cannot convert NaN to integer")
		case 'F':
			return 0, pystr.Errorf(pystr.OverflowError, "cannot convert Infinity to integer")
		}
		return 0, pystr.Errorf(pystr.ValueError, "integer too large")
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return 0, pystr.Errorf(pystr.ValueError, "integer too large")
		}
		return int64(u), nil
	case reflect.Float32, reflect.Float64:
		return pyIntFloat(rv.Float())
	case reflect.String:
		return pystr.ParseInt(rv.String())
	case reflect.Bool:
		if rv.Bool() {
			return 1, nil
		}
		return 0, nil
	}
	return 0, pystr.Errorf(pystr.TypeError, "int() argument must be a string, a bytes-like object or a real number, not '%s'", pyTypeOf(v))
}

// pyIntFloat is int() of a float.
func pyIntFloat(f float64) (int64, error) {
	switch {
	case math.IsNaN(f):
		return 0, pystr.Errorf(pystr.ValueError, "cannot convert float NaN to integer")
	case math.IsInf(f, 0):
		return 0, pystr.Errorf(pystr.ValueError, "cannot convert float infinity to integer")
	case f >= 9.223372036854775807e18 || f < -9.223372036854775808e18:
		return 0, pystr.Errorf(pystr.ValueError, "integer too large")
	}
	return int64(f), nil
}

// pyFloatOf converts v the way Python's float(v) does. ok is false with
// typeErr set when Python would raise TypeError (the value is not a number or
// text) and unset for a ValueError (text that is not a number).
func pyFloatOf(v any) (f float64, ok, typeErr bool) {
	v = indirect(v)
	switch x := v.(type) {
	case nil, undefinedT, time.Time:
		return 0, false, true
	case string:
		f, ok = parsePyFloat(strings.ReplaceAll(x, "_", ""))
		return f, ok, false
	case SafeString:
		f, ok = parsePyFloat(strings.ReplaceAll(string(x), "_", ""))
		return f, ok, false
	}
	if _, isStr := isString(v); isStr {
		f, ok = toFloat(v)
		return f, ok, false
	}
	if isNumber(v) {
		f, ok = toFloat(v)
		return f, ok, false
	}
	if b, isBool := v.(bool); isBool {
		if b {
			return 1, true, false
		}
		return 0, true, false
	}
	if reflect.ValueOf(v).Kind() == reflect.Bool {
		if reflect.ValueOf(v).Bool() {
			return 1, true, false
		}
		return 0, true, false
	}
	return 0, false, true
}

// filterStr is the str() a Django stringfilter applies to its input.
func filterStr(in any) string {
	if s, ok := in.(string); ok {
		return s
	}
	return toStr(in)
}

// argStr is the text of a filter argument (nil when none was given).
func argStr(arg any) string {
	if arg == nil {
		return ""
	}
	return toStr(arg)
}
