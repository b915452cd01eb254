package runnel

import (
	"reflect"

	"github.com/runnelhq/runnel/internal/numberformat"
	"github.com/runnelhq/runnel/internal/pystr"
)

// pyValues is how the engine's values look to Python, for the Python
// semantics in internal/pystr and internal/numberformat: str() and repr()
// as the engine prints values, float() as the engine converts them, and
// which values are mappings. It has no state, so passing it costs nothing.
type pyValues struct{}

// Str is str() of v, as the engine prints it.
func (pyValues) Str(v any) string { return toStr(v) }

// Float is float() of v, as the engine converts it.
func (pyValues) Float(v any) (float64, bool) { return toFloat(v) }

// Repr quotes text as Python's repr() does and gives other values as the
// engine prints lists and dicts.
func (pyValues) Repr(v any) string {
	if s, ok := isString(v); ok {
		return pystr.Repr(s)
	}
	return pyRepr(v)
}

// IsMapping reports whether Python would treat v as a mapping argument of
// "%": anything with __getitem__ that is neither a tuple nor a string, so
// lists and dicts.
func (pyValues) IsMapping(v any) bool {
	switch v.(type) {
	case nil, string, SafeString, bool, Tuple:
		return false
	case *OrderedMap, []any, map[string]any:
		return true
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Map, reflect.Slice, reflect.Array:
		return true
	}
	return false
}

// Lookup looks key up in a map value for "%(key)s".
func (pyValues) Lookup(v any, key string) (any, bool) {
	switch m := v.(type) {
	case map[string]any:
		x, ok := m[key]
		return indirect(x), ok
	case *OrderedMap:
		x, ok := m.Get(key)
		return indirect(x), ok
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map || rv.Type().Key().Kind() != reflect.String {
		return nil, false
	}
	x := rv.MapIndex(reflect.ValueOf(key).Convert(rv.Type().Key()))
	if !x.IsValid() {
		return nil, false
	}
	return indirect(x.Interface()), true
}

// pyFormat is Python's ("%" + spec) % v, for the stringformat filter.
func pyFormat(spec string, v any) (string, error) {
	v = indirect(v)
	if t, ok := v.(Tuple); ok {
		v = toStr(t) // Django's stringformat formats str() of a tuple
	}
	if d, ok := decimalOf(v); ok && spec != "" {
		// Python's % converts a Decimal with int() or float() for the
		// number conversions.
		switch spec[len(spec)-1] {
		case 'd', 'i', 'u': // not x, o, c: a Decimal has no __index__
			if n, ok := d.int(); ok {
				v = n
			}
		case 'e', 'E', 'f', 'F', 'g', 'G':
			v = d.Float64()
		}
	}
	return pystr.Format(spec, v, pyValues{})
}

// floatFormat is Django's floatformat of a template value.
// loc and plain are the separators of the language and of the settings
// (nil: the en locale's and Django's defaults).
func floatFormat(v any, arg string, loc, plain *numberformat.Separators) (string, bool) {
	return numberformat.FloatFormat(indirect(v), arg, pyValues{}, loc, plain)
}

// fileSizeFormat is Django's filesizeformat of a template value, its
// number written with seps (nil: the en locale's).
func fileSizeFormat(v any, seps *numberformat.Separators) string {
	v = indirect(v)
	if d, ok := decimalOf(v); ok {
		n, ok := d.int() // Django: int(bytes_)
		if !ok {
			return numberformat.FileSizeSep(nil, seps)
		}
		v = n
	}
	return numberformat.FileSizeSep(v, seps)
}
