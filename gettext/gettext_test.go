package gettext

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/templatetags/humanize"
	"github.com/runnelhq/runnel/templatetags/i18n"
)

// testCatalog loads testdata/locale (the project's catalogs, .po files)
// before testdata/app (an app's, compiled .mo files).
func testCatalog(t testing.TB, opts ...Option) *Catalog {
	t.Helper()
	c, err := New([]fs.FS{os.DirFS("testdata/locale"), os.DirFS("testdata/app")}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func lang(code string) context.Context { return runnel.WithLanguage(context.Background(), code) }

func TestGettext(t *testing.T) {
	c := testCatalog(t)
	for _, tc := range []struct {
		ctx       context.Context
		msgid     string
		want      string
		whatFails string
	}{
		{lang("de"), "Hello", "Hallo", "the first directory wins"},
		{lang("DE"), "Hello", "Hallo", "codes match without regard to case"},
		{lang("de"), "Only in the app", "Nur in der App", "an untranslated entry does not hide a later directory's, and the .mo wins over the .po"},
		{lang("de"), "Fuzzy", "Fuzzy", "fuzzy entries of a .po are left out"},
		{lang("de"), "Fuzzy in the app", "Fuzzy in the app", "msgfmt leaves fuzzy entries out of a .mo"},
		{lang("de"), "Untranslated", "Untranslated", "an empty msgstr is no translation"},
		{lang("de"), "100%% sure", "100%% sicher", "a % comes through untouched"},
		{lang("de"), "A long message on two lines\n", "Eine lange Nachricht auf zwei Zeilen\n", "continued strings"},
		{lang("de"), "Tab\there \"quoted\"", "Tab\thier „zitiert“", "escapes"},
		{lang("de"), "Obsolete", "Obsolete", "#~ entries are obsolete"},
		{lang("de"), "After obsolete", "Nach veraltet", "the flags of an obsolete entry are not the next one's"},
		{lang("de"), "May", "darf", "no context"},
		{lang("de-at"), "January", "Jänner", "de_AT's catalog"},
		{lang("de_AT"), "January", "Jänner", "a locale name as the language"},
		{lang("de-at"), "Hello", "Hallo", "de-at falls back to de"},
		{lang("de-ch"), "January", "Januar", "a region without a catalog falls back to its language"},
		{lang("fr"), "Hello", "Bonjour", "fr"},
		{lang("fr"), "January", "January", "no fallback to de with LANGUAGE_CODE en-us"},
		{lang("it"), "Hello", "Hello", "no catalog, no fallback"},
		{context.Background(), "Hello", "Hello", "the default language en-us has no catalog"},
		{runnel.WithoutTranslation(lang("de")), "Hello", "Hello", "translation deactivated"},
		{lang("pl"), "Hello", "Cześć", "pl"},
	} {
		if got := c.Gettext(tc.ctx, tc.msgid); got != tc.want {
			t.Errorf("%s: Gettext(%q) in %q = %q, want %q", tc.whatFails, tc.msgid, runnel.LanguageFrom(tc.ctx), got, tc.want)
		}
	}
	if got := c.Gettext(lang("de"), "Hello %(name)s"); got != "Hello %(name)s" {
		t.Errorf("an unknown msgid comes back as it is: %q", got)
	}
}

func TestPGettext(t *testing.T) {
	c := testCatalog(t)
	de := lang("de")
	for _, tc := range []struct{ msgctxt, msgid, want string }{
		{"month name", "May", "Mai"},
		{"other", "May", "May"},
		{"month name", "June", "Juni"}, // from the app's .mo
		{"month name", "Hello", "Hello"},
	} {
		if got := c.PGettext(de, tc.msgctxt, tc.msgid); got != tc.want {
			t.Errorf("PGettext(%q, %q) = %q, want %q", tc.msgctxt, tc.msgid, got, tc.want)
		}
	}
	if got := c.NPGettext(de, "fruit", "%(n)s apple", "%(n)s apples", 2); got != "%(n)s Apfelfrüchte" {
		t.Errorf("NPGettext: %q", got)
	}
	if got := c.NPGettext(de, "vegetable", "%(n)s apple", "%(n)s apples", 2); got != "%(n)s apples" {
		t.Errorf("NPGettext, unknown context: %q", got)
	}
}

func TestNGettext(t *testing.T) {
	c := testCatalog(t)
	for _, tc := range []struct {
		lang     string
		sg, pl   string
		n        int
		want     string
		whatFail string
	}{
		{"de", "%(n)s apple", "%(n)s apples", 1, "%(n)s Apfel", ""},
		{"de", "%(n)s apple", "%(n)s apples", 0, "%(n)s Äpfel", ""},
		{"de", "%(n)s pear", "%(n)s pears", 3, "%(n)s Birnen", "from the app's .mo"},
		{"fr", "%(n)s apple", "%(n)s apples", 0, "%(n)s pomme", "fr's rule: n > 1"},
		{"fr", "%(n)s apple", "%(n)s apples", 2, "%(n)s pommes", ""},
		{"pl", "%(n)s file", "%(n)s files", 1, "%(n)s plik", ""},
		{"pl", "%(n)s file", "%(n)s files", 2, "%(n)s pliki", ""},
		{"pl", "%(n)s file", "%(n)s files", 5, "%(n)s plików", ""},
		{"pl", "%(n)s file", "%(n)s files", 12, "%(n)s plików", ""},
		{"pl", "%(n)s file", "%(n)s files", 22, "%(n)s pliki", ""},
		{"pl", "%(n)s file", "%(n)s files", 25, "%(n)s plików", ""},
		{"it", "%(n)s file", "%(n)s files", 1, "%(n)s file", "untranslated: n == 1"},
		{"it", "%(n)s file", "%(n)s files", 0, "%(n)s files", ""},
		{"de", "Hello", "Hellos", 2, "Hellos", "a singular entry is not a plural one"},
	} {
		if got := c.NGettext(lang(tc.lang), tc.sg, tc.pl, tc.n); got != tc.want {
			t.Errorf("%s: NGettext(%q, %d) in %s = %q, want %q", tc.whatFail, tc.sg, tc.n, tc.lang, got, tc.want)
		}
	}
	if got := c.Gettext(lang("de"), "%(n)s apple"); got != "%(n)s apple" {
		t.Errorf("gettext of a plural entry's msgid, as Python's gettext: %q", got)
	}
}

// TestFallbackToLanguageCode checks the last step of the chain: the
// engine's LANGUAGE_CODE, with its plural rule.
func TestFallbackToLanguageCode(t *testing.T) {
	c := testCatalog(t)
	eng := runnel.New(nil, runnel.WithTranslator(c), runnel.WithLanguageCode("pl"),
		runnel.WithLibrary("i18n", i18n.Library()))
	src := `{% load i18n %}{% get_current_language as l %}{{ l }}: {% translate "Hello" %} {% translate "January" %} ` +
		`{% blocktranslate count n=5 %}{{ n }} file{% plural %}{{ n }} files{% endblocktranslate %}`
	for _, tc := range []struct {
		ctx  context.Context
		want string
	}{
		{context.Background(), "pl: Cześć January 5 plików"},
		{lang("de-at"), "de-at: Hallo Jänner 5 plików"}, // the Polish message keeps its rule: 5 → form 2
		{lang("fr"), "fr: Bonjour January 5 plików"},
		{lang("en-gb"), "en-gb: Hello January 5 files"}, // no fallback for English, as in Django
		{runnel.WithoutTranslation(context.Background()), "None: Hello January 5 files"},
	} {
		got, err := eng.MustParse("t", src).RenderString(tc.ctx, nil)
		if err != nil || got != tc.want {
			t.Errorf("got %q, %v; want %q", got, err, tc.want)
		}
	}
}

// TestDjangoCatalog renders through runnel's i18n and humanize libraries
// with Django's own German catalog of django.contrib.humanize, read from
// its .po and from its .mo.
func TestDjangoCatalog(t *testing.T) {
	now := time.Date(2024, 3, 4, 12, 0, 0, 0, time.UTC)
	for _, dir := range []string{"testdata/django/humanize-po", "testdata/django/humanize-mo"} {
		c, err := Load(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		eng := runnel.New(nil, runnel.WithTranslator(c), runnel.WithLanguageCode("de"),
			runnel.WithLibrary("i18n", i18n.Library()),
			runnel.WithLibrary("humanize", humanize.Library(humanize.Options{Now: func() time.Time { return now }})))
		src := `{% load i18n humanize %}{{ three|naturaltime }}|{{ hour|naturaltime }}|{{ soon|naturaltime }}|{{ now|naturaltime }}|` +
			`{{ 3|ordinal }}|{{ 1200000|intword }}|{% translate "Humanize" %}|{{ 4|apnumber }}`
		data := map[string]any{
			"three": now.Add(-3 * time.Minute), "hour": now.Add(-time.Hour), "soon": now.Add(time.Minute), "now": now,
		}
		got, err := eng.MustParse("t", src).RenderString(context.Background(), data)
		// What Django renders with this catalog and LANGUAGE_CODE "de"
		// (checked with Django 3.2, whose "1.2" is "1,2" once USE_L10N is
		// on, as it always is since Django 5: intword localizes its number).
		want := "vor 3 Minuten|vor einer Stunde|in einer Minute|jetzt|3.|1,2 Millionen|Humanize|vier"
		if err != nil || got != want {
			t.Errorf("%s:\n got %q, %v\nwant %q", dir, got, err, want)
		}
	}
}

// TestPOAndMOAgree checks the .po reader against msgfmt's compilation of
// the same catalog, read by the .mo reader: Django's humanize de.
func TestPOAndMOAgree(t *testing.T) {
	read := func(name string, parse func(string, []byte) (*file, error)) *file {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parse(name, b)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	po := read("testdata/django/humanize-po/de/LC_MESSAGES/django.po", parsePO)
	mo := read("testdata/django/humanize-mo/de/LC_MESSAGES/django.mo", parseMO)
	a, _ := json.Marshal([]any{po.singles, po.plurals})
	b, _ := json.Marshal([]any{mo.singles, mo.plurals})
	if string(a) != string(b) || len(po.singles)+len(po.plurals) < 40 {
		t.Errorf(".po and .mo differ:\n%s\n%s", a, b)
	}
}

// TestPluralDjango evaluates the plural rule of every catalog of Django
// 3.2, compared with Python's gettext (testdata/plurals.json, written by
// gettext.GNUTranslations(...).plural(n)).
func TestPluralDjango(t *testing.T) {
	b, err := os.ReadFile("testdata/plurals.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Lang, Expr string
		N          []int64
		Want       []int64
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 20 {
		t.Fatalf("only %d rules", len(cases))
	}
	for _, tc := range cases {
		f, err := compilePlural(tc.Expr)
		if err != nil {
			t.Errorf("%s: %v", tc.Lang, err)
			continue
		}
		for i, n := range tc.N {
			if got := f(n); got != tc.Want[i] {
				t.Errorf("%s: %s at n=%d: %d, want %d", tc.Lang, tc.Expr, n, got, tc.Want[i])
				break
			}
		}
	}
}

func TestPluralExpressions(t *testing.T) {
	for _, tc := range []struct {
		expr string
		n    int64
		want int64
	}{
		{"0", 5, 0},
		{"n != 1", 1, 0},
		{"n>1", 2, 1},
		{"n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2", 0, 2},
		{"!n", 0, 1},
		{"(n - 1) * 2 / 3", 4, 2},
		{"n % 0", 4, 0},
		{"1 ? 2 : 3 ? 4 : 5", 0, 2},
		{"0 ? 2 : 0 ? 4 : 5", 0, 5},
		{"-n % 10", 3, 7}, // Python's modulo
	} {
		f, err := compilePlural(tc.expr)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if got := f(tc.n); got != tc.want {
			t.Errorf("%s at %d: %d, want %d", tc.expr, tc.n, got, tc.want)
		}
	}
	for _, bad := range []string{"", "n +", "(n", "n ? 1", "n = 1", "x", "1 2", strings.Repeat("(", 1001)} {
		if _, err := compilePlural(bad); err == nil {
			t.Errorf("%q compiled", bad)
		}
	}
}

// TestMalformed checks that a malformed catalog is an error naming its
// file and, for a .po, the line.
func TestMalformed(t *testing.T) {
	const hdr = "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
	valid, err := os.ReadFile("testdata/app/de/LC_MESSAGES/django.mo")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, data, want string
	}{
		{"django.po", "msgid \"a\"\nmsgstr \"b\"\nmsgstr \"c\"\n", "de/LC_MESSAGES/django.po:3: a second msgstr"},
		{"django.po", hdr + "msgid \"a\n", "de/LC_MESSAGES/django.po:4: msgid: expected a quoted string"},
		{"django.po", "msgid \"a\"\n", "django.po:1: msgid without msgstr"},
		{"django.po", "msgstr \"a\"\n", "django.po:1: msgstr without a msgid"},
		{"django.po", "msgid \"a\"\nmsgstr \"b\"\nmsgid \"a\"\nmsgstr \"c\"\n", "django.po:3: duplicate message definition (first at line 1)"},
		{"django.po", "msgid \"a\"\nmsgid_plural \"b\"\nmsgstr[1] \"c\"\n", "django.po:3: msgstr[1] out of order"},
		{"django.po", "msgid \"a\"\nmsgid_plural \"b\"\nmsgstr \"c\"\n", "django.po:3: a message with msgid_plural needs msgstr[0]"},
		{"django.po", "msgid \"a\\q\"\nmsgstr \"b\"\n", `django.po:1: msgid: unknown escape \q`},
		{"django.po", "\"a\"\n", "django.po:1: string outside of an entry"},
		{"django.po", "msgfoo \"a\"\n", `django.po:1: unknown keyword "msgfoo"`},
		{"django.po", "msgid \"\"\nmsgstr \"Plural-Forms: nplurals=2; plural=n +;\\n\"\n", "django.po:1: Plural-Forms"},
		{"django.po", "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=ISO-8859-1\\n\"\n", `charset "iso-8859-1" is not supported`},
		{"django.po", "msgid \"\xff\"\nmsgstr \"\"\n", "django.po: not UTF-8"},
		{"django.mo", "short", "de/LC_MESSAGES/django.mo: not a valid .mo file"},
		{"django.mo", string(valid[:len(valid)-10]), "django.mo: not a valid .mo file: string"},
		{"django.mo", string(valid[:30]), "django.mo: not a valid .mo file: its string tables"},
		{"django.mo", "\x00\x00\x00\x00" + string(valid[4:]), "bad magic number"},
	} {
		fsys := fstest.MapFS{"de/LC_MESSAGES/" + tc.name: {Data: []byte(tc.data)}}
		_, err := Load(fsys)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.data, err, tc.want)
		}
	}
}

// TestFallbackToDefaultEnglish: with the default LANGUAGE_CODE, en-us, a
// language without the message falls back to the en catalog (a project
// whose msgids are keys), and en-gb does not fall back further.
func TestFallbackToDefaultEnglish(t *testing.T) {
	c, err := Load(fstest.MapFS{
		"en/LC_MESSAGES/django.po": {Data: []byte("msgid \"nav.home\"\nmsgstr \"Home\"\n")},
		"de/LC_MESSAGES/django.po": {Data: []byte("msgid \"nav.cart\"\nmsgstr \"Warenkorb\"\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, msgid, want string }{
		{"de-at", "nav.cart", "Warenkorb"},
		{"de-at", "nav.home", "Home"}, // de-at → de → en-us → en
		{"en-gb", "nav.home", "Home"},
		{"en-gb", "nav.cart", "nav.cart"},
	} {
		if got := c.Gettext(lang(tc.lang), tc.msgid); got != tc.want {
			t.Errorf("%s: Gettext(%q) = %q, want %q", tc.lang, tc.msgid, got, tc.want)
		}
	}
	if got := c.Gettext(context.Background(), "nav.home"); got != "Home" {
		t.Errorf("no language: %q", got)
	}
}

func TestMalformedNamesTheDirectory(t *testing.T) {
	bad := fstest.MapFS{"de/LC_MESSAGES/django.po": {Data: []byte("msgid \"a\"\n")}}
	_, err := New([]fs.FS{os.DirFS("testdata/locale"), bad})
	if want := "gettext: locale directory 2 of 2: de/LC_MESSAGES/django.po:1: msgid without msgstr"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestOptions(t *testing.T) {
	c := testCatalog(t, Languages("de-at"))
	if got := strings.Join(c.Languages(), " "); got != "de de-at" {
		t.Errorf("Languages(de-at) loaded %q", got)
	}
	if got := strings.Join(testCatalog(t).Languages(), " "); got != "de de-at fr pl" {
		t.Errorf("every language: %q", got)
	}
	js := fstest.MapFS{"de/LC_MESSAGES/djangojs.po": {Data: []byte("msgid \"Hello\"\nmsgstr \"Hallo JS\"\n")}}
	c, err := Load(js, Domain("djangojs"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Gettext(lang("de"), "Hello"); got != "Hallo JS" {
		t.Errorf("djangojs: %q", got)
	}
	if c, err := Load(js); err != nil || len(c.Languages()) != 0 {
		t.Errorf("the django domain has no file here: %v, %v", c.Languages(), err)
	}
}

// TestConcurrent translates from many goroutines at once (run with -race).
func TestConcurrent(t *testing.T) {
	c := testCatalog(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := lang([]string{"de", "de-at", "pl", "fr"}[i%4])
			for range 200 {
				c.Gettext(ctx, "Hello")
				c.NGettext(ctx, "%(n)s file", "%(n)s files", i)
			}
		}()
	}
	wg.Wait()
}

func BenchmarkGettext(b *testing.B) {
	c := testCatalog(b)
	ctx := lang("de-at")
	for b.Loop() {
		c.Gettext(ctx, "Hello")
	}
}

// TestEveryDjangoCatalog reads every catalog of the Django installed on the
// machine (Debian's python3-django; skipped without it) from its .po and
// from its .mo, and checks that the two agree, then loads Django's own
// locale directory.
func TestEveryDjangoCatalog(t *testing.T) {
	const root = "/usr/lib/python3/dist-packages/django"
	pos, _ := filepath.Glob(root + "/conf/locale/*/LC_MESSAGES/*.po")
	more, _ := filepath.Glob(root + "/contrib/*/locale/*/LC_MESSAGES/*.po")
	pos = append(pos, more...)
	if len(pos) == 0 {
		t.Skip("no Django installed at " + root)
	}
	n := 0
	for _, p := range pos {
		mo := strings.TrimSuffix(p, ".po") + ".mo"
		pb, err1 := os.ReadFile(p)
		mb, err2 := os.ReadFile(mo)
		if err1 != nil || err2 != nil {
			continue
		}
		pf, err := parsePO(p, pb)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		mf, err := parseMO(mo, mb)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		a, _ := json.Marshal([]any{pf.singles, pf.plurals})
		b, _ := json.Marshal([]any{mf.singles, mf.plurals})
		if string(a) != string(b) {
			t.Errorf("%s: the .po and the .mo differ", p)
		}
		for i := range int64(30) {
			if pf.plural(i) != mf.plural(i) {
				t.Errorf("%s: plural rules differ at %d", p, i)
				break
			}
		}
		n++
	}
	c, err := Load(os.DirFS(root + "/conf/locale"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Gettext(lang("de-at"), "This field is required."); got != "Dieses Feld ist zwingend erforderlich." {
		t.Errorf("Django's de: %q", got)
	}
	t.Logf("%d catalogs compared, %d languages loaded", n, len(c.Languages()))
}
