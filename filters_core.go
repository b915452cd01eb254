package runnel

import (
	"sort"

	"github.com/runnelhq/runnel/internal/htmlutil"
)

// The filters the engine itself depends on. The rest of Django's built-in
// filters live in filters_*.go.

func init() {
	registerFilter("safe", argNone, true, func(_ *state, in, _ any) (any, error) {
		if isSafe(in) {
			return in, nil
		}
		return SafeString(toStr(in)), nil
	})
	registerFilter("escape", argNone, true, func(s *state, in, _ any) (any, error) {
		if isSafe(in) {
			return SafeString(toStr(in)), nil
		}
		out, err := s.mapChunks(toStr(in), htmlutil.Escape)
		return SafeString(out), err
	})
	registerFilter("force_escape", argNone, true, func(s *state, in, _ any) (any, error) {
		out, err := s.mapChunks(toStr(in), htmlutil.Escape)
		return SafeString(out), err
	})
	registerFilter("default", argRequired, false, func(_ *state, in, arg any) (any, error) {
		if truthy(in) {
			return in, nil
		}
		return arg, nil
	})
	rawFilter("default", defaultRaw)
	registerFilter("default_if_none", argRequired, false, func(_ *state, in, arg any) (any, error) {
		if in == nil {
			return arg, nil
		}
		return in, nil
	})
}

// stringFilter gives a registered filter its text form (see filterDef.str).
func stringFilter(name string, fn func(s *state, in string, arg any) (any, error)) {
	builtins.filters[name].str = fn
}

// rawFilter gives a registered filter its form for undereferenced input
// (see filterDef.raw).
func rawFilter(name string, fn func(s *state, in, arg any) (any, bool, error)) {
	builtins.filters[name].raw = fn
}

// appendingFilter gives a registered filter its append form (see
// filterDef.app).
func appendingFilter(name string, fn func(s *state, b []byte, in, arg any) ([]byte, bool, bool, error)) {
	builtins.filters[name].app = fn
}

// textApp is the append form of a text filter that cannot fail: ok only
// for text input.
func textApp(fn func(b []byte, in string) []byte) func(*state, []byte, any, any) ([]byte, bool, bool, error) {
	return func(_ *state, b []byte, in, _ any) ([]byte, bool, bool, error) {
		text, _, ok := textOf(in)
		if !ok {
			return b, false, false, nil
		}
		return fn(b, text), false, true, nil
	}
}

// defaultRaw is default of a field: the field's own pointer when it is
// true, so that the value is not boxed.
func defaultRaw(_ *state, in, arg any) (any, bool, error) {
	var t bool
	switch x := in.(type) {
	case *string:
		t = x != nil && *x != ""
	case *int:
		t = x != nil && *x != 0
	case *int64:
		t = x != nil && *x != 0
	case *float64:
		t = x != nil && *x != 0
	case *bool:
		t = x != nil && *x
	default:
		return nil, false, nil
	}
	if t {
		return in, true, nil
	}
	return arg, true, nil
}

func sortedStringKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
