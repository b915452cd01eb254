package runnel

import (
	"regexp"
	"strings"

	"github.com/runnelhq/runnel/internal/htmlutil"
)

// Django's HTML filters: linebreaks, linebreaksbr, striptags,
// truncatechars_html, truncatewords_html, urlize, urlizetrunc and
// json_script (escapejs is with the string filters).

// init registers the HTML filters.
func init() {
	registerFilter("linebreaks", argNone, true, filterLinebreaks)
	registerFilter("linebreaksbr", argNone, true, filterLinebreaksbr)
	registerFilter("striptags", argNone, true, filterStriptags)
	registerFilter("truncatechars_html", argRequired, true, filterTruncatecharsHTML)
	registerFilter("truncatewords_html", argRequired, true, filterTruncatewordsHTML)
	registerFilter("urlize", argNone, true, func(s *state, in, _ any) (any, error) {
		return SafeString(htmlutil.Urlize(filterStr(in), isSafe(in), htmlutil.NoTrimLimit, true, s.autoescape)), nil
	})
	registerFilter("urlizetrunc", argRequired, true, func(s *state, in, arg any) (any, error) {
		limit, err := pyInt(arg)
		if err != nil {
			return nil, err
		}
		return SafeString(htmlutil.Urlize(filterStr(in), isSafe(in), int(max(min(limit, 1<<30), -(1<<30))), true, s.autoescape)), nil
	})
	registerFilter("json_script", argOptional, true, filterJSONScript)
}

// normalizeNewlines turns \r\n and \r into \n.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// paraSplit matches the blank lines between paragraphs.
var paraSplit = regexp.MustCompile("\n{2,}")

// filterLinebreaks wraps paragraphs (separated by blank lines) in <p> and
// turns single newlines into <br>. The text is escaped when autoescaping is
// on and the input is not safe; the result is safe.
func filterLinebreaks(s *state, in, _ any) (any, error) {
	esc := s.autoescape && !isSafe(in)
	paras := paraSplit.Split(normalizeNewlines(filterStr(in)), -1)
	var b strings.Builder
	for i, p := range paras {
		if i > 0 {
			b.WriteString("\n\n")
		}
		if esc {
			p = htmlutil.Escape(p)
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(p, "\n", "<br>"))
		b.WriteString("</p>")
	}
	return SafeString(b.String()), nil
}

// filterLinebreaksbr turns newlines into <br>, escaping the text when
// autoescaping is on and the input is not safe; the result is safe.
func filterLinebreaksbr(s *state, in, _ any) (any, error) {
	text := normalizeNewlines(filterStr(in))
	if s.autoescape && !isSafe(in) {
		text = htmlutil.Escape(text)
	}
	return SafeString(strings.ReplaceAll(text, "\n", "<br>")), nil
}

// filterStriptags removes HTML tags (Django's strip_tags).
func filterStriptags(_ *state, in, _ any) (any, error) {
	return htmlutil.StripTags(filterStr(in))
}

// filterTruncatecharsHTML truncates HTML to the given number of characters
// of text, keeping tags balanced.
func filterTruncatecharsHTML(_ *state, in, arg any) (any, error) {
	s := filterStr(in)
	n, ok := truncLen(arg)
	if !ok {
		return s, nil
	}
	return htmlutil.Truncate(s, n, false), nil
}

// filterTruncatewordsHTML truncates HTML after the given number of words,
// keeping tags balanced.
func filterTruncatewordsHTML(_ *state, in, arg any) (any, error) {
	s := filterStr(in)
	n, ok := truncLen(arg)
	if !ok {
		return s, nil
	}
	return htmlutil.Truncate(s, n, true), nil
}

// filterJSONScript outputs the value as JSON inside a
// <script type="application/json"> element, with an id when the argument is
// given; <, > and & are written as \u003C, \u003E and \u0026.
func filterJSONScript(_ *state, in, arg any) (any, error) {
	js, err := pyJSON(in)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.Grow(len(js) + 48)
	b.WriteString("<script")
	if truthy(arg) {
		b.WriteString(` id="`)
		b.WriteString(string(conditionalEscape(arg)))
		b.WriteString(`"`)
	}
	b.WriteString(` type="application/json">`)
	for i := 0; i < len(js); i++ {
		switch c := js[i]; c {
		case '<':
			b.WriteString(`\u003C`)
		case '>':
			b.WriteString(`\u003E`)
		case '&':
			b.WriteString(`\u0026`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString("</script>")
	return SafeString(b.String()), nil
}
