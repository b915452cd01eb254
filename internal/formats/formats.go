// Package formats holds the format settings of the locales Django ships
// (django/conf/locale/<locale>/formats.py), generated into zformats.go by
// gen/gen.py, and the lookup of django.utils.formats.get_format: the
// settings of a language's locale, then of its base language, then the
// project's settings.
//
// go generate runs gen/gen.py with the Django that python3 imports; where it
// imports none, give the generator a django/conf/locale directory:
//
//	python3 gen/gen.py /usr/lib/python3/dist-packages/django/conf/locale -o zformats.go && gofmt -w zformats.go
package formats

import (
	"strconv"
	"strings"
)

//go:generate sh -c "python3 gen/gen.py -o zformats.go && gofmt -w zformats.go"

// Set records which settings a Locale has, one bit for each.
type Set uint16

// The bits of Set, one for each setting get_format knows.
const (
	HasDateFormat Set = 1 << iota
	HasDatetimeFormat
	HasTimeFormat
	HasYearMonthFormat
	HasMonthDayFormat
	HasShortDateFormat
	HasShortDatetimeFormat
	HasFirstDayOfWeek
	HasDecimalSeparator
	HasThousandSeparator
	HasNumberGrouping
	HasDateInputFormats
	HasTimeInputFormats
	HasDatetimeInputFormats

	// HasAll is every setting.
	HasAll Set = 1<<iota - 1
)

// Locale is the format settings of one locale (a formats.py module), or,
// with every bit of Set, a complete set of settings.
type Locale struct {
	Set Set // which of the settings below the locale has

	DateFormat          string // DATE_FORMAT
	DatetimeFormat      string // DATETIME_FORMAT
	TimeFormat          string // TIME_FORMAT
	YearMonthFormat     string // YEAR_MONTH_FORMAT
	MonthDayFormat      string // MONTH_DAY_FORMAT
	ShortDateFormat     string // SHORT_DATE_FORMAT
	ShortDatetimeFormat string // SHORT_DATETIME_FORMAT
	FirstDayOfWeek      int    // FIRST_DAY_OF_WEEK, 0 is Sunday
	DecimalSeparator    string // DECIMAL_SEPARATOR
	ThousandSeparator   string // THOUSAND_SEPARATOR
	// NumberGrouping is NUMBER_GROUPING as a sequence of group sizes from
	// the decimal point on (an integer n is []int{n}); GroupingSeq records
	// that the setting was a sequence, for its text.
	NumberGrouping []int
	GroupingSeq    bool

	DateInputFormats     []string // DATE_INPUT_FORMATS
	TimeInputFormats     []string // TIME_INPUT_FORMATS
	DatetimeInputFormats []string // DATETIME_INPUT_FORMATS
}

// Defaults are Django's global settings for the formats
// (django/conf/global_settings.py).
var Defaults = Locale{
	Set:                 HasAll,
	DateFormat:          "N j, Y",
	DatetimeFormat:      "N j, Y, P",
	TimeFormat:          "P",
	YearMonthFormat:     "F Y",
	MonthDayFormat:      "F j",
	ShortDateFormat:     "m/d/Y",
	ShortDatetimeFormat: "m/d/Y P",
	FirstDayOfWeek:      0,
	DecimalSeparator:    ".",
	ThousandSeparator:   ",",
	NumberGrouping:      []int{0},
	DateInputFormats: []string{
		"%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%b %d %Y", "%b %d, %Y", "%d %b %Y",
		"%d %b, %Y", "%B %d %Y", "%B %d, %Y", "%d %B %Y", "%d %B, %Y",
	},
	TimeInputFormats: []string{"%H:%M:%S", "%H:%M:%S.%f", "%H:%M"},
	DatetimeInputFormats: []string{
		"%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M",
		"%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S.%f", "%m/%d/%Y %H:%M",
		"%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M:%S.%f", "%m/%d/%y %H:%M",
	},
}

// Get returns the format settings of the locale named as Django names
// them ("de", "pt_BR", "zh_Hans"), or nil when Django ships none.
func Get(locale string) *Locale { return locales[locale] }

// Locales returns the names of the locales that have format settings.
func Locales() []string {
	out := make([]string, 0, len(locales))
	for k := range locales {
		out = append(out, k)
	}
	return out
}

// ToLocale is Django's translation.to_locale: a language code such as
// "pt-br" or "sr-latn" as a locale name, "pt_BR" or "sr_Latn".
func ToLocale(lang string) string {
	low := strings.ToLower(lang)
	l, country, ok := strings.Cut(low, "-")
	if !ok {
		if len(lang) <= 3 {
			return low
		}
		return low[:3] + lang[3:]
	}
	country, tail, hasTail := strings.Cut(country, "-")
	if len(country) > 2 {
		country = strings.ToUpper(country[:1]) + country[1:]
	} else {
		country = strings.ToUpper(country)
	}
	if hasTail {
		country += "-" + tail
	}
	return l + "_" + country
}

// For returns the settings of language lang (a language code, "de-at")
// as get_format finds them: each setting from the language's locale
// (de_AT), else from its base language (de), else from fallback, which
// should have every setting. The result has every setting fallback has.
func For(lang string, fallback *Locale) *Locale {
	loc := ToLocale(lang)
	chain := make([]*Locale, 0, 2)
	if l := locales[loc]; l != nil {
		chain = append(chain, l)
	}
	if base, _, ok := strings.Cut(loc, "_"); ok {
		if l := locales[base]; l != nil {
			chain = append(chain, l)
		}
	}
	if len(chain) == 0 {
		return fallback
	}
	out := *fallback
	for i := len(chain) - 1; i >= 0; i-- {
		out.merge(chain[i])
	}
	return &out
}

// merge copies the settings l has into m.
func (m *Locale) merge(l *Locale) {
	has := func(b Set) bool { return l.Set&b != 0 }
	if has(HasDateFormat) {
		m.DateFormat = l.DateFormat
	}
	if has(HasDatetimeFormat) {
		m.DatetimeFormat = l.DatetimeFormat
	}
	if has(HasTimeFormat) {
		m.TimeFormat = l.TimeFormat
	}
	if has(HasYearMonthFormat) {
		m.YearMonthFormat = l.YearMonthFormat
	}
	if has(HasMonthDayFormat) {
		m.MonthDayFormat = l.MonthDayFormat
	}
	if has(HasShortDateFormat) {
		m.ShortDateFormat = l.ShortDateFormat
	}
	if has(HasShortDatetimeFormat) {
		m.ShortDatetimeFormat = l.ShortDatetimeFormat
	}
	if has(HasFirstDayOfWeek) {
		m.FirstDayOfWeek = l.FirstDayOfWeek
	}
	if has(HasDecimalSeparator) {
		m.DecimalSeparator = l.DecimalSeparator
	}
	if has(HasThousandSeparator) {
		m.ThousandSeparator = l.ThousandSeparator
	}
	if has(HasNumberGrouping) {
		m.NumberGrouping, m.GroupingSeq = l.NumberGrouping, l.GroupingSeq
	}
	if has(HasDateInputFormats) {
		m.DateInputFormats = l.DateInputFormats
	}
	if has(HasTimeInputFormats) {
		m.TimeInputFormats = l.TimeInputFormats
	}
	if has(HasDatetimeInputFormats) {
		m.DatetimeInputFormats = l.DatetimeInputFormats
	}
	m.Set |= l.Set
}

// Named is get_format(name) as the date and time filters use it: the
// value of the setting name ("SHORT_DATE_FORMAT") as text, and false when
// name is not a setting (the filters then take it as the format itself).
// The scalar settings come as Python's str() of them ("1", "(3, 2, 0)");
// the input formats, lists, as str() of a list.
func (m *Locale) Named(name string) (string, bool) {
	switch name {
	case "DATE_FORMAT":
		return m.DateFormat, true
	case "DATETIME_FORMAT":
		return m.DatetimeFormat, true
	case "TIME_FORMAT":
		return m.TimeFormat, true
	case "YEAR_MONTH_FORMAT":
		return m.YearMonthFormat, true
	case "MONTH_DAY_FORMAT":
		return m.MonthDayFormat, true
	case "SHORT_DATE_FORMAT":
		return m.ShortDateFormat, true
	case "SHORT_DATETIME_FORMAT":
		return m.ShortDatetimeFormat, true
	case "FIRST_DAY_OF_WEEK":
		return strconv.Itoa(m.FirstDayOfWeek), true
	case "DECIMAL_SEPARATOR":
		return m.DecimalSeparator, true
	case "THOUSAND_SEPARATOR":
		return m.ThousandSeparator, true
	case "NUMBER_GROUPING":
		return groupingText(m.NumberGrouping, m.GroupingSeq), true
	case "DATE_INPUT_FORMATS":
		return listText(m.DateInputFormats), true
	case "TIME_INPUT_FORMATS":
		return listText(m.TimeInputFormats), true
	case "DATETIME_INPUT_FORMATS":
		return listText(m.DatetimeInputFormats), true
	}
	return "", false
}

// groupingText is str() of NUMBER_GROUPING: "3", or a tuple "(3, 2, 0)".
func groupingText(g []int, seq bool) string {
	if !seq && len(g) == 1 {
		return strconv.Itoa(g[0])
	}
	parts := make([]string, len(g))
	for i, n := range g {
		parts[i] = strconv.Itoa(n)
	}
	if len(g) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// listText is str() of a list of ASCII strings: ['%Y-%m-%d', '%H:%M'].
func listText(l []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, s := range l {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('\'')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `'`, `\'`))
		b.WriteByte('\'')
	}
	b.WriteByte(']')
	return b.String()
}
