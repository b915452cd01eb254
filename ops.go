package runnel

import (
	"errors"
	"reflect"
	"strings"
	"time"
)

// Python's comparison semantics for {% if %} and the filters that compare.

var errIncomparable = errors.New("values cannot be compared")

// pyEqual is Python's ==: numbers compare by value (True == 1), text by
// content, lists element-wise, None only equals None.
func pyEqual(a, b any) bool { return pyEqualAt(a, b, 0) }

// pyEqualAt is pyEqual of items depth lists deep. Like Python, a list is
// equal to itself without comparing its items (so a list that contains
// itself compares); past maxValueDepth, lists are unequal.
func pyEqualAt(a, b any, depth int) bool {
	// The common comparisons, a text or an int with one of its own type
	// (often a literal), without the general conversions below.
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return x == y
		}
	case int:
		if y, ok := b.(int); ok {
			return x == y
		}
	case *string: // a string field
		if x != nil {
			switch y := b.(type) {
			case string:
				return *x == y
			case SafeString:
				return *x == string(y)
			}
		}
	case *int:
		if y, ok := b.(int); ok && x != nil {
			return *x == y
		}
	}
	a, b = indirect(a), indirect(b)
	if isUndefined(a) {
		a = nil
	}
	if isUndefined(b) {
		b = nil
	}
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if an, bn := isNumberOrBool(a), isNumberOrBool(b); an || bn {
		if !an || !bn {
			return false
		}
		if isDecimal(a) || isDecimal(b) {
			c, ok := decimalCompare(a, b)
			return ok && c == 0
		}
		fa, _ := toFloat(a)
		fb, _ := toFloat(b)
		if isIntegral(a) && isIntegral(b) {
			ia, _ := toInt(a)
			ib, _ := toInt(b)
			return ia == ib
		}
		return fa == fb
	}
	if sa, ok := isString(a); ok {
		sb, ok := isString(b)
		return ok && sa == sb
	}
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	la, aList := listLike(a)
	lb, bList := listLike(b)
	if aList || bList {
		if !aList || !bList || len(la) != len(lb) || isTuple(a) != isTuple(b) {
			return false
		}
		if sameList(a, b) {
			return true
		}
		if depth >= maxValueDepth {
			return false
		}
		for i := range la {
			if !pyEqualAt(la[i], lb[i], depth+1) {
				return false
			}
		}
		return true
	}
	ra, rb := reflect.ValueOf(a), reflect.ValueOf(b)
	if ra.Type() == rb.Type() && ra.Type().Comparable() {
		return a == b
	}
	return reflect.DeepEqual(a, b)
}

func isNumberOrBool(v any) bool {
	if _, ok := v.(bool); ok {
		return true
	}
	return isNumber(v)
}

// sameList reports whether a and b are one list (the same slice).
func sameList(a, b any) bool {
	ia, okA := idOf(reflect.ValueOf(a))
	ib, okB := idOf(reflect.ValueOf(b))
	return okA && okB && ia == ib && reflect.TypeOf(a) == reflect.TypeOf(b)
}

func listLike(v any) ([]any, bool) {
	switch l := v.(type) {
	case []any:
		return l, true
	case Tuple:
		return l, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
		l, _ := toList(v)
		return l, true
	}
	return nil, false
}

// pyIn is Python's "x in y": substring for text, membership for lists, key
// membership for maps. Other containers are an error (False in {% if %}).
func pyIn(x, y any) (bool, error) {
	x, y = indirect(x), indirect(y)
	if sy, ok := isString(y); ok {
		sx, ok := isString(x)
		if !ok {
			return false, errIncomparable
		}
		return strings.Contains(sy, sx), nil
	}
	switch c := y.(type) {
	case nil, undefinedT:
		return false, errIncomparable
	case *OrderedMap:
		_, ok := c.Get(toStr(x))
		return ok, nil
	}
	rv := reflect.ValueOf(y)
	switch rv.Kind() {
	case reflect.Map:
		for _, k := range rv.MapKeys() {
			if pyEqual(k.Interface(), x) {
				return true, nil
			}
		}
		return false, nil
	case reflect.Slice, reflect.Array:
		for i := 0; i < rv.Len(); i++ {
			if pyEqual(rv.Index(i).Interface(), x) {
				return true, nil
			}
		}
		return false, nil
	}
	if l, ok := toList(y); ok {
		for _, e := range l {
			if pyEqual(e, x) {
				return true, nil
			}
		}
		return false, nil
	}
	return false, errIncomparable
}

// pyIs approximates Python's identity test: None, True and False are
// singletons; references (pointers, maps, slices) are the same object; other
// values are identical when they have the same type and value.
func pyIs(a, b any) bool {
	a, b = indirect(a), indirect(b)
	if isUndefined(a) {
		a = nil
	}
	if isUndefined(b) {
		b = nil
	}
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ra, rb := reflect.ValueOf(a), reflect.ValueOf(b)
	if ra.Type() != rb.Type() {
		return false
	}
	switch ra.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		return ra.Pointer() == rb.Pointer() && (ra.Kind() != reflect.Slice || ra.Len() == rb.Len())
	}
	if ra.Type().Comparable() {
		return a == b
	}
	return false
}

// pyCompare orders two values as Python's < does, or fails for values of
// types Python cannot order.
func pyCompare(a, b any) (int, error) { return pyCompareAt(a, b, 0) }

// errTooDeep is Python's RecursionError for lists nested too deeply to
// compare.
var errTooDeep = errors.New("maximum recursion depth exceeded in comparison")

// pyCompareAt is pyCompare of items depth lists deep.
func pyCompareAt(a, b any, depth int) (int, error) {
	a, b = indirect(a), indirect(b)
	if isNumberOrBool(a) && isNumberOrBool(b) {
		if isDecimal(a) || isDecimal(b) {
			c, ok := decimalCompare(a, b)
			if !ok {
				return 0, errIncomparable
			}
			return c, nil
		}
		if isIntegral(a) && isIntegral(b) {
			ia, _ := toInt(a)
			ib, _ := toInt(b)
			return cmp3(ia < ib, ia > ib), nil
		}
		fa, _ := toFloat(a)
		fb, _ := toFloat(b)
		return cmp3(fa < fb, fa > fb), nil
	}
	if sa, ok := isString(a); ok {
		if sb, ok := isString(b); ok {
			return strings.Compare(sa, sb), nil
		}
		return 0, errIncomparable
	}
	if ta, ok := a.(time.Time); ok {
		if tb, ok := b.(time.Time); ok {
			return ta.Compare(tb), nil
		}
		return 0, errIncomparable
	}
	if ta, ka, ok := civilOf(a, time.UTC); ok {
		// Dates with dates, times of day with times of day, naive
		// datetimes with naive datetimes, as Python orders them.
		if tb, kb, ok := civilOf(b, time.UTC); ok && ka == kb {
			return ta.Compare(tb), nil
		}
		return 0, errIncomparable
	}
	la, aList := listLike(a)
	lb, bList := listLike(b)
	if aList && bList {
		if sameList(a, b) {
			return 0, nil
		}
		if depth >= maxValueDepth {
			return 0, errTooDeep
		}
		for i := 0; i < len(la) && i < len(lb); i++ {
			if pyEqualAt(la[i], lb[i], depth+1) {
				continue
			}
			return pyCompareAt(la[i], lb[i], depth+1)
		}
		return cmp3(len(la) < len(lb), len(la) > len(lb)), nil
	}
	return 0, errIncomparable
}

func cmp3(lt, gt bool) int {
	switch {
	case lt:
		return -1
	case gt:
		return 1
	}
	return 0
}
