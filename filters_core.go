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

func sortedStringKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
