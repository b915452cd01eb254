// Package gettext loads GNU gettext catalogs (.mo, and .po directly) laid
// out as Django's locale directories, and translates runnel templates with
// them: a *Catalog is a runnel.Translator.
//
//	cat, err := gettext.New([]fs.FS{os.DirFS("locale"), os.DirFS("/usr/lib/python3/dist-packages/django/conf/locale")})
//	eng := runnel.New(templates, runnel.WithTranslator(cat), runnel.WithLanguageCode("de"),
//		runnel.WithLibrary("i18n", i18n.Library()))
//
// A locale directory holds <locale>/LC_MESSAGES/<domain>.mo (or .po), the
// locale named as Django's to_locale names it: de, de_AT, pt_BR, sr_Latn.
// Languages are named by their codes (de, de-at, pt-br, sr-latn), matched
// without regard to case and to "_" or "-".
//
// Lookups follow Django's runtime:
//
//   - The language is the render's (runnel.LanguageFrom: the request's,
//     the {% language %} tag's, or the engine's LANGUAGE_CODE). With
//     translation deactivated (runnel.WithoutTranslation) every msgid comes
//     back unchanged.
//   - Several locale directories are merged message by message, the first
//     that has a message winning, as Django's LOCALE_PATHS win over the
//     apps' locale directories and those over Django's own.
//   - A message missing from a language (de-at) is looked up in its base
//     language (de), then in the default language (runnel.LanguageCodeFrom,
//     the engine's LANGUAGE_CODE, and its base), then the msgid is used.
//     As in Django, the default language is not consulted for English
//     (en, en-gb, …) or for the default language itself.
//   - Plural forms are chosen by the Plural-Forms rule of the catalog file
//     the message came from, so a message that falls back to another
//     language uses that language's rule.
//   - msgctxt gives pgettext's contexts.
//
// Everything is read and checked when the catalog is loaded; a malformed
// catalog is an error naming its file (and line, for a .po). A Catalog is
// immutable and safe for concurrent use.
//
// Django only reads .mo files (compiled by compilemessages). Reading a .po
// is a convenience: it is read as msgfmt would compile it, leaving out
// fuzzy and untranslated entries. When a directory has both for a locale,
// the .mo is used, as Django would.
package gettext

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/runnelhq/runnel"
)

// Catalog holds the loaded catalogs of every language found, and
// translates with them. It implements runnel.Translator.
type Catalog struct {
	langs map[string]*language // by normalized language code
}

// language is the merged catalog of one language.
type language struct {
	singles map[string]message
	plurals map[string]pluralMessage
}

type message struct {
	str  string
	file *file
}

type pluralMessage struct {
	strs []string
	file *file // its Plural-Forms rule
}

// options of Load and New.
type options struct {
	domain string
	only   map[string]bool // nil: every language
}

// Option configures Load and New.
type Option func(*options)

// Domain sets the gettext domain, the catalog files' base name: "django"
// (the default) reads django.mo / django.po, "djangojs" the JavaScript
// catalogs.
func Domain(name string) Option { return func(o *options) { o.domain = name } }

// Languages restricts loading to the catalogs of the given language codes
// and of their base languages ("de-at" loads de_AT and de). Without it every
// language found is loaded.
func Languages(codes ...string) Option {
	return func(o *options) {
		if o.only == nil {
			o.only = map[string]bool{}
		}
		for _, c := range codes {
			c = normalize(c)
			o.only[c] = true
			o.only[base(c)] = true
		}
	}
}

// Load loads the catalogs of one locale directory, the root of fsys
// (os.DirFS("locale"), an embed.FS's fs.Sub, …).
func Load(fsys fs.FS, opts ...Option) (*Catalog, error) {
	return New([]fs.FS{fsys}, opts...)
}

// New loads the catalogs of several locale directories, merged message by
// message with the first directory that has a message winning: list them as
// Django searches them, LOCALE_PATHS first, then the apps' locale
// directories, then Django's own (django/conf/locale).
func New(dirs []fs.FS, opts ...Option) (*Catalog, error) {
	o := options{domain: "django"}
	for _, opt := range opts {
		opt(&o)
	}
	c := &Catalog{langs: map[string]*language{}}
	for i, dir := range dirs {
		wrap := func(err error) error {
			if len(dirs) > 1 {
				return fmt.Errorf("gettext: locale directory %d of %d: %w", i+1, len(dirs), err)
			}
			return fmt.Errorf("gettext: %w", err)
		}
		entries, err := fs.ReadDir(dir, ".")
		if err != nil {
			return nil, wrap(err)
		}
		for _, d := range entries {
			if !d.IsDir() || strings.HasPrefix(d.Name(), ".") {
				continue
			}
			code := normalize(d.Name())
			if o.only != nil && !o.only[code] {
				continue
			}
			f, err := loadFile(dir, path.Join(d.Name(), "LC_MESSAGES", o.domain))
			if err != nil {
				return nil, wrap(err)
			}
			if f == nil {
				continue
			}
			l := c.langs[code]
			if l == nil {
				l = &language{singles: map[string]message{}, plurals: map[string]pluralMessage{}}
				c.langs[code] = l
			}
			for k, s := range f.singles {
				if _, ok := l.singles[k]; !ok {
					l.singles[k] = message{s, f}
				}
			}
			for k, s := range f.plurals {
				if _, ok := l.plurals[k]; !ok {
					l.plurals[k] = pluralMessage{s, f}
				}
			}
		}
	}
	return c, nil
}

// loadFile reads stem.mo, or stem.po when there is no .mo; nil when
// neither exists.
func loadFile(dir fs.FS, stem string) (*file, error) {
	for _, ext := range []string{".mo", ".po"} {
		data, err := fs.ReadFile(dir, stem+ext)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if ext == ".mo" {
			return parseMO(stem+ext, data)
		}
		return parsePO(stem+ext, data)
	}
	return nil, nil
}

// Languages returns the codes of the languages that have a catalog, sorted
// ("de", "de-at", "pt-br").
func (c *Catalog) Languages() []string {
	out := make([]string, 0, len(c.langs))
	for k := range c.langs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// normalize turns a language code or a locale name into the form languages
// are keyed by: lower case, "-" between its parts ("pt_BR" → "pt-br").
func normalize(code string) string {
	code = strings.ToLower(code)
	if strings.IndexByte(code, '_') >= 0 {
		code = strings.ReplaceAll(code, "_", "-")
	}
	return code
}

// base returns the language of a code without its region or script
// ("de-at" → "de").
func base(code string) string {
	if i := strings.IndexByte(code, '-'); i >= 0 {
		return code[:i]
	}
	return code
}

// chain returns the languages a lookup searches, in order, and how many;
// 0 when translation is deactivated.
func (c *Catalog) chain(ctx context.Context) (ls [4]*language, n int) {
	lang := runnel.LanguageFrom(ctx)
	if lang == "" {
		return ls, 0
	}
	lang = normalize(lang)
	var codes [4]string
	nc := 0
	add := func(code string) {
		for _, c := range codes[:nc] {
			if c == code {
				return
			}
		}
		codes[nc] = code
		nc++
	}
	add(lang)
	add(base(lang))
	if def := normalize(runnel.LanguageCodeFrom(ctx)); lang != def && !strings.HasPrefix(lang, "en") {
		add(def)
		add(base(def))
	}
	for _, code := range codes[:nc] {
		if l := c.langs[code]; l != nil {
			ls[n] = l
			n++
		}
	}
	return ls, n
}

// Gettext translates msgid into the render's language.
func (c *Catalog) Gettext(ctx context.Context, msgid string) string {
	return c.lookup(ctx, msgid, msgid)
}

// PGettext translates msgid in the message context msgctxt.
func (c *Catalog) PGettext(ctx context.Context, msgctxt, msgid string) string {
	return c.lookup(ctx, msgctxt+"\x04"+msgid, msgid)
}

func (c *Catalog) lookup(ctx context.Context, k, msgid string) string {
	ls, n := c.chain(ctx)
	for _, l := range ls[:n] {
		if m, ok := l.singles[k]; ok {
			return m.str
		}
	}
	return msgid
}

// NGettext translates the form of a message for the count n.
func (c *Catalog) NGettext(ctx context.Context, singular, plural string, n int) string {
	return c.nlookup(ctx, singular, singular, plural, n)
}

// NPGettext is NGettext in the message context msgctxt.
func (c *Catalog) NPGettext(ctx context.Context, msgctxt, singular, plural string, n int) string {
	return c.nlookup(ctx, msgctxt+"\x04"+singular, singular, plural, n)
}

func (c *Catalog) nlookup(ctx context.Context, k, singular, plural string, n int) string {
	ls, nl := c.chain(ctx)
	for _, l := range ls[:nl] {
		m, ok := l.plurals[k]
		if !ok {
			continue
		}
		if i := m.file.plural(int64(n)); i >= 0 && i < int64(len(m.strs)) && m.strs[i] != "" {
			return m.strs[i]
		}
	}
	if n == 1 {
		return singular
	}
	return plural
}

var _ runnel.Translator = (*Catalog)(nil)
