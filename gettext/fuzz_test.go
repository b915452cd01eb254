package gettext

import (
	"os"
	"testing"
)

// FuzzParsePO: the .po reader returns a catalog or an error, never panics,
// and what it accepts has the header's rule and no empty message.
func FuzzParsePO(f *testing.F) {
	for _, name := range []string{
		"testdata/locale/de/LC_MESSAGES/django.po",
		"testdata/locale/pl/LC_MESSAGES/django.po",
		"testdata/django/humanize-po/de/LC_MESSAGES/django.po",
	} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("msgid \"a\"\nmsgid_plural \"b\"\nmsgstr[0] \"\\x41\\101\"\n\"c\"\nmsgstr[1] \"\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := parsePO("django.po", data)
		if err != nil {
			return
		}
		for k, s := range file.singles {
			if s == "" {
				t.Fatalf("empty translation of %q", k)
			}
		}
		for _, strs := range file.plurals {
			file.plural(int64(len(strs)))
		}
	})
}

// FuzzParseMO: the .mo reader returns a catalog or an error for any bytes.
func FuzzParseMO(f *testing.F) {
	for _, name := range []string{"testdata/app/de/LC_MESSAGES/django.mo", "testdata/django/humanize-mo/de/LC_MESSAGES/django.mo"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = parseMO("django.mo", data) // only that it returns
	})
}

// FuzzPlural: a plural expression compiles or is an error, and evaluates
// for any n.
func FuzzPlural(f *testing.F) {
	f.Add("(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)", int64(22))
	f.Add("n / 0 + -n % 7", int64(-5))
	f.Fuzz(func(t *testing.T, expr string, n int64) {
		p, err := compilePlural(expr)
		if err != nil {
			return
		}
		p(n)
	})
}
