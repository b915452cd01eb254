package lorem

import (
	"slices"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	if got := Words(3, true); got != "lorem ipsum dolor" {
		t.Errorf("Words(3, true) = %q", got)
	}
	if got := Words(-17, true); got != "lorem ipsum" {
		t.Errorf("Words(-17, true) = %q: a negative count drops common words from the end", got)
	}
	w := strings.Fields(Words(100, true))
	if len(w) != 100 || strings.Join(w[:len(CommonWords)], " ") != strings.Join(CommonWords[:], " ") {
		t.Errorf("Words(100, true): %d words, starting %v", len(w), w[:5])
	}
	for _, x := range strings.Fields(Words(200, false)) {
		if !slices.Contains(WordList[:], x) {
			t.Errorf("%q is not a lorem word", x)
		}
	}
}

func TestParagraphs(t *testing.T) {
	p := Paragraphs(3, true)
	if len(p) != 3 || p[0] != CommonParagraph {
		t.Fatalf("Paragraphs(3, true) = %q", p)
	}
	for _, para := range p[1:] {
		if para == "" || strings.ToUpper(para[:1]) != para[:1] || !strings.ContainsAny(para[len(para)-1:], ".?") {
			t.Errorf("paragraph %q: want a capitalized sentence ending in . or ?", para)
		}
	}
	if p := Paragraphs(1, false); len(p) != 1 || p[0] == CommonParagraph {
		t.Errorf("Paragraphs(1, false) = %q", p)
	}
}
