package runnel

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"strings"
	"sync/atomic"
	"time"
)

// Template loading, as Django's template loaders do it: an engine has a list
// of loaders, each of which names, for a template name, the places (origins)
// its source may be in, in order. The engine reads the first origin that
// exists, skipping, for {% extends %}, the origins already in the
// inheritance chain, so that a template may extend another of its own name
// further down the list (Django's "override and extend").

// Origin is one place a template's source may be in, as Django's Origin: a
// path in a file system, named for people by Name.
type Origin struct {
	// Name says where the source is, in error messages: a file's path for
	// an os.DirFS directory, else the loader's label for the directory and
	// the path in it ("dirs[1]/admin/base_site.html"). Two origins of one
	// loader with the same Name are the same origin.
	Name string
	// TemplateName is the name the template was asked for by.
	TemplateName string
	// FS and Path locate the source: fs.ReadFile(FS, Path). An origin
	// without an FS has no source.
	FS   fs.FS
	Path string

	loader int // the loader's position in the engine's list, from 1; 0: none
}

// unknownSource is the Name of the origin of a template parsed from a
// string, as Django's UNKNOWN_SOURCE.
const unknownSource = "<unknown source>"

// same reports whether o and p are the same origin: the same Name from the
// same loader of the engine, as Django compares origins.
func (o *Origin) same(p *Origin) bool {
	return o.loader != 0 && o.loader == p.loader && o.Name == p.Name
}

// A Loader finds where templates are, as a Django template loader does. It
// is as small as an http.Handler so that any source of templates can be
// one: a database or a remote store is a Loader whose origins are in an
// fs.FS of its own. It names the candidates rather than reading one so
// that the engine can pass over those an {% extends %} must skip (Django's
// get_template_sources), and so that the engine alone reads, caches and
// checks sources for changes.
type Loader interface {
	// Origins returns the places where the template called name may be, in
	// the order they are searched; they need not exist. A name that the
	// loader cannot hold (one outside its directories) has none.
	Origins(name string) []Origin
}

// Dirs returns a loader that looks for a template in each of dirs in turn,
// as Django's filesystem loader does with the DIRS setting. A name is a
// slash-separated path in each directory; like Django's safe_join, "." and
// ".." elements are cleaned away ("./x.html" is "x.html"), and a name that
// is absolute or leaves the directory is in none of them.
//
// Each directory is an fs.FS: os.DirFS("templates"), or a sub-tree of an
// embed.FS (fs.Sub(files, "templates")).
func Dirs(dirs ...fs.FS) Loader {
	return &dirLoader{dirs: append([]fs.FS(nil), dirs...), label: "dirs"}
}

// AppDirs returns a loader that looks for a template in the "templates"
// directory of each of apps in turn, as Django's app_directories loader
// does with INSTALLED_APPS: apps are the applications' file systems, in the
// order of their precedence. With [WithAppDirs] they are searched after the
// engine's directories, as with APP_DIRS.
func AppDirs(apps ...fs.FS) Loader {
	return &dirLoader{dirs: append([]fs.FS(nil), apps...), sub: "templates", label: "apps"}
}

type dirLoader struct {
	dirs  []fs.FS
	sub   string // the directory of each that holds the templates
	label string // for origin names: "dirs[i]"
}

func (l *dirLoader) Origins(name string) []Origin {
	p, ok := cleanName(name)
	if !ok {
		return nil
	}
	if l.sub != "" {
		p = l.sub + "/" + p
	}
	out := make([]Origin, 0, len(l.dirs))
	for i, d := range l.dirs {
		if d == nil {
			continue
		}
		out = append(out, Origin{Name: dirLabel(d, l.label, i) + "/" + p, TemplateName: name, FS: d, Path: p})
	}
	return out
}

// cleanName turns a template name into a path in a directory, as Django's
// safe_join does: false if it is absolute or leaves the directory.
func cleanName(name string) (string, bool) {
	if name == "" || strings.HasPrefix(name, "/") || strings.ContainsRune(name, 0) {
		return "", false
	}
	p := path.Clean(name)
	if p == "." || p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

// dirLabel names directory i of a loader for people: its path for an
// os.DirFS (a string type), its String() if it has one, else "dirs[i]".
func dirLabel(d fs.FS, label string, i int) string {
	if s, ok := d.(fmt.Stringer); ok {
		return strings.TrimSuffix(s.String(), "/")
	}
	if v := reflect.ValueOf(d); v.Kind() == reflect.String && v.String() != "" {
		return strings.TrimSuffix(v.String(), "/")
	}
	return fmt.Sprintf("%s[%d]", label, i)
}

// WithDirs adds template directories, searched in order after the file
// system given to [New] (Django's DIRS). Each is an fs.FS: for templates
// embedded in the binary, a sub-tree of an embed.FS:
//
//	runnel.New(nil, runnel.WithDirs(sub(projectFS, "templates"), sub(adminFS, "templates")))
//
// New's fs.FS is the first directory; New(fsys) alone is New(nil,
// WithDirs(fsys)). Directories are an option rather than a second
// constructor so that they compose with every other option, and New keeps
// its one-directory form.
func WithDirs(dirs ...fs.FS) Option {
	return func(e *Engine) { e.dirs = append(e.dirs, dirs...) }
}

// WithAppDirs adds applications whose "templates" directories are searched
// after every directory of the engine, in order (Django's APP_DIRS with
// INSTALLED_APPS, see [AppDirs]).
func WithAppDirs(apps ...fs.FS) Option {
	return func(e *Engine) { e.apps = append(e.apps, apps...) }
}

// WithLoaders adds loaders, searched in order after the engine's
// directories ([New]'s fs.FS and [WithDirs]) and applications
// ([WithAppDirs]): Django's "loaders" option. New(nil, WithLoaders(l...))
// has only those.
//
// Every engine caches what it loads, as Django's cached loader does: a
// template is compiled once per origin, and the origin found for a name
// (and for an {% extends %} that skips origins) is remembered, until
// [Engine.Reset]; with [WithDevMode] each fetch checks every origin again.
func WithLoaders(loaders ...Loader) Option {
	return func(e *Engine) { e.extraLoaders = append(e.extraLoaders, loaders...) }
}

// Loaders returns the engine's loaders, in the order they are searched.
func (e *Engine) Loaders() []Loader { return append([]Loader(nil), e.loaders...) }

// Reset empties the engine's cache of templates, as Django's cached
// loader's reset(): every template is loaded and compiled again on its
// next use. Templates already fetched stay usable.
func (e *Engine) Reset() {
	e.mu.Lock()
	e.gen.Add(1)
	e.cache.Clear()
	clear(e.compiled)
	e.mu.Unlock()
}

// foundTemplate is the template an include or extends of a constant name
// found, kept on the node until the engine's cache is reset.
type foundTemplate struct {
	gen uint64
	t   *Template
}

// foundBy returns the template find finds, remembering it in c until the
// engine is reset (not in development mode, where every render searches
// again; a template that is not found is searched for again each time).
func (e *Engine) foundBy(c *atomic.Pointer[foundTemplate], find func() (*Template, error)) (*Template, error) {
	if e.dev {
		return find()
	}
	gen := e.gen.Load()
	if f := c.Load(); f != nil && f.gen == gen {
		return f.t, nil
	}
	t, err := find()
	if err == nil {
		c.Store(&foundTemplate{gen: gen, t: t})
	}
	return t, err
}

// originKey identifies a compiled template: its origin and the name it was
// asked for by (which relative names in it are resolved against).
type originKey struct {
	loader     int
	name, tmpl string
}

// Tried is an origin that a search for a template looked in, and why it did
// not use it, as the entries of Django's TemplateDoesNotExist.tried.
type Tried struct {
	Origin Origin
	Reason string // "Source does not exist", "Skipped to avoid recursion"
}

const (
	reasonMissing = "Source does not exist"
	reasonSkipped = "Skipped to avoid recursion"
)

// TemplateDoesNotExistError is the error of a search for a template that
// found none, as Django's TemplateDoesNotExist: it is
// [ErrTemplateDoesNotExist] for errors.Is, and lists the origins tried.
type TemplateDoesNotExistError struct {
	Name  string  // the name searched for
	Tried []Tried // the origins looked in, in order
	Note  string  // why, when it is not the origins: "the engine has no file system"
}

func (e *TemplateDoesNotExistError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "runnel: %s: %s", e.Name, ErrTemplateDoesNotExist.Error())
	if e.Note != "" {
		fmt.Fprintf(&b, " (%s)", e.Note)
	}
	// The origins are listed when one was skipped: that is what a reader
	// of "not found" for a file that exists needs to know.
	skipped := false
	for _, t := range e.Tried {
		skipped = skipped || t.Reason == reasonSkipped
	}
	if skipped {
		b.WriteString(" (tried:")
		for i, t := range e.Tried {
			if i > 0 {
				b.WriteByte(';')
			}
			fmt.Fprintf(&b, " %s: %s", t.Origin.Name, strings.ToLower(t.Reason))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// Is makes the error [ErrTemplateDoesNotExist].
func (e *TemplateDoesNotExistError) Is(target error) bool { return target == ErrTemplateDoesNotExist }

// find returns the template called name (without a "#partial") from the
// first of the engine's origins for it that exists and is not the origin
// of a template of skip, as Django's Engine.find_template. The result is
// cached under key unless in development mode.
func (e *Engine) find(name, key string, skip []*Template) (*Template, error) {
	if !e.dev {
		if ce, ok := e.cache.Load(key); ok {
			ce := ce.(*cacheEntry)
			return ce.t, ce.err
		}
	}
	if len(e.loaders) == 0 {
		return nil, &TemplateDoesNotExistError{Name: name, Note: "the engine has no file system"}
	}
	var tried []Tried
	for li, l := range e.loaders {
		for _, o := range l.Origins(name) {
			o.loader = li + 1
			if o.FS == nil {
				tried = append(tried, Tried{o, reasonMissing})
				continue
			}
			if skipped(&o, skip) {
				tried = append(tried, Tried{o, reasonSkipped})
				continue
			}
			t, err, ok := e.loadOrigin(&o)
			if !ok {
				tried = append(tried, Tried{o, reasonMissing})
				continue
			}
			if !e.dev {
				e.cache.Store(key, &cacheEntry{t: t, err: err})
			}
			return t, err
		}
	}
	// Misses are not cached, unlike Django's cached loader: a template
	// added later is found without a reset, and names that come from data
	// cannot grow the cache.
	return nil, &TemplateDoesNotExistError{Name: name, Tried: tried}
}

func skipped(o *Origin, skip []*Template) bool {
	for _, t := range skip {
		if t.origin != nil && t.origin.same(o) {
			return true
		}
	}
	return false
}

// loadOrigin returns the template compiled from o's source, compiling it
// once per origin (in development mode, again when the source changed);
// false if o has no source.
func (e *Engine) loadOrigin(o *Origin) (*Template, error, bool) {
	k := originKey{o.loader, o.Name, o.TemplateName}
	e.mu.RLock()
	ce := e.compiled[k]
	e.mu.RUnlock()
	if ce != nil && !e.dev {
		return ce.t, ce.err, true
	}
	var mod time.Time
	var size int64 = -1
	if ce != nil {
		fi, err := fs.Stat(o.FS, o.Path)
		if err != nil && missing(err) {
			return nil, nil, false
		}
		if err == nil {
			mod, size = fi.ModTime(), fi.Size()
			if !mod.IsZero() && mod.Equal(ce.modTime) && size == ce.size {
				return ce.t, ce.err, true
			}
		}
	}
	src, err := fs.ReadFile(o.FS, o.Path)
	if err != nil {
		if missing(err) {
			return nil, nil, false
		}
		return nil, fmt.Errorf("runnel: reading %s: %w", o.Name, err), true
	}
	if ce != nil && ce.src == string(src) {
		return ce.t, ce.err, true
	}
	if size < 0 {
		if fi, err := fs.Stat(o.FS, o.Path); err == nil {
			mod, size = fi.ModTime(), fi.Size()
		}
	}
	t, err := e.compile(o.TemplateName, string(src))
	if t != nil {
		t.setOrigin(o)
	}
	ne := &cacheEntry{t: t, err: err, modTime: mod, size: size}
	if e.dev {
		ne.src = string(src)
	}
	e.mu.Lock()
	e.compiled[k] = ne
	e.mu.Unlock()
	return t, err, true
}

// missing reports whether a read error means that there is no source.
func missing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid)
}

// setOrigin records where t (and its partials) came from.
func (t *Template) setOrigin(o *Origin) {
	oc := *o
	t.origin = &oc
	for _, p := range t.partials {
		p.origin = &oc
	}
}

// Origin returns where the template was loaded from. A template parsed
// from a string has the origin "<unknown source>", as in Django.
func (t *Template) Origin() Origin {
	if t.origin == nil {
		return Origin{Name: unknownSource, TemplateName: t.name}
	}
	return *t.origin
}

// extendsParent returns the template called name that the last of chain
// extends, as Django's ExtendsNode.find_template: searching every loader
// but skipping the origins of chain (the templates of the inheritance chain
// so far, root first), so that a template extending its own name gets the
// next one down the list, and a cycle is TemplateDoesNotExist.
func (e *Engine) extendsParent(name string, chain []*Template) (*Template, error) {
	base, partial, _ := strings.Cut(name, "#")
	// Only the origins of templates asked for by the same name can be
	// among name's (Django's cached loader keys its cache alike); in the
	// usual chain there are none, and the search is Template's.
	n := 0
	for _, t := range chain {
		if t.origin != nil && t.origin.TemplateName == base {
			n++
		}
	}
	if n == 0 {
		if partial == "" {
			return e.find(base, base, nil) // Template's search, without cutting name again
		}
		return e.Template(name)
	}
	skip := make([]*Template, 0, n)
	var key strings.Builder
	key.WriteString(base)
	for _, t := range chain {
		if t.origin != nil && t.origin.TemplateName == base {
			skip = append(skip, t)
			fmt.Fprintf(&key, "\x00%d\x00%s", t.origin.loader, t.origin.Name)
		}
	}
	t, err := e.find(base, key.String(), skip)
	if err != nil || partial == "" {
		return t, err
	}
	return t.partial(base, partial)
}
