package runnel

import "reflect"

// Tuple is a Python tuple: a sequence that prints with parentheses, (1, 2),
// (1,) for one item and () for none. It iterates, indexes, unpacks in
// {% for a, b in … %}, and answers in, length and join like a list (any Go
// slice or array), but as in Python it is never equal to a list, and add
// concatenates a tuple only with a tuple (Django's add gives "" for a list
// plus a tuple, which Python refuses). A map's .items are tuples of a key
// and a value, as Python's dict.items() are.
type Tuple []any

var tupleType = reflect.TypeFor[Tuple]()

// isTuple reports whether v is a Tuple.
func isTuple(v any) bool {
	_, ok := v.(Tuple)
	return ok
}

// tuple writes a Tuple, as Python's repr() of a tuple does: "(1,)" for
// one item.
func (p *printer) tuple(rv reflect.Value) { p.items(rv, "(", ")", "(...)", rv.Len() == 1) }
