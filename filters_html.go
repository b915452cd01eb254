package runnel

import (
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
		return urlize(s, in, htmlutil.NoTrimLimit)
	})
	registerFilter("urlizetrunc", argRequired, true, func(s *state, in, arg any) (any, error) {
		limit, err := pyInt(arg)
		if err != nil {
			return nil, err
		}
		return urlize(s, in, int(max(min(limit, 1<<30), -(1<<30))))
	})
	registerFilter("json_script", argOptional, true, filterJSONScript)
}

// urlize is urlize and urlizetrunc: the text is linked a piece at a time
// (cut between words), under MaxValueBytes and the render's context.
func urlize(s *state, in any, limit int) (any, error) {
	safe := isSafe(in)
	out, err := s.mapPieces(filterStr(in), func(x string) string {
		return htmlutil.UrlizeScheme(x, safe, limit, true, s.autoescape, s.eng.settings.URLizeAssumeHTTPS)
	}, htmlutil.UrlizeBoundary)
	return SafeString(out), err
}

// normalizeNewlines turns \r\n and \r into \n.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// filterLinebreaks wraps paragraphs (separated by blank lines) in <p> and
// turns single newlines into <br>. The text is escaped when autoescaping is
// on and the input is not safe; the result is safe.
func filterLinebreaks(s *state, in, _ any) (any, error) {
	esc := s.autoescape && !isSafe(in)
	text := normalizeNewlines(filterStr(in))
	b := s.newText(len(text) + 7)
	for first := true; !b.failed(); first = false {
		// The paragraphs are split at runs of two newlines or more
		// (re.split("\n{2,}", text)), one at a time.
		p, rest, more := text, "", false
		if k := strings.Index(text, "\n\n"); k >= 0 {
			e := k + 2
			for e < len(text) && text[e] == '\n' {
				e++
			}
			p, rest, more = text[:k], text[e:], true
		}
		if !first {
			b.WriteString("\n\n")
		}
		if esc {
			p = htmlutil.Escape(p)
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(p, "\n", "<br>"))
		b.WriteString("</p>")
		if !more {
			break
		}
		text = rest
	}
	out, err := b.String()
	return SafeString(out), err
}

// filterLinebreaksbr turns newlines into <br>, escaping the text when
// autoescaping is on and the input is not safe; the result is safe.
func filterLinebreaksbr(s *state, in, _ any) (any, error) {
	esc := s.autoescape && !isSafe(in)
	out, err := s.mapChunks(filterStr(in), func(text string) string {
		text = normalizeNewlines(text)
		if esc {
			text = htmlutil.Escape(text)
		}
		return strings.ReplaceAll(text, "\n", "<br>")
	})
	return SafeString(out), err
}

// filterStriptags removes HTML tags (Django's strip_tags).
func filterStriptags(s *state, in, _ any) (any, error) {
	out, err := htmlutil.StripTagsStop(filterStr(in), s.stopper())
	if err == nil {
		err = s.isDone()
	}
	return out, err
}

// filterTruncatecharsHTML truncates HTML to the given number of characters
// of text, keeping tags balanced.
func filterTruncatecharsHTML(st *state, in, arg any) (any, error) {
	s := filterStr(in)
	n, ok := truncLen(arg)
	if !ok {
		return s, nil
	}
	out := htmlutil.TruncateStop(s, n, false, st.stopper())
	return out, st.isDone()
}

// filterTruncatewordsHTML truncates HTML after the given number of words,
// keeping tags balanced.
func filterTruncatewordsHTML(st *state, in, arg any) (any, error) {
	s := filterStr(in)
	n, ok := truncLen(arg)
	if !ok {
		return s, nil
	}
	out := htmlutil.TruncateStop(s, n, true, st.stopper())
	return out, st.isDone()
}

// filterJSONScript outputs the value as JSON inside a
// <script type="application/json"> element, with an id when the argument is
// given; <, > and & are written as \u003C, \u003E and \u0026.
func filterJSONScript(s *state, in, arg any) (any, error) {
	js, err := pyJSON(in)
	if err != nil {
		return nil, err
	}
	if err := s.checkSize(int64(len(js))); err != nil {
		return nil, err
	}
	if js, err = s.mapChunks(js, jsonScriptEscape); err != nil {
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
	b.WriteString(js)
	b.WriteString("</script>")
	return SafeString(b.String()), nil
}

// jsonScriptEscape writes <, > and & of JSON as \u003C, \u003E and \u0026.
func jsonScriptEscape(js string) string {
	if !strings.ContainsAny(js, "<>&") {
		return js
	}
	var b strings.Builder
	b.Grow(len(js) + 16)
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
	return b.String()
}
