package slug

import "testing"

// TestSlugify ports Django's utils_tests/test_text.py slugify cases.
func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		" Jack & Jill like numbers 1,2,3 and 4 and silly characters ?%.$!/": "jack-jill-like-numbers-123-and-4-and-silly-characters",
		"Un \u00e9l\u00e9phant \u00e0 l'or\u00e9e du bois":                  "un-elephant-a-loree-du-bois",
		"\ufb01ne \u00bd \u2163 \u00c6ther \u0141\u00f3d\u017a":             "fine-12-iv-ther-odz",
		"__a--b__":          "a-b",
		"  -- x\t\x1cy -- ": "x-y",
		"":                  "",
	} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestASCII checks the table against unicodedata's NFKD for a handful of
// code points, sequential ranges included.
func TestASCII(t *testing.T) {
	for r, want := range map[rune]string{
		'é':      "e",
		'Å':      "A",
		'½':      "12",
		'²':      "2",
		'³':      "3", // a sequential range: U+00B2–U+00B3
		'ﬁ':      "fi",
		'Ⅳ':      "IV",
		'Ł':      "", // no decomposition
		'😀':      "",
		0x1FBF7:  "7", // SEGMENTED DIGIT SEVEN, in the range from 0
		0x10FFFF: "",
	} {
		if got := ASCII(r); got != want {
			t.Errorf("ASCII(%U) = %q, want %q", r, got, want)
		}
	}
}
