package pystr

import (
	"reflect"
	"testing"
)

func TestSpace(t *testing.T) {
	for _, r := range " \t\n\v\f\r\x1c\x1d\x1e\x1f\u00a0\u2028\u3000" {
		if !IsSpace(r) {
			t.Errorf("IsSpace(%U) = false", r)
		}
	}
	for _, r := range "a_\x00\u200b" {
		if IsSpace(r) {
			t.Errorf("IsSpace(%U) = true", r)
		}
	}
	if got := Strip("\x1c a b\u3000"); got != "a b" {
		t.Errorf("Strip = %q", got)
	}
	if got := Split("  a \x1f b\n"); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Split = %q", got)
	}
	if Len("héllo") != 5 {
		t.Error("Len counts code points")
	}
}

func TestRepr(t *testing.T) {
	for in, want := range map[string]string{
		"abc":      "'abc'",
		"it's":     `"it's"`,
		`it's "x"`: `'it\'s "x"'`,
		"a\nb\\":   `'a\nb\\'`,
		"\x00é":    `'\x00é'`,
	} {
		if got := Repr(in); got != want {
			t.Errorf("Repr(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestParseInt(t *testing.T) {
	for in, want := range map[string]int64{"42": 42, " -1_000 ": -1000, "+7": 7, "٤٢": 42} {
		if got, err := ParseInt(in); err != nil || got != want {
			t.Errorf("ParseInt(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1__0", "_1", "1_", "1.5", "x", "99999999999999999999"} {
		if _, err := ParseInt(in); !IsKind(err, ValueError) {
			t.Errorf("ParseInt(%q): %v, want a ValueError", in, err)
		}
	}
	if _, err := ParseInt("x"); err.Error() != "invalid literal for int() with base 10: 'x'" {
		t.Errorf("message %q", err)
	}
}

func TestFloat(t *testing.T) {
	for f, want := range map[float64]string{1: "1.0", 0.1: "0.1", 1e16: "1e+16", 1e-5: "1e-05", 123456789012345.6: "123456789012345.6", -0.0001: "-0.0001"} {
		if got := Float(f); got != want {
			t.Errorf("Float(%v) = %s, want %s", f, got, want)
		}
	}
	if got := Float32(0.1); got != "0.1" {
		t.Errorf("Float32(0.1) = %s", got)
	}
}
