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
		got, ok := FloatFormat(c.v, c.arg, plain{})
		if !ok || got != c.want {
			t.Errorf("FloatFormat(%v, %q) = %q, %v; want %q", c.v, c.arg, got, ok, c.want)
		}
	}
	if _, ok := FloatFormat("abc", "", plain{}); ok {
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
