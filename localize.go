package runnel

import "context"

// The localization setting of a render: whether values are localized when
// displayed ({% localize on|off %}, Django's use_l10n). The tag and the
// localize filters are the l10n library, runnel/templatetags/l10n.
//
// runnel formats like Django with LANGUAGE_CODE "en" and the default
// USE_THOUSAND_SEPARATOR = False: the decimal separator is ".", numbers are
// not grouped, and dates use the en DATETIME_FORMAT ("N j, Y, P"). The
// settings Django falls back to when localization is off (DECIMAL_SEPARATOR,
// DATETIME_FORMAT, …) have the same values, so localized and unlocalized
// output are the same text; {% localize off %} only records the setting.

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
