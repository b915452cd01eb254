package runnel

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unsafe"

	"github.com/runnelhq/runnel/internal/pystr"
)

// varRef is a compiled operand: a literal, or a name followed by dotted
// lookups. Resolving it is the one place where the renderer obtains a value
// from the data.
type varRef struct {
	src       string
	lit       any
	isLit     bool
	translate bool
	name      string
	root      lookupStep // name, for lookups on struct data
	steps     []lookupStep
}

// lookupStep is one ".key" of a dotted lookup, with an inline cache of how
// the key was found on the last type seen, so that repeated renders skip the
// per-type table.
type lookupStep struct {
	key   string
	idx   int
	isIdx bool
	// slot is, for a root name, its number in rootSlots plus one (0: none).
	slot  int32
	cache atomic.Pointer[stepCache]
	// field is the site's fast path: once the key was found as a plain
	// field of a struct reached through a pointer, later lookups on a
	// pointer of the same type read the field at its offset, without
	// walking the value with reflection.
	field atomic.Pointer[fieldSite]
}

// fieldSite is how one lookup site reads a field: the pointer type it was
// found on, the field's offset in the struct (every step of the path is
// inside the struct, no embedded pointer), and how the field is handed out.
type fieldSite struct {
	typ  reflect.Type // *T
	off  uintptr
	kind fieldKind
	ft   reflect.Type // the field's type
}

type fieldKind uint8

const (
	fieldString  fieldKind = iota // *string
	fieldInt                      // *int
	fieldInt64                    // *int64
	fieldFloat64                  // *float64
	fieldBool                     // *bool
	fieldAddr                     // a pointer to the field (structs, slices)
	fieldValue                    // the field's value
)

// get reads the field from v, which has the site's type; ok is false for a
// nil pointer (left to the general path).
func (f *fieldSite) get(v any) (any, bool) {
	p := reflect.ValueOf(v).UnsafePointer()
	if p == nil {
		return nil, false
	}
	fp := unsafe.Add(p, f.off)
	switch f.kind {
	case fieldString:
		return (*string)(fp), true
	case fieldInt:
		return (*int)(fp), true
	case fieldInt64:
		return (*int64)(fp), true
	case fieldFloat64:
		return (*float64)(fp), true
	case fieldBool:
		return (*bool)(fp), true
	case fieldAddr:
		return reflect.NewAt(f.ft, fp).Interface(), true
	}
	return reflect.NewAt(f.ft, fp).Elem().Interface(), true
}

// newFieldSite returns the fast path for member m of struct type t reached
// through pointer type pt, or nil when the field is not at a fixed offset
// (behind an embedded pointer) or is of a kind the general path must see
// (functions, channels and interfaces may hold late or callable values).
func newFieldSite(pt, t reflect.Type, m *member) *fieldSite {
	if m == nil || m.method >= 0 {
		return nil
	}
	var off uintptr
	st := t
	for i, idx := range m.field {
		f := st.Field(idx)
		off += f.Offset
		if i < len(m.field)-1 {
			if f.Type.Kind() != reflect.Struct {
				return nil
			}
			st = f.Type
		}
	}
	fs := &fieldSite{typ: pt, off: off, ft: m.typ}
	basic := m.typ.PkgPath() == ""
	switch k := m.kind; {
	case k == reflect.String && basic:
		fs.kind = fieldString
	case k == reflect.Int && basic:
		fs.kind = fieldInt
	case k == reflect.Int64 && basic:
		fs.kind = fieldInt64
	case k == reflect.Float64 && basic:
		fs.kind = fieldFloat64
	case k == reflect.Bool && basic:
		fs.kind = fieldBool
	case k == reflect.Struct || k == reflect.Slice:
		fs.kind = fieldAddr
	case k == reflect.Func || k == reflect.Chan || k == reflect.Interface:
		return nil
	default:
		fs.kind = fieldValue
	}
	return fs
}

type stepCache struct {
	typ reflect.Type
	m   *member
}

func (st *lookupStep) init(key string) {
	st.key = key
	if n, err := strconv.Atoi(key); err == nil {
		st.idx, st.isIdx = n, true
	}
}

// resolve returns the value, or undefined when a lookup fails.
func (r *varRef) resolve(s *state) (any, error) {
	if r.isLit {
		if r.translate {
			return SafeString(s.gettext(toStr(r.lit))), nil
		}
		return r.lit, nil
	}
	v, ok := s.lookupRoot(r.name, &r.root)
	if !ok {
		return undefined, nil
	}
	v, err := s.call(v)
	if err != nil {
		return s.failedLookup(err)
	}
	for i := range r.steps {
		st := &r.steps[i]
		var found bool
		if f := st.field.Load(); f != nil && reflect.TypeOf(v) == f.typ {
			var x any
			if x, found = f.get(v); found {
				if v = x; f.kind < fieldAddr {
					continue // a text, number or bool field: never a callable or late value
				}
			}
		}
		if !found {
			v, found, err = s.lookupAttr(v, st)
		}
		if err != nil {
			return s.failedLookup(err)
		}
		if !found {
			return undefined, nil
		}
		if v, err = s.call(v); err != nil {
			return s.failedLookup(err)
		}
	}
	return v, nil
}

// SilentVariableFailure is implemented by errors that make a lookup fail
// quietly, like a Python exception with silent_variable_failure = True:
// when a method or function reached by a variable returns such an error
// (and SilentVariableFailure returns true), the variable's value is the
// engine's string_if_invalid (as text, "" by default), as in Django, instead
// of the render failing. In strict mode the variable is undefined.
type SilentVariableFailure interface {
	error
	SilentVariableFailure() bool
}

// failedLookup is the result of a lookup whose method or function returned
// err: string_if_invalid for a silent failure, else the error.
func (s *state) failedLookup(err error) (any, error) {
	var sf SilentVariableFailure
	if errors.As(err, &sf) && sf.SilentVariableFailure() {
		if s.eng.strict {
			return undefined, nil
		}
		return s.eng.stringIfInvalid, nil
	}
	return nil, err
}

// lookupName finds a top-level name: the scope stack, then the data, then
// Django's builtins True, False and None, and csp_nonce (the page's
// Content-Security-Policy nonce, when one is set).
func (s *state) lookupName(name string) (any, bool) {
	return s.lookupRoot(name, nil)
}

// lookupRoot is lookupName with a lookup step (and its inline cache) for
// finding name on struct data.
func (s *state) lookupRoot(name string, st *lookupStep) (any, bool) {
	for i := len(s.scope) - 1; i >= 0; i-- {
		if s.scope[i].name == name {
			return s.scope[i].val, true
		}
	}
	if s.dataMap != nil {
		if st != nil && st.slot > 0 && s.rootGen != 0 {
			// The data map does not change during a render: each name
			// is looked up in it once.
			if i := int(st.slot - 1); i < len(s.roots) && s.roots[i].gen == s.rootGen {
				if r := &s.roots[i]; r.found {
					return r.v, true
				}
			} else {
				v, ok := s.dataMap[name]
				s.setRoot(i, v, ok)
				if ok {
					return v, true
				}
			}
		} else if v, ok := s.dataMap[name]; ok {
			return v, true
		}
	} else if s.data != nil {
		if st == nil {
			st = &lookupStep{key: name}
		}
		if v, ok, err := s.getAttr(s.data, st); ok && err == nil {
			return v, true
		}
	}
	switch name {
	case "True":
		return true, true
	case "False":
		return false, true
	case "None":
		return nil, true
	case "csp_nonce":
		if s.nonce != "" {
			return s.nonce, true
		}
	}
	return nil, false
}

// rootSlot is a name's value in the render's data map, found once: valid
// while gen is the state's rootGen.
type rootSlot struct {
	gen   uint32
	found bool
	v     any
}

// maxRootSlots bounds the names given a slot (the rest are looked up in
// the data map each time), so that a pooled state stays small.
const maxRootSlots = 4096

var rootNames struct {
	sync.Mutex
	ids map[string]int32
}

// rootSlotOf returns the slot number plus one for a root name, or 0 when
// the slots are all given out.
func rootSlotOf(name string) int32 {
	rootNames.Lock()
	defer rootNames.Unlock()
	if id, ok := rootNames.ids[name]; ok {
		return id
	}
	if len(rootNames.ids) >= maxRootSlots {
		return 0
	}
	if rootNames.ids == nil {
		rootNames.ids = map[string]int32{}
	}
	id := int32(len(rootNames.ids) + 1)
	rootNames.ids[name] = id
	return id
}

// setRoot records the data map's answer for slot i.
func (s *state) setRoot(i int, v any, found bool) {
	if i >= len(s.roots) {
		s.roots = append(s.roots, make([]rootSlot, i+1-len(s.roots))...)
	}
	if s.roots[i].gen == 0 {
		s.rootsUsed = append(s.rootsUsed, int32(i))
	}
	s.roots[i] = rootSlot{gen: s.rootGen, found: found, v: v}
}

// newRootGen forgets the slots' values: the data map changed.
func (s *state) newRootGen() {
	if s.rootGen != 0 {
		s.rootGen++
	}
}

// call calls v if it is a function Django would call: one taking no
// arguments, or only a context.Context, and returning a value and optionally
// an error. A function that needs other arguments is left uncalled.
func (s *state) call(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, *string, SafeString, int, int64, float64, bool, map[string]any, []any,
		*int, *int64, *float64, *bool:
		return v, nil
	case func() any:
		return x(), nil
	case *late:
		return s.await(x)
	case lateValue:
		return s.await(x.lateCore())
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Func {
		return v, nil
	}
	if rv.IsNil() {
		return nil, nil // a nil function is None, as an unset attribute
	}
	return s.callFunc(rv, v)
}

var ctxType = reflect.TypeFor[context.Context]()
var errType = reflect.TypeFor[error]()

func (s *state) callFunc(rv reflect.Value, orig any) (any, error) {
	t := rv.Type()
	var in []reflect.Value
	switch {
	case t.NumIn() == 0:
	case t.NumIn() == 1 && t.In(0) == ctxType:
		// A function of a context is a late value reached without having
		// been started early: flush before calling it, as it may be slow.
		if err := s.beforeWait(); err != nil {
			return nil, err
		}
		ctx := s.ctx
		if ctx == nil {
			ctx = context.Background()
		}
		in = []reflect.Value{reflect.ValueOf(&ctx).Elem()}
	default:
		if _, ok := iterOf(orig); ok {
			return orig, nil // an iterator is data, not a callable
		}
		return undefined, nil // Django: a callable needing arguments is invalid
	}
	switch {
	case t.NumOut() == 1 && t.Out(0) != errType:
	case t.NumOut() == 2 && t.Out(1) == errType:
	default:
		return orig, nil
	}
	out := rv.Call(in)
	if len(out) == 2 && !out[1].IsNil() {
		return nil, out[1].Interface().(error)
	}
	return out[0].Interface(), nil
}

// member is how a name is found on a struct type: a field or a method.
type member struct {
	field  []int
	method int // index in the pointer type's method set, or -1
	// kind is the field's kind, used to hand out pointers to addressable
	// fields instead of boxing a copy.
	kind reflect.Kind
	typ  reflect.Type
}

type typeInfo struct {
	members map[string]*member
}

var typeCache sync.Map // reflect.Type (a struct type) → *typeInfo

func infoFor(t reflect.Type) *typeInfo {
	if ti, ok := typeCache.Load(t); ok {
		return ti.(*typeInfo)
	}
	ti := &typeInfo{members: map[string]*member{}}
	add := func(name string, m *member) {
		if _, ok := ti.members[name]; !ok {
			ti.members[name] = m
		}
	}
	pt := reflect.PointerTo(t)
	// Methods first: Django resolves attributes; a method named like a
	// field cannot exist in Go, so order only matters for snake names.
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous && f.Type.Kind() == reflect.Struct && false {
			continue
		}
		if !f.IsExported() {
			continue
		}
		m := &member{field: f.Index, method: -1, kind: f.Type.Kind(), typ: f.Type}
		add(f.Name, m)
		add(snakeCase(f.Name), m)
		if tag := f.Tag.Get("json"); tag != "" {
			if n, _, _ := strings.Cut(tag, ","); n != "" && n != "-" {
				add(n, m)
			}
		}
	}
	for i := 0; i < pt.NumMethod(); i++ {
		meth := pt.Method(i)
		m := &member{method: i}
		add(meth.Name, m)
		add(snakeCase(meth.Name), m)
	}
	actual, _ := typeCache.LoadOrStore(t, ti)
	return actual.(*typeInfo)
}

// snakeCase maps a Go name to the name a Django template would use:
// FirstName → first_name, UserID → user_id, HTMLBody → html_body.
func snakeCase(name string) string {
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) ||
				(i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1]))) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// getAttr looks key up on v the way Django's Variable._resolve_lookup does:
// as a mapping key, then as an attribute (field or method), then as a list
// index.
func (s *state) getAttr(v any, st *lookupStep) (any, bool, error) {
	if f := st.field.Load(); f != nil && reflect.TypeOf(v) == f.typ {
		if r, ok := f.get(v); ok {
			return r, true, nil
		}
	}
	return s.lookupAttr(v, st)
}

// lookupAttr is getAttr without the site's fast path (which the caller
// has tried).
func (s *state) lookupAttr(v any, st *lookupStep) (any, bool, error) {
	switch x := v.(type) {
	case map[string]any:
		if r, ok := x[st.key]; ok {
			return r, true, nil
		}
		return mapAttr(x, st.key)
	case *forLoop:
		return x.get(st.key)
	case *blockRef:
		if st.key == "super" {
			r, err := x.super(s)
			return r, true, err
		}
		return nil, false, nil
	case []any:
		if st.isIdx {
			i := st.idx
			if i < 0 {
				i += len(x)
			}
			if i >= 0 && i < len(x) {
				return x[i], true, nil
			}
		}
		return nil, false, nil
	case *OrderedMap:
		if r, ok := x.Get(st.key); ok {
			return r, true, nil
		}
		return mapAttr(x, st.key)
	case OrderedMap:
		return s.getAttr(&x, st)
	case Tuple:
		return s.getAttr([]any(x), st)
	case nil, undefinedT:
		return nil, false, nil
	case string, *string, SafeString:
		str, ok := isString(x)
		if !ok {
			return nil, false, nil // a nil *string is None
		}
		if st.isIdx {
			rs := []rune(str)
			i := st.idx
			if i < 0 {
				i += len(rs)
			}
			if i >= 0 && i < len(rs) {
				// A character of a SafeString is plain str in Python.
				return string(rs[i]), true, nil
			}
			return nil, false, nil
		}
		return strMethod(str, st.key)
	case Attributer:
		r, ok := x.Attr(st.key)
		return r, ok, nil
	case *lateSeq:
		l, err := s.settle(x)
		if err != nil {
			return nil, false, err
		}
		return s.getAttr(l, st)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Chan {
		l, err := s.settle(v)
		if err != nil {
			return nil, false, err
		}
		return s.getAttr(l, st)
	}
	return s.reflectAttr(rv, v, st)
}

// strMethod is a lookup of key on text that found nothing else: Python's
// str methods that take no arguments, called as Django calls a method it
// reaches ({{ name.upper }}). Their results are plain text (str methods of
// a SafeString return str, so autoescaping applies), a list for split and
// splitlines, a bool for the is* predicates. A method that needs arguments
// (zfill, count, format, …) is not found, as Django renders a callable it
// cannot call without arguments: string_if_invalid.
func strMethod(str, key string) (any, bool, error) {
	v, ok := pystr.Method(str, key)
	if !ok {
		return nil, false, nil
	}
	if l, isList := v.([]string); isList {
		out := make([]any, len(l))
		for i, x := range l {
			out[i] = x
		}
		return out, true, nil
	}
	return v, true, nil
}

// Attributer lets a Go type answer template lookups itself, like Python's
// __getitem__: {{ v.key }} calls v.Attr("key").
type Attributer interface {
	Attr(key string) (any, bool)
}

// mapAttr gives maps Python dict's items, keys and values.
func mapAttr(m any, key string) (any, bool, error) {
	switch key {
	case "items":
		p, _ := pairs(m)
		return p, true, nil
	case "keys":
		l, _ := toList(m)
		return l, true, nil
	case "values":
		p, _ := pairs(m)
		out := make([]any, len(p))
		for i, kv := range p {
			out[i] = kv.(Tuple)[1]
		}
		return out, true, nil
	}
	return nil, false, nil
}

func (s *state) reflectAttr(rv reflect.Value, orig any, st *lookupStep) (any, bool, error) {
	for rv.Kind() == reflect.Interface {
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil, false, nil
		}
		e := rv.Elem()
		if e.Kind() == reflect.Struct {
			if orig != nil && st.field.Load() == nil {
				// The site's first struct pointer: learn its fast path.
				if t := e.Type(); reflect.TypeOf(orig) == rv.Type() {
					if fs := newFieldSite(rv.Type(), t, infoFor(t).members[st.key]); fs != nil {
						st.field.CompareAndSwap(nil, fs)
					}
				}
			}
			return s.structAttr(e, rv, st)
		}
		if e.Kind() == reflect.Pointer || e.Kind() == reflect.Interface {
			return s.reflectAttr(e, nil, st)
		}
		return s.reflectAttr(e, nil, st)
	case reflect.Struct:
		return s.structAttr(rv, reflect.Value{}, st)
	case reflect.Map:
		kt := rv.Type().Key()
		var k reflect.Value
		switch {
		case kt.Kind() == reflect.String:
			k = reflect.ValueOf(st.key).Convert(kt)
		case st.isIdx && isIntKind(kt.Kind()):
			k = reflect.ValueOf(st.idx).Convert(kt)
		case kt.Kind() == reflect.Interface:
			k = reflect.ValueOf(st.key)
		}
		if k.IsValid() {
			if r := rv.MapIndex(k); r.IsValid() {
				return r.Interface(), true, nil
			}
			if kt.Kind() == reflect.Interface && st.isIdx {
				if r := rv.MapIndex(reflect.ValueOf(st.idx)); r.IsValid() {
					return r.Interface(), true, nil
				}
			}
		}
		if r, ok, err := s.methodAttr(rv, st); ok || err != nil {
			return r, ok, err
		}
		return mapAttr(rv.Interface(), st.key)
	case reflect.Slice, reflect.Array, reflect.String:
		if r, ok, err := s.methodAttr(rv, st); ok || err != nil {
			return r, ok, err
		}
		if st.isIdx {
			if rv.Kind() == reflect.String {
				return s.getAttr(rv.String(), st)
			}
			i := st.idx
			if i < 0 {
				i += rv.Len()
			}
			if i >= 0 && i < rv.Len() {
				return elemValue(rv.Index(i)), true, nil
			}
		} else if rv.Kind() == reflect.String {
			return strMethod(rv.String(), st.key)
		}
		return nil, false, nil
	}
	return s.methodAttr(rv, st)
}

func isIntKind(k reflect.Kind) bool {
	switch k {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// methodAttr finds a method named key on a non-struct value.
func (s *state) methodAttr(rv reflect.Value, st *lookupStep) (any, bool, error) {
	if !rv.IsValid() || rv.NumMethod() == 0 {
		return nil, false, nil
	}
	m := rv.MethodByName(st.key)
	if !m.IsValid() {
		name := camelCase(st.key)
		m = rv.MethodByName(name)
		if !m.IsValid() {
			return nil, false, nil
		}
	}
	r, err := s.callFunc(m, nil)
	return r, true, err
}

// camelCase maps first_name to FirstName.
func camelCase(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if r == '_' {
			up = true
			continue
		}
		if up {
			b.WriteRune(unicode.ToUpper(r))
			up = false
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// structAttr finds a field or method on a struct. sv is the struct; pv is a
// pointer to it when one is known (so pointer methods can be called and
// fields handed out by address).
func (s *state) structAttr(sv, pv reflect.Value, st *lookupStep) (any, bool, error) {
	t := sv.Type()
	var m *member
	if c := st.cache.Load(); c != nil && c.typ == t {
		m = c.m
	} else {
		m = infoFor(t).members[st.key]
		if c == nil {
			// Cache the first type seen; polymorphic sites use the table.
			st.cache.CompareAndSwap(nil, &stepCache{typ: t, m: m})
		}
	}
	if m == nil {
		return nil, false, nil
	}
	if m.method >= 0 {
		if !pv.IsValid() {
			if sv.CanAddr() {
				pv = sv.Addr()
			} else {
				pv = reflect.New(t)
				pv.Elem().Set(sv)
			}
		}
		r, err := s.callFunc(pv.Method(m.method), nil)
		return r, true, err
	}
	f, err := sv.FieldByIndexErr(m.field)
	if err != nil {
		return nil, false, nil // nil embedded pointer
	}
	if f.CanAddr() {
		switch m.kind {
		case reflect.String, reflect.Int, reflect.Int64, reflect.Float64, reflect.Bool:
			if f.Type() == m.typ && m.typ.PkgPath() == "" {
				return f.Addr().Interface(), true, nil
			}
		case reflect.Struct, reflect.Slice:
			return f.Addr().Interface(), true, nil
		}
	}
	return f.Interface(), true, nil
}

// varDoesNotExist is Django's VariableDoesNotExist where a value is required:
// a filter argument that does not resolve. {% if %} treats it as a false
// condition; elsewhere it fails the render.
type varDoesNotExist struct {
	key, filter string
}

func (e *varDoesNotExist) Error() string {
	return fmt.Sprintf("Failed lookup for key [%s] in filter argument of %s", e.key, e.filter)
}

// Is makes the error [ErrVariableDoesNotExist].
func (e *varDoesNotExist) Is(target error) bool { return target == ErrVariableDoesNotExist }

// isVarDoesNotExist reports whether err is a varDoesNotExist.
func isVarDoesNotExist(err error) bool {
	var v *varDoesNotExist
	return errors.As(err, &v)
}
