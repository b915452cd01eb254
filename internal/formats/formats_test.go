package formats

import (
	"bytes"
	"errors"
	"go/format"
	"os"
	"os/exec"
	"regexp"
	"testing"
)

// TestGenerated checks that zformats.go is what gen/gen.py makes of the
// locale files of an importable Django of the version it was made from. It
// skips where no Python can import Django, or where the Django found is of
// another version.
func TestGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python")
	}
	var out []byte
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		cmd := exec.Command(py, "gen/gen.py")
		cmd.Stderr = nil
		b, err := cmd.Output()
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == 3 || errors.Is(err, exec.ErrNotFound) {
			continue
		}
		if err != nil {
			t.Fatalf("%s gen/gen.py: %v", py, err)
		}
		out = b
		break
	}
	if out == nil {
		t.Skip("no Python here imports Django")
	}
	m := regexp.MustCompile(`const DjangoVersion = "([^"]*)"`).FindSubmatch(out)
	if m == nil {
		t.Fatal("gen.py wrote no DjangoVersion")
	}
	if string(m[1]) != DjangoVersion {
		t.Skipf("the importable Django is %s; zformats.go is from %s", m[1], DjangoVersion)
	}
	want, err := format.Source(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("zformats.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("zformats.go is not up to date: run go generate ./internal/formats")
	}
}

func TestToLocale(t *testing.T) {
	for in, want := range map[string]string{
		"en": "en", "en-us": "en_US", "de-at": "de_AT", "pt-br": "pt_BR", "sr-latn": "sr_Latn",
		"zh-hans": "zh_Hans", "EN-US": "en_US", "sr-latn-x": "sr_Latn-x",
	} {
		if got := ToLocale(in); got != want {
			t.Errorf("ToLocale(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFor(t *testing.T) {
	de := For("de-at", &Defaults)
	if de.DateFormat != "j. F Y" || de.DecimalSeparator != "," || de.ThousandSeparator != "." || de.FirstDayOfWeek != 1 {
		t.Errorf("de-at: %+v", de)
	}
	ch := For("de-ch", &Defaults)
	if ch.DecimalSeparator != "," || ch.ThousandSeparator != "\u00a0" || ch.DateFormat != "j. F Y" {
		t.Errorf("de-ch: %+v", ch)
	}
	hi := For("hi", &Defaults)
	if hi.DatetimeFormat != Defaults.DatetimeFormat || hi.DateFormat != "j F Y" {
		t.Errorf("hi: %+v", hi)
	}
	if For("xx", &Defaults) != &Defaults {
		t.Error("xx: not the fallback")
	}
	en := For("en-us", &Defaults)
	if en.DateFormat != "N j, Y" || en.ThousandSeparator != "," || en.NumberGrouping[0] != 3 {
		t.Errorf("en-us: %+v", en)
	}
	if s, ok := de.Named("NUMBER_GROUPING"); !ok || s != "3" {
		t.Errorf("NUMBER_GROUPING = %q", s)
	}
	for _, l := range []string{"ckb", "ms", "ug", "pt_BR", "zh_Hans", "sr_Latn"} {
		if Get(l) == nil {
			t.Errorf("no locale %s", l)
		}
	}
}
