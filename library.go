package runnel

import (
	"context"
	"fmt"
	"reflect"

	"github.com/runnelhq/runnel/syntax"
)

// filterFn is the internal form of a filter: the input (pointers already
// followed) and the argument (nil when none was given).
type filterFn func(s *state, in, arg any) (any, error)

// argMode says whether a filter takes an argument.
type argMode int

const (
	argNone argMode = iota
	argOptional
	argRequired
)

type filterDef struct {
	fn filterFn
	// str, when set, is the same filter for text input (Django's
	// @stringfilter), called without boxing a string field's value.
	str func(s *state, in string, arg any) (any, error)
	// raw, when set, is tried first on the input as the lookup gave it
	// (a pointer to a field, not yet dereferenced or boxed); ok false
	// leaves the input to str or fn. It never sees a late value.
	raw func(s *state, in, arg any) (out any, ok bool, err error)
	// app, when set, is the filter as the last one of a {{ }}: it appends
	// its text to b instead of making a value (which the output then
	// copies), safe if the text needs no escaping whatever the input;
	// ok false leaves the input to the other forms. It never sees a late
	// value.
	app func(s *state, b []byte, in, arg any) (out []byte, safe, ok bool, err error)
	arg argMode
	// isSafe is Django's is_safe: when the input is safe and the output is
	// text, the output stays safe.
	isSafe bool
}

// tagCompiler turns a parsed tag into an executable node.
type tagCompiler func(c *compiler, t *syntax.TagNode) (node, error)

type tagDef struct {
	shape   syntax.TagShape
	compile tagCompiler
}

// Library is a set of filters and tags that templates load with
// {% load name %} (register it with [WithLibrary]) or that every template
// sees (register it with [WithBuiltins]). It is Django's template.Library.
type Library struct {
	filters map[string]*filterDef
	tags    map[string]*tagDef
	opaque  bool // a stand-in: see OpaqueLibrary
}

// NewLibrary returns an empty library.
func NewLibrary() *Library {
	return &Library{filters: map[string]*filterDef{}, tags: map[string]*tagDef{}}
}

// FilterOption changes how a filter registered with [Library.Filter] behaves.
type FilterOption func(*filterDef)

// IsSafe is Django's is_safe=True: the filter never introduces unsafe HTML,
// so when its input is safe its text output is marked safe too.
func IsSafe(d *filterDef) { d.isSafe = true }

// Filter registers a filter. fn is a Go function of one of these forms, where
// In and Arg are any types the template values convert to (string, int,
// float64, bool, any, time.Time, …) and Out is any type:
//
//	func(in In) Out
//	func(in In, arg Arg) Out
//	func(in In) (Out, error)
//	func(in In, arg Arg) (Out, error)
//
// A filter that needs the render (its context, time zone or language)
// takes a *[Renderer] first: func(r *Renderer, in In, arg Arg) Out.
//
// A filter with two parameters requires an argument unless Arg is a pointer
// (nil when omitted) or a variadic ...any. Return a [SafeString] for
// trusted HTML. Filter panics if fn has another shape, as registering a
// malformed filter is a programming error.
func (l *Library) Filter(name string, fn any, opts ...FilterOption) *Library {
	d, err := adaptFilter(fn)
	if err != nil {
		panic(fmt.Sprintf("runnel: filter %q: %v", name, err))
	}
	for _, o := range opts {
		o(d)
	}
	l.filters[name] = d
	return l
}

// SimpleTag registers a tag that calls fn with the tag's arguments and writes
// its result (escaped unless it is a [SafeString]), like Django's
// @register.simple_tag. fn's parameters are, in order: an optional
// context.Context (the render's); an optional [TagContext] (the template's
// variables, Django's takes_context=True); positional parameters; an
// optional map[string]any that receives the keyword arguments (name=value);
// and an optional variadic parameter that collects extra positional
// arguments. fn returns a value and optionally an error. Go has no parameter
// names or defaults: keyword arguments only ever go to the map, and a
// parameter with a Python default is written as part of the variadic one.
// {% tag args as var %} stores the result instead of writing it.
func (l *Library) SimpleTag(name string, fn any) *Library {
	f, err := adaptCallable(fn)
	if err != nil {
		panic(fmt.Sprintf("runnel: simple tag %q: %v", name, err))
	}
	l.tags[name] = &tagDef{compile: func(c *compiler, t *syntax.TagNode) (node, error) {
		return compileSimpleTag(c, t, f, "")
	}}
	return l
}

// SimpleBlockTag registers a block tag {% name … %}…{% end %} that calls
// fn with its rendered body and its arguments, like Django 5.2's
// @register.simple_block_tag. end is the end tag's name ("" means
// "end"+name, Django's default end_name).
//
// fn has the forms [Library.SimpleTag] accepts, with one more parameter:
// the body's rendered text, the first parameter after the optional
// context.Context and [TagContext] (Django's "content"), of type string,
// [SafeString] or any. The body is rendered where the tag is, with the
// tag's variables, and is complete (its late data resolved) before fn is
// called; it is already escaped, so fn should not escape it again. fn's
// result is escaped unless it is a [SafeString], and
// {% name args as var %} stores it instead of writing it.
func (l *Library) SimpleBlockTag(name, end string, fn any) *Library {
	f, err := adaptCallable(fn)
	if err == nil && (f.fixed == 0 || !isContentType(f.t.In(f.first))) {
		err = fmt.Errorf("must have a first argument of 'content' (a string, SafeString or any parameter after the optional context.Context and TagContext)")
	}
	if err != nil {
		panic(fmt.Sprintf("runnel: simple block tag %q: %v", name, err))
	}
	if end == "" {
		end = "end" + name
	}
	l.tags[name] = &tagDef{shape: syntax.TagShape{End: end}, compile: func(c *compiler, t *syntax.TagNode) (node, error) {
		return compileSimpleBlockTag(c, t, f)
	}}
	return l
}

// isContentType reports whether a parameter can receive a simple block
// tag's rendered body.
func isContentType(t reflect.Type) bool {
	return t == reflect.TypeFor[string]() || t == reflect.TypeFor[SafeString]() || t == anyType
}

// InclusionTag registers a tag that calls fn with the tag's arguments and
// renders the template named tmpl with the map fn returns, like Django's
// @register.inclusion_tag. fn has the same forms as for SimpleTag and must
// return a map[string]any (and optionally an error). The included template
// sees only that map (and csrf_token), as in Django.
func (l *Library) InclusionTag(name, tmpl string, fn any) *Library {
	f, err := adaptCallable(fn)
	if err != nil {
		panic(fmt.Sprintf("runnel: inclusion tag %q: %v", name, err))
	}
	l.tags[name] = &tagDef{compile: func(c *compiler, t *syntax.TagNode) (node, error) {
		return compileSimpleTag(c, t, f, tmpl)
	}}
	return l
}

// builtins holds the built-in tags and filters, which every template has
// without {% load %}.
var builtins = NewLibrary()

func registerFilter(name string, arg argMode, safe bool, fn filterFn) {
	builtins.filters[name] = &filterDef{fn: fn, arg: arg, isSafe: safe}
}

func registerTag(name string, shape syntax.TagShape, compile tagCompiler) {
	builtins.tags[name] = &tagDef{shape: shape, compile: compile}
}

// adaptFilter wraps a user's Go function as a filter.
func adaptFilter(fn any) (*filterDef, error) {
	rv := reflect.ValueOf(fn)
	if rv.Kind() != reflect.Func {
		return nil, fmt.Errorf("want a function, got %T", fn)
	}
	t := rv.Type()
	first := 0 // index of the input parameter
	if t.NumIn() > 0 && t.In(0) == rendererType {
		first = 1
	}
	n := t.NumIn() - first
	if n < 1 || n > 2 {
		return nil, fmt.Errorf("want 1 or 2 parameters (after an optional *Renderer), got %d", n)
	}
	if t.NumOut() < 1 || t.NumOut() > 2 || (t.NumOut() == 2 && t.Out(1) != errType) {
		return nil, fmt.Errorf("want results (T) or (T, error)")
	}
	d := &filterDef{}
	if n == 2 {
		d.arg = argRequired
		if t.IsVariadic() || t.In(first+1).Kind() == reflect.Pointer {
			d.arg = argOptional
		}
	}
	d.fn = func(s *state, in, arg any) (any, error) {
		args := make([]reflect.Value, 0, 3)
		if first == 1 {
			args = append(args, reflect.ValueOf(&s.api))
		}
		iv, err := convertArg(in, t.In(first))
		if err != nil {
			return nil, err
		}
		args = append(args, iv)
		if n == 2 {
			at := t.In(first + 1)
			if t.IsVariadic() {
				if arg != nil {
					args = append(args, reflect.ValueOf(&arg).Elem())
				}
			} else if arg == nil && at.Kind() == reflect.Pointer {
				args = append(args, reflect.Zero(at))
			} else {
				av, err := convertArg(arg, at)
				if err != nil {
					return nil, err
				}
				args = append(args, av)
			}
		}
		out := rv.Call(args)
		if len(out) == 2 && !out[1].IsNil() {
			return nil, out[1].Interface().(error)
		}
		return out[0].Interface(), nil
	}
	return d, nil
}

// convertArg converts a template value to the Go type a function wants.
func convertArg(v any, t reflect.Type) (reflect.Value, error) {
	v = indirect(v)
	if t.Kind() == reflect.Interface {
		if v == nil {
			return reflect.Zero(t), nil
		}
		rv := reflect.ValueOf(v)
		if rv.Type().Implements(t) {
			r := reflect.New(t).Elem()
			r.Set(rv)
			return r, nil
		}
		return reflect.Value{}, fmt.Errorf("cannot use %T as %s", v, t)
	}
	if v != nil {
		rv := reflect.ValueOf(v)
		if rv.Type().AssignableTo(t) {
			return rv, nil
		}
	}
	switch t.Kind() {
	case reflect.String:
		return reflect.ValueOf(toStr(v)).Convert(t), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := toInt(v)
		if !ok {
			return reflect.Value{}, fmt.Errorf("cannot use %s as an integer", toStr(v))
		}
		return reflect.ValueOf(n).Convert(t), nil
	case reflect.Float32, reflect.Float64:
		f, ok := toFloat(v)
		if !ok {
			return reflect.Value{}, fmt.Errorf("cannot use %s as a number", toStr(v))
		}
		return reflect.ValueOf(f).Convert(t), nil
	case reflect.Bool:
		return reflect.ValueOf(truthy(v)), nil
	case reflect.Pointer:
		if v == nil {
			return reflect.Zero(t), nil
		}
		e, err := convertArg(v, t.Elem())
		if err != nil {
			return reflect.Value{}, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(e)
		return p, nil
	case reflect.Slice:
		if l, ok := toList(v); ok {
			out := reflect.MakeSlice(t, len(l), len(l))
			for i, x := range l {
				e, err := convertArg(x, t.Elem())
				if err != nil {
					return reflect.Value{}, err
				}
				out.Index(i).Set(e)
			}
			return out, nil
		}
	}
	if v == nil {
		return reflect.Zero(t), nil
	}
	return reflect.Value{}, fmt.Errorf("cannot use %T as %s", v, t)
}

// TagContext is the template context of a simple or inclusion tag function
// that declares it as a parameter (after an optional context.Context), like
// Django's takes_context=True.
type TagContext interface {
	// Get returns the value name has where the tag is used, as {{ name }}
	// would find it (without calling it), and whether it is defined.
	Get(name string) (any, bool)
	// Autoescape reports whether autoescaping is on where the tag is used.
	Autoescape() bool
}

// tagContext is the TagContext of a render.
type tagContext struct{ s *state }

// Get implements TagContext.
func (c tagContext) Get(name string) (any, bool) { return c.s.lookupName(name) }

// Autoescape implements TagContext.
func (c tagContext) Autoescape() bool { return c.s.autoescape }

// callable is a user function adapted for simple and inclusion tags.
type callable struct {
	rv       reflect.Value
	t        reflect.Type
	ctx      bool // takes a leading context.Context
	vars     bool // takes a TagContext (after ctx)
	kwargs   bool // takes a map[string]any after the positional parameters
	first    int  // index of the first positional parameter
	fixed    int  // positional parameters (excluding ctx, vars, kwargs, variadic)
	variadic bool
}

var (
	rendererType   = reflect.TypeFor[*Renderer]()
	kwargsType     = reflect.TypeFor[map[string]any]()
	tagContextType = reflect.TypeFor[TagContext]()
	anyType        = reflect.TypeFor[any]()
)

func adaptCallable(fn any) (*callable, error) {
	rv := reflect.ValueOf(fn)
	if rv.Kind() != reflect.Func {
		return nil, fmt.Errorf("want a function, got %T", fn)
	}
	t := rv.Type()
	c := &callable{rv: rv, t: t, variadic: t.IsVariadic()}
	n := t.NumIn()
	if c.first < n && t.In(c.first) == ctxType {
		c.ctx = true
		c.first++
	}
	if c.first < n && t.In(c.first) == tagContextType {
		c.vars = true
		c.first++
	}
	last := n
	if c.variadic {
		last--
	}
	if last > c.first && t.In(last-1) == kwargsType {
		c.kwargs = true
		last--
	}
	c.fixed = last - c.first
	if t.NumOut() < 1 || t.NumOut() > 2 || (t.NumOut() == 2 && t.Out(1) != errType) {
		return nil, fmt.Errorf("want results (T) or (T, error)")
	}
	return c, nil
}

// call calls the function with the tag's arguments; s is the render, for
// the context.Context and the TagContext.
func (c *callable) call(s *state, args []any, kwargs map[string]any) (any, error) {
	if len(args) < c.fixed || (!c.variadic && len(args) > c.fixed) {
		return nil, fmt.Errorf("takes %d positional arguments, %d given", c.fixed, len(args))
	}
	if len(kwargs) > 0 && !c.kwargs {
		return nil, fmt.Errorf("takes no keyword arguments")
	}
	in := make([]reflect.Value, 0, c.t.NumIn()+len(args))
	if c.ctx {
		ctx := s.ctx
		if ctx == nil {
			ctx = context.Background()
		}
		in = append(in, reflect.ValueOf(&ctx).Elem())
	}
	if c.vars {
		var tc TagContext = tagContext{s}
		in = append(in, reflect.ValueOf(&tc).Elem())
	}
	for i := 0; i < c.fixed; i++ {
		v, err := convertArg(args[i], c.t.In(c.first+i))
		if err != nil {
			return nil, err
		}
		in = append(in, v)
	}
	if c.kwargs {
		if kwargs == nil {
			kwargs = map[string]any{}
		}
		in = append(in, reflect.ValueOf(kwargs))
	}
	if c.variadic {
		et := c.t.In(c.t.NumIn() - 1).Elem()
		for _, a := range args[c.fixed:] {
			v, err := convertArg(a, et)
			if err != nil {
				return nil, err
			}
			in = append(in, v)
		}
	}
	out := c.rv.Call(in)
	if len(out) == 2 && !out[1].IsNil() {
		return nil, out[1].Interface().(error)
	}
	return out[0].Interface(), nil
}
