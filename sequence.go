package runnel

import (
	"fmt"
	"reflect"
	"unicode/utf8"
)

// sequence is a value {% for %} can iterate, indexed without copying the
// underlying slice.
type sequence struct {
	list []any
	rv   reflect.Value // a slice or array, when list is nil
	n    int
	// A string's characters are read as the loop goes, not listed first:
	// str is the string, and the cursor is at character ci, byte bi.
	str    string
	isStr  bool
	ci, bi int
}

func (q *sequence) len() int { return q.n }

func (q *sequence) at(i int) any {
	if q.list != nil {
		return q.list[i]
	}
	if q.isStr {
		return q.char(i)
	}
	return elemValue(q.rv.Index(i))
}

// char returns character i of the string, moving the cursor there (one
// step for a loop, forward or reversed).
func (q *sequence) char(i int) any {
	for q.ci < i {
		_, w := utf8.DecodeRuneInString(q.str[q.bi:])
		q.bi += w
		q.ci++
	}
	for q.ci > i {
		_, w := utf8.DecodeLastRuneInString(q.str[:q.bi])
		q.bi -= w
		q.ci--
	}
	r, w := utf8.DecodeRuneInString(q.str[q.bi:])
	c := q.str[q.bi : q.bi+w]
	switch {
	case r == utf8.RuneError && w == 1:
		c = string(r)
	case r < utf8.RuneSelf:
		return asciiChars[r]
	}
	return c
}

// sequenceOf prepares v for iteration: slices and arrays in place; maps by
// key (sorted, or insertion order for OrderedMap); strings by character;
// iterators are collected. nil and undefined are empty.
func sequenceOf(v any) (sequence, error) {
	switch x := v.(type) {
	case []any:
		return sequence{list: x, n: len(x)}, nil
	case nil, undefinedT:
		return sequence{}, nil
	case string:
		return sequence{str: x, isStr: true, n: utf8.RuneCountInString(x)}, nil
	case SafeString:
		// Python: the characters of a SafeString are plain str, escaped
		// when displayed.
		return sequence{str: string(x), isStr: true, n: utf8.RuneCountInString(string(x))}, nil
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() && (rv.Elem().Kind() == reflect.Slice || rv.Elem().Kind() == reflect.Array) {
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		return sequence{rv: rv, n: rv.Len()}, nil
	}
	if l, ok := toList(v); ok {
		if l == nil {
			l = []any{}
		}
		return sequence{list: l, n: len(l)}, nil
	}
	return sequence{}, fmt.Errorf("'%s' object is not iterable", pyTypeName(v))
}

// pyTypeName names a Go value's type the way a Python error would.
func pyTypeName(v any) string {
	switch indirect(v).(type) {
	case int, int64:
		return "int"
	case float64:
		return "float"
	case bool:
		return "bool"
	}
	return fmt.Sprintf("%T", v)
}
