package runnel

import (
	"context"
	"testing"
)

// TestLanguageContext checks WithLanguage and LanguageFrom.
func TestLanguageContext(t *testing.T) {
	if got := LanguageFrom(context.Background()); got != "en-us" {
		t.Fatalf("default language: got %q", got)
	}
	if got := LanguageFrom(WithLanguage(context.Background(), "pt-br")); got != "pt-br" {
		t.Fatalf("got %q", got)
	}
	//lint:ignore SA1012 a nil context is tolerated, and this checks it
	if got := LanguageFrom(nil); got != "en-us" {
		t.Fatalf("nil context: got %q", got)
	}
}

// TestLanguageCode checks WithLanguageCode: the language of a render whose
// context selects none, reported to translators by LanguageFrom and
// LanguageCodeFrom, and that a deactivated language reads as "".
func TestLanguageCode(t *testing.T) {
	lib := NewLibrary().
		Tag("langs", TagSpec{}, func(p *TagParser) (Node, error) { return langsNode{}, nil })
	for _, tc := range []struct {
		opts []Option
		ctx  context.Context
		want string
	}{
		{nil, context.Background(), "en-us en-us en-us"},
		{[]Option{WithLanguageCode("de")}, context.Background(), "de de de"},
		{[]Option{WithLanguageCode("de")}, WithLanguage(context.Background(), "fr-ca"), "fr-ca fr-ca de"},
		{[]Option{WithLanguageCode("de")}, WithoutTranslation(context.Background()), "- - de"},
	} {
		eng := New(nil, append(tc.opts, WithLibrary("l", lib))...)
		got, err := eng.MustParse("t", `{% load l %}{% langs %}`).RenderString(tc.ctx, nil)
		if err != nil || got != tc.want {
			t.Errorf("%v: got %q, %v; want %q", tc.opts, got, err, tc.want)
		}
	}
	if got := LanguageFrom(WithoutTranslation(context.Background())); got != "" {
		t.Errorf("deactivated: got %q", got)
	}
	if got := New(nil, WithLanguageCode("pt-br")).LanguageCode(); got != "pt-br" {
		t.Errorf("Engine.LanguageCode: got %q", got)
	}

	// A render inside a render of an engine with another LANGUAGE_CODE.
	inner := New(nil, WithLibrary("l", lib))
	outer := New(nil, WithLanguageCode("de"), WithLibrary("x", NewLibrary().
		Tag("inner", TagSpec{}, func(p *TagParser) (Node, error) { return innerNode{inner}, nil })))
	got, err := outer.MustParse("t", `{% load x %}{% inner %}`).RenderString(context.Background(), nil)
	if want := "en-us en-us en-us"; err != nil || got != want {
		t.Errorf("nested render: got %q, %v; want %q", got, err, want)
	}
}

// innerNode renders a template of another engine with the render's context.
type innerNode struct{ eng *Engine }

func (n innerNode) Render(r *Renderer) error {
	s, err := n.eng.MustParse("i", `{% load l %}{% langs %}`).RenderString(r.Context(), nil)
	r.WriteString(s)
	return err
}

// langsNode writes the render's language as the Renderer and LanguageFrom
// see it, and LanguageCodeFrom.
type langsNode struct{}

func (langsNode) Render(r *Renderer) error {
	lang, active := r.Language()
	if !active {
		lang = "-"
	}
	from := LanguageFrom(r.Context())
	if from == "" {
		from = "-"
	}
	r.WriteString(lang + " " + from + " " + LanguageCodeFrom(r.Context()))
	return nil
}
