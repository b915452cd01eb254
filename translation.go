package runnel

import (
	"context"
	"strings"
)

// The translation state of a render, and the primitives the engine and the
// i18n library (runnel/templatetags/i18n) translate with.
//
// Translation goes through the engine's Translator (see WithTranslator). With
// none, runnel behaves like Django with translation deactivated: msgids come
// back unchanged and the plural form is chosen by n == 1. The language of a
// render is carried by its context.Context (WithLanguage, LanguageFrom).
//
// Msgids are the ones Django's runtime asks gettext for, so catalogs built
// by Django's makemessages work unchanged: _("…") doubles every "%" of the
// message ("100%" is looked up as "100%%").

// langKey is the context key of the active language. Its value is a string,
// or noLanguage when translation is deactivated ({% language None %}).
type langKey struct{}

// noLanguage marks a context in which translation is deactivated, as Django's
// translation.override(None) does.
type noLanguage struct{}

// defaultLanguageCode is the LANGUAGE_CODE of Django's default settings:
// the language of a render whose context names none, unless the engine sets
// another with WithLanguageCode.
const defaultLanguageCode = "en-us"

// langCodeKey is the context key of the engine's LANGUAGE_CODE, set on a
// render's context when the engine's differs from what the context says
// (the default, or an enclosing render's).
type langCodeKey struct{}

// WithLanguage returns a copy of ctx that selects lang as the language of the
// renders that use it, like Django's translation.activate. Translators read
// it back with [LanguageFrom]; {% get_current_language %} reports it.
func WithLanguage(ctx context.Context, lang string) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithValue(ctx, langKey{}, lang)
}

// LanguageFrom returns the language selected in ctx with [WithLanguage] or
// by an enclosing {% language %} tag; when none was, the default language
// ([LanguageCodeFrom]). It returns "" when translation is deactivated
// ([WithoutTranslation]), where Django's get_language() returns None.
func LanguageFrom(ctx context.Context) string {
	if ctx != nil {
		switch l := ctx.Value(langKey{}).(type) {
		case string:
			return l
		case noLanguage:
			return ""
		}
	}
	return LanguageCodeFrom(ctx)
}

// LanguageCodeFrom returns the default language of the render whose context
// is ctx: the engine's LANGUAGE_CODE ([WithLanguageCode]), "en-us" as in
// Django when it sets none, or outside a render. Translators fall back to it.
func LanguageCodeFrom(ctx context.Context) string {
	if ctx != nil {
		if c, ok := ctx.Value(langCodeKey{}).(string); ok {
			return c
		}
	}
	return defaultLanguageCode
}

// WithoutTranslation returns a copy of ctx in which translation is
// deactivated, as Django's translation.override(None) does ({% language None %}).
func WithoutTranslation(ctx context.Context) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithValue(ctx, langKey{}, noLanguage{})
}

// language returns the active language of the render, and false when
// translation is deactivated (Django's get_language() returning None).
func (s *state) language() (string, bool) {
	if s.ctx != nil {
		switch l := s.ctx.Value(langKey{}).(type) {
		case string:
			return l, true
		case noLanguage:
			return "", false
		}
	}
	return s.eng.LanguageCode(), true
}

// translator returns the translator in effect for the render, nil meaning
// identity (no translator configured, or translation deactivated).
func (s *state) translator() Translator {
	if s.eng.translator == nil {
		return nil
	}
	if s.ctx != nil {
		if _, off := s.ctx.Value(langKey{}).(noLanguage); off {
			return nil
		}
	}
	return s.eng.translator
}

// Language returns the active language of the render, and false when
// translation is deactivated (Django's get_language() returning None).
func (r *Renderer) Language() (lang string, active bool) { return r.s.language() }

// Translator returns the translator in effect for the render: nil when the
// engine has none or translation is deactivated (the identity).
func (r *Renderer) Translator() Translator { return r.s.translator() }

// Translator returns the engine's translator (nil when it has none).
func (e *Engine) Translator() Translator { return e.translator }

// gettext translates the text of a _("…") literal the way Django's Variable
// does: every "%" is doubled before the lookup (so "100%" is looked up, and
// returned untranslated, as "100%%"), then the message goes through gettext.
func (s *state) gettext(msg string) string {
	return Gettext(s.ctx, s.translator(), strings.ReplaceAll(msg, "%", "%%"))
}

// Gettext is Django's gettext with translator tr (nil for the identity,
// as with translation deactivated): line endings are normalized to "\n",
// and an empty message translates to "". Custom tags translate with it and
// [Renderer.Translator].
func Gettext(ctx context.Context, tr Translator, msg string) string {
	if strings.IndexByte(msg, '\r') >= 0 {
		msg = strings.ReplaceAll(strings.ReplaceAll(msg, "\r\n", "\n"), "\r", "\n")
	}
	if msg == "" || tr == nil {
		return msg
	}
	return tr.Gettext(ctx, msg)
}

// PGettext is Django's pgettext: gettext in the message context msgctxt.
// Without a translator the message is returned as given.
func PGettext(ctx context.Context, tr Translator, msgctxt, msg string) string {
	if msg == "" || tr == nil {
		return msg
	}
	if strings.IndexByte(msg, '\r') >= 0 {
		msg = strings.ReplaceAll(strings.ReplaceAll(msg, "\r\n", "\n"), "\r", "\n")
	}
	return tr.PGettext(ctx, msgctxt, msg)
}

// NGettext is Django's ngettext: the form of a message for the count n.
// Without a translator the singular is chosen exactly when n == 1, as
// Python's NullTranslations does.
func NGettext(ctx context.Context, tr Translator, singular, plural string, n any) string {
	if tr == nil {
		return nullNGettext(singular, plural, n)
	}
	return tr.NGettext(ctx, singular, plural, countInt(n))
}

// NPGettext is Django's npgettext: NGettext in the message context msgctxt.
func NPGettext(ctx context.Context, tr Translator, msgctxt, singular, plural string, n any) string {
	if tr == nil {
		return nullNGettext(singular, plural, n)
	}
	return tr.NPGettext(ctx, msgctxt, singular, plural, countInt(n))
}

func nullNGettext(singular, plural string, n any) string {
	if isOne(n) {
		return singular
	}
	return plural
}

// isOne reports whether the number n equals 1 (True counts, as in Python).
func isOne(n any) bool {
	switch x := indirect(n).(type) {
	case bool:
		return x
	case int:
		return x == 1
	}
	f, ok := toFloat(n)
	return ok && f == 1
}

// countInt converts a count to the int a Translator receives; floats are
// truncated.
func countInt(n any) int {
	i, _ := toInt(n)
	return int(i)
}
