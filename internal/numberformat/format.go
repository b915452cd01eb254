package numberformat

import "strings"

// Separators are the settings Django's numberformat.format writes numbers
// with: DECIMAL_SEPARATOR, THOUSAND_SEPARATOR and NUMBER_GROUPING as
// formats.get_format finds them, and whether the thousands are grouped
// without being asked (USE_THOUSAND_SEPARATOR, for localized output).
type Separators struct {
	Decimal  string
	Thousand string
	// Grouping is NUMBER_GROUPING as a sequence of group sizes from the
	// decimal point on: []int{3} groups every three digits, []int{3, 2, 0}
	// three then every two, and a -1 ends the grouping; nil or []int{0}
	// never groups.
	Grouping []int
	// UseThousand groups numbers that are not forced to be grouped
	// (USE_THOUSAND_SEPARATOR with localization on).
	UseThousand bool
}

// EN is the separators of Django's en locale with the default settings:
// "." and "," every three digits, grouping only when forced.
var EN = &Separators{Decimal: ".", Thousand: ",", Grouping: []int{3}}

// Plain is the separators of Django's default settings, used when
// localization is off: "." and no grouping.
var Plain = &Separators{Decimal: ".", Thousand: ",", Grouping: []int{0}}

// groups reports whether numbers are grouped: when forced (floatformat's
// "g", intcomma) or by USE_THOUSAND_SEPARATOR, and NUMBER_GROUPING is not 0.
func (s *Separators) groups(force bool) bool {
	if !force && !s.UseThousand {
		return false
	}
	return len(s.Grouping) > 0 && !(len(s.Grouping) == 1 && s.Grouping[0] == 0)
}

// IsEN reports whether s writes numbers as EN does (so text made for the
// en locale needs no change).
func (s *Separators) IsEN() bool {
	return s.Decimal == "." && !s.UseThousand && (s.Thousand == "," && len(s.Grouping) == 1 && s.Grouping[0] == 3)
}

// Number is numberformat.format of a number already written in positional
// notation ("-1234.5", the str() or "{:f}" of the number): the decimal
// point becomes the decimal separator and the integer part is grouped when
// force or UseThousand asks for it.
func (s *Separators) Number(text string, force bool) string {
	if s.Decimal == "." && !s.groups(force) {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + len(text)/2)
	s.write(&b, text, force)
	return b.String()
}

// write writes Number(text, force) to b.
func (s *Separators) write(b *strings.Builder, text string, force bool) {
	if strings.HasPrefix(text, "-") {
		b.WriteByte('-')
		text = text[1:]
	}
	intPart, dec, hasDec := strings.Cut(text, ".")
	if s.groups(force) {
		s.writeGrouped(b, intPart)
	} else {
		b.WriteString(intPart)
	}
	if hasDec && dec != "" {
		b.WriteString(s.Decimal)
		b.WriteString(dec)
	}
}

// writeGrouped writes integer digits with the thousand separator between
// groups, the group sizes taken from the decimal point leftwards.
func (s *Separators) writeGrouped(b *strings.Builder, digits string) {
	// Mark where separators go, scanning from the right as Django does.
	n := len(digits)
	cuts := make([]bool, n+1) // cuts[i]: a separator before digits[i]
	intervals := s.Grouping
	active := intervals[0]
	intervals = intervals[1:]
	cnt := 0
	for i := n - 1; i >= 0; i-- {
		if cnt != 0 && cnt == active {
			if len(intervals) > 0 {
				if intervals[0] != 0 {
					active = intervals[0]
				}
				intervals = intervals[1:]
			}
			cuts[i+1] = true
			cnt = 0
		}
		cnt++
	}
	for i := 0; i < n; i++ {
		if cuts[i] {
			b.WriteString(s.Thousand)
		}
		b.WriteByte(digits[i])
	}
}

// Float is Django's numberformat.format of a float given Python's str()
// of it, with these separators: Float's positional text, or, for numbers of
// more than 200 digits, the coefficient of the scientific notation
// formatted and the exponent kept ("1,5e+300").
func (s *Separators) Float(repr string) string {
	text := Float(repr)
	if mant, exp, ok := strings.Cut(text, "e"); ok {
		return s.Number(mant, false) + "e" + exp
	}
	switch text {
	case "inf", "-inf", "nan":
		return text
	}
	return s.Number(text, false)
}
