package runnel

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/runnelhq/runnel/internal/htmlutil"
	"github.com/runnelhq/runnel/internal/pystr"
)

// Django's list filters (the LISTS section of defaultfilters.py), plus
// safeseq and escapeseq.

// init registers the list filters.
func init() {
	registerFilter("dictsort", argRequired, false, func(s *state, in, arg any) (any, error) {
		return dictsort(s, in, arg, false)
	})
	registerFilter("dictsortreversed", argRequired, false, func(s *state, in, arg any) (any, error) {
		return dictsort(s, in, arg, true)
	})
	registerFilter("first", argNone, false, filterFirst)
	registerFilter("join", argRequired, true, filterJoin)
	registerFilter("last", argNone, true, filterLast)
	registerFilter("length", argNone, false, filterLength)
	rawFilter("length", lengthRaw)
	registerFilter("random", argNone, true, filterRandom)
	registerFilter("slice", argRequired, true, filterSlice)
	registerFilter("safeseq", argNone, true, filterSafeseq)
	registerFilter("escapeseq", argNone, true, filterEscapeseq)
	registerFilter("unordered_list", argNone, true, filterUnorderedList)
}

// seqItems returns the items of a value Python could index (a string's
// characters, a list's or array's elements). ok is false for anything else.
func seqItems(v any) (items []any, ok bool) {
	switch x := v.(type) {
	case string:
		return strItems(x, false), true
	case SafeString:
		return strItems(string(x), false), true
	case []any:
		return x, true
	case nil, undefinedT:
		return nil, false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return strItems(rv.String(), false), true
	case reflect.Slice, reflect.Array:
		return toList(v)
	case reflect.Pointer:
		if !rv.IsNil() && rv.Elem().Kind() == reflect.Array {
			return toList(v)
		}
	}
	return nil, false
}

// strItems splits a string into its characters, as plain or safe strings.
func strItems(s string, safe bool) []any { return charList(s, safe) }

// asciiChars and asciiSafeChars hold the one-character strings of ASCII,
// boxed once, so that a list of characters costs its slice only.
var asciiChars, asciiSafeChars = func() (plain, safe [128]any) {
	for i := range plain {
		plain[i], safe[i] = string(rune(i)), SafeString(rune(i))
	}
	return
}()

// charList is Python's list(s): the characters of s, as plain or safe
// strings.
func charList(s string, safe bool) []any {
	out := make([]any, 0, utf8.RuneCountInString(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		c := s[i : i+n]
		if r == utf8.RuneError && n == 1 {
			c = string(r) // an invalid byte is U+FFFD, as in a range loop
		}
		switch {
		case r < utf8.RuneSelf && safe:
			out = append(out, asciiSafeChars[r])
		case r < utf8.RuneSelf:
			out = append(out, asciiChars[r])
		case safe:
			out = append(out, SafeString(c))
		default:
			out = append(out, c)
		}
		i += n
	}
	return out
}

// notSubscriptable is Python's TypeError for indexing a value that has no
// items.
func notSubscriptable(v any) error {
	return pystr.Errorf(pystr.TypeError, "'%s' object is not subscriptable", pyTypeOf(v))
}

// filterFirst returns the first item, or "" for an empty sequence.
func filterFirst(_ *state, in, _ any) (any, error) {
	if str, ok := isString(in); ok {
		for _, r := range str {
			return string(r), nil
		}
		return "", nil
	}
	items, ok := seqItems(in)
	if !ok {
		if _, isMap := pairs(in); isMap {
			return nil, pystr.Errorf(pystr.IndexError, "KeyError: 0")
		}
		return nil, notSubscriptable(in)
	}
	if len(items) == 0 {
		return "", nil
	}
	return items[0], nil
}

// filterLast returns the last item, or "" for an empty sequence.
func filterLast(_ *state, in, _ any) (any, error) {
	if str, ok := isString(in); ok {
		if str == "" {
			return "", nil
		}
		r, _ := utf8.DecodeLastRuneInString(str)
		return string(r), nil
	}
	items, ok := seqItems(in)
	if !ok {
		if _, isMap := pairs(in); isMap {
			return nil, pystr.Errorf(pystr.IndexError, "KeyError: -1")
		}
		return nil, notSubscriptable(in)
	}
	if len(items) == 0 {
		return "", nil
	}
	return items[len(items)-1], nil
}

// filterLength returns len() of the value, or 0 when it has none.
func filterLength(_ *state, in, _ any) (any, error) {
	n, ok := length(in)
	if !ok {
		return 0, nil
	}
	return n, nil
}

// lengthRaw is length of text or a slice field, without boxing it.
func lengthRaw(_ *state, in, _ any) (any, bool, error) {
	switch x := in.(type) {
	case *string:
		if x != nil {
			return utf8.RuneCountInString(*x), true, nil
		}
		return nil, false, nil
	case interface{ Len() int }:
		return nil, false, nil // the general path calls it
	}
	if rv := reflect.ValueOf(in); rv.Kind() == reflect.Pointer && !rv.IsNil() {
		if e := rv.Elem(); e.Kind() == reflect.Slice || e.Kind() == reflect.Array {
			return e.Len(), true, nil
		}
	}
	return nil, false, nil
}

// filterRandom returns a random item, or "" for an empty sequence.
func filterRandom(_ *state, in, _ any) (any, error) {
	items, ok := seqItems(in)
	if !ok {
		if l, isList := toList(in); isList {
			items = l
		} else {
			return nil, notSubscriptable(in)
		}
	}
	if len(items) == 0 {
		return "", nil
	}
	return items[rand.IntN(len(items))], nil
}

// filterJoin joins the items with the argument, like Python's str.join.
// With autoescaping on, the items and the joiner are conditionally escaped
// and the result is safe; with it off, the items must all be text (Django
// returns the value unchanged otherwise). A value that is not iterable is
// returned unchanged.
//
// The result is built under MaxValueBytes and the render's context: a
// long separator between many items is what makes join the way to build
// large text from small input.
func filterJoin(s *state, in, arg any) (any, error) {
	if str, ok := in.(string); ok {
		return joinChars(s, str, arg)
	}
	if str, ok := in.(SafeString); ok {
		// Iterating a SafeString yields plain characters.
		return joinChars(s, string(str), arg)
	}
	items, ok := toList(in)
	if !ok {
		return in, nil
	}
	var sep string
	if s.autoescape {
		sep = string(conditionalEscape(arg))
	} else {
		sep = argStr(arg)
	}
	if err := s.checkSize(int64(len(sep)) * int64(max(len(items)-1, 0))); err != nil {
		return nil, err
	}
	b := s.newText(0)
	for i, it := range items {
		if b.failed() {
			break
		}
		if i > 0 {
			b.WriteString(sep)
		}
		if s.autoescape {
			b.WriteString(string(conditionalEscape(it)))
			continue
		}
		str, ok := isString(it)
		if !ok {
			return in, nil
		}
		b.WriteString(str)
	}
	out, err := b.String()
	return SafeString(out), err
}

// joinChars is join of a string's characters (plain, even those of a
// safe string), without making the list of them.
func joinChars(s *state, str string, arg any) (any, error) {
	var sep string
	if s.autoescape {
		sep = string(conditionalEscape(arg))
	} else {
		sep = argStr(arg)
	}
	n := utf8.RuneCountInString(str)
	if err := s.checkSize(int64(len(str)) + int64(len(sep))*int64(max(n-1, 0))); err != nil {
		return nil, err
	}
	b := s.newText(0)
	var tmp []byte
	for i, r := range str {
		if b.failed() {
			break
		}
		if i > 0 {
			b.WriteString(sep)
		}
		tmp = utf8.AppendRune(tmp[:0], r)
		if s.autoescape {
			tmp = htmlutil.AppendEscape(tmp[:0], string(tmp))
		}
		b.WriteString(string(tmp))
	}
	out, err := b.String()
	return SafeString(out), err
}

// filterSlice slices the value with Python's slice syntax ("1:3", "::2",
// "-1"). Invalid arguments or values that cannot be sliced give the value
// unchanged.
func filterSlice(_ *state, in, arg any) (any, error) {
	var bits [3]*int
	parts := strings.Split(argStr(arg), ":")
	if len(parts) > 3 {
		return in, nil
	}
	for i, p := range parts {
		if p == "" {
			continue
		}
		n, err := pystr.ParseInt(p)
		if err != nil {
			return in, nil
		}
		v := int(max(min(n, 1<<40), -(1 << 40)))
		bits[i] = &v
	}
	var start, stop, step *int
	if len(parts) == 1 {
		stop = bits[0] // slice(stop)
	} else {
		start, stop = bits[0], bits[1]
		if len(parts) == 3 {
			step = bits[2]
		}
	}
	if step != nil && *step == 0 {
		return in, nil
	}
	if str, isStr := isString(in); isStr {
		return sliceString(str, start, stop, step), nil
	}
	items, ok := seqItems(in)
	if !ok {
		return in, nil
	}
	b, e, st := sliceBounds(len(items), start, stop, step)
	if st == 1 {
		return slices.Clone(items[b:max(b, e)]), nil
	}
	out := make([]any, 0, sliceLen(b, e, st))
	for i := b; st > 0 && i < e || st < 0 && i > e; i += st {
		out = append(out, items[i])
	}
	return out, nil
}

// sliceString is a string's characters [start:stop:step], picked without
// making the list of them.
func sliceString(str string, start, stop, step *int) string {
	n := utf8.RuneCountInString(str)
	b, e, st := sliceBounds(n, start, stop, step)
	if sliceLen(b, e, st) == 0 {
		return ""
	}
	if n == len(str) { // ASCII: characters are bytes
		if st == 1 {
			return str[b:e]
		}
		out := make([]byte, 0, sliceLen(b, e, st))
		for i := b; st > 0 && i < e || st < 0 && i > e; i += st {
			out = append(out, str[i])
		}
		return string(out)
	}
	rs := []rune(str)
	out := make([]rune, 0, sliceLen(b, e, st))
	for i := b; st > 0 && i < e || st < 0 && i > e; i += st {
		out = append(out, rs[i])
	}
	return string(out)
}

// sliceLen is how many indexes from b toward e by st a slice selects.
func sliceLen(b, e, st int) int {
	switch {
	case st > 0 && e > b:
		return (e - b + st - 1) / st
	case st < 0 && e < b:
		return (b - e - st - 1) / -st
	}
	return 0
}

// sliceBounds returns the first index, the bound and the step of Python's
// seq[start:stop:step] of a sequence of length n (step is not 0).
func sliceBounds(n int, start, stop, step *int) (b, e, st int) {
	st = 1
	if step != nil {
		st = *step
	}
	clamp := func(p *int, def, lo, hi int) int {
		if p == nil {
			return def
		}
		v := *p
		if v < 0 {
			v += n
			if v < lo {
				v = lo
			}
		} else if v > hi {
			v = hi
		}
		return v
	}
	if st > 0 {
		return clamp(start, 0, 0, n), clamp(stop, n, 0, n), st
	}
	return clamp(start, n-1, -1, n-1), clamp(stop, -1, -1, n-1), st
}

// filterSafeseq marks each item of a sequence safe, after converting it to
// text.
func filterSafeseq(s *state, in, _ any) (any, error) {
	items, ok := toList(in)
	if !ok {
		return nil, pystr.Errorf(pystr.TypeError, "'%s' object is not iterable", pyTypeOf(in))
	}
	out := make([]any, len(items))
	check := s.eachCheck()
	for i, it := range items {
		if err := check(); err != nil {
			return nil, err
		}
		if isSafe(it) {
			out[i] = it
		} else {
			out[i] = SafeString(toStr(it))
		}
	}
	return out, nil
}

// filterEscapeseq escapes each item of a sequence (unless already safe).
func filterEscapeseq(s *state, in, _ any) (any, error) {
	items, ok := toList(in)
	if !ok {
		return nil, pystr.Errorf(pystr.TypeError, "'%s' object is not iterable", pyTypeOf(in))
	}
	out := make([]any, len(items))
	check := s.eachCheck()
	for i, it := range items {
		if err := check(); err != nil {
			return nil, err
		}
		out[i] = conditionalEscape(it)
	}
	return out, nil
}

// dictsort sorts a list of maps (or objects, or sequences) by the property
// the argument names: a dotted key path like "author.name", or an integer
// index. Values that cannot be resolved or compared give "". The render's
// context is looked at as the keys are found and compared.
func dictsort(s *state, in, arg any, reverse bool) (any, error) {
	items, ok := toList(in)
	if !ok {
		return "", nil
	}
	resolve, ok := propertyResolver(s, arg)
	if !ok {
		return "", nil
	}
	check := s.eachCheck()
	keys := make([]any, len(items))
	for i, it := range items {
		if err := check(); err != nil {
			return nil, err
		}
		k, ok := resolve(it)
		if !ok {
			return "", nil
		}
		keys[i] = k
	}
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	failed, stopped := sortStable(order, func(a, b int) (bool, error) {
		if err := check(); err != nil {
			return false, err
		}
		c, err := pyCompare(keys[a], keys[b])
		if err != nil {
			return false, errIncomparable
		}
		if reverse {
			return c > 0, nil
		}
		return c < 0, nil
	})
	if stopped != nil {
		return nil, stopped
	}
	if failed {
		return "", nil
	}
	out := make([]any, len(items))
	for i, j := range order {
		out[i] = items[j]
	}
	return out, nil
}

// sortAbort carries the error that ends a sortStable.
type sortAbort struct{ err error }

// sortStable sorts the indexes order stably by less, and stops at the
// first error less returns (the order is then unspecified): failed is
// true for errIncomparable (keys Python would not compare), stopped is
// any other error.
func sortStable(order []int, less func(a, b int) (bool, error)) (failed bool, stopped error) {
	defer func() {
		if r := recover(); r != nil {
			a, ok := r.(sortAbort)
			if !ok {
				panic(r)
			}
			if a.err == errIncomparable {
				failed = true
			} else {
				stopped = a.err
			}
		}
	}()
	sort.SliceStable(order, func(i, j int) bool {
		r, err := less(order[i], order[j])
		if err != nil {
			panic(sortAbort{err})
		}
		return r
	})
	return false, nil
}

// propertyResolver is Django's _property_resolver: a numeric argument looks
// up that item (an index when it is an integer, otherwise a key), anything
// else is a dotted path whose parts are looked up as keys, then as
// attributes. Paths reaching for names starting with "_" are refused.
func propertyResolver(s *state, arg any) (func(any) (any, bool), bool) {
	arg = indirect(arg)
	if _, ok, _ := pyFloatOf(arg); ok {
		if n, isInt := arg.(int); isInt {
			return func(v any) (any, bool) { return indexItem(v, n) }, true
		}
		if n, isInt := arg.(int64); isInt {
			return func(v any) (any, bool) { return indexItem(v, int(n)) }, true
		}
		key := toStr(arg)
		return func(v any) (any, bool) { return keyItem(s, v, key) }, true
	}
	path := toStr(arg)
	if path == "" || path[0] == '_' || strings.Contains(path, "._") {
		return nil, false
	}
	parts := strings.Split(path, ".")
	return func(v any) (any, bool) {
		for _, p := range parts {
			r, ok := keyItem(s, indirect(v), p)
			if !ok {
				r, ok = attrItem(s, indirect(v), p)
				if !ok {
					return nil, false
				}
			}
			v = r
		}
		return v, true
	}, true
}

// indexItem is value[n] for an integer n: sequence indexing (negative from
// the end) or a map key equal to n.
func indexItem(v any, n int) (any, bool) {
	v = indirect(v)
	if items, ok := seqItems(v); ok {
		if n < 0 {
			n += len(items)
		}
		if n < 0 || n >= len(items) {
			return nil, false
		}
		return items[n], true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Map && isIntKind(rv.Type().Key().Kind()) {
		if r := rv.MapIndex(reflect.ValueOf(n).Convert(rv.Type().Key())); r.IsValid() {
			return r.Interface(), true
		}
	}
	return nil, false
}

// keyItem is value[key] for a string key: map and OrderedMap lookups, and
// Attributer values. Sequences are not indexed by a string key.
func keyItem(_ *state, v any, key string) (any, bool) {
	switch x := indirect(v).(type) {
	case map[string]any:
		r, ok := x[key]
		return r, ok
	case *OrderedMap:
		return x.Get(key)
	case Attributer:
		return x.Attr(key)
	case nil, string, SafeString, []any:
		return nil, false
	}
	rv := reflect.ValueOf(indirect(v))
	if rv.Kind() == reflect.Map {
		kt := rv.Type().Key()
		switch kt.Kind() {
		case reflect.String:
			if r := rv.MapIndex(reflect.ValueOf(key).Convert(kt)); r.IsValid() {
				return r.Interface(), true
			}
		case reflect.Interface:
			if r := rv.MapIndex(reflect.ValueOf(key)); r.IsValid() {
				return r.Interface(), true
			}
		}
	}
	return nil, false
}

// attrItem is getattr(value, name) for Go structs: a field or method found
// the way template lookups find them.
func attrItem(s *state, v any, name string) (any, bool) {
	rv := reflect.ValueOf(v)
	k := rv.Kind()
	if k == reflect.Pointer && !rv.IsNil() {
		k = rv.Elem().Kind()
	}
	if k != reflect.Struct {
		return nil, false
	}
	if _, err := strconv.Atoi(name); err == nil {
		return nil, false
	}
	var st lookupStep
	st.init(name)
	r, ok, err := s.getAttr(v, &st)
	if err != nil || !ok {
		return nil, false
	}
	return indirect(r), true
}

// filterUnorderedList renders a nested list as HTML list items, without the
// outer <ul>: an item followed by a list gets that list as its sub-list. The
// items are conditionally escaped when autoescaping is on; the result is
// safe.
func filterUnorderedList(s *state, in, _ any) (any, error) {
	items, ok := toList(in)
	if !ok {
		return nil, pystr.Errorf(pystr.TypeError, "'%s' object is not iterable", pyTypeOf(in))
	}
	u := ulWriter{s: s, b: s.newText(0), open: []containerID{}}
	if id, ok := idOf(reflect.ValueOf(indirect(in))); ok {
		u.open = append(u.open, id)
	}
	if err := u.items(items, 1); err != nil {
		return nil, err
	}
	out, err := u.b.String()
	return SafeString(out), err
}

// ulWriter writes unordered_list's levels. It fails, where Python would
// recurse without end, on a list that contains itself and on lists nested
// deeper than maxValueDepth; and it stops when the render's context ends or
// the text passes MaxValueBytes.
type ulWriter struct {
	s    *state
	b    *textBuf
	open []containerID // the lists being written, outermost first
	n    int           // items written, for the context checks
}

// isSubList reports whether an item of unordered_list's input is a nested
// list (Python: a list, tuple or generator).
func isSubList(v any) bool {
	v = indirect(v)
	switch v.(type) {
	case nil, string, SafeString, []byte:
		return false
	case []any:
		return true
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Slice, reflect.Array:
		return true
	}
	_, ok := iterOf(v)
	return ok
}

// items writes the <li> lines of one level of unordered_list.
func (u *ulWriter) items(items []any, tabs int) error {
	indent := strings.Repeat("\t", tabs)
	first := true
	for i := 0; i < len(items); i++ {
		if u.n++; u.n%checkEvery == 0 {
			if err := u.s.isDone(); err != nil {
				return err
			}
		}
		if u.b.failed() {
			return nil // String reports why
		}
		item := items[i]
		var children []any
		var child containerID
		nested := false
		if i+1 < len(items) && isSubList(items[i+1]) {
			sub := indirect(items[i+1])
			children, _ = toList(sub)
			child, nested = idOf(reflect.ValueOf(sub))
			i++
		}
		if !first {
			u.b.WriteByte('\n')
		}
		first = false
		u.b.WriteString(indent)
		u.b.WriteString("<li>")
		if u.s.autoescape {
			u.b.WriteString(string(conditionalEscape(item)))
		} else {
			u.b.WriteString(toStr(item))
		}
		if len(children) > 0 {
			if nested && slices.Contains(u.open, child) {
				return errors.New("unordered_list: the list contains itself")
			}
			if len(u.open) >= maxValueDepth {
				return fmt.Errorf("unordered_list: lists nested deeper than %d levels", maxValueDepth)
			}
			u.open = append(u.open, child)
			u.b.WriteString("\n")
			u.b.WriteString(indent)
			u.b.WriteString("<ul>\n")
			if err := u.items(children, tabs+1); err != nil {
				return err
			}
			u.open = u.open[:len(u.open)-1]
			u.b.WriteString("\n")
			u.b.WriteString(indent)
			u.b.WriteString("</ul>\n")
			u.b.WriteString(indent)
		}
		u.b.WriteString("</li>")
	}
	return nil
}
