package runnel

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/runnelhq/runnel/internal/dateformat"
	"github.com/runnelhq/runnel/syntax"
)

// This file holds Django's l10n tag library ({% load l10n %}): the localize
// block tag and the localize and unlocalize filters, with the formatting of
// django.utils.formats.localize for runnel's one locale.
//
// runnel formats like Django with LANGUAGE_CODE "en" and the default
// USE_THOUSAND_SEPARATOR = False: the decimal separator is ".", numbers are
// not grouped, and dates use the en DATETIME_FORMAT ("N j, Y, P"). The
// settings Django falls back to when localization is off (DECIMAL_SEPARATOR,
// DATETIME_FORMAT, …) have the same values, so localized and unlocalized
// output are the same text; {% localize off %} only records the setting.

// init registers the l10n library.
func init() {
	lib := loadableLib("l10n")
	lib.tags["localize"] = &tagDef{shape: syntax.TagShape{End: "endlocalize"}, compile: compileLocalize}
	lib.filters["localize"] = &filterDef{arg: argNone, fn: func(_ *state, in, _ any) (any, error) {
		return localizeText(in), nil
	}}
	lib.filters["unlocalize"] = &filterDef{arg: argNone, fn: func(_ *state, in, _ any) (any, error) {
		return localizeText(in), nil
	}}
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

// localizeText is str(formats.localize(value)), what the localize and
// unlocalize filters return: text stays as it is (safe text stays safe),
// booleans are True/False, numbers and times are formatted, and any other
// value is converted with str().
func localizeText(v any) any {
	switch x := v.(type) {
	case string, SafeString:
		return x
	}
	if s, ok := localize(v); ok {
		return s
	}
	if s, ok := isString(v); ok {
		return s
	}
	return toStr(v)
}

// localize is Django's formats.localize for the en locale: the text of a
// boolean, number or time, and false for any other value.
func localize(v any) (string, bool) {
	switch x := indirect(v).(type) {
	case bool:
		return toStr(x), true
	case int:
		return toStr(x), true
	case int64:
		return toStr(x), true
	case float64:
		return numberFormatFloat(pyFloat(x)), true
	case time.Time:
		return dateformat.Format(x, "DATETIME_FORMAT"), true
	case nil:
		return "", false
	default:
		rv := reflect.ValueOf(x)
		switch rv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return toStr(x), true
		case reflect.Float32:
			return numberFormatFloat(pyFloat32(float32(rv.Float()))), true
		case reflect.Float64:
			return numberFormatFloat(pyFloat(rv.Float())), true
		case reflect.Bool:
			return toStr(rv.Bool()), true
		}
	}
	return "", false
}

// numberFormatFloat is Django's numberformat.format of a float with the en
// settings, given Python's str() of the float: a float that str() writes
// in scientific notation goes through Decimal and comes out in positional
// notation ("1e+20" → "100000000000000000000", "1e-05" → "0.00001"), unless
// it has more than 200 digits that way, when it keeps the notation.
func numberFormatFloat(repr string) string {
	mant, expS, ok := strings.Cut(repr, "e")
	if !ok {
		return repr
	}
	sign := ""
	if mant[0] == '-' {
		sign, mant = "-", mant[1:]
	}
	exp := 0
	neg := false
	for i, c := range expS {
		switch {
		case i == 0 && c == '-':
			neg = true
		case i == 0 && c == '+':
		default:
			exp = exp*10 + int(c-'0')
		}
	}
	if neg {
		exp = -exp
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	// Decimal's exponent is that of the last digit.
	lastExp := exp - len(frac)
	if lastExp < 0 {
		lastExp = -lastExp
	}
	if lastExp+len(digits) > 200 {
		return repr
	}
	point := len(intPart) + exp // digits before the decimal point
	switch {
	case point <= 0:
		return sign + "0." + strings.Repeat("0", -point) + digits
	case point >= len(digits):
		return sign + digits + strings.Repeat("0", point-len(digits))
	default:
		return sign + digits[:point] + "." + digits[point:]
	}
}

// localizeNode is {% localize on|off %}…{% endlocalize %}.
type localizeNode struct {
	on   bool
	body []node
}

// compileLocalize compiles {% localize %} ("on" when no argument is given).
func compileLocalize(c *compiler, t *syntax.TagNode) (node, error) {
	on, err := onOffArg(t)
	if err != nil {
		return nil, err
	}
	body, err := c.body(t.Branches[0])
	if err != nil {
		return nil, err
	}
	return &localizeNode{on: on, body: body}, nil
}

// render renders the body with localization on or off.
func (n *localizeNode) render(s *state) error {
	return s.withContextValue(useL10nKey{}, n.on, n.body)
}

// onOffArg reads the optional on/off argument of localize.
func onOffArg(t *syntax.TagNode) (bool, error) {
	bits := syntax.SplitContents(t.Args)
	if len(bits) == 0 {
		return true, nil
	}
	if len(bits) > 1 || (bits[0] != "on" && bits[0] != "off") {
		return false, fmt.Errorf("%s argument should be 'on' or 'off'", pyStrRepr(t.Name))
	}
	return bits[0] == "on", nil
}
