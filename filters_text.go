package runnel

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/runnelhq/runnel/internal/htmlutil"
	"github.com/runnelhq/runnel/internal/pystr"
	"github.com/runnelhq/runnel/internal/slug"
)

// Django's string filters (the STRINGS section of
// django/template/defaultfilters.py). Like Django's @stringfilter, each
// converts its input with str() first; the engine marks the output safe when
// the filter is is_safe and the input was safe.

// init registers the string filters.
func init() {
	registerFilter("addslashes", argNone, true, filterAddslashes)
	registerFilter("capfirst", argNone, true, filterCapfirst)
	registerFilter("center", argRequired, true, filterCenter)
	registerFilter("cut", argRequired, false, filterCut)
	registerFilter("escapejs", argNone, false, filterEscapejs)
	registerFilter("iriencode", argNone, true, filterIriencode)
	registerFilter("linenumbers", argNone, true, filterLinenumbers)
	registerFilter("ljust", argRequired, true, filterLjust)
	registerFilter("lower", argNone, true, filterLower)
	registerFilter("make_list", argNone, false, filterMakeList)
	registerFilter("phone2numeric", argNone, true, filterPhone2numeric)
	registerFilter("rjust", argRequired, true, filterRjust)
	registerFilter("slugify", argNone, true, filterSlugify)
	registerFilter("title", argNone, true, filterTitle)
	registerFilter("truncatechars", argRequired, true, filterTruncatechars)
	registerFilter("truncatewords", argRequired, true, filterTruncatewords)
	registerFilter("upper", argNone, false, filterUpper)
	// Text forms of the most used string filters, called without boxing a
	// string field's value.
	stringFilter("upper", func(_ *state, in string, _ any) (any, error) { return pyUpper(in), nil })
	stringFilter("lower", func(_ *state, in string, _ any) (any, error) { return pyLower(in), nil })
	stringFilter("capfirst", capfirstText)
	stringFilter("truncatewords", truncatewordsText)
	registerFilter("urlencode", argOptional, false, filterUrlencode)
	registerFilter("wordcount", argNone, false, filterWordcount)
	registerFilter("wordwrap", argRequired, true, filterWordwrap)
}

// filterAddslashes backslash-escapes backslashes and quotes.
func filterAddslashes(_ *state, in, _ any) (any, error) {
	s := filterStr(in)
	if !strings.ContainsAny(s, "\\\"'") {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '"', '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// filterCapfirst upper-cases the first character.
func filterCapfirst(st *state, in, arg any) (any, error) {
	return capfirstText(st, filterStr(in), arg)
}

// capfirstText is capfirst for text input.
func capfirstText(_ *state, s string, _ any) (any, error) {
	if s == "" {
		return s, nil
	}
	r, n := utf8.DecodeRuneInString(s)
	return pyUpper(string(r)) + s[n:], nil
}

// pyCenter is Python's str.center with a space fill; widths count code
// points, and an odd margin puts the extra space left when width is odd.
func pyCenter(s string, width int) string {
	n := pystr.Len(s)
	if width <= n {
		return s
	}
	marg := width - n
	left := marg/2 + (marg & width & 1)
	return strings.Repeat(" ", left) + s + strings.Repeat(" ", marg-left)
}

// pyLjust is Python's str.ljust with a space fill.
func pyLjust(s string, width int) string {
	if n := pystr.Len(s); width > n {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

// pyRjust is Python's str.rjust with a space fill.
func pyRjust(s string, width int) string {
	if n := pystr.Len(s); width > n {
		return strings.Repeat(" ", width-n) + s
	}
	return s
}

// maxPad bounds the widths center, ljust and rjust accept, so a template
// cannot allocate without limit.
const maxPad = 1 << 20

// padWidth converts a padding filter's argument with int(), failing as
// Python does for bad input.
func padWidth(arg any) (int, error) {
	w, err := pyInt(arg)
	if err != nil {
		return 0, err
	}
	if w > maxPad {
		return 0, fmt.Errorf("width %d is too large", w)
	}
	return int(w), nil
}

// filterCenter centers the value in a field of the given width.
func filterCenter(_ *state, in, arg any) (any, error) {
	w, err := padWidth(arg)
	if err != nil {
		return nil, err
	}
	return pyCenter(filterStr(in), w), nil
}

// filterLjust left-aligns the value in a field of the given width.
func filterLjust(_ *state, in, arg any) (any, error) {
	w, err := padWidth(arg)
	if err != nil {
		return nil, err
	}
	return pyLjust(filterStr(in), w), nil
}

// filterRjust right-aligns the value in a field of the given width.
func filterRjust(_ *state, in, arg any) (any, error) {
	w, err := padWidth(arg)
	if err != nil {
		return nil, err
	}
	return pyRjust(filterStr(in), w), nil
}

// filterCut removes every occurrence of the argument. A safe input stays safe
// unless the argument is ";", which could break entities.
func filterCut(_ *state, in, arg any) (any, error) {
	a := argStr(arg)
	out := strings.ReplaceAll(filterStr(in), a, "")
	if isSafe(in) && a != ";" {
		return SafeString(out), nil
	}
	return out, nil
}

// filterEscapejs escapes text for use inside a JavaScript string literal,
// as Django's escapejs: \uXXXX escapes for quotes, backslash, the HTML
// specials, "=", "-", ";", "`", the line and paragraph separators and every
// C0 and C1 control character. The result is safe.
func filterEscapejs(_ *state, in, _ any) (any, error) {
	return SafeString(escapeJS(filterStr(in))), nil
}

// escapeJS is django.utils.html.escapejs.
func escapeJS(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		switch {
		case r < 0x20, r >= 0x7f && r < 0xa0, r == 0x2028, r == 0x2029:
		case r == '\\', r == '\'', r == '"', r == '>', r == '<', r == '&', r == '=', r == '-', r == ';', r == '`':
		default:
			b.WriteRune(r)
			continue
		}
		fmt.Fprintf(&b, "\\u%04X", r)
	}
	return b.String()
}

// filterIriencode percent-encodes the characters of an IRI that cannot
// appear in a URI (Django's iri_to_uri).
func filterIriencode(_ *state, in, _ any) (any, error) {
	return htmlutil.Quote(filterStr(in), "/#%[]=:;$&()+,!?*@'~"), nil
}

// filterUrlencode percent-encodes a value for use in a URL with Python's
// urllib.parse.quote; the optional argument lists the characters not to
// encode (default "/").
func filterUrlencode(_ *state, in, arg any) (any, error) {
	safe := "/"
	if arg != nil {
		safe = toStr(arg)
	}
	return htmlutil.Quote(filterStr(in), safe), nil
}

// filterLinenumbers numbers the lines of the text, zero-padding the numbers
// to a common width. The lines are escaped when autoescaping is on and the
// input is not safe; the result is safe.
func filterLinenumbers(s *state, in, _ any) (any, error) {
	text := filterStr(in)
	lines := strings.Split(text, "\n")
	width := len(fmt.Sprint(len(lines)))
	esc := s.autoescape && !isSafe(in)
	var b strings.Builder
	for i, line := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%0*d. ", width, i+1)
		if esc {
			b.WriteString(htmlutil.Escape(line))
		} else {
			b.WriteString(line)
		}
	}
	return SafeString(b.String()), nil
}

// filterLower lower-cases the value.
func filterLower(_ *state, in, _ any) (any, error) { return pyLower(filterStr(in)), nil }

// filterUpper upper-cases the value.
func filterUpper(_ *state, in, _ any) (any, error) { return pyUpper(filterStr(in)), nil }

// pyUpper is Python's str.upper(): Go's per-rune mapping plus the common
// one-to-many mappings (ß to SS, the Latin ligatures).
func pyUpper(s string) string {
	u := strings.ToUpper(s)
	if !hasSpecialCase(u) {
		return u
	}
	var b strings.Builder
	for _, r := range u {
		if x, ok := specialUpper[r]; ok {
			b.WriteString(x)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pyLower is Python's str.lower(): Go's per-rune mapping plus İ, which
// lower-cases to "i" and a combining dot.
func pyLower(s string) string {
	l := strings.ToLower(s)
	if strings.ContainsRune(s, 'İ') {
		// Go maps İ to i; Python keeps the dot as U+0307.
		var b strings.Builder
		for _, r := range s {
			if r == 'İ' {
				b.WriteString("i\u0307")
			} else {
				b.WriteRune(unicode.ToLower(r))
			}
		}
		return b.String()
	}
	return l
}

// specialUpper holds the upper-case mappings of Python that expand one
// character to several.
var specialUpper = map[rune]string{
	'ß': "SS", 'ﬀ': "FF", 'ﬁ': "FI", 'ﬂ': "FL", 'ﬃ': "FFI", 'ﬄ': "FFL", 'ﬅ': "ST", 'ﬆ': "ST", 'ŉ': "ʼN",
}

// specialTitle holds the title-case mappings of Python that expand one
// character to several.
var specialTitle = map[rune]string{
	'ß': "Ss", 'ﬀ': "Ff", 'ﬁ': "Fi", 'ﬂ': "Fl", 'ﬃ': "Ffi", 'ﬄ': "Ffl", 'ﬅ': "St", 'ﬆ': "St", 'ŉ': "ʼN",
}

// hasSpecialCase reports whether s has a character of specialUpper.
func hasSpecialCase(s string) bool {
	for _, r := range s {
		if r >= 0xdf {
			if _, ok := specialUpper[r]; ok {
				return true
			}
		}
	}
	return false
}

// filterMakeList turns the value's text into a list of its characters.
func filterMakeList(_ *state, in, _ any) (any, error) {
	s := filterStr(in)
	out := make([]any, 0, len(s))
	for _, r := range s {
		out = append(out, string(r))
	}
	return out, nil
}

// filterPhone2numeric converts the letters of a phone number to their keypad
// digits (the whole text is lower-cased first, as Django does).
func filterPhone2numeric(_ *state, in, _ any) (any, error) {
	const keys = "22233344455566677778889999"
	s := pyLower(filterStr(in))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r >= 'a' && r <= 'z' {
			b.WriteByte(keys[r-'a'])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}

// filterSlugify is Django's slugify: the text is reduced to ASCII (NFKD
// decomposition, non-ASCII dropped), lower-cased, stripped of characters that
// are not letters, digits, underscores, hyphens or spaces, and runs of
// hyphens and spaces become one hyphen; leading and trailing hyphens and
// underscores go.
func filterSlugify(_ *state, in, _ any) (any, error) {
	return SafeString(slug.Slugify(filterStr(in))), nil
}

// filterTitle is Django's title: Python's str.title(), then a letter after
// an apostrophe that follows a lower-case letter, or after a digit, is put
// back in lower case ("they're" stays "They're", "1st" stays "1st").
func filterTitle(_ *state, in, _ any) (any, error) {
	rs := []rune(pyTitle(filterStr(in)))
	for i := 0; i+2 < len(rs); i++ {
		if rs[i] >= 'a' && rs[i] <= 'z' && rs[i+1] == '\'' && rs[i+2] >= 'A' && rs[i+2] <= 'Z' {
			rs[i+2] = unicode.ToLower(rs[i+2])
			i += 2
		}
	}
	for i := 0; i+1 < len(rs); i++ {
		if unicode.IsDigit(rs[i]) && rs[i+1] >= 'A' && rs[i+1] <= 'Z' {
			rs[i+1] = unicode.ToLower(rs[i+1])
			i++
		}
	}
	return string(rs), nil
}

// pyTitle is Python's str.title(): a cased character that follows a cased
// character is lower-cased, any other is title-cased.
func pyTitle(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	prevCased := false
	for _, r := range s {
		if prevCased {
			b.WriteRune(unicode.ToLower(r))
		} else if x, ok := specialTitle[r]; ok {
			b.WriteString(x)
		} else {
			b.WriteRune(unicode.ToTitle(r))
		}
		prevCased = unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r)
	}
	return b.String()
}

// truncLen converts the argument of the truncation filters; ok is false when
// it is not an integer, in which case Django returns the value unchanged.
func truncLen(arg any) (int, bool) {
	n, err := pyInt(arg)
	if err != nil {
		return 0, false
	}
	if n > 1<<40 {
		n = 1 << 40
	}
	return int(n), true
}

// filterTruncatechars truncates the text to the given number of characters,
// the last of which is an ellipsis.
func filterTruncatechars(_ *state, in, arg any) (any, error) {
	s := filterStr(in)
	n, ok := truncLen(arg)
	if !ok {
		return s, nil
	}
	return truncateChars(s, n), nil
}

// truncateChars is Django's Truncator.chars with the default "…": combining
// characters do not count toward the length.
func truncateChars(s string, length int) string {
	if length <= 0 {
		return ""
	}
	truncLen := length - 1 // the ellipsis takes one place
	count := 0
	end := -1
	for i, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		count++
		if end < 0 && count > truncLen {
			end = i
		}
		if count > length {
			if end < 0 {
				end = 0
			}
			return addTruncation(s[:end], "…")
		}
	}
	return s
}

// addTruncation is Django's add_truncation_text: the marker is appended
// unless the text already ends with it.
func addTruncation(text, truncate string) string {
	if strings.HasSuffix(text, truncate) {
		return text
	}
	return text + truncate
}

// filterTruncatewords truncates the text after the given number of words,
// appending " …". Whitespace between words collapses to single spaces.
func filterTruncatewords(st *state, in, arg any) (any, error) {
	return truncatewordsText(st, filterStr(in), arg)
}

// truncatewordsText is truncatewords for text input.
func truncatewordsText(_ *state, s string, arg any) (any, error) {
	n, ok := truncLen(arg)
	if !ok {
		return s, nil
	}
	if n <= 0 {
		return "", nil
	}
	head, more := firstWords(s, n)
	if more {
		return addTruncation(head, " …"), nil
	}
	return head, nil
}

// firstWords joins the first n whitespace-separated words of s with single
// spaces (Python's " ".join(s.split()[:n])), reading no further than the
// start of word n+1; more reports whether there is one.
func firstWords(s string, n int) (head string, more bool) {
	var b strings.Builder
	words := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if pystr.IsSpace(r) {
			i += size
			continue
		}
		if words == n {
			return b.String(), true
		}
		j := i + size
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if pystr.IsSpace(r) {
				break
			}
			j += size
		}
		if words > 0 {
			b.WriteByte(' ')
		} else {
			b.Grow(min(len(s), 64))
		}
		b.WriteString(s[i:j])
		words++
		i = j
	}
	return b.String(), false
}

// filterWordcount counts the words of the text.
func filterWordcount(_ *state, in, _ any) (any, error) {
	return len(pystr.Split(filterStr(in))), nil
}

// filterWordwrap wraps the text at the given line length with Django's
// wrap(): existing line breaks stay, long words are not broken.
func filterWordwrap(_ *state, in, arg any) (any, error) {
	w, err := pyInt(arg)
	if err != nil {
		return nil, err
	}
	if w <= 0 {
		return nil, pystr.Errorf(pystr.ValueError, "invalid width %d (must be > 0)", w)
	}
	return wordWrap(filterStr(in), int(min(w, maxPad))), nil
}

// wordWrap is django.utils.text.wrap: each line (Python's splitlines) is
// wrapped with textwrap.TextWrapper(width, break_long_words=False,
// break_on_hyphens=False, replace_whitespace=False), a line whose wrapping is
// empty is kept as it was, and a trailing newline is kept.
func wordWrap(text string, width int) string {
	var out []string
	for _, line := range pySplitlines(text) {
		wrapped := textWrap(line, width)
		if len(wrapped) == 0 {
			out = append(out, line)
		} else {
			out = append(out, wrapped...)
		}
	}
	if strings.HasSuffix(text, "\n") {
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}

// pySplitlines is Python's str.splitlines(): lines end at \n, \r, \r\n, \v,
// \f, \x1c, \x1d, \x1e, \x85, U+2028 and U+2029, which are dropped.
func pySplitlines(s string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			lines = append(lines, s[start:i])
			if r == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				n = 2
			}
			start = i + n
		}
		i += n
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}

// textWrap is Python's TextWrapper.wrap for one line with the options
// Django's wrap uses: tabs expanded to 8 columns, chunks split on ASCII
// whitespace, whitespace dropped at line starts (except the first) and ends,
// and words longer than the width put on their own line.
func textWrap(line string, width int) []string {
	line = expandTabs(line)
	// Split into alternating word and whitespace chunks.
	var chunks []string
	isWS := func(c byte) bool {
		return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
	}
	for i := 0; i < len(line); {
		j := i
		ws := isWS(line[i])
		for j < len(line) && isWS(line[j]) == ws {
			j++
		}
		chunks = append(chunks, line[i:j])
		i = j
	}
	blank := func(s string) bool { return pystr.Strip(s) == "" }
	var lines []string
	for len(chunks) > 0 {
		var cur []string
		curLen := 0
		if len(lines) > 0 && blank(chunks[0]) {
			chunks = chunks[1:]
		}
		for len(chunks) > 0 {
			l := pystr.Len(chunks[0])
			if curLen+l > width {
				break
			}
			cur = append(cur, chunks[0])
			curLen += l
			chunks = chunks[1:]
		}
		if len(chunks) > 0 && pystr.Len(chunks[0]) > width && len(cur) == 0 {
			cur = append(cur, chunks[0])
			chunks = chunks[1:]
		}
		if len(cur) > 0 && blank(cur[len(cur)-1]) {
			cur = cur[:len(cur)-1]
		}
		if len(cur) > 0 {
			lines = append(lines, strings.Join(cur, ""))
		}
	}
	return lines
}

// expandTabs is Python's str.expandtabs() with tab stops every 8 columns.
func expandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		switch r {
		case '\t':
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
		case '\n', '\r':
			b.WriteRune(r)
			col = 0
		default:
			b.WriteRune(r)
			col++
		}
	}
	return b.String()
}
