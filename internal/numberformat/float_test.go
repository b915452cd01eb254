package numberformat

import "testing"

// TestFloat checks Django's numberformat for floats.
func TestFloat(t *testing.T) {
	for in, want := range map[string]string{
		"1.5":       "1.5",
		"-0.0":      "-0.0",
		"inf":       "inf",
		"nan":       "nan",
		"1e+20":     "100000000000000000000",
		"1.25e+16":  "12500000000000000",
		"1e-05":     "0.00001",
		"-2.5e-07":  "-0.00000025",
		"1.5e+300":  "1.5e+300",
		"1e-300":    "1e-300",
		"1.234e+17": "123400000000000000",
	} {
		if got := Float(in); got != want {
			t.Errorf("Float(%q) = %q, want %q", in, got, want)
		}
	}
}
