// Package l10n is Django's l10n tag library ({% load l10n %}): the localize
// block tag and the localize and unlocalize filters, with the formatting of
// django.utils.formats.localize.
//
// Values are formatted with the format settings of the render's language
// (Django's conf/locale formats: "1,5" and "1. Januar 2006 14:30" in de)
// and, for unlocalize and {% localize off %}, with the engine's
// runnel.Settings (Django's DECIMAL_SEPARATOR, DATETIME_FORMAT, …
// settings); see [runnel.Renderer.Localize]. Register the library under
// its Django name:
//
//	eng := runnel.New(fsys, runnel.WithLibrary("l10n", l10n.Library()))
package l10n

import (
	"reflect"
	"time"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/internal/dateformat"
	"github.com/runnelhq/runnel/internal/numberformat"
	"github.com/runnelhq/runnel/templatetags/internal/tagutil"
)

// Library returns the l10n library.
func Library() *runnel.Library {
	return runnel.NewLibrary().
		Tag("localize", runnel.TagSpec{End: "endlocalize"}, tagutil.OnOffBlock(runnel.ContextWithLocalize)).
		Filter("localize", func(r *runnel.Renderer, v any) any { return localizeText(r, v, true) }).
		Filter("unlocalize", func(r *runnel.Renderer, v any) any { return localizeText(r, v, false) })
}

// localizeText is str(formats.localize(value, use_l10n=on)), what the
// localize and unlocalize filters return: text stays as it is (safe text
// stays safe), booleans are True/False, numbers and times are formatted,
// and any other value is converted with str().
func localizeText(r *runnel.Renderer, v any, on bool) any {
	switch x := v.(type) {
	case string, runnel.SafeString:
		return x
	}
	if s, ok := r.Localize(v, on); ok {
		return s
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String()
	}
	return runnel.ToString(v)
}

// Localize is Django's formats.localize for the en locale with Django's
// default settings: the text of a boolean, number or time, and false for
// any other value. The filters format with the render's language instead
// ([runnel.Renderer.Localize]).
func Localize(v any) (string, bool) {
	switch x := v.(type) {
	case bool, int, int64:
		return runnel.ToString(x), true
	case float64:
		return numberformat.Float(runnel.ToString(x)), true
	case time.Time:
		return dateformat.Format(x, "DATETIME_FORMAT"), true
	case runnel.Decimal:
		return x.Localized(), true
	case runnel.Date:
		out, _, _ := dateformat.FormatKind(time.Date(x.Year, time.Month(x.Month), x.Day, 0, 0, 0, 0, time.UTC), dateformat.Date, "DATE_FORMAT")
		return out, true
	case runnel.TimeOfDay:
		out, _ := dateformat.FormatTimeKind(time.Date(1900, 1, 1, x.Hour, x.Minute, x.Second, x.Microsecond*1000, time.UTC), dateformat.TimeOfDay, "TIME_FORMAT")
		return out, true
	case runnel.NaiveDateTime:
		out, _, _ := dateformat.FormatKind(x.In(time.UTC), dateformat.Naive, "DATETIME_FORMAT")
		return out, true
	case nil:
		return "", false
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr, reflect.Bool:
		return runnel.ToString(v), true
	case reflect.Float32, reflect.Float64:
		return numberformat.Float(runnel.ToString(v)), true
	}
	return "", false
}
