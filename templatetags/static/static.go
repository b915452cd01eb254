// Package static is Django's static tag library ({% load static %}):
// {% static path [as var] %}, {% get_static_prefix [as var] %} and
// {% get_media_prefix [as var] %}, as Django renders them without the
// staticfiles app.
//
// Register it with the engine under the name templates load:
//
//	eng := runnel.New(fsys, runnel.WithLibrary("static", static.Library(static.Options{})))
//
// or register every Django library at once with templatetags.Django.
package static

import (
	"errors"
	"fmt"
	"strings"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/internal/htmlutil"
)

// Options are the library's settings.
type Options struct {
	// StaticURL is the prefix {% static %} puts before paths (Django's
	// STATIC_URL); "" means "/static/".
	StaticURL string
	// MediaURL is what {% get_media_prefix %} renders (Django's MEDIA_URL);
	// "" renders "/", as Django does.
	MediaURL string
}

// Library returns the static library with the given settings. As in
// Django, a prefix that is not absolute ("/…", "http://…", "https://…")
// gets "/" in front.
func Library(o Options) *runnel.Library {
	if o.StaticURL == "" {
		o.StaticURL = "/static/"
	}
	static, media := scriptPrefix(o.StaticURL), scriptPrefix(o.MediaURL)
	return runnel.NewLibrary().
		Tag("static", runnel.TagSpec{}, func(p *runnel.TagParser) (runnel.Node, error) { return compileStatic(p, static) }).
		Tag("get_static_prefix", runnel.TagSpec{}, prefixTag(static)).
		Tag("get_media_prefix", runnel.TagSpec{}, prefixTag(media))
}

// URL returns the URL {% static path %} renders for a literal path, not
// escaped: prefix and path joined as Django joins them.
func URL(o Options, path string) string {
	if o.StaticURL == "" {
		o.StaticURL = "/static/"
	}
	return joinURL(iriToURI(scriptPrefix(o.StaticURL)), htmlutil.Quote(path, "/"))
}

// scriptPrefix is Django's treatment of STATIC_URL and MEDIA_URL: a value
// that is not absolute gets the script prefix "/" in front.
func scriptPrefix(p string) string {
	if strings.HasPrefix(p, "/") || strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		return p
	}
	return "/" + p
}

// prefixNode is {% get_static_prefix %} or {% get_media_prefix %}.
type prefixNode struct {
	prefix string // IRI-quoted
	asvar  string
}

// prefixTag returns the compile function of a prefix tag.
func prefixTag(prefix string) runnel.TagFunc {
	return func(p *runnel.TagParser) (runnel.Node, error) {
		tokens := strings.Fields(p.Args())
		n := &prefixNode{prefix: iriToURI(prefix)}
		if len(tokens) > 0 {
			if tokens[0] != "as" {
				return nil, fmt.Errorf("First argument in '%s' must be 'as'", p.Name())
			}
			if len(tokens) < 2 {
				return nil, fmt.Errorf("'%s' needs a variable name after 'as'", p.Name())
			}
			n.asvar = tokens[1]
		}
		return n, nil
	}
}

// Render writes (or binds) the prefix, IRI-quoted and not escaped, as
// Django's PrefixNode does.
func (n *prefixNode) Render(r *runnel.Renderer) error {
	if n.asvar != "" {
		r.SetUpward(n.asvar, n.prefix)
		return nil
	}
	r.WriteString(n.prefix)
	return nil
}

// staticNode is {% static path [as var] %}.
type staticNode struct {
	prefix string // IRI-quoted
	path   *runnel.Expr
	asvar  string
}

// compileStatic parses {% static path [as var] %}.
func compileStatic(p *runnel.TagParser, prefix string) (runnel.Node, error) {
	bits := p.Bits()
	if len(bits) < 2 {
		return nil, fmt.Errorf("'%s' takes at least one argument (path to file)", bits[0])
	}
	path, err := p.Expr(bits[1])
	if err != nil {
		return nil, err
	}
	n := &staticNode{prefix: iriToURI(prefix), path: path}
	if bits[len(bits)-2] == "as" {
		// Django takes the fourth bit as the name, wherever "as" is.
		if len(bits) < 4 {
			return nil, errors.New("'static' needs a variable name after 'as'")
		}
		n.asvar = bits[3]
	}
	return n, nil
}

// Constant returns the URL when the path is a literal and the tag writes
// it (no "as"), so that early hints can name the file.
func (n *staticNode) Constant() (string, bool) {
	if n.asvar != "" {
		return "", false
	}
	v, ok := n.path.Literal()
	if !ok {
		return "", false
	}
	return runnel.ToString(runnel.Escape(joinURL(n.prefix, htmlutil.Quote(runnel.ToString(v), "/")))), true
}

// Render writes (or binds) the file's URL, escaped when autoescaping is on.
func (n *staticNode) Render(r *runnel.Renderer) error {
	v, err := n.path.Resolve(r)
	if err != nil {
		return err
	}
	var url any = joinURL(n.prefix, htmlutil.Quote(runnel.ToString(v), "/"))
	if r.Autoescape() {
		url = runnel.Escape(url)
	}
	if n.asvar != "" {
		r.SetUpward(n.asvar, url)
		return nil
	}
	r.WriteString(runnel.ToString(url))
	return nil
}
