// Package tagtest runs template test cases in the style of Django's
// template_tests for the tag libraries' own tests: a set of templates, the
// data, and the expected output or an error substring.
package tagtest

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/runnelhq/runnel"
)

// Case is one template test.
type Case struct {
	Name  string
	Src   string // the template under test, "t.html"
	Data  map[string]any
	Want  string
	Err   string // substring of the expected error; "" for none
	Files map[string]string
	Opts  []runnel.Option
	Ctx   context.Context // the render's context; nil for context.Background()
}

// Run renders each case with an engine made of opts followed by the case's
// own options, and checks its output or error.
func Run(t *testing.T, cases []Case, opts ...runnel.Option) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			got, err := Render(tc, opts...)
			if tc.Err != "" {
				if err == nil {
					t.Fatalf("want error containing %q, got output %q", tc.Err, got)
				}
				if !strings.Contains(err.Error(), tc.Err) {
					t.Fatalf("want error containing %q, got %v", tc.Err, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got != tc.Want {
				t.Fatalf("\n got: %q\nwant: %q", got, tc.Want)
			}
		})
	}
}

// Render renders one case and returns its output.
func Render(tc Case, opts ...runnel.Option) (string, error) {
	fsys := fstest.MapFS{}
	for name, src := range tc.Files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	fsys["t.html"] = &fstest.MapFile{Data: []byte(tc.Src)}
	e := runnel.New(fsys, append(append([]runnel.Option{}, opts...), tc.Opts...)...)
	tmpl, err := e.Template("t.html")
	if err != nil {
		return "", err
	}
	ctx := tc.Ctx
	if ctx == nil {
		ctx = context.Background()
	}
	var data any
	if tc.Data != nil {
		data = tc.Data
	}
	return tmpl.RenderString(ctx, data)
}
