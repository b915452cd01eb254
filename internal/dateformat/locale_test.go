package dateformat_test

import (
	"testing"
	"time"

	"github.com/runnelhq/runnel/internal/dateformat"
	"github.com/runnelhq/runnel/internal/formats"
)

// words is a Translator from a table; "ctxt|msg" for messages with a
// context.
type words map[string]string

func (w words) Gettext(msg string) string {
	if s, ok := w[msg]; ok {
		return s
	}
	return msg
}

func (w words) PGettext(msgctxt, msg string) string {
	if s, ok := w[msgctxt+"|"+msg]; ok {
		return s
	}
	return msg
}

// NGettext looks up "singular" for n == 1, else "plural" (German's rule).
func (w words) NGettext(singular, plural string, n int) string {
	if n == 1 {
		return w.Gettext(singular)
	}
	return w.Gettext(plural)
}

// TestSinceTranslated: timesince's units with Django's message ids and
// non-breaking spaces, joined by gettext(", ").
func TestSinceTranslated(t *testing.T) {
	de := dateformat.Locale{Tr: words{"%(num)d day": "%(num)d Tag", "%(num)d days": "%(num)d Tage",
		"%(num)d hour": "%(num)d Stunde", "%(num)d hours": "%(num)d Stunden", "%(num)d minutes": "%(num)d Minuten", ", ": " und "}}
	d := time.Date(2006, 3, 1, 14, 5, 0, 0, time.UTC)
	for _, c := range []struct {
		now  time.Time
		want string
	}{
		{d.Add(49 * time.Hour), "2\u00a0Tage und 1\u00a0Stunde"},
		{d.Add(24 * time.Hour), "1\u00a0Tag"},
		{d.Add(-time.Hour), "0\u00a0Minuten"},
	} {
		if got := de.Since(d, c.now, false, 2); got != c.want {
			t.Errorf("Since(%v) = %q, want %q", c.now.Sub(d), got, c.want)
		}
	}
	if got := dateformat.Since(d, d.Add(49*time.Hour+3*time.Minute), false, 3); got != "2\u00a0days, 1\u00a0hour, 3\u00a0minutes" {
		t.Errorf("en: %q", got)
	}
	if got := dateformat.Since(d, d.Add(49*time.Hour+3*time.Minute), false, 1); got != "2\u00a0days" {
		t.Errorf("depth 1: %q", got)
	}
}

// TestLocale checks the named formats of a locale and the translated
// words, with Django's message ids (django/utils/dates.py).
func TestLocale(t *testing.T) {
	de := words{
		"March": "März", "mar": "mär", "Wednesday": "Mittwoch", "Wed": "Mi",
		"abbrev. month|March": "März", "alt. month|March": "März",
		"p.m.": "nachm.", "PM": "NACHM.", "noon": "Mittag", "midnight": "Mitternacht",
	}
	ru := words{"alt. month|March": "марта"}
	d := time.Date(2006, 3, 1, 14, 5, 0, 0, time.UTC)
	loc := dateformat.Locale{Formats: formats.For("de", &formats.Defaults), Tr: de}
	for _, c := range []struct {
		l      dateformat.Locale
		t      time.Time
		format string
		want   string
	}{
		{loc, d, "", "1. März 2006"},
		{loc, d, "DATETIME_FORMAT", "1. März 2006 14:05"},
		{loc, d, "SHORT_DATE_FORMAT", "01.03.2006"},
		{loc, d, "l D M b N E a A P", "Mittwoch Mi Mär mär März März nachm. NACHM. 2:05 nachm."},
		{loc, time.Date(2006, 3, 1, 12, 0, 0, 0, time.UTC), "P", "Mittag"},
		{loc, time.Date(2006, 3, 1, 0, 0, 0, 0, time.UTC), "P", "Mitternacht"},
		{loc, d, "jS r", "1st Wed, 01 Mar 2006 14:05:00 +0000"},
		{dateformat.Locale{Formats: formats.For("ru", &formats.Defaults), Tr: ru}, d, "", "1 марта 2006 г."},
		{dateformat.Locale{}, d, "", "March 1, 2006"},
	} {
		if got := c.l.Format(c.t, c.format); got != c.want {
			t.Errorf("Format(%q) = %q, want %q", c.format, got, c.want)
		}
	}
	if got, ok := loc.FormatTime(d, ""); !ok || got != "14:05" {
		t.Errorf("FormatTime = %q, %v", got, ok)
	}
}
