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
