package runnel

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/runnelhq/runnel/internal/htmlutil"
	"github.com/runnelhq/runnel/internal/pystr"
	"github.com/runnelhq/runnel/internal/slug"
	"github.com/runnelhq/runnel/internal/text"
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
	stringFilter("upper", func(_ *state, in string, _ any) (any, error) { return pystr.Upper(in), nil })
	stringFilter("lower", func(_ *state, in string, _ any) (any, error) { return pystr.Lower(in), nil })
	stringFilter("capfirst", capfirstText)
	stringFilter("truncatewords", truncatewordsText)
	appendingFilter("upper", textApp(pystr.AppendUpper))
	appendingFilter("lower", textApp(pystr.AppendLower))
	appendingFilter("truncatewords", truncatewordsApp)
	appendingFilter("title", titleApp)
	registerFilter("urlencode", argOptional, false, filterUrlencode)
	registerFilter("wordcount", argNone, false, filterWordcount)
	registerFilter("wordwrap", argRequired, true, filterWordwrap)
}

// filterAddslashes backslash-escapes backslashes and quotes.
func filterAddslashes(st *state, in, _ any) (any, error) {
	s := filterStr(in)
	if !strings.ContainsAny(s, "\\\"'") {
		return s, nil
	}
	return st.mapChunks(s, addslashes)
}

// addslashes is addslashes of text that has something to escape.
func addslashes(s string) string {
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
	return b.String()
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
	return pystr.Upper(string(r)) + s[n:], nil
}

// maxPad bounds the widths center, ljust and rjust accept (and the width
// of wordwrap), so a template cannot allocate without limit: Python would
// build a string of any width.
const maxPad = 1 << 20

// padWidth converts a padding filter's argument with int(), failing as
// Python does for bad input, and for a width over maxPad or one that would
// make the value larger than MaxValueBytes (in is the input's length).
func padWidth(s *state, arg any, in int) (int, error) {
	w, err := pyInt(arg)
	if err != nil {
		return 0, err
	}
	if w > maxPad {
		return 0, fmt.Errorf("width %d is too large (at most %d)", w, maxPad)
	}
	if w > 0 {
		if err := s.checkSize(int64(in) + w); err != nil {
			return 0, err
		}
	}
	return int(w), nil
}

// filterCenter centers the value in a field of the given width, as
// Django 5.1+ does with format(value, "^width"): an odd margin puts the
// extra space on the right.
func filterCenter(s *state, in, arg any) (any, error) {
	str := filterStr(in)
	w, err := padWidth(s, arg, len(str))
	if err != nil {
		return nil, err
	}
	return pystr.FormatCenter(str, w), nil
}

// filterLjust left-aligns the value in a field of the given width.
func filterLjust(s *state, in, arg any) (any, error) {
	str := filterStr(in)
	w, err := padWidth(s, arg, len(str))
	if err != nil {
		return nil, err
	}
	return pystr.Ljust(str, w), nil
}

// filterRjust right-aligns the value in a field of the given width.
func filterRjust(s *state, in, arg any) (any, error) {
	str := filterStr(in)
	w, err := padWidth(s, arg, len(str))
	if err != nil {
		return nil, err
	}
	return pystr.Rjust(str, w), nil
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
func filterEscapejs(s *state, in, _ any) (any, error) {
	out, err := s.mapChunks(filterStr(in), htmlutil.EscapeJS)
	return SafeString(out), err
}

// filterIriencode percent-encodes the characters of an IRI that cannot
// appear in a URI (Django's iri_to_uri).
func filterIriencode(s *state, in, _ any) (any, error) {
	return s.mapChunks(filterStr(in), func(x string) string { return htmlutil.Quote(x, "/#%[]=:;$&()+,!?*@'~") })
}

// filterUrlencode percent-encodes a value for use in a URL with Python's
// urllib.parse.quote; the optional argument lists the characters not to
// encode (default "/").
func filterUrlencode(s *state, in, arg any) (any, error) {
	safe := "/"
	if arg != nil {
		safe = toStr(arg)
	}
	return s.mapChunks(filterStr(in), func(x string) string { return htmlutil.Quote(x, safe) })
}

// filterLinenumbers numbers the lines of the text, zero-padding the numbers
// to a common width. The lines are escaped when autoescaping is on and the
// input is not safe; the result is safe.
func filterLinenumbers(s *state, in, _ any) (any, error) {
	text := filterStr(in)
	lines := strings.Split(text, "\n")
	width := len(fmt.Sprint(len(lines)))
	esc := s.autoescape && !isSafe(in)
	b := s.newText(len(text) + len(lines)*(width+2))
	var num []byte
	for i, line := range lines {
		if b.failed() {
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		num = strconv.AppendInt(num[:0], int64(i+1), 10)
		for range width - len(num) {
			b.WriteByte('0')
		}
		b.WriteString(string(num))
		b.WriteString(". ")
		if esc {
			b.WriteString(htmlutil.Escape(line))
		} else {
			b.WriteString(line)
		}
	}
	out, err := b.String()
	return SafeString(out), err
}

// filterLower lower-cases the value.
func filterLower(_ *state, in, _ any) (any, error) { return pystr.Lower(filterStr(in)), nil }

// filterUpper upper-cases the value.
func filterUpper(_ *state, in, _ any) (any, error) { return pystr.Upper(filterStr(in)), nil }

// filterMakeList turns the value's text into a list of its characters.
func filterMakeList(s *state, in, _ any) (any, error) {
	str := filterStr(in)
	if err := s.checkItems(utf8.RuneCountInString(str)); err != nil {
		return nil, err
	}
	return charList(str, false), nil
}

// filterPhone2numeric converts the letters of a phone number to their keypad
// digits (the whole text is lower-cased first, as Django does).
func filterPhone2numeric(_ *state, in, _ any) (any, error) {
	const keys = "22233344455566677778889999"
	s := pystr.Lower(filterStr(in))
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
func filterTitle(s *state, in, _ any) (any, error) {
	return s.mapWords(filterStr(in), titleText)
}

// titleText is title of text.
func titleText(in string) string {
	rs := []rune(pystr.Title(in))
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
	return string(rs)
}

// titleApp is title of ASCII text appended to b (other text takes the
// general form): Python's str.title, a letter after a lower-case letter
// and an apostrophe lowered, and a letter after a digit lowered, as
// titleText does.
func titleApp(_ *state, b []byte, in, _ any) ([]byte, bool, bool, error) {
	s, _, ok := textOf(in)
	if !ok || len(s) > 64<<10 {
		return b, false, false, nil
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return b, false, false, nil
		}
	}
	start := len(b)
	cased := false // the previous character is a letter
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
			if !cased {
				c -= 'a' - 'A'
			}
			cased = true
		case 'A' <= c && c <= 'Z':
			if cased {
				c += 'a' - 'A'
			}
			cased = true
		default:
			cased = false
		}
		b = append(b, c)
	}
	t := b[start:]
	for i := 0; i+2 < len(t); i++ {
		if 'a' <= t[i] && t[i] <= 'z' && t[i+1] == '\'' && 'A' <= t[i+2] && t[i+2] <= 'Z' {
			t[i+2] += 'a' - 'A'
			i += 2
		}
	}
	for i := 0; i+1 < len(t); i++ {
		if '0' <= t[i] && t[i] <= '9' && 'A' <= t[i+1] && t[i+1] <= 'Z' {
			t[i+1] += 'a' - 'A'
			i++
		}
	}
	return b, false, true, nil
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
	return text.TruncateChars(s, n), nil
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
	head, more := text.FirstWords(s, n)
	if more {
		return text.AddTruncation(head, " …"), nil
	}
	return head, nil
}

// truncatewordsApp is truncatewords appending to b.
func truncatewordsApp(_ *state, b []byte, in, arg any) ([]byte, bool, bool, error) {
	s, _, ok := textOf(in)
	if !ok {
		return b, false, false, nil
	}
	n, ok := truncLen(arg)
	if !ok {
		return append(b, s...), false, true, nil
	}
	if n <= 0 {
		return b, false, true, nil
	}
	start := len(b)
	b, more := text.AppendFirstWords(b, s, n)
	if more && !bytes.HasSuffix(b[start:], []byte(" …")) {
		b = append(b, " …"...)
	}
	return b, false, true, nil
}

// filterWordcount counts the words of the text (Python's
// len(str.split())), without making the list.
func filterWordcount(_ *state, in, _ any) (any, error) {
	n, inWord := 0, false
	for _, r := range filterStr(in) {
		if pystr.IsSpace(r) {
			inWord = false
		} else if !inWord {
			n, inWord = n+1, true
		}
	}
	return n, nil
}

// filterWordwrap wraps the text at the given line length with Django's
// wrap(): existing line breaks stay, long words are not broken. It works
// a piece of lines at a time, looking at the context as it goes.
func filterWordwrap(s *state, in, arg any) (any, error) {
	w, err := pyInt(arg)
	if err != nil {
		return nil, err
	}
	if w <= 0 {
		return nil, pystr.Errorf(pystr.ValueError, "invalid width %d (must be > 0)", w)
	}
	str, width := filterStr(in), int(min(w, maxPad))
	stop := func() bool { return s.isDone() != nil }
	b := s.newText(len(str))
	for len(str) > 0 && !b.failed() {
		// Lines wrap independently: a piece ends after a "\n".
		n := len(str)
		if n > textCheck {
			if k := strings.IndexByte(str[textCheck:], '\n'); k >= 0 {
				n = textCheck + k + 1
			}
		}
		b.WriteString(text.WrapStop(str[:n], width, stop))
		if err := s.isDone(); err != nil {
			return nil, err
		}
		str = str[n:]
	}
	return b.String()
}
