package runnel

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/runnelhq/runnel/internal/pystr"
)

// maxValueDepth bounds how deeply the engine follows a value that holds
// other values: printing a list or a dict, comparing lists, building
// unordered_list's levels, and following pointers. Python stops at its
// recursion limit (1000) with a RecursionError; the engine stops earlier
// and never overflows Go's stack, which no recover can catch.
const maxValueDepth = 512

// checkEvery is how many steps a loop that the engine runs for a template
// (a filter's, a tag's) takes between two looks at the render's context.
const checkEvery = 1024

// containerID identifies a list or a dict while it is being walked, as
// Python's id() does: a slice by its first element's address and its
// length (a shorter view of the same array is another list), a map by its
// address.
type containerID struct {
	p uintptr
	n int
}

// idOf returns the identity of a slice, a map or an *OrderedMap, and
// whether v is one that can contain itself.
func idOf(rv reflect.Value) (containerID, bool) {
	switch rv.Kind() {
	case reflect.Slice:
		if rv.Len() == 0 {
			return containerID{}, false
		}
		return containerID{rv.Pointer(), rv.Len()}, true
	case reflect.Map:
		if rv.Len() == 0 {
			return containerID{}, false
		}
		return containerID{rv.Pointer(), -1}, true
	case reflect.Pointer:
		if !rv.IsNil() {
			return containerID{rv.Pointer(), -2}, true
		}
	}
	return containerID{}, false
}

// printer writes a value as Python's str() of a list or a dict does, with
// repr() of the items. A list or a dict met again inside itself is written
// as Python writes it, [...] or {...}; so is one nested deeper than
// maxValueDepth.
type printer struct {
	b    strings.Builder
	open []containerID
	printBound
}

// printBound is where a printer of values stops (printer, fmtPrinter).
type printBound struct {
	// stop, when set, is called every 1024 items; once it returns true
	// the printer writes no more items (halted).
	stop   func() bool
	n      int
	halted bool
	// max, when positive, replaces maxPrint.
	max int
}

// maxPrint bounds the text a printer writes: past it, the items left are
// written as "..." (a value shared many times over, a list of lists of the
// same list, would print to gigabytes).
const maxPrint = DefaultMaxValueBytes

// full reports whether the printer has written more than maxPrint bytes,
// or its stop function has said to stop.
func (p *printer) full() bool { return p.reached(p.b.Len()) }

// reached reports whether a printer that has written n bytes should write
// no more items.
func (p *printBound) reached(n int) bool {
	if p.halted || n > maxPrint || p.max > 0 && n > p.max {
		return true
	}
	if p.stop != nil {
		if p.n++; p.n%1024 == 0 && p.stop() {
			p.halted = true
		}
	}
	return p.halted
}

// enter marks the container rv as being printed; false if it already is,
// or if the value is too deep.
func (p *printer) enter(rv reflect.Value) bool {
	if len(p.open) >= maxValueDepth {
		return false
	}
	id, ok := idOf(rv)
	if ok {
		for _, o := range p.open {
			if o == id {
				return false
			}
		}
	}
	p.open = append(p.open, id)
	return true
}

func (p *printer) leave() { p.open = p.open[:len(p.open)-1] }

// list writes a slice or an array.
func (p *printer) list(rv reflect.Value) { p.items(rv, "[", "]", "[...]", false) }

// items writes the items of a list or tuple between open and close
// ("again" for one met again inside itself), with a "," after a single
// item when comma is set.
func (p *printer) items(rv reflect.Value, open, close, again string, comma bool) {
	if !p.enter(rv) {
		p.b.WriteString(again)
		return
	}
	p.b.WriteString(open)
	for i := 0; i < rv.Len(); i++ {
		if i > 0 {
			p.b.WriteString(", ")
		}
		if p.full() {
			p.b.WriteString("...")
			break
		}
		p.item(rv.Index(i).Interface())
	}
	if comma {
		p.b.WriteByte(',')
	}
	p.b.WriteString(close)
	p.leave()
}

// dict writes a map, its keys in their documented order.
func (p *printer) dict(rv reflect.Value) {
	if !p.enter(rv) {
		p.b.WriteString("{...}")
		return
	}
	p.b.WriteByte('{')
	for i, k := range sortedKeys(rv) {
		if i > 0 {
			p.b.WriteString(", ")
		}
		if p.full() {
			p.b.WriteString("...")
			break
		}
		p.item(k.Interface())
		p.b.WriteString(": ")
		p.item(rv.MapIndex(k).Interface())
	}
	p.b.WriteByte('}')
	p.leave()
}

// orderedID is the identity of an OrderedMap: its map of values, which
// copies of the OrderedMap share.
func orderedID(m *OrderedMap) containerID {
	if m.vals == nil {
		return containerID{uintptr(reflect.ValueOf(m).Pointer()), -2}
	}
	return containerID{reflect.ValueOf(m.vals).Pointer(), -3}
}

// enterOrdered is enter for an OrderedMap.
func (p *printer) enterOrdered(m *OrderedMap) bool {
	if len(p.open) >= maxValueDepth {
		return false
	}
	id := orderedID(m)
	for _, o := range p.open {
		if o == id {
			return false
		}
	}
	p.open = append(p.open, id)
	return true
}

// ordered writes an OrderedMap, its keys in insertion order.
func (p *printer) ordered(m *OrderedMap) {
	if !p.enterOrdered(m) {
		p.b.WriteString("{...}")
		return
	}
	p.b.WriteByte('{')
	for i, k := range m.keys {
		if i > 0 {
			p.b.WriteString(", ")
		}
		if p.full() {
			p.b.WriteString("...")
			break
		}
		p.b.WriteString(pystr.Repr(k))
		p.b.WriteString(": ")
		p.item(m.vals[k])
	}
	p.b.WriteByte('}')
	p.leave()
}

// item writes an item of a list or a dict: repr() of text, and the
// containers it holds through this printer, so that a cycle is seen.
func (p *printer) item(v any) {
	v = indirect(v)
	switch x := v.(type) {
	case string:
		p.b.WriteString(pystr.Repr(x))
		return
	case SafeString:
		p.b.WriteString(pystr.Repr(string(x)))
		return
	case *OrderedMap:
		p.ordered(x)
		return
	case Decimal:
		p.b.WriteString(x.repr())
		return
	}
	if r, ok := civilRepr(v); ok {
		p.b.WriteString(r)
		return
	}
	if !p.container(v) {
		rv := reflect.ValueOf(v)
		switch {
		case rv.Kind() == reflect.String:
			p.b.WriteString(pystr.Repr(rv.String()))
			return
		case toStrPrintsGo(v):
			// fmt's form of a struct, with this printer's open lists and
			// dicts, so that a dict met again inside the struct is {...}.
			if rv.Kind() == reflect.Pointer {
				v = rv.Elem().Interface() // as toStr writes it
			}
			p.b.WriteString(goSprintOpen(v, p.open, p.stop, 0))
			return
		}
		p.b.WriteString(toStr(v))
	}
}

// container writes v if it is a list or a dict that toStr would print
// item by item (one without a String method of its own).
func (p *printer) container(v any) bool {
	switch v.(type) {
	case SafeHTML, error, interface{ String() string }:
		return false
	}
	rv := reflect.ValueOf(v)
	if rv.IsValid() && rv.Type() == tupleType {
		p.tuple(rv)
		return true
	}
	switch rv.Kind() {
	case reflect.Slice:
		if rv.IsNil() {
			p.b.WriteString("[]")
			return true
		}
		p.list(rv)
		return true
	case reflect.Array:
		p.list(rv)
		return true
	case reflect.Map:
		p.dict(rv)
		return true
	}
	return false
}

// containerStr is toStr of a list, an array, a map or an *OrderedMap.
func containerStr(v any) string { return containerStrStop(v, nil, 0) }

// containerStrStop is containerStr that gives up (with the text so far)
// when stop, called every 1024 items, returns true, or past max bytes
// (when positive).
func containerStrStop(v any, stop func() bool, max int) string {
	p := printer{printBound: printBound{stop: stop, max: max}}
	if m, ok := v.(*OrderedMap); ok {
		p.ordered(m)
	} else {
		p.container(v)
	}
	return p.b.String()
}

// printContainer is toStr of v when it is a list or a dict that toStr
// prints item by item, written looking at the render's context and up to
// MaxValueBytes (past which the items left are "..."); ok is false for
// other values.
func (s *state) printContainer(v any) (text string, ok bool) {
	switch v.(type) {
	case SafeHTML, error, fmt.Stringer:
		return "", false
	case *OrderedMap:
	default:
		v = indirect(v)
		switch reflect.ValueOf(v).Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
		case reflect.Struct:
			// Printed as fmt prints it (toStr), and as bounded.
			return goSprintStop(v, s.stopper(), int(max(s.eng.valueBound(), 0))), true
		default:
			return "", false
		}
	}
	return containerStrStop(v, s.stopper(), int(max(s.eng.valueBound(), 0))), true
}

// toStrPrintsGo reports whether toStr prints v with goSprint: a struct (or
// a pointer to one) without a String, Error or HTML method of its own.
func toStrPrintsGo(v any) bool {
	switch v.(type) {
	case SafeHTML, error, fmt.Stringer, *OrderedMap, OrderedMap:
		return false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Struct:
		return true
	case reflect.Pointer:
		return !rv.IsNil() && rv.Elem().Kind() == reflect.Struct
	}
	return false
}
