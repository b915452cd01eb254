package runnel

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/runnelhq/runnel/internal/dateformat"
	"github.com/runnelhq/runnel/internal/formats"
	"github.com/runnelhq/runnel/internal/numberformat"
	"github.com/runnelhq/runnel/internal/pystr"
)

// The localization of a render: the format settings of the active language
// (Django's conf/locale/<locale>/formats.py, generated into
// internal/formats), the engine's Settings they fall back to, and whether
// values are localized when displayed ({% localize on|off %}, Django's
// use_l10n). The tag and the localize filters are the l10n library,
// runnel/templatetags/l10n.
//
// As in Django 5, values are always localized unless {% localize off %} or
// |unlocalize says otherwise: displayed floats use the language's
// DECIMAL_SEPARATOR, displayed times its DATETIME_FORMAT, the date filter
// its DATE_FORMAT. Localization off, the Settings apply (Django's
// DECIMAL_SEPARATOR, DATETIME_FORMAT, … settings). The language is
// LanguageFrom's, mapped to a Django locale as Django's to_locale does
// ("de-at" is de_AT, whose settings are de_AT's, else de's, else the
// Settings).

// Settings are the Django settings that shape how values are formatted:
// the fallbacks of the locale formats, thousand separators, and urlize's
// scheme. The zero value is Django's defaults; an empty text field means
// its Django default.
type Settings struct {
	// UseThousandSeparator groups the thousands of localized numbers
	// (displayed numbers, floatformat, |localize) with the language's
	// THOUSAND_SEPARATOR and NUMBER_GROUPING, as Django's
	// USE_THOUSAND_SEPARATOR (default false: only floatformat's "g" and
	// intcomma group).
	UseThousandSeparator bool
	// NumberGrouping is NUMBER_GROUPING, the group sizes used where
	// localization is off or the language has none: nil is Django's 0 (no
	// grouping), []int{3} groups every three digits, []int{3, 2, 0} groups
	// three, then every two (10,00,00,000); a -1 ends the grouping.
	NumberGrouping []int
	// ThousandSeparator is THOUSAND_SEPARATOR, "" meaning ",".
	ThousandSeparator string
	// DecimalSeparator is DECIMAL_SEPARATOR, "" meaning ".".
	DecimalSeparator string
	// DateFormat, DatetimeFormat, TimeFormat, YearMonthFormat,
	// MonthDayFormat, ShortDateFormat and ShortDatetimeFormat are Django's
	// DATE_FORMAT ("N j, Y"), DATETIME_FORMAT ("N j, Y, P"), TIME_FORMAT
	// ("P"), YEAR_MONTH_FORMAT ("F Y"), MONTH_DAY_FORMAT ("F j"),
	// SHORT_DATE_FORMAT ("m/d/Y") and SHORT_DATETIME_FORMAT ("m/d/Y P"):
	// used where localization is off or the language's locale has none
	// ("" meaning the default in parentheses).
	DateFormat, DatetimeFormat, TimeFormat, YearMonthFormat, MonthDayFormat,
	ShortDateFormat, ShortDatetimeFormat string
	// FirstDayOfWeek is FIRST_DAY_OF_WEEK (0, Sunday, by default).
	FirstDayOfWeek int
	// URLizeAssumeHTTPS makes urlize and urlizetrunc link domains written
	// without a scheme ("djangoproject.com", "www.example.org") with
	// "https://" rather than "http://": Django's URLIZE_ASSUME_HTTPS
	// (default false).
	URLizeAssumeHTTPS bool
}

// WithSettings sets the engine's format settings (see [Settings]).
func WithSettings(s Settings) Option {
	return func(e *Engine) {
		e.settings = s
		e.l10n = newL10n(s)
	}
}

// WithClock sets the clock of the engine's renders: what {% now %},
// timesince and timeuntil without an argument, and libraries through
// [Renderer.Now] (humanize's naturalday and naturaltime) take as the
// current time. The default is time.Now; tests set a fixed time so that
// renders can be reproduced.
func WithClock(now func() time.Time) Option { return func(e *Engine) { e.clock = now } }

// now is the render's current time.
func (s *state) now() time.Time {
	if s.eng.clock != nil {
		return s.eng.clock()
	}
	return time.Now()
}

// Now returns the current time of the render: the engine's clock
// ([WithClock]), time.Now by default.
func (r *Renderer) Now() time.Time { return r.s.now() }

// l10nFormats are the resolved format settings of an engine: those of the
// settings alone (localization off), and by language.
type l10nFormats struct {
	plain     *formats.Locale
	plainSeps *numberformat.Separators
	useThou   bool
	langs     sync.Map     // language code → *langFormats
	nLangs    atomic.Int32 // entries in langs, at most maxLangCache
}

// maxLangCache bounds the language codes whose settings an engine keeps:
// codes can come from requests, and past it settings are resolved each
// time.
const maxLangCache = 256

// langFormats are the settings of one language with the engine's
// fallbacks.
type langFormats struct {
	f    *formats.Locale
	seps *numberformat.Separators
}

// defaultL10n are the format settings of engines made without WithSettings.
var defaultL10n = newL10n(Settings{})

// newL10n resolves the settings.
func newL10n(s Settings) *l10nFormats {
	p := formats.Defaults
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&p.DateFormat, s.DateFormat)
	set(&p.DatetimeFormat, s.DatetimeFormat)
	set(&p.TimeFormat, s.TimeFormat)
	set(&p.YearMonthFormat, s.YearMonthFormat)
	set(&p.MonthDayFormat, s.MonthDayFormat)
	set(&p.ShortDateFormat, s.ShortDateFormat)
	set(&p.ShortDatetimeFormat, s.ShortDatetimeFormat)
	set(&p.DecimalSeparator, s.DecimalSeparator)
	set(&p.ThousandSeparator, s.ThousandSeparator)
	p.FirstDayOfWeek = s.FirstDayOfWeek
	if len(s.NumberGrouping) > 0 {
		p.NumberGrouping = append([]int(nil), s.NumberGrouping...)
		p.GroupingSeq = len(s.NumberGrouping) > 1
	}
	return &l10nFormats{
		plain:     &p,
		plainSeps: separators(&p, false),
		useThou:   s.UseThousandSeparator,
	}
}

// separators are the number separators of format settings.
func separators(f *formats.Locale, useThousand bool) *numberformat.Separators {
	return &numberformat.Separators{
		Decimal:     f.DecimalSeparator,
		Thousand:    f.ThousandSeparator,
		Grouping:    f.NumberGrouping,
		UseThousand: useThousand,
	}
}

// forLang returns the settings of a language.
func (l *l10nFormats) forLang(lang string) *langFormats {
	if v, ok := l.langs.Load(lang); ok {
		return v.(*langFormats)
	}
	f := formats.For(lang, l.plain)
	lf := &langFormats{f: f, seps: separators(f, l.useThou)}
	if l.nLangs.Load() >= maxLangCache {
		return lf
	}
	v, loaded := l.langs.LoadOrStore(lang, lf)
	if !loaded {
		l.nLangs.Add(1)
	}
	return v.(*langFormats)
}

// l10nOf returns the engine's resolved settings.
func (e *Engine) l10nOf() *l10nFormats {
	if e.l10n == nil {
		return defaultL10n
	}
	return e.l10n
}

// formatsFor returns the format settings get_format uses: the active
// language's when localizing, else (or with translation deactivated, when
// Django's get_language() is None) the settings.
func (s *state) formatsFor(localize bool) (*formats.Locale, *numberformat.Separators) {
	l := s.eng.l10nOf()
	if localize {
		if lang, active := s.language(); active {
			lf := l.forLang(lang)
			return lf.f, lf.seps
		}
	}
	return l.plain, l.plainSeps
}

// dateLocale is what the date filters format with: the formats of the
// language (or of the settings) and the render's translator.
func (s *state) dateLocale(localize bool) dateformat.Locale {
	f, _ := s.formatsFor(localize)
	loc := dateformat.Locale{Formats: f}
	if tr := s.translator(); tr != nil {
		loc.Tr = dateTr{s.ctx, tr}
	}
	return loc
}

// dateTr translates the words of dates with the render's translator.
type dateTr struct {
	ctx context.Context
	tr  Translator
}

func (d dateTr) Gettext(msg string) string { return Gettext(d.ctx, d.tr, msg) }
func (d dateTr) PGettext(msgctxt, msg string) string {
	return PGettext(d.ctx, d.tr, msgctxt, msg)
}
func (d dateTr) NGettext(singular, plural string, n int) string {
	return NGettext(d.ctx, d.tr, singular, plural, n)
}

// localizeFloat is number_format of a float for display: its text with
// the decimal separator (and grouping) of the language.
func (s *state) localizeFloat(x float64) string {
	_, seps := s.formatsFor(true)
	return seps.Float(pystr.Float(x))
}

// localizeInt is number_format of an integer's text for display: grouped
// when USE_THOUSAND_SEPARATOR is set, else as it is.
func (s *state) localizeInt(text string) string {
	if !s.eng.l10nOf().useThou || !isIntText(text) {
		// An integer type with a String method displays its text.
		return text
	}
	_, seps := s.formatsFor(true)
	return seps.Number(text, false)
}

// FormatDate is Django's formats.date_format for libraries: v (a
// time.Time, formatted in its own location, or a [Date], [TimeOfDay] or
// [NaiveDateTime]) formatted with format, a date format or the name of a
// format setting ("SHORT_DATE_FORMAT"; "" is DATE_FORMAT), in the render's
// language, its month and day names translated. The error is Django's
// TypeError (a time character in the format of a Date), or v is not a
// date; a date character in the format of a TimeOfDay gives "".
func (r *Renderer) FormatDate(v any, format string) (string, error) {
	s := r.s
	v = indirect(v)
	t, kind, ok := time.Time{}, dateformat.Aware, false
	if x, isTime := v.(time.Time); isTime {
		t, ok = x, true
	} else {
		t, kind, ok = civilOf(v, s.defaultLocation())
	}
	if !ok {
		return "", fmt.Errorf("%T is not a date", v)
	}
	out, _, err := s.dateLocale(true).FormatKind(t, kind, format)
	return out, err
}

// Localize is Django's formats.localize(v, use_l10n=localize) for
// libraries: the text of a boolean, number or time as the template would
// display it (numbers with the language's separators, times with its
// DATETIME_FORMAT, in their own location), or false for any other value. With localize false the settings apply, and
// numbers are written as Python's str() writes them.
func (r *Renderer) Localize(v any, localize bool) (string, bool) {
	return r.s.localizeValue(v, localize)
}

// NumberFormat is Django's formats.number_format(text, use_l10n=true,
// force_grouping=group) for libraries: a number written in positional
// notation ("-1234.5") with the render's language's decimal separator,
// its thousands grouped when group is set or USE_THOUSAND_SEPARATOR is on.
func (r *Renderer) NumberFormat(text string, group bool) string {
	_, seps := r.s.formatsFor(true)
	return seps.Number(text, group)
}

// localizeValue is formats.localize.
func (s *state) localizeValue(v any, localize bool) (string, bool) {
	v = indirect(v)
	switch x := v.(type) {
	case bool:
		return toStr(x), true
	case float64:
		if !localize {
			return pystr.Float(x), true
		}
		return s.localizeFloat(x), true
	case float32:
		if !localize {
			return toStr(x), true
		}
		_, seps := s.formatsFor(true)
		return seps.Float(toStr(x)), true
	case time.Time:
		return s.dateLocale(localize).Format(x, "DATETIME_FORMAT"), true
	case Decimal:
		if !localize {
			return x.String(), true
		}
		_, seps := s.formatsFor(true)
		return seps.Number(x.Localized(), false), true
	case Date, TimeOfDay, NaiveDateTime:
		return s.civilText(x, localize), true
	case nil:
		return "", false
	}
	if kind, _, _, _ := pystr.Classify(v); kind == pystr.IntType {
		if !localize {
			return toStr(v), true
		}
		return s.localizeInt(toStr(v)), true
	}
	return "", false
}

// useL10nKey is the context key of the {% localize on/off %} setting: a bool.
type useL10nKey struct{}

// useL10n reports whether values are localized when displayed: as set by the
// innermost {% localize %} block, else true (Django 5+ always localizes).
func (s *state) useL10n() bool {
	if s.ctx != nil {
		if on, ok := s.ctx.Value(useL10nKey{}).(bool); ok {
			return on
		}
	}
	return true
}

// ContextWithLocalize returns a copy of ctx in which values are localized
// for display (on) or not (off): what {% localize on|off %} does for its
// body.
func ContextWithLocalize(ctx context.Context, on bool) context.Context {
	return context.WithValue(ctx, useL10nKey{}, on)
}

// UseL10n reports whether the render localizes values where the tag is
// (Django's context.use_l10n).
func (r *Renderer) UseL10n() bool { return r.s.useL10n() }

// isIntText reports whether text is an integer's digits, with an optional
// minus sign.
func isIntText(text string) bool {
	text = strings.TrimPrefix(text, "-")
	if text == "" {
		return false
	}
	for i := 0; i < len(text); i++ {
		if text[i] < '0' || text[i] > '9' {
			return false
		}
	}
	return true
}
