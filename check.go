package runnel

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/runnelhq/runnel/syntax"
)

// Checking templates ahead of time: Engine.Check compiles every template
// of the engine and reports every error, and OpaqueLibrary stands in for an
// application's own tag libraries when the checker does not have them
// (runnel check -libs).

// DefaultTemplateExts are the file endings [Engine.Check] treats as
// templates by default: HTML, text and XML. Files of other kinds (.json,
// .js, .css, .md) in a template directory are usually static data, and
// parsing them reports errors that are not.
var DefaultTemplateExts = []string{".html", ".htm", ".txt", ".xml", ".svg", ".tmpl", ".djhtml"}

// CheckOptions say which files [Engine.Check] checks.
type CheckOptions struct {
	// Exts are the file endings of the templates, matched without regard
	// to case ("" entries ignored, a missing "." added); nil means
	// DefaultTemplateExts.
	Exts []string
}

// Check compiles every template file of the engine's directories (New's
// file system, WithDirs and WithAppDirs; not other loaders, which cannot
// list their templates), skipping directories whose names start with ".",
// as an application's test suite does with its real libraries registered:
//
//	func TestTemplates(t *testing.T) {
//		if _, err := newEngine().Check(runnel.CheckOptions{}); err != nil {
//			t.Fatal(err)
//		}
//	}
//
// Each file is compiled from its own directory, so that a template that a
// directory earlier in the search overrides is checked too. It returns the
// template names checked, directory by directory, and the errors joined
// (errors.Join; each a *Error naming its template, line and column, or a
// loading error): one error per template, so that an error in one does
// not hide those in others.
func (e *Engine) Check(o CheckOptions) (names []string, err error) {
	var errs []error
	for li, l := range e.loaders {
		dl, ok := l.(*dirLoader)
		if !ok {
			continue
		}
		for i, d := range dl.dirs {
			if d == nil {
				continue
			}
			root := d
			if dl.sub != "" {
				if root, err = fs.Sub(d, dl.sub); err != nil {
					errs = append(errs, err)
					continue
				}
			}
			files, err := TemplateFiles(root, o.Exts)
			if err != nil {
				if !missing(err) { // an app without templates has none
					errs = append(errs, fmt.Errorf("runnel: listing %s: %w", dirLabel(d, dl.label, i), err))
				}
				continue
			}
			for _, name := range files {
				p := name
				if dl.sub != "" {
					p = dl.sub + "/" + name
				}
				origin := &Origin{Name: dirLabel(d, dl.label, i) + "/" + p, TemplateName: name, FS: d, Path: p, loader: li + 1}
				names = append(names, name)
				if _, err, _ := e.loadOrigin(origin); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	return names, errors.Join(errs...)
}

// TemplateFiles lists the template files of fsys, sorted: the files whose
// names end with one of exts (matched without regard to case; a missing
// "." is added; nil means DefaultTemplateExts), outside directories whose
// names start with ".". runnel check and runnel makemessages read these.
func TemplateFiles(fsys fs.FS, exts []string) ([]string, error) {
	if exts == nil {
		exts = DefaultTemplateExts
	}
	want := map[string]bool{}
	for _, x := range exts {
		if x = strings.TrimSpace(x); x != "" {
			if !strings.HasPrefix(x, ".") {
				x = "." + x
			}
			want[strings.ToLower(x)] = true
		}
	}
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != "." && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir
			}
			return nil
		}
		if want[strings.ToLower(path.Ext(p))] {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	return names, nil
}

// opaqueKey marks, in a template's tag and filter sets, that an opaque
// library was loaded in full: any tag or filter name is then accepted.
const opaqueKey = "\x00opaque"

// OpaqueLibrary returns a library that stands for an application library
// the engine does not have, for checking templates (runnel check -libs):
// once a template loads it, any tag and any filter name is accepted where
// the template uses it, as a tag without a body, so that the template's
// other errors are still found. A block tag's end tag ({% endfoo %}) and
// middle tags ({% else %}) are accepted in the same way, and the body
// between them is checked as template code; the end tags of the built-in
// tags ({% endif %}, {% endfor %}, …) are not accepted, so a stray one is
// still an error. {% load x from lib %} accepts just those names.
//
// A template that uses the library's tags cannot render: they fail with an
// error that says the library is a stand-in.
func OpaqueLibrary() *Library {
	l := NewLibrary()
	l.opaque = true
	return l
}

// opaqueTag is the tag definition of a name an opaque library accepts.
var opaqueTag = &tagDef{compile: func(c *compiler, t *syntax.TagNode) (node, error) {
	c.opaque()
	return &opaqueNode{pos: t.Pos, name: t.Name}, nil
}}

// opaqueFilter is the filter definition of a name an opaque library
// accepts.
var opaqueFilter = &filterDef{arg: argOptional, fn: func(s *state, in, arg any) (any, error) {
	return nil, errors.New("the filter is from a stand-in library (runnel.OpaqueLibrary) and cannot run")
}}

type opaqueNode struct {
	pos  syntax.Pos
	name string
}

func (n *opaqueNode) render(s *state) error {
	return s.errorf(n.pos, "'%s' is a tag of a stand-in library (runnel.OpaqueLibrary) and cannot render", n.name)
}

// builtinEndTags are the end tags of the built-in block tags, which an
// opaque library does not accept.
var builtinEndTags = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, d := range builtins.tags {
		if d.shape.End != "" {
			m[d.shape.End] = true
		}
	}
	return m
})

// opaqueTagDef returns the definition an opaque library gives name, if a
// library loaded in full into tags accepts it.
func opaqueTagDef(tags map[string]*tagDef, name string) (*tagDef, bool) {
	if _, ok := tags[opaqueKey]; !ok || builtinEndTags()[name] {
		return nil, false
	}
	return opaqueTag, true
}

// loadOpaque applies {% load … %} of an opaque library: names, for the
// "from" form, or every name.
func loadOpaque(names []string, tags map[string]*tagDef, filters map[string]*filterDef) {
	if names == nil {
		names = []string{opaqueKey}
	}
	for _, n := range names {
		if tags != nil {
			tags[n] = opaqueTag
		}
		if filters != nil {
			filters[n] = opaqueFilter
		}
	}
}
