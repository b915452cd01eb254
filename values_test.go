package runnel

import "testing"

type omHolder struct {
	M *OrderedMap
	N OrderedMap
}

type omCycle struct{ M *OrderedMap }

// TestOrderedMapPrintsAsDict: an OrderedMap, by pointer or by value, at
// the top, in a list or in a struct's fields, prints as the Python dict it
// stands for.
func TestOrderedMapPrintsAsDict(t *testing.T) {
	om := NewOrderedMap("a", 1, "b", "x")
	cyc := NewOrderedMap("a", 1)
	cyc.Set("c", omCycle{cyc})
	d := m{"om": om, "omv": *om, "h": omHolder{om, *om}, "l": []any{om, *om}, "cyc": cyc}
	off := []Option{WithAutoescape(false)}
	runCases(t, []tcase{
		{name: "pointer", src: `{{ om }}`, data: d, opts: off, want: `{'a': 1, 'b': 'x'}`},
		{name: "value", src: `{{ omv }}`, data: d, opts: off, want: `{'a': 1, 'b': 'x'}`},
		{name: "escaped", src: `{{ omv }}`, data: d, want: `{&#x27;a&#x27;: 1, &#x27;b&#x27;: &#x27;x&#x27;}`},
		{name: "pprint", src: `{{ omv|pprint }}`, data: d, opts: off, want: `{'a': 1, 'b': 'x'}`},
		{name: "in-list", src: `{{ l }}`, data: d, opts: off, want: `[{'a': 1, 'b': 'x'}, {'a': 1, 'b': 'x'}]`},
		{name: "in-struct", src: `{{ h }}`, data: d, opts: off, want: `{{'a': 1, 'b': 'x'} {'a': 1, 'b': 'x'}}`},
		{name: "field", src: `{{ h.N }} {{ h.n.b }}`, data: d, opts: off, want: `{'a': 1, 'b': 'x'} x`},
		{name: "stringformat", src: `{{ omv|stringformat:"s" }}`, data: d, opts: off, want: `{'a': 1, 'b': 'x'}`},
		{name: "value-lookups", src: `{% for k, v in omv.items %}{{ k }}={{ v }};{% endfor %}{{ omv.a }}{{ omv|length }}`, data: d, want: `a=1;b=x;12`},
		{name: "json_script", src: `{{ omv|json_script }}`, data: d, want: `<script type="application/json">{"a": 1, "b": "x"}</script>`},
		{name: "cycle-through-struct", src: `{{ cyc }}`, data: d, opts: off, want: `{'a': 1, 'c': {{...}}}`},
	})
}
