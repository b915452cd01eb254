package runnel

import (
	"context"
	"errors"
	"testing"
)

// The error kinds of Django's exception classes, for errors.Is and
// errors.As.

type routeError struct{ name string }

func (e *routeError) Error() string { return "no route named " + e.name }

func TestErrorKinds(t *testing.T) {
	resolver := func(ctx context.Context, name string, args []any, kwargs map[string]any) (string, error) {
		if name == "index" {
			return "/", nil
		}
		return "", &routeError{name}
	}
	fsys := mapFS(map[string]string{
		"bad.html":       "{% if %}x{% endif %}",
		"extends.html":   "{% extends parent %}",
		"missing.html":   `{% include "nope.html" %}`,
		"undef.html":     "{{ nope }}",
		"filterarg.html": "{{ 0|default:nope }}",
		"url.html":       `{% url "gone" %}`,
		"nourl.html":     `{% url "index" %}`,
		"value.html":     `{{ "a"|center:"x" }}`,
		"type.html":      "{% regroup data by bar as g %}",
	})
	kinds := []error{ErrTemplateSyntaxError, ErrTemplateDoesNotExist, ErrVariableDoesNotExist, ErrNoReverseMatch, ErrValueError, ErrTypeError}
	cases := []struct {
		name string
		eng  *Engine
		data map[string]any
		kind error
	}{
		{"bad.html", New(fsys), nil, ErrTemplateSyntaxError},
		// Django: an empty parent name is a TemplateSyntaxError, the name
		// string_if_invalid gives it a TemplateDoesNotExist.
		{"extends.html", New(fsys), nil, ErrTemplateSyntaxError},
		{"extends.html", New(fsys, WithStringIfInvalid("INVALID")), nil, ErrTemplateDoesNotExist},
		{"missing.html", New(fsys), nil, ErrTemplateDoesNotExist},
		{"undef.html", New(fsys, WithStrict()), nil, ErrVariableDoesNotExist},
		// Django's test_parser: an undefined filter argument raises
		// VariableDoesNotExist, strict or not.
		{"filterarg.html", New(fsys), nil, ErrVariableDoesNotExist},
		{"url.html", New(fsys, WithURLResolver(resolver)), nil, ErrNoReverseMatch},
		{"nourl.html", New(fsys), nil, ErrNoReverseMatch},
		{"value.html", New(fsys), nil, ErrValueError},
		{"type.html", New(fsys), map[string]any{"data": 5}, ErrTypeError},
	}
	for _, tc := range cases {
		_, err := renderName(t, tc.eng, tc.name, tc.data)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, k := range kinds {
			if got, want := errors.Is(err, k), k == tc.kind; got != want {
				t.Errorf("%s: errors.Is(%v, %q) = %v", tc.name, err, k, got)
			}
		}
		var te *Error
		if !errors.As(err, &te) && tc.kind != ErrTemplateDoesNotExist {
			t.Errorf("%s: not an *Error: %T", tc.name, err)
		}
	}
	// The resolver's own error is kept.
	_, err := renderName(t, New(fsys, WithURLResolver(resolver)), "url.html", nil)
	var re *routeError
	if !errors.As(err, &re) || re.name != "gone" {
		t.Fatalf("resolver error: %v", err)
	}
	// An error of the data's own (Django's SomeException) is kept.
	errMine := errors.New("mine")
	tmpl0 := New(nil).MustParse("m.html", "{{ f }}")
	if _, err := tmpl0.RenderString(context.Background(), map[string]any{"f": func() (string, error) { return "", errMine }}); !errors.Is(err, errMine) {
		t.Fatalf("own error: %v", err)
	}
	// A syntax error gives its position.
	_, err = New(nil).Parse("p.html", "x\n{% if %}{% endif %}")
	var te *Error
	if !errors.As(err, &te) || !errors.Is(err, ErrTemplateSyntaxError) || te.Pos.Line != 2 {
		t.Fatalf("parse: %v", err)
	}
	// A cancelled {% url %} is a cancellation, not NoReverseMatch.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cancelled := func(ctx context.Context, name string, args []any, kwargs map[string]any) (string, error) {
		return "", ctx.Err()
	}
	tmpl, _ := New(fsys, WithURLResolver(cancelled)).Template("url.html")
	if _, err := tmpl.RenderString(ctx, nil); !errors.Is(err, context.Canceled) || errors.Is(err, ErrNoReverseMatch) {
		t.Fatalf("cancelled: %v", err)
	}
}
