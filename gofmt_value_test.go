package runnel

import (
	"fmt"
	"strings"
	"testing"
)

type holder struct {
	L []any
	M map[string]any
	n int // unexported: fmt prints it too
	P *holder
}

type named struct{ s string }

func (n named) String() string { return "named " + n.s }

// A struct is printed as fmt prints it; one whose lists or maps contain
// themselves, or that is nested too deeply, ends with [...] instead of
// overflowing the stack (which no recover catches: the process would die).
func TestGoSprint(t *testing.T) {
	cyc := []any{1, nil}
	cyc[1] = cyc
	m := map[string]any{"a": 1}
	m["m"] = m
	deep := any("leaf")
	for range 100_000 {
		deep = []any{deep}
	}
	dag := any("leaf")
	for range 40 {
		dag = []any{dag, dag}
	}
	plain := holder{L: []any{1, "x", 2.5, []any{true, nil}}, M: map[string]any{"b": 2, "a": named{"q"}}, n: 7, P: &holder{n: 1}}
	for _, c := range []struct {
		name string
		v    any
		want string // "" : as fmt.Sprint
	}{
		{"plain", plain, ""},
		{"pointer", &plain, fmt.Sprint(plain)}, // toStr follows the pointer first
		{"stringer field", struct{ N named }{named{"z"}}, ""},
		{"cyclic list", holder{L: cyc}, "{[1 [...]] map[] 0 <nil>}"},
		{"cyclic map", holder{M: m}, "{[] map[a:1 m:map[...]] 0 <nil>}"},
		{"pointer to cyclic", &holder{L: cyc, n: 3}, "{[1 [...]] map[] 3 <nil>}"},
	} {
		got := toStr(c.v)
		want := c.want
		if want == "" {
			want = fmt.Sprint(c.v)
		}
		if got != want {
			t.Errorf("%s: %q, want %q", c.name, got, want)
		}
	}
	if got := toStr(holder{L: []any{deep}}); !strings.Contains(got, "...") || len(got) > 4096 {
		t.Errorf("deep: %.100q (%d bytes)", got, len(got))
	}
	if got := toStr(holder{L: []any{dag}}); len(got) > maxPrint+4096 || !strings.HasPrefix(got, "{[[[[") || !strings.HasSuffix(got, "...}") {
		t.Errorf("dag: %d bytes, ending %q", len(got), got[max(0, len(got)-40):])
	}
	out, err := renderSrc(t, `{{ s }}|{{ s|stringformat:"s" }}|{% for x in l %}{{ x }}{% endfor %}`, map[string]any{"s": holder{L: cyc}, "l": []any{holder{M: m}}})
	if err != nil || out != "{[1 [...]] map[] 0 &lt;nil&gt;}|{[1 [...]] map[] 0 &lt;nil&gt;}|{[] map[a:1 m:map[...]] 0 &lt;nil&gt;}" {
		t.Errorf("rendered %q, %v", out, err)
	}
}
