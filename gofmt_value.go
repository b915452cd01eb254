package runnel

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// goSprint is fmt.Sprint(v), for the values toStr has no Python form for
// (a struct, a pointer to one, a channel). fmt follows the lists and maps
// in a struct's fields without end when one of them contains itself, and
// overflows the stack, which no recover catches; so a value that holds a
// cycle, that is nested deeper than maxValueDepth, or that is too large to
// walk, is written by a printer that writes as fmt does but writes [...]
// or map[...] for a list or a map met again inside itself, and stops at
// maxValueDepth and maxPrint bytes.
func goSprint(v any) string { return goSprintStop(v, nil, 0) }

// goSprintStop is goSprint that gives up (with the text so far) when stop,
// called every 1024 values, returns true, or past max bytes (when
// positive).
func goSprintStop(v any, stop func() bool, max int) string {
	return goSprintOpen(v, nil, stop, max)
}

// goSprintOpen is goSprintStop for a value met inside the lists and dicts
// open (being printed): one of them met again is written [...] or {...}.
func goSprintOpen(v any, open []containerID, stop func() bool, max int) string {
	w := fmtWalk{}
	if w.safe(reflect.ValueOf(v), 0) {
		return fmt.Sprint(v)
	}
	p := fmtPrinter{open: open[:len(open):len(open)], printBound: printBound{stop: stop, max: max}}
	p.value(reflect.ValueOf(v), 0)
	return p.b.String()
}

var orderedMapType = reflect.TypeFor[OrderedMap]()

// orderedOf returns rv as an *OrderedMap when it is an OrderedMap or a
// pointer to one: fmt would write its fields, runnel writes it as the
// Python dict it stands for.
func orderedOf(rv reflect.Value) (*OrderedMap, bool) {
	switch {
	case rv.Type() == orderedMapType:
		if rv.CanAddr() {
			return rv.Addr().Interface().(*OrderedMap), true
		}
		m := rv.Interface().(OrderedMap)
		return &m, true
	case rv.Kind() == reflect.Pointer && rv.Type().Elem() == orderedMapType && !rv.IsNil():
		return rv.Interface().(*OrderedMap), true
	}
	return nil, false
}

// fmtWalkSteps bounds the values fmtWalk looks at: past it, a value is
// printed by fmtPrinter, which bounds its output (a list that holds the
// same list many times over is small in memory and huge printed).
const fmtWalkSteps = 1 << 16

// fmtWalk follows a value as fmt's printing would, to find a cycle.
type fmtWalk struct {
	open  []containerID
	steps int
}

// handled reports whether fmt stops at rv below the top level to call a
// method of it (Format, Error, String).
func handled(rv reflect.Value) bool {
	if !rv.CanInterface() {
		return false
	}
	switch rv.Interface().(type) {
	case fmt.Formatter, error, fmt.Stringer:
		return true
	}
	return false
}

// safe reports whether printing rv with fmt ends: no list or map contains
// itself, and the value is not too deep or too large.
func (w *fmtWalk) safe(rv reflect.Value, depth int) bool {
	if w.steps++; w.steps > fmtWalkSteps || depth > maxValueDepth {
		return false
	}
	if !rv.IsValid() || depth > 0 && handled(rv) {
		return true
	}
	if _, ok := orderedOf(rv); ok && rv.CanInterface() {
		return false // written by fmtPrinter, as a dict
	}
	switch rv.Kind() {
	case reflect.Interface:
		return rv.IsNil() || w.safe(rv.Elem(), depth+1)
	case reflect.Pointer:
		if depth > 0 || rv.IsNil() {
			return true // fmt writes the address
		}
		switch rv.Elem().Kind() {
		case reflect.Array, reflect.Slice, reflect.Struct, reflect.Map:
			return w.safe(rv.Elem(), depth+1)
		}
		return true
	case reflect.Struct:
		for i := range rv.NumField() {
			if !w.safe(rv.Field(i), depth+1) {
				return false
			}
		}
		return true
	case reflect.Slice, reflect.Array, reflect.Map:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			return true // bytes
		}
		id, ok := idOf(rv)
		if ok && rv.Kind() != reflect.Array {
			for _, o := range w.open {
				if o == id {
					return false
				}
			}
			w.open = append(w.open, id)
			defer func() { w.open = w.open[:len(w.open)-1] }()
		}
		if rv.Kind() == reflect.Map {
			it := rv.MapRange()
			for it.Next() {
				if !w.safe(it.Key(), depth+1) || !w.safe(it.Value(), depth+1) {
					return false
				}
			}
			return true
		}
		for i := range rv.Len() {
			if !w.safe(rv.Index(i), depth+1) {
				return false
			}
		}
	}
	return true
}

// fmtPrinter writes a value as fmt's %v does, bounded (see goSprint).
type fmtPrinter struct {
	b    strings.Builder
	open []containerID
	printBound
}

// full reports whether the printer has written enough (see printBound).
func (p *fmtPrinter) full() bool { return p.reached(p.b.Len()) }

func (p *fmtPrinter) value(rv reflect.Value, depth int) {
	switch {
	case !rv.IsValid():
		p.b.WriteString("<nil>")
		return
	case depth > maxValueDepth || p.full():
		p.b.WriteString("...")
		return
	case depth > 0 && handled(rv):
		p.b.WriteString(fmt.Sprint(rv.Interface()))
		return
	}
	if m, ok := orderedOf(rv); ok && rv.CanInterface() {
		pp := printer{open: p.open[:len(p.open):len(p.open)], printBound: printBound{stop: p.stop, max: p.max}}
		pp.ordered(m)
		p.b.WriteString(pp.b.String())
		return
	}
	switch rv.Kind() {
	case reflect.Interface:
		if rv.IsNil() {
			p.b.WriteString("<nil>")
			return
		}
		p.value(rv.Elem(), depth+1)
	case reflect.Pointer:
		if rv.IsNil() {
			p.b.WriteString("<nil>")
			return
		}
		if depth == 0 {
			switch rv.Elem().Kind() {
			case reflect.Array, reflect.Slice, reflect.Struct, reflect.Map:
				p.b.WriteByte('&')
				p.value(rv.Elem(), depth+1)
				return
			}
		}
		p.b.WriteString("0x" + strconv.FormatUint(uint64(rv.Pointer()), 16))
	case reflect.Struct:
		p.b.WriteByte('{')
		for i := range rv.NumField() {
			if i > 0 {
				p.b.WriteByte(' ')
			}
			p.value(rv.Field(i), depth+1)
		}
		p.b.WriteByte('}')
	case reflect.Slice, reflect.Array, reflect.Map:
		p.container(rv, depth)
	case reflect.Bool:
		p.b.WriteString(strconv.FormatBool(rv.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.b.WriteString(strconv.FormatInt(rv.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		p.b.WriteString(strconv.FormatUint(rv.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		p.b.WriteString(strconv.FormatFloat(rv.Float(), 'g', -1, rv.Type().Bits()))
	case reflect.String:
		p.b.WriteString(rv.String())
	case reflect.Chan, reflect.Func, reflect.UnsafePointer:
		if rv.IsNil() {
			p.b.WriteString("<nil>")
		} else {
			p.b.WriteString("0x" + strconv.FormatUint(uint64(rv.Pointer()), 16))
		}
	default:
		if rv.CanInterface() {
			p.b.WriteString(fmt.Sprint(rv.Interface()))
		} else {
			p.b.WriteString("?")
		}
	}
}

// container writes a slice, an array or a map, with [...] or map[...] for
// one met again inside itself.
func (p *fmtPrinter) container(rv reflect.Value, depth int) {
	isMap := rv.Kind() == reflect.Map
	open, close := "[", "]"
	if isMap {
		open = "map["
	}
	if id, ok := idOf(rv); ok && rv.Kind() != reflect.Array {
		for _, o := range p.open {
			if o == id {
				p.b.WriteString(open + "..." + close)
				return
			}
		}
		p.open = append(p.open, id)
		defer func() { p.open = p.open[:len(p.open)-1] }()
	}
	p.b.WriteString(open)
	if isMap {
		keys := rv.MapKeys()
		text := make([]string, len(keys))
		for i, k := range keys {
			var kp fmtPrinter
			kp.value(k, depth+1)
			text[i] = kp.b.String()
		}
		order := make([]int, len(keys))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return text[order[a]] < text[order[b]] })
		for n, i := range order {
			if n > 0 {
				p.b.WriteByte(' ')
			}
			if p.full() {
				p.b.WriteString("...")
				break
			}
			p.b.WriteString(text[i])
			p.b.WriteByte(':')
			p.value(rv.MapIndex(keys[i]), depth+1)
		}
	} else {
		for i := range rv.Len() {
			if i > 0 {
				p.b.WriteByte(' ')
			}
			if p.full() {
				p.b.WriteString("...")
				break
			}
			p.value(rv.Index(i), depth+1)
		}
	}
	p.b.WriteString(close)
}
