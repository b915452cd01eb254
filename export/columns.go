package export

import (
	"database/sql/driver"
	"encoding"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"
)

// rowWriter appends the cells of the source's current row.
type rowWriter interface {
	names() []string // the CSV header (nil: none)
	keys() []string  // the JSON keys (nil: rows are JSON arrays)
	append(e *encoder, b []byte) []byte
}

// rowWriterFor returns the row writer of rows of type T, read from *cur,
// and makes it the writer's.
func rowWriterFor[T any](w *writer, cur *T) (rowWriter, error) {
	var rw rowWriter
	switch p := any(cur).(type) {
	case *[]string:
		rw = &stringsRow{w: w, vals: p}
	case *[]any:
		rw = &sliceRow{w: w, vals: p}
	default:
		v := reflect.ValueOf(cur).Elem()
		t := v.Type()
		switch {
		case t.Kind() == reflect.Struct && t != timeType || t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && t.Elem() != timeType:
			cols, err := structColumns(t, w.opts.Columns)
			if err != nil {
				return nil, err
			}
			rw = &structRow{v: v, cols: cols}
		case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
			if len(w.opts.Columns) == 0 {
				return nil, fmt.Errorf("export: rows of type %v need Options.Columns: a map has no column order", t)
			}
			r := &mapRow{v: v, cols: w.opts.Columns, viaAny: t.Elem().Kind() == reflect.Interface || hasMethods(t.Elem())}
			for _, c := range w.opts.Columns {
				r.mkeys = append(r.mkeys, reflect.ValueOf(c).Convert(t.Key()))
			}
			rw = r
		default:
			rw = &valueRow{w: w, v: v, enc: fieldEncoder(t)}
		}
	}
	w.mu.Lock()
	w.enc.ncols = len(rw.names())
	if w.enc.ncols == 0 {
		w.enc.ncols = 1
	}
	w.rw = rw
	// The header is ready: it goes out with the first row, or by time if
	// the first row is slow to come.
	w.begin(rw.names(), rw.keys())
	w.mu.Unlock()
	return rw, nil
}

// ---- struct rows ----

type column struct {
	name  string // the CSV header
	key   string // the JSON key
	field string // the Go field's name
	index []int
	enc   func(e *encoder, b []byte, v reflect.Value) []byte
}

type structRow struct {
	v    reflect.Value // the current row: a struct, or a pointer to one
	cols []column
	nm   []string
	ks   []string
}

func (r *structRow) names() []string {
	if r.nm == nil {
		for _, c := range r.cols {
			r.nm = append(r.nm, c.name)
		}
	}
	return r.nm
}

func (r *structRow) keys() []string {
	if r.ks == nil {
		for _, c := range r.cols {
			r.ks = append(r.ks, c.key)
		}
	}
	return r.ks
}

func (r *structRow) append(e *encoder, b []byte) []byte {
	v := r.v
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			for range r.cols {
				b = e.appendNull(b)
			}
			return b
		}
		v = v.Elem()
	}
	for i := range r.cols {
		c := &r.cols[i]
		f, ok := fieldOf(v, c.index)
		if !ok {
			b = e.appendNull(b)
			continue
		}
		b = c.enc(e, b, f)
	}
	return b
}

// fieldOf is v.FieldByIndex, with false through a nil embedded pointer.
func fieldOf(v reflect.Value, index []int) (reflect.Value, bool) {
	if len(index) == 1 {
		return v.Field(index[0]), true
	}
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// structColumns lists the columns of struct type t (or *t), picked and
// ordered by pick if it is not empty.
func structColumns(t reflect.Type, pick []string) ([]column, error) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var all []column
	var walk func(t reflect.Type, index []int, depth int)
	walk = func(t reflect.Type, index []int, depth int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("csv")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			idx := append(append([]int(nil), index...), i)
			ft := f.Type
			if f.Anonymous && name == "" && depth < 8 {
				et := ft
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct && et != timeType {
					walk(et, idx, depth+1)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			c := column{name: name, key: name, field: f.Name, index: idx, enc: fieldEncoder(ft)}
			if c.name == "" {
				c.name, c.key = VerboseName(f.Name), f.Name
			}
			all = append(all, c)
		}
	}
	walk(t, nil, 0)
	if len(pick) == 0 {
		return all, nil
	}
	out := make([]column, 0, len(pick))
	for _, p := range pick {
		found := false
		for _, c := range all {
			if c.name == p || c.key == p || c.field == p {
				out = append(out, c)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("export: %v has no column %q", t, p)
		}
	}
	return out, nil
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	valuerType      = reflect.TypeFor[driver.Valuer]()
	marshalerType   = reflect.TypeFor[encoding.TextMarshaler]()
	stringerType    = reflect.TypeFor[fmt.Stringer]()
	methodTypes     = []reflect.Type{valuerType, marshalerType, stringerType}
	bytesSliceKind  = reflect.Uint8
	appendViaMethod = func(e *encoder, b []byte, v reflect.Value) []byte {
		if v.CanAddr() {
			return e.appendAny(b, v.Addr().Interface()) // a pointer: no allocation
		}
		return e.appendAny(b, v.Interface())
	}
)

// hasMethods reports whether t or *t has a method that says how it is
// written (Value, MarshalText, String).
func hasMethods(t reflect.Type) bool {
	for _, m := range methodTypes {
		if t.Implements(m) || reflect.PointerTo(t).Implements(m) {
			return true
		}
	}
	return false
}

// fieldEncoder returns the function that writes a value of type t, chosen
// once for the column so that rows cost no type switch on their values.
func fieldEncoder(t reflect.Type) func(e *encoder, b []byte, v reflect.Value) []byte {
	if t == timeType {
		return func(e *encoder, b []byte, v reflect.Value) []byte {
			if v.CanAddr() {
				return e.appendTime(b, *v.Addr().Interface().(*time.Time))
			}
			return e.appendTime(b, v.Interface().(time.Time))
		}
	}
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface && hasMethods(t) {
		return appendViaMethod
	}
	switch t.Kind() {
	case reflect.String:
		return func(e *encoder, b []byte, v reflect.Value) []byte { return e.appendText(b, v.String(), true) }
	case reflect.Bool:
		return func(e *encoder, b []byte, v reflect.Value) []byte { return e.appendBool(b, v.Bool()) }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(e *encoder, b []byte, v reflect.Value) []byte { return e.appendInt(b, v.Int()) }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(e *encoder, b []byte, v reflect.Value) []byte { return e.appendUint(b, v.Uint()) }
	case reflect.Float32:
		return func(e *encoder, b []byte, v reflect.Value) []byte { return e.appendFloat(b, v.Float(), 32) }
	case reflect.Float64:
		return func(e *encoder, b []byte, v reflect.Value) []byte { return e.appendFloat(b, v.Float(), 64) }
	case reflect.Slice:
		if t.Elem().Kind() == bytesSliceKind {
			return func(e *encoder, b []byte, v reflect.Value) []byte {
				if v.IsNil() {
					return e.appendNull(b)
				}
				return e.appendBytes(b, v.Bytes())
			}
		}
	case reflect.Pointer:
		elem := fieldEncoder(t.Elem())
		return func(e *encoder, b []byte, v reflect.Value) []byte {
			if v.IsNil() {
				return e.appendNull(b)
			}
			return elem(e, b, v.Elem())
		}
	case reflect.Interface:
		return func(e *encoder, b []byte, v reflect.Value) []byte {
			if v.IsNil() {
				return e.appendNull(b)
			}
			return e.appendAny(b, v.Interface())
		}
	}
	return func(e *encoder, b []byte, v reflect.Value) []byte { return e.appendValue(b, v) }
}

// VerboseName makes a column header from a Go field name as Django makes
// a field's verbose name from its attribute name, capitalised as the
// admin shows it: words split at case changes and underscores, in lower
// case except for acronyms, the first letter upper case. FirstName gives
// "First name", OrderID "Order ID", HTTPStatus "HTTP status".
func VerboseName(field string) string {
	var words []string
	rs := []rune(field)
	start := 0
	for i := 1; i <= len(rs); i++ {
		end := i == len(rs)
		if !end {
			prev, cur := rs[i-1], rs[i]
			var next rune
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			split := cur == '_' || prev == '_' ||
				unicode.IsLower(prev) && unicode.IsUpper(cur) ||
				unicode.IsUpper(prev) && unicode.IsUpper(cur) && next != 0 && unicode.IsLower(next) ||
				unicode.IsLetter(prev) && unicode.IsDigit(cur) && unicode.IsUpper(rs[start]) && allUpper(rs[start:i])
			if !split {
				continue
			}
		}
		w := string(rs[start:i])
		start = i
		if w == "_" || w == "" {
			continue
		}
		words = append(words, w)
	}
	for i, w := range words {
		if !(len([]rune(w)) > 1 && allUpper([]rune(w))) {
			words[i] = strings.ToLower(w)
		}
	}
	s := strings.Join(words, " ")
	if s == "" {
		return field
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func allUpper(rs []rune) bool {
	for _, r := range rs {
		if unicode.IsLower(r) {
			return false
		}
	}
	return true
}

// ---- map, slice and value rows ----

type mapRow struct {
	v      reflect.Value
	cols   []string
	mkeys  []reflect.Value
	viaAny bool // the values are interfaces, or types with methods
}

func (r *mapRow) names() []string { return r.cols }
func (r *mapRow) keys() []string  { return r.cols }

func (r *mapRow) append(e *encoder, b []byte) []byte {
	for _, k := range r.mkeys {
		mv := r.v.MapIndex(k)
		switch {
		case !mv.IsValid():
			b = e.appendNull(b)
		case r.viaAny:
			b = e.appendAny(b, mv.Interface())
		default:
			b = e.appendValue(b, mv)
		}
	}
	return b
}

type stringsRow struct {
	w    *writer
	vals *[]string
}

func (r *stringsRow) names() []string { return r.w.opts.Columns }
func (r *stringsRow) keys() []string  { return r.w.opts.Columns }

func (r *stringsRow) append(e *encoder, b []byte) []byte {
	for _, s := range *r.vals {
		b = e.appendText(b, s, true)
	}
	return b
}

type sliceRow struct {
	w    *writer
	vals *[]any
}

func (r *sliceRow) names() []string { return r.w.opts.Columns }
func (r *sliceRow) keys() []string  { return r.w.opts.Columns }

func (r *sliceRow) append(e *encoder, b []byte) []byte {
	for _, v := range *r.vals {
		b = e.appendAny(b, v)
	}
	return b
}

// valueRow is a row of one value (an iter.Seq[int], say).
type valueRow struct {
	w   *writer
	v   reflect.Value
	enc func(e *encoder, b []byte, v reflect.Value) []byte
}

func (r *valueRow) names() []string { return r.w.opts.Columns }
func (r *valueRow) keys() []string  { return r.w.opts.Columns }

func (r *valueRow) append(e *encoder, b []byte) []byte { return r.enc(e, b, r.v) }
