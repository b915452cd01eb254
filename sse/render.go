package sse

import (
	"context"
	"fmt"
	"strings"

	"github.com/runnelhq/runnel"
)

// Render renders the template or partial called name ("ticker.html#row")
// with data and returns the HTML, for an event's data. Render once and
// publish the event: the broker frames it once for all subscribers, so a row
// pushed to ten thousand clients is rendered once, with the same template
// that renders it in the page.
func Render(ctx context.Context, eng *runnel.Engine, name string, data any) (string, error) {
	t, err := eng.Template(name)
	if err != nil {
		return "", err
	}
	return t.RenderString(ctx, data)
}

// HTMX returns an event in the form htmx's SSE extension swaps: the event
// type is the name an element listens for (sse-swap="name"), and the data
// is the HTML to swap in.
func HTMX(name, html string) Event { return Event{Event: name, Data: html} }

// PatchMode is how Datastar applies patched elements.
type PatchMode string

// Datastar's patch modes. The default, outer, morphs each element into the
// element with its id.
const (
	ModeOuter   PatchMode = "outer"
	ModeInner   PatchMode = "inner"
	ModeReplace PatchMode = "replace"
	ModePrepend PatchMode = "prepend"
	ModeAppend  PatchMode = "append"
	ModeBefore  PatchMode = "before"
	ModeAfter   PatchMode = "after"
	ModeRemove  PatchMode = "remove"
)

// Patch says where and how Datastar patches elements.
type Patch struct {
	// Selector is the CSS selector of the target; "" targets each
	// element's id (modes outer and replace).
	Selector string
	// Mode is the patch mode; "" is outer.
	Mode PatchMode
	// ViewTransition asks the browser to animate the patch.
	ViewTransition bool
}

// PatchElements returns a datastar-patch-elements event: one "selector",
// "mode" and "useViewTransition" line when they differ from the defaults,
// then one "elements" line per line of html.
func PatchElements(html string, p Patch) (Event, error) {
	if strings.ContainsAny(p.Selector, "\r\n") || strings.ContainsAny(string(p.Mode), "\r\n ") {
		return Event{}, fmt.Errorf("%w: a Datastar selector or mode holds a line break", ErrInvalidEvent)
	}
	var b strings.Builder
	line := func(key, value string) {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(key)
		b.WriteByte(' ')
		b.WriteString(value)
	}
	if p.Selector != "" {
		line("selector", p.Selector)
	}
	if p.Mode != "" && p.Mode != ModeOuter {
		line("mode", string(p.Mode))
	}
	if p.ViewTransition {
		line("useViewTransition", "true")
	}
	for l := range strings.Lines(strings.ReplaceAll(strings.ReplaceAll(html, "\r\n", "\n"), "\r", "\n")) {
		line("elements", strings.TrimSuffix(l, "\n"))
	}
	return Event{Event: "datastar-patch-elements", Data: b.String()}, nil
}
