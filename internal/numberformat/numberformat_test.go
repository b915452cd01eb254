package numberformat

import (
	"fmt"
	"strconv"
	"testing"
)

// plain is a Values for plain Go values.
type plain struct{}

func (plain) Str(v any) string { return fmt.Sprint(v) }
func (plain) Float(v any) (float64, bool) {
	f, err := strconv.ParseFloat(fmt.Sprint(v), 64)
	return f, err == nil
}

// TestFloatFormat checks Django's floatformat on plain values.
func TestFloatFormat(t *testing.T) {
	for _, c := range []struct {
		v    any
		arg  string
		want string
	}{
		{34.23234, "", "34.2"},
		{34.0, "", "34"},
		{34.26, "-1", "34.3"},
		{1.005, "2", "1.01"}, // exact decimal, half away from zero
		{1234567.891, "2g", "1,234,567.89"},
		{1234567.891, "2gu", "1234567.89"},
		{-0.001, "2", "0.00"},
		{"18.125", "2", "18.13"},
		{7, "3", "7.000"},
	} {
		got, ok := FloatFormat(c.v, c.arg, plain{}, nil, nil)
		if !ok || got != c.want {
			t.Errorf("FloatFormat(%v, %q) = %q, %v; want %q", c.v, c.arg, got, ok, c.want)
		}
	}
	if _, ok := FloatFormat("abc", "", plain{}, nil, nil); ok {
		t.Error("FloatFormat(abc) ok")
	}
}

func TestFileSize(t *testing.T) {
	for v, want := range map[any]string{
		0: "0\u00a0bytes", 1: "1\u00a0byte", 1023: "1023\u00a0bytes", 1024: "1.0\u00a0KB",
		10 * 1024 * 1024: "10.0\u00a0MB", -1024: "-1.0\u00a0KB", "2048": "2.0\u00a0KB", "x": "0\u00a0bytes",
	} {
		if got := FileSize(v); got != want {
			t.Errorf("FileSize(%v) = %q, want %q", v, got, want)
		}
	}
}

// TestSeparators checks numberformat.format with a locale's separators
// (tests/utils_tests/test_numberformat.py).
func TestSeparators(t *testing.T) {
	de := &Separators{Decimal: ",", Thousand: ".", Grouping: []int{3}}
	in := &Separators{Decimal: ".", Thousand: ",", Grouping: []int{3, 2, 0}}
	for _, c := range []struct {
		s     *Separators
		text  string
		force bool
		want  string
	}{
		{de, "1234.5", false, "1234,5"},
		{de, "1234.5", true, "1.234,5"},
		{de, "-1234567", true, "-1.234.567"},
		{in, "10000000", true, "1,00,00,000"},
		{&Separators{Decimal: ".", Thousand: ",", Grouping: []int{3, 2, -1}}, "10000000000", true, "100000,00,000"},
		{&Separators{Decimal: ".", Thousand: ",", Grouping: []int{1, 2, 0}}, "1234567", true, "12,34,56,7"},
		{&Separators{Decimal: ".", Thousand: ",", Grouping: []int{0}}, "1234567", true, "1234567"},
		{&Separators{Decimal: ",", Thousand: ".", Grouping: []int{3}, UseThousand: true}, "1234.5", false, "1.234,5"},
	} {
		if got := c.s.Number(c.text, c.force); got != c.want {
			t.Errorf("%+v Number(%q, %v) = %q, want %q", c.s, c.text, c.force, got, c.want)
		}
	}
	if got := de.Float("1.5e+300"); got != "1,5e+300" {
		t.Errorf("de Float(1.5e+300) = %q", got)
	}
	if got := de.Float("1e+20"); got != "100000000000000000000" {
		t.Errorf("de Float(1e+20) = %q", got)
	}
	if got, _ := FloatFormat(1234567.891, "2g", plain{}, de, nil); got != "1.234.567,89" {
		t.Errorf("de floatformat 2g = %q", got)
	}
	if got, _ := FloatFormat(1234567.891, "2gu", plain{}, de, nil); got != "1234567.89" {
		t.Errorf("de floatformat 2gu = %q", got)
	}
	if got, _ := FloatFormat(10000000, "g", plain{}, in, nil); got != "1,00,00,000" {
		t.Errorf("in floatformat g = %q", got)
	}
	if got := FileSizeSep(1024, de); got != "1,0\u00a0KB" {
		t.Errorf("de FileSizeSep = %q", got)
	}
}
