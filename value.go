package runnel

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/runnelhq/runnel/internal/pystr"
)

// SafeString is a string that has already been escaped for HTML, or that is
// trusted not to need escaping. It is Django's SafeString: autoescaping leaves
// it alone, and filters marked as safe keep it safe.
type SafeString string

// MarkSafe marks s as safe for HTML output, like Django's mark_safe.
// Only mark text you produced or escaped yourself.
func MarkSafe(s string) SafeString { return SafeString(s) }

// SafeHTML lets a value of any type render itself as safe HTML, like Django's
// __html__ protocol: autoescaping uses the result verbatim.
type SafeHTML interface {
	HTML() string
}

// undefined is the value of a variable that could not be resolved. It renders
// as the engine's string_if_invalid and is false in conditions.
type undefinedT struct{}

var undefined any = undefinedT{}

// isUndefined reports whether v is the undefined marker.
func isUndefined(v any) bool { _, ok := v.(undefinedT); return ok }

// definedOr returns v, or def when v is the undefined marker.
func definedOr(v, def any) any {
	if isUndefined(v) {
		return def
	}
	return v
}

// indirect follows pointers (the renderer hands out pointers to fields of
// addressable structs to avoid boxing) and unwraps reflect.Value.
func indirect(v any) any { return indirectFrom(v, 0) }

// indirectFrom is indirect for a value reached through depth pointers: a
// chain longer than maxValueDepth (a pointer to an interface that holds
// the pointer) is followed no further.
func indirectFrom(v any, depth int) any {
	if depth >= maxValueDepth {
		return v
	}
	switch x := v.(type) {
	case nil, string, SafeString, int, int64, float64, bool, []any, map[string]any:
		return v
	case *string:
		if x == nil {
			return nil
		}
		return *x
	case *int:
		if x == nil {
			return nil
		}
		return *x
	case *int64:
		if x == nil {
			return nil
		}
		return *x
	case *float64:
		if x == nil {
			return nil
		}
		return *x
	case *bool:
		if x == nil {
			return nil
		}
		return *x
	case *SafeString:
		if x == nil {
			return nil
		}
		return *x
	case *time.Time:
		if x == nil {
			return nil
		}
		return *x
	case OrderedMap:
		// An OrderedMap held by value is the same dict as its pointer.
		return &x
	case reflect.Value:
		if !x.IsValid() {
			return nil
		}
		return indirectFrom(x.Interface(), depth+1)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		e := rv.Elem()
		switch e.Kind() {
		case reflect.Struct, reflect.Array, reflect.Interface:
			// Keep pointers to structs: methods may be declared on the pointer.
			if e.Kind() == reflect.Interface {
				return indirectFrom(e.Interface(), depth+1)
			}
			if e.Type() == timeType {
				return e.Interface()
			}
			return v
		default:
			return indirectFrom(e.Interface(), depth+1)
		}
	}
	return v
}

var timeType = reflect.TypeFor[time.Time]()

// isSafe reports whether v is already safe for HTML.
func isSafe(v any) bool {
	switch v.(type) {
	case SafeString, *SafeString:
		return true
	case SafeHTML:
		return true
	}
	return false
}

// toStr converts a value to its text the way Python's str() does for the
// corresponding Python value.
func toStr(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case SafeString:
		return string(x)
	case *string:
		if x == nil {
			return "None"
		}
		return *x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return pystr.Float(x)
	case bool:
		if x {
			return "True"
		}
		return "False"
	case nil:
		return "None"
	case undefinedT:
		return ""
	case SafeHTML:
		return x.HTML()
	case time.Time:
		return x.Format("2006-01-02 15:04:05.999999-07:00")
	case time.Duration:
		return x.String()
	case error:
		return x.Error()
	case fmt.Stringer:
		return x.String()
	case *OrderedMap:
		return containerStr(x)
	case OrderedMap:
		return containerStr(&x)
	}
	v = indirect(v)
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Invalid:
		return "None"
	case reflect.String:
		return rv.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10)
	case reflect.Float32:
		return pystr.Float32(float32(rv.Float()))
	case reflect.Float64:
		return pystr.Float(rv.Float())
	case reflect.Bool:
		return toStr(rv.Bool())
	case reflect.Slice, reflect.Array, reflect.Map:
		return containerStr(v)
	case reflect.Pointer:
		if rv.Elem().Kind() == reflect.Struct {
			return goSprint(rv.Elem().Interface())
		}
	}
	return goSprint(v)
}

// pyRepr renders v the way Python's repr() would, for lists and dicts.
func pyRepr(v any) string {
	v = indirect(v)
	switch x := v.(type) {
	case string:
		return pystr.Repr(x)
	case SafeString:
		return pystr.Repr(string(x))
	case Decimal:
		return x.repr()
	}
	if r, ok := civilRepr(v); ok {
		return r
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return pystr.Repr(rv.String())
	}
	return toStr(v)
}

// truthy reports whether v is true in a condition, following Python:
// empty strings, zero numbers, empty collections, nil and undefined are false.
func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return x != ""
	case SafeString:
		return x != ""
	case int:
		return x != 0
	case int64:
		return x != 0
	case float64:
		return x != 0
	case nil, undefinedT:
		return false
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	case *string:
		return x != nil && *x != ""
	case time.Time:
		return true
	case Decimal:
		return !x.IsZero()
	case *Decimal:
		return x != nil && !x.IsZero()
	case interface{ Len() int }:
		return x.Len() > 0
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Bool:
		return rv.Bool()
	case reflect.String:
		return rv.Len() > 0
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int() != 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return rv.Uint() != 0
	case reflect.Float32, reflect.Float64:
		return rv.Float() != 0
	case reflect.Slice, reflect.Map, reflect.Array, reflect.Chan:
		return rv.Len() > 0
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return false
		}
		// A chain of pointers too long to follow is true, as any object is.
		if e := indirect(v); reflect.ValueOf(e).Kind() != reflect.Pointer {
			return truthy(e)
		}
		return true
	case reflect.Func:
		return !rv.IsNil()
	}
	return true
}

// toInt converts v to an integer the way Python's int() would for numbers and
// numeric strings.
func toInt(v any) (int64, bool) {
	switch x := indirect(v).(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, false
		}
		return int64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		return n, err == nil
	case SafeString:
		n, err := strconv.ParseInt(strings.TrimSpace(string(x)), 10, 64)
		return n, err == nil
	case Decimal:
		return x.int()
	case *Decimal:
		if x != nil {
			return x.int()
		}
	default:
		rv := reflect.ValueOf(x)
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return rv.Int(), true
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return int64(rv.Uint()), true
		case reflect.Float32, reflect.Float64:
			return int64(rv.Float()), true
		case reflect.String:
			n, err := strconv.ParseInt(strings.TrimSpace(rv.String()), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// toFloat converts v to a float the way Python's float() would.
func toFloat(v any) (float64, bool) {
	switch x := indirect(v).(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case string:
		return parsePyFloat(x)
	case SafeString:
		return parsePyFloat(string(x))
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case Decimal:
		return x.Float64(), true
	case *Decimal:
		if x != nil {
			return x.Float64(), true
		}
	default:
		rv := reflect.ValueOf(x)
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return float64(rv.Int()), true
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return float64(rv.Uint()), true
		case reflect.Float32, reflect.Float64:
			return rv.Float(), true
		case reflect.String:
			return parsePyFloat(rv.String())
		}
	}
	return 0, false
}

func parsePyFloat(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "inf", "+inf", "infinity", "+infinity":
		return math.Inf(1), true
	case "-inf", "-infinity":
		return math.Inf(-1), true
	case "nan", "+nan", "-nan":
		return math.NaN(), true
	}
	if s == "" || strings.ContainsAny(s, "xXpP_") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// isNumber reports whether v is a Go numeric value (not a numeric string).
func isNumber(v any) bool {
	switch x := indirect(v).(type) {
	case int, int64, float64, Decimal:
		return true
	case *Decimal:
		return x != nil
	case bool, string, SafeString, nil:
		return false
	}
	switch reflect.ValueOf(indirect(v)).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// isIntegral reports whether v is an integer-typed Go value.
func isIntegral(v any) bool {
	switch reflect.ValueOf(indirect(v)).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// isString reports whether v is textual.
func isString(v any) (string, bool) {
	switch x := indirect(v).(type) {
	case string:
		return x, true
	case SafeString:
		return string(x), true
	default:
		rv := reflect.ValueOf(x)
		if rv.Kind() == reflect.String {
			return rv.String(), true
		}
	}
	return "", false
}

// length returns len(v) for strings (in runes), collections and maps.
func length(v any) (int, bool) {
	switch x := indirect(v).(type) {
	case string:
		return len([]rune(x)), true
	case SafeString:
		return len([]rune(string(x))), true
	case []any:
		return len(x), true
	case map[string]any:
		return len(x), true
	case *OrderedMap:
		return x.Len(), true
	case interface{ Len() int }:
		return x.Len(), true
	case nil, undefinedT:
		return 0, false
	default:
		rv := reflect.ValueOf(x)
		switch rv.Kind() {
		case reflect.String:
			return len([]rune(rv.String())), true
		case reflect.Slice, reflect.Array, reflect.Map, reflect.Chan:
			return rv.Len(), true
		case reflect.Pointer:
			if !rv.IsNil() && (rv.Elem().Kind() == reflect.Array || rv.Elem().Kind() == reflect.Slice) {
				return rv.Elem().Len(), true
			}
		}
	}
	return 0, false
}

// toList materializes an iterable value as a slice. Strings iterate by rune,
// maps by key in their documented order.
func toList(v any) ([]any, bool) {
	v = indirect(v)
	switch x := v.(type) {
	case []any:
		return x, true
	case Tuple:
		return x, true
	case nil, undefinedT:
		return nil, false
	case string:
		return charList(x, false), true
	case SafeString:
		return charList(string(x), false), true
	case *OrderedMap:
		out := make([]any, 0, x.Len())
		for _, k := range x.keys {
			out = append(out, k)
		}
		return out, true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = elemValue(rv.Index(i))
		}
		return out, true
	case reflect.Map:
		keys := sortedKeys(rv)
		out := make([]any, len(keys))
		for i, k := range keys {
			out[i] = k.Interface()
		}
		return out, true
	case reflect.String:
		return toList(rv.String())
	case reflect.Pointer:
		if !rv.IsNil() && rv.Elem().Kind() == reflect.Array {
			return toList(rv.Elem().Interface())
		}
	}
	if seq, ok := iterOf(v); ok {
		var out []any
		for x := range seq {
			if _, failed := x.(iterErr); failed {
				break
			}
			out = append(out, x)
		}
		return out, true
	}
	return nil, false
}

// elemValue returns an element of a slice as a value, handing out a pointer
// for addressable non-pointer elements so that no boxing copy is made.
func elemValue(ev reflect.Value) any {
	switch ev.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		return ev.Interface()
	case reflect.Struct:
		if ev.CanAddr() && ev.Type() != timeType {
			return ev.Addr().Interface()
		}
	case reflect.String:
		if ev.CanAddr() && ev.Type() == stringType {
			return ev.Addr().Interface()
		}
	}
	return ev.Interface()
}

var stringType = reflect.TypeFor[string]()

// sortedKeys returns a map's keys in sorted order: Go maps have no order, so
// runnel iterates them by key (use OrderedMap to keep insertion order).
func sortedKeys(rv reflect.Value) []reflect.Value {
	keys := rv.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return lessValue(keys[i].Interface(), keys[j].Interface()) })
	return keys
}

// lessValue orders two values for sorting: numbers numerically, strings
// lexically, and otherwise by their text.
func lessValue(a, b any) bool {
	if isNumber(a) && isNumber(b) {
		fa, _ := toFloat(a)
		fb, _ := toFloat(b)
		return fa < fb
	}
	sa, aok := isString(a)
	sb, bok := isString(b)
	if aok && bok {
		return sa < sb
	}
	if ta, ok := indirect(a).(time.Time); ok {
		if tb, ok := indirect(b).(time.Time); ok {
			return ta.Before(tb)
		}
	}
	return toStr(a) < toStr(b)
}

// OrderedMap is a string-keyed map that remembers insertion order, for data
// whose order matters in a template (a Python dict keeps insertion order; a Go
// map does not). The zero value is ready to use.
type OrderedMap struct {
	keys []string
	vals map[string]any
}

// NewOrderedMap builds an OrderedMap from alternating key, value pairs.
func NewOrderedMap(kv ...any) *OrderedMap {
	m := &OrderedMap{}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Set(fmt.Sprint(kv[i]), kv[i+1])
	}
	return m
}

// Set sets key to value, appending key if it is new.
func (m *OrderedMap) Set(key string, value any) {
	if m.vals == nil {
		m.vals = map[string]any{}
	}
	if _, ok := m.vals[key]; !ok {
		m.keys = append(m.keys, key)
	}
	m.vals[key] = value
}

// Get returns the value for key.
func (m *OrderedMap) Get(key string) (any, bool) {
	v, ok := m.vals[key]
	return v, ok
}

// Keys returns the keys in insertion order.
func (m *OrderedMap) Keys() []string { return m.keys }

// Len returns the number of entries.
func (m *OrderedMap) Len() int { return len(m.keys) }

// item is a key and a value of a map, as produced by a map's .items.
type item struct {
	Key   any
	Value any
}

// pairs returns the (key, value) items of a map value in its iteration
// order, each a Tuple.
func pairs(v any) ([]any, bool) {
	v = indirect(v)
	if om, ok := v.(*OrderedMap); ok {
		out := make([]any, len(om.keys))
		for i, k := range om.keys {
			out[i] = Tuple{k, om.vals[k]}
		}
		return out, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map {
		return nil, false
	}
	keys := sortedKeys(rv)
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = Tuple{k.Interface(), rv.MapIndex(k).Interface()}
	}
	return out, true
}
