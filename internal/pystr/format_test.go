package pystr

import (
	"fmt"
	"testing"
)

// plain is a Values for plain Go values: str() is fmt's, and maps of
// strings are the mappings.
type plain struct{}

func (plain) Str(v any) string  { return fmt.Sprint(v) }
func (plain) Repr(v any) string { return Repr(fmt.Sprint(v)) }
func (plain) IsMapping(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}
func (plain) Lookup(m any, key string) (any, bool) {
	v, ok := m.(map[string]any)[key]
	return v, ok
}

// TestFormat checks Python's "%" operator on plain values.
func TestFormat(t *testing.T) {
	for _, c := range []struct {
		spec string
		v    any
		want string
	}{
		{"03d", 7, "007"},
		{"+.2f", 3.14159, "+3.14"},
		{"#x", 255, "0xff"},
		{"5s!", "x", "    x!"},
		{"-4s|", "ab", "ab  |"},
		{".1e", 12345.0, "1.2e+04"},
		{"r", "it's", `"it's"`},
		{"a", "é", `'\xe9'`},
		{"c", 65, "A"},
		{"(k)s", map[string]any{"k": "v"}, "v"},
		{"d", 2.9, "2"},
	} {
		got, err := Format(c.spec, c.v, plain{})
		if err != nil || got != c.want {
			t.Errorf("Format(%q, %v) = %q, %v; want %q", c.spec, c.v, got, err, c.want)
		}
	}
	for _, c := range []struct {
		spec string
		v    any
	}{{"d", "x"}, {"x", 1.5}, {"(k)s", map[string]any{}}, {"99999999d", 1}, {"z", 1}, {"%", nil}} { // "%%" % None: not all arguments converted
		if got, err := Format(c.spec, c.v, plain{}); err == nil {
			t.Errorf("Format(%q, %v) = %q, want an error", c.spec, c.v, got)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	for in, want := range map[string]Decimal{
		"1.50":   {Coef: []byte("150"), Exp: -2},
		" -1_0 ": {Neg: true, Coef: []byte("10")},
		"2e3":    {Coef: []byte("2"), Exp: 3},
		"inf":    {Coef: nil, Special: 'F'},
	} {
		d, ok := ParseDecimal(nil, in)
		if !ok || d.Neg != want.Neg || string(d.Coef) != string(want.Coef) || d.Exp != want.Exp || d.Special != want.Special {
			t.Errorf("ParseDecimal(%q) = %+v, %v; want %+v", in, d, ok, want)
		}
	}
	if _, ok := ParseDecimal(nil, "1.2.3"); ok {
		t.Error("ParseDecimal(1.2.3) succeeded")
	}
}
