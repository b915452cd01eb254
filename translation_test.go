package runnel

import (
	"context"
	"testing"
)

// TestLanguageContext checks WithLanguage and LanguageFrom.
func TestLanguageContext(t *testing.T) {
	if got := LanguageFrom(context.Background()); got != "en" {
		t.Fatalf("default language: got %q", got)
	}
	if got := LanguageFrom(WithLanguage(context.Background(), "pt-br")); got != "pt-br" {
		t.Fatalf("got %q", got)
	}
	//lint:ignore SA1012 a nil context is tolerated, and this checks it
	if got := LanguageFrom(nil); got != "en" {
		t.Fatalf("nil context: got %q", got)
	}
}
