package runnel

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// Ports of Django's test_extends.py (ExtendsBehaviorTests, with its
// recursive_templates directories fs, fs2 and fs3) and of the loader tests
// that apply (test_loaders.py): several directories in order, application
// directories, the cache, development mode.

func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, src := range files {
		m[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return m
}

// recursiveFS returns the three directories of Django's
// recursive_templates.
func recursiveFS() (fs1, fs2, fs3 fstest.MapFS) {
	fs1 = mapFS(map[string]string{
		"one.html":             `{% extends "two.html" %}{% block content %}{{ block.super }} one{% endblock %}`,
		"two.html":             `{% extends "three.html" %}{% block content %}{{ block.super }} two{% endblock %}`,
		"three.html":           `{% block content %}three{% endblock %}`,
		"recursive.html":       `{% extends "recursive.html" %}{% block content %}{{ block.super }} fs/recursive{% endblock %}`,
		"other-recursive.html": `{% extends "recursive.html" %}`,
		"self.html":            `{% extends "self.html" %}`,
		"extend-missing.html":  `{% extends "missing.html" %}`,
	})
	fs2 = mapFS(map[string]string{
		"recursive.html": `{% extends "recursive.html" %}{% block content %}{{ block.super }} fs2/recursive{% endblock %}`,
	})
	fs3 = mapFS(map[string]string{
		"recursive.html": `{% block content %}fs3/recursive{% endblock %}`,
	})
	return
}

func renderName(t *testing.T, e *Engine, name string, data any) (string, error) {
	t.Helper()
	tmpl, err := e.Template(name)
	if err != nil {
		return "", err
	}
	return tmpl.RenderString(context.Background(), data)
}

func mustRender(t *testing.T, e *Engine, name string, data any) string {
	t.Helper()
	out, err := renderName(t, e, name, data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return strings.TrimSpace(out)
}

func TestExtendsNormal(t *testing.T) {
	fs1, _, _ := recursiveFS()
	if got := mustRender(t, New(fs1), "one.html", nil); got != "three two one" {
		t.Fatalf("got %q", got)
	}
}

func TestExtendsRecursiveAcrossDirs(t *testing.T) {
	fs1, fs2, fs3 := recursiveFS()
	for _, e := range []*Engine{
		New(fs1, WithDirs(fs2, fs3)),
		New(nil, WithDirs(fs1, fs2, fs3)),
		New(nil, WithLoaders(Dirs(fs1), Dirs(fs2, fs3))),
		New(fs1, WithDevMode(), WithDirs(fs2, fs3)),
	} {
		if got := mustRender(t, e, "recursive.html", nil); got != "fs3/recursive fs2/recursive fs/recursive" {
			t.Fatalf("got %q", got)
		}
		// Another chain through the same templates uses them from the
		// cache (Django's test_extend_cached).
		if got := mustRender(t, e, "other-recursive.html", nil); got != "fs3/recursive fs2/recursive fs/recursive" {
			t.Fatalf("other-recursive: got %q", got)
		}
		// Streaming resolves the chain the same way.
		tmpl, _ := e.Template("recursive.html")
		var b bytes.Buffer
		if err := tmpl.Stream(context.Background(), &b, nil, StreamOptions{}); err != nil || strings.TrimSpace(b.String()) != "fs3/recursive fs2/recursive fs/recursive" {
			t.Fatalf("stream: %q, %v", b.String(), err)
		}
	}
}

func TestExtendsCachedPerOrigin(t *testing.T) {
	fs1, fs2, fs3 := recursiveFS()
	e := New(fs1, WithDirs(fs2, fs3))
	mustRender(t, e, "recursive.html", nil)
	mustRender(t, e, "other-recursive.html", nil)
	// One compiled template per origin: recursive.html of each directory
	// and other-recursive.html.
	if len(e.compiled) != 4 {
		t.Fatalf("%d templates compiled, want 4", len(e.compiled))
	}
	a, _ := e.Template("recursive.html")
	b, _ := e.Template("recursive.html")
	if a != b || a.Origin().Name != "dirs[0]/recursive.html" || a.Origin().TemplateName != "recursive.html" {
		t.Fatalf("origin %+v", a.Origin())
	}
	// Reset drops the cache, as the cached loader's reset().
	fs1["recursive.html"] = &fstest.MapFile{Data: []byte("changed")}
	if got := mustRender(t, e, "recursive.html", nil); got != "fs3/recursive fs2/recursive fs/recursive" {
		t.Fatalf("before reset: %q", got)
	}
	e.Reset()
	if got := mustRender(t, e, "recursive.html", nil); got != "changed" {
		t.Fatalf("after reset: %q", got)
	}
}

func TestExtendsMissing(t *testing.T) {
	fs1, _, _ := recursiveFS()
	_, err := renderName(t, New(fs1), "extend-missing.html", nil)
	var nf *TemplateDoesNotExistError
	if !errors.Is(err, ErrTemplateDoesNotExist) || !errors.Is(err, ErrTemplateNotFound) || !errors.As(err, &nf) {
		t.Fatalf("got %v", err)
	}
	if nf.Name != "missing.html" || len(nf.Tried) != 1 || nf.Tried[0].Origin.TemplateName != "missing.html" || nf.Tried[0].Reason != "Source does not exist" {
		t.Fatalf("got %+v", nf)
	}
	if errors.Is(err, ErrTemplateSyntaxError) {
		t.Fatalf("a missing parent is not a syntax error: %v", err)
	}
	if !strings.Contains(err.Error(), "missing.html: template not found") {
		t.Fatalf("message %q", err)
	}
}

func TestExtendsSelfError(t *testing.T) {
	fs1, _, _ := recursiveFS()
	_, err := renderName(t, New(fs1), "self.html", nil)
	var nf *TemplateDoesNotExistError
	if !errors.As(err, &nf) || nf.Name != "self.html" || len(nf.Tried) != 1 || nf.Tried[0].Reason != "Skipped to avoid recursion" {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(err.Error(), "extends itself") || !strings.Contains(err.Error(), "dirs[0]/self.html: skipped to avoid recursion") {
		t.Fatalf("message %q", err)
	}
	// A cycle through two templates ends the same way.
	e := New(mapFS(map[string]string{"a.html": `{% extends "b.html" %}`, "b.html": `{% extends "a.html" %}`}))
	_, err = renderName(t, e, "a.html", nil)
	if !errors.As(err, &nf) || nf.Name != "a.html" || len(nf.Tried) != 1 || nf.Tried[0].Reason != "Skipped to avoid recursion" {
		t.Fatalf("cycle: %v", err)
	}
}

func TestExtendsRecursiveMultipleLoaders(t *testing.T) {
	fs1, _, _ := recursiveFS()
	locmem := mapFS(map[string]string{
		"one.html":   `{% extends "one.html" %}{% block content %}{{ block.super }} locmem-one{% endblock %}`,
		"two.html":   `{% extends "two.html" %}{% block content %}{{ block.super }} locmem-two{% endblock %}`,
		"three.html": `{% extends "three.html" %}{% block content %}{{ block.super }} locmem-three{% endblock %}`,
	})
	e := New(nil, WithLoaders(Dirs(locmem), Dirs(fs1)))
	if got := mustRender(t, e, "one.html", nil); got != "three locmem-three two locmem-two one locmem-one" {
		t.Fatalf("got %q", got)
	}
}

func TestExtendsUniqueHistoryPerLoader(t *testing.T) {
	// Both loaders name their origin "dirs[0]/base.html": the loader tells
	// them apart, as in Django.
	e := New(nil, WithLoaders(
		Dirs(mapFS(map[string]string{"base.html": `{% extends "base.html" %}{% block content %}{{ block.super }} loader1{% endblock %}`})),
		Dirs(mapFS(map[string]string{"base.html": `{% block content %}loader2{% endblock %}`})),
	))
	if got := mustRender(t, e, "base.html", nil); got != "loader2 loader1" {
		t.Fatalf("got %q", got)
	}
}

// The pattern of Django's admin: the project's templates override a
// template of an application and extend it.
func TestOverrideAndExtend(t *testing.T) {
	project := mapFS(map[string]string{
		"admin/base_site.html": `{% extends "admin/base_site.html" %}{% block branding %}<h1>My site</h1>{% endblock %}`,
		"admin/index.html":     `{% extends "admin/base_site.html" %}{% block content %}dashboard{% endblock %}`,
	})
	admin := mapFS(map[string]string{
		"templates/admin/base.html":      `<head><link rel="stylesheet" href="/admin.css"></head>[{% block branding %}{% endblock %}|{% block content %}{% endblock %}]`,
		"templates/admin/base_site.html": `{% extends "admin/base.html" %}{% block branding %}<h1>Django administration</h1>{% endblock %}`,
		"templates/admin/login.html":     `{% extends "admin/base_site.html" %}{% block content %}login{% endblock %}`,
	})
	for _, dev := range []bool{false, true} {
		opts := []Option{WithAppDirs(admin)}
		if dev {
			opts = append(opts, WithDevMode())
		}
		e := New(project, opts...)
		if got := mustRender(t, e, "admin/index.html", nil); !strings.HasSuffix(got, "[<h1>My site</h1>|dashboard]") {
			t.Fatalf("index: %q", got)
		}
		if got := mustRender(t, e, "admin/login.html", nil); !strings.HasSuffix(got, "[<h1>My site</h1>|login]") {
			t.Fatalf("login: %q", got)
		}
		if got := mustRender(t, e, "admin/base_site.html", nil); !strings.HasSuffix(got, "[<h1>My site</h1>|]") {
			t.Fatalf("base_site: %q", got)
		}
		// The chain, followed for 103 Early Hints, is the same.
		tmpl, _ := e.Template("admin/index.html")
		if h := tmpl.EarlyHints(); len(h) != 1 || !strings.Contains(h[0], "/admin.css") {
			t.Fatalf("hints %q", h)
		}
		// A variable {% extends %} skips the same way.
		page, err := e.Parse("admin/x.html", `{% extends parent %}{% block content %}x{% endblock %}`)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := page.RenderString(context.Background(), map[string]any{"parent": "admin/base_site.html"}); err != nil || !strings.HasSuffix(got, "[<h1>My site</h1>|x]") {
			t.Fatalf("variable: %q, %v", got, err)
		}
	}
}

func TestIncludeDoesNotSkip(t *testing.T) {
	// An include of the template's own name includes the same template,
	// not the next directory's (Django's IncludeNode does not skip).
	e := New(mapFS(map[string]string{"x.html": `0{% if not stop %}{% include "x.html" with stop=1 %}{% endif %}`}),
		WithDirs(mapFS(map[string]string{"x.html": "1"})))
	if got := mustRender(t, e, "x.html", nil); got != "00" {
		t.Fatalf("got %q", got)
	}
	// An included template starts a chain of its own: it extends its own
	// name's next origin even inside a chain through the same name.
	e = New(mapFS(map[string]string{
		"page.html": `{% extends "page.html" %}{% block b %}{% include "box.html" %}{% endblock %}`,
		"box.html":  `{% extends "page.html" %}{% block b %}box{% endblock %}`,
	}), WithDirs(mapFS(map[string]string{"page.html": `<{% block b %}{% endblock %}>`})))
	if got := mustRender(t, e, "page.html", nil); got != "<<box>>" {
		t.Fatalf("nested: %q", got)
	}
}

func TestAppDirsOrder(t *testing.T) {
	dir := mapFS(map[string]string{"a.html": "dir"})
	app1 := mapFS(map[string]string{"templates/a.html": "app1", "templates/b.html": "app1", "b.html": "not a template"})
	app2 := mapFS(map[string]string{"templates/a.html": "app2", "templates/b.html": "app2", "templates/c.html": "app2"})
	e := New(nil, WithAppDirs(app1, app2), WithDirs(dir))
	for name, want := range map[string]string{"a.html": "dir", "b.html": "app1", "c.html": "app2"} {
		if got := mustRender(t, e, name, nil); got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
	tmpl, _ := e.Template("c.html")
	if o := tmpl.Origin(); o.Name != "apps[1]/templates/c.html" || o.Path != "templates/c.html" {
		t.Fatalf("origin %+v", o)
	}
	if _, err := e.Template("templates/a.html"); !errors.Is(err, ErrTemplateDoesNotExist) {
		t.Fatalf("outside an app's templates: %v", err)
	}
	var nf *TemplateDoesNotExistError
	if _, err := e.Template("nope.html"); !errors.As(err, &nf) || len(nf.Tried) != 3 {
		t.Fatalf("tried: %v", err)
	}
	if got := len(e.Loaders()); got != 2 {
		t.Fatalf("%d loaders", got)
	}
}

func TestDirsCleanNames(t *testing.T) {
	e := New(mapFS(map[string]string{"x.html": "x", "d/y.html": "y"}))
	for name, want := range map[string]string{"./x.html": "x", "d/../x.html": "x", "d/./y.html": "y"} {
		if got := mustRender(t, e, name, nil); got != want {
			t.Errorf("%s: got %q", name, got)
		}
	}
	for _, name := range []string{"../x.html", "/x.html", "d/../../x.html", "", "."} {
		if _, err := e.Template(name); !errors.Is(err, ErrTemplateDoesNotExist) {
			t.Errorf("%q: %v", name, err)
		}
	}
}

func TestDevModeAcrossDirs(t *testing.T) {
	first := mapFS(map[string]string{})
	second := mapFS(map[string]string{"page.html": `{% extends "base.html" %}{% block b %}second{% endblock %}`, "base.html": "[{% block b %}{% endblock %}]"})
	dev, prod := New(first, WithDevMode(), WithDirs(second)), New(first, WithDirs(second))
	if mustRender(t, dev, "page.html", nil) != "[second]" || mustRender(t, prod, "page.html", nil) != "[second]" {
		t.Fatal("first render")
	}
	// A template added to an earlier directory is used from then on.
	first["page.html"] = &fstest.MapFile{Data: []byte(`{% extends "base.html" %}{% block b %}first{% endblock %}`)}
	if got := mustRender(t, dev, "page.html", nil); got != "[first]" {
		t.Fatalf("added: %q", got)
	}
	first["base.html"] = &fstest.MapFile{Data: []byte(`<{% block b %}{% endblock %}>`)}
	if got := mustRender(t, dev, "page.html", nil); got != "<first>" {
		t.Fatalf("added parent: %q", got)
	}
	// A changed one is compiled again; a removed one leaves the next.
	second["base.html"] = &fstest.MapFile{Data: []byte(`({% block b %}{% endblock %})`)}
	delete(first, "base.html")
	if got := mustRender(t, dev, "page.html", nil); got != "(first)" {
		t.Fatalf("removed: %q", got)
	}
	if got := mustRender(t, prod, "page.html", nil); got != "[second]" {
		t.Fatalf("cached engine changed: %q", got)
	}
}

func TestEngineWithoutLoaders(t *testing.T) {
	_, err := New(nil).Template("x.html")
	var nf *TemplateDoesNotExistError
	if !errors.As(err, &nf) || !strings.Contains(err.Error(), "the engine has no file system") {
		t.Fatalf("got %v", err)
	}
	if o := New(nil).MustParse("p.html", "x").Origin(); o.Name != "<unknown source>" || o.TemplateName != "p.html" {
		t.Fatalf("origin %+v", o)
	}
}

// A Loader of one's own: the origins are in an fs.FS of its own.
type prefixLoader struct{ fsys fs.FS }

func (l prefixLoader) Origins(name string) []Origin {
	site, rest, ok := strings.Cut(name, ":")
	if !ok {
		return nil
	}
	return []Origin{{Name: "sites/" + site + "/" + rest, TemplateName: name, FS: l.fsys, Path: site + "/" + rest}}
}

func TestCustomLoader(t *testing.T) {
	e := New(mapFS(map[string]string{"base.html": "[{% block b %}{% endblock %}]"}),
		WithLoaders(prefixLoader{mapFS(map[string]string{"a/page.html": `{% extends "base.html" %}{% block b %}a{% endblock %}`})}))
	if got := mustRender(t, e, "a:page.html", nil); got != "[a]" {
		t.Fatalf("got %q", got)
	}
	tmpl, _ := e.Template("a:page.html")
	if tmpl.Origin().Name != "sites/a/page.html" {
		t.Fatalf("origin %+v", tmpl.Origin())
	}
}

func TestExplainOverrideAndExtend(t *testing.T) {
	project := mapFS(map[string]string{
		"admin/base_site.html": `{% extends "admin/base_site.html" %}{% block branding %}mine{% endblock %}`,
		"self.html":            `{% extends "self.html" %}`,
	})
	admin := mapFS(map[string]string{
		"templates/admin/base.html":      `<p>{% block branding %}{% endblock %}</p>`,
		"templates/admin/base_site.html": `{% extends "admin/base.html" %}{% block branding %}theirs{% endblock %}`,
	})
	e := New(project, WithAppDirs(admin))
	p, err := e.Explain("admin/base_site.html")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.Chain, " "); got != "admin/base_site.html admin/base_site.html admin/base.html" {
		t.Fatalf("chain %q", got)
	}
	for _, f := range p.Findings {
		if strings.Contains(f.Message, "recursion") || strings.Contains(f.Message, "cannot load") {
			t.Fatalf("finding %s", f)
		}
	}
	p, err = e.Explain("self.html")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range p.Findings {
		found = found || strings.Contains(f.Message, "cannot load the parent self.html")
	}
	if !found || len(p.Chain) != 1 {
		t.Fatalf("self: %q %v", p.Chain, p.Findings)
	}
}

// denyFS fails every open with a permission error.
type denyFS struct{}

func (denyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
}

func TestDirsReadErrors(t *testing.T) {
	// Django's test_permissions_error: an error other than a missing file
	// is not TemplateDoesNotExist, and the search stops at it.
	e := New(denyFS{}, WithDirs(mapFS(map[string]string{"x.html": "x"})))
	_, err := e.Template("x.html")
	if err == nil || errors.Is(err, ErrTemplateDoesNotExist) || !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("got %v", err)
	}
	// test_unicode_template_name
	e = New(mapFS(map[string]string{"Ångström/ÅÄÖ.html": "å"}))
	if got := mustRender(t, e, "Ångström/ÅÄÖ.html", nil); got != "å" {
		t.Fatalf("got %q", got)
	}
}

func TestIncludeListTried(t *testing.T) {
	e := New(mapFS(map[string]string{"page.html": "{% include names %}"}), WithDirs(mapFS(nil)))
	_, err := renderName(t, e, "page.html", map[string]any{"names": []any{"a.html", "b.html"}})
	var nf *TemplateDoesNotExistError
	if !errors.As(err, &nf) || nf.Name != "a.html, b.html" || len(nf.Tried) != 4 || nf.Tried[3].Origin.Name != "dirs[1]/b.html" {
		t.Fatalf("got %v (%+v)", err, nf)
	}
}

// TestResetForgetsFoundTemplates: an include or extends of a constant name
// keeps the template it found until Engine.Reset; in development mode it
// searches on every render.
func TestResetForgetsFoundTemplates(t *testing.T) {
	fsys := fstest.MapFS{
		"page.html": {Data: []byte(`{% extends "base.html" %}{% block b %}{% include "inc.html" %}{% endblock %}`)},
		"base.html": {Data: []byte(`base1[{% block b %}{% endblock %}]`)},
		"inc.html":  {Data: []byte(`inc1`)},
	}
	e := New(fsys)
	if got := mustRender(t, e, "page.html", nil); got != "base1[inc1]" {
		t.Fatalf("first render: %q", got)
	}
	fsys["base.html"] = &fstest.MapFile{Data: []byte(`base2[{% block b %}{% endblock %}]`)}
	fsys["inc.html"] = &fstest.MapFile{Data: []byte(`inc2`)}
	if got := mustRender(t, e, "page.html", nil); got != "base1[inc1]" {
		t.Fatalf("cached render: %q", got)
	}
	held, err := e.Template("page.html")
	if err != nil {
		t.Fatal(err)
	}
	e.Reset()
	if got := mustRender(t, e, "page.html", nil); got != "base2[inc2]" {
		t.Fatalf("after Reset: %q", got)
	}
	// A template fetched before the Reset finds the new ones too.
	if got, err := held.RenderString(context.Background(), nil); err != nil || got != "base2[inc2]" {
		t.Fatalf("held template after Reset: %q, %v", got, err)
	}
	dev := New(fsys, WithDevMode())
	mustRender(t, dev, "page.html", nil)
	fsys["inc.html"] = &fstest.MapFile{Data: []byte(`inc3`)}
	if got := mustRender(t, dev, "page.html", nil); got != "base2[inc3]" {
		t.Fatalf("development mode: %q", got)
	}
}
