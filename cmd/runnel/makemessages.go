package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/internal/pystr"
	"github.com/runnelhq/runnel/syntax"
)

// makemessages extracts the translatable strings of a template tree into a
// .pot file, with the msgids Django's makemessages writes for the same
// templates (its templatize, then xgettext): those of {% translate %},
// {% blocktranslate %} and _("…"), with their locations and translator
// comments.

const makemessagesUsage = `usage: runnel makemessages [-o FILE] [-ext LIST] DIR

Extracts the translatable strings of the templates under DIR into a .pot
file (a gettext template), as Django's makemessages does for templates:
{% translate "…" %} / {% trans %} (with context "…"; noop and as var make no
difference), the text of {% blocktranslate %} / {% blocktrans %} with its
variables as %(name)s, "%" doubled, count … {% plural %} as msgid_plural,
context "…" and trimmed, and _("…") in variables, filter arguments and tag
arguments. Comments that start with "Translators" ({# Translators: … #} as
the last item of its line, or in {% comment %}) become "#." comments of the
next message. Messages are merged by context and msgid, with every
"#: DIR/path:line" location. Initialize or update catalogs from the .pot
with msginit / msgmerge (GNU gettext), or let Django's makemessages merge
it. Directories whose names start with "." are skipped.

flags:
`

func makemessages(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("makemessages", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() {
		fmt.Fprint(stderr, makemessagesUsage)
		fl.PrintDefaults()
	}
	out := fl.String("o", "", "write the .pot to `FILE` (default: standard output)")
	extList := fl.String("ext", strings.Join(runnel.DefaultTemplateExts, ","), "comma-separated file endings of the templates to read")
	if err := fl.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fl.NArg() != 1 {
		fl.Usage()
		return 2
	}
	root := fl.Arg(0)
	fsys := os.DirFS(root)
	names, err := runnel.TemplateFiles(fsys, strings.Split(*extList, ","))
	if err != nil {
		fmt.Fprintf(stderr, "runnel: %v\n", err)
		return 1
	}
	cat := &potCatalog{index: map[string]*potEntry{}}
	bad := 0
	for _, n := range names {
		src, err := readFile(fsys, n)
		if err != nil {
			fmt.Fprintf(stderr, "runnel: %v\n", err)
			return 1
		}
		// Locations are written as DIR/path, as Django's (run from the
		// project's root) are.
		loc := path.Join(strings.ReplaceAll(root, string(os.PathSeparator), "/"), n)
		for _, e := range extractMessages(loc, src, cat.add, func(w string) { fmt.Fprintf(stderr, "runnel: warning: %s\n", w) }) {
			bad++
			fmt.Fprintf(stderr, "runnel: %v\n", e)
		}
	}
	if bad > 0 {
		return 1
	}
	w := stdout
	var f *os.File
	if *out != "" && *out != "-" {
		if f, err = os.Create(*out); err != nil {
			fmt.Fprintf(stderr, "runnel: %v\n", err)
			return 1
		}
		w = f
	}
	bw := bufio.NewWriter(w)
	cat.write(bw, potNow())
	err = bw.Flush()
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "runnel: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "%d templates read, %d messages\n", len(names), len(cat.entries))
	return 0
}

// potNow is the clock of the header's POT-Creation-Date (a test sets it).
var potNow = time.Now

// message is one translatable string found in a template.
type message struct {
	ctx       string
	hasCtx    bool
	id        string
	plural    string
	hasPlural bool
	loc       string   // path:line
	comments  []string // translator comments, one a line
}

// extractMessages finds the messages of the template src (named loc in
// locations), as Django's templatize marks them for xgettext, and passes
// them to add in order. It returns the template's errors (a block tag
// inside {% blocktranslate %}); warn receives the translator comments that
// are ignored.
func extractMessages(loc, src string, add func(message), warn func(string)) []error {
	var errs []error
	toks := syntax.Lex(src)

	// Translator comments wait for the next message: xgettext gives a
	// comment to the first message after it, unless a line with other code
	// ends between them.
	var pending []string
	codeLine := 0 // the first line with code after the pending comment
	code := func(line int) {
		if pending == nil {
			return
		}
		if codeLine == 0 {
			codeLine = line
		} else if line > codeLine {
			pending, codeLine = nil, 0
		}
	}
	emit := func(m message, line int) {
		code(line)
		if pending != nil {
			m.comments, pending, codeLine = pending, nil, 0
		}
		m.loc = loc + ":" + strconv.Itoa(line)
		add(m)
	}
	// The translator comments ({# Translators … #}) of a line, kept only if
	// they are the last item on it.
	var lineComments []string
	lineCommentsAt := 0

	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if lineComments != nil {
			end := t.Pos.Line + strings.Count(t.Raw, "\n")
			if t.Kind == syntax.TokenText {
				end = t.Pos.Line + strings.Count(t.Contents, "\n")
			}
			if end == lineCommentsAt {
				if t.Kind != syntax.TokenComment {
					for _, c := range lineComments {
						warn(fmt.Sprintf("%s:%d: the translator comment %q was ignored: it is not the last item on its line", loc, lineCommentsAt, c))
					}
					lineComments = nil
				}
			} else {
				pending, codeLine = append(pending, strings.Join(lineComments, " | ")), 0
				lineComments = nil
			}
		}
		switch t.Kind {
		case syntax.TokenText:
			if j := strings.IndexFunc(t.Contents, func(r rune) bool { return !unicode.IsSpace(r) }); j >= 0 {
				code(t.Pos.Line + strings.Count(t.Contents[:j], "\n"))
			}
		case syntax.TokenVar:
			varMessages(t, emit, code)
		case syntax.TokenComment:
			if strings.HasPrefix(strings.TrimLeftFunc(t.Contents, unicode.IsSpace), "Translators") {
				if lineComments == nil {
					lineCommentsAt = t.Pos.Line
				}
				lineComments = append(lineComments, t.Contents)
			}
		case syntax.TokenBlock:
			bits := syntax.SplitContents(t.Contents)
			switch {
			case len(bits) >= 2 && (bits[0] == "translate" || bits[0] == "trans") && isQuoted(bits[1]):
				translateMessage(t, bits, emit)
			case len(bits) >= 1 && (bits[0] == "blocktranslate" || bits[0] == "blocktrans"):
				end, err := blockMessage(loc, toks, i, bits, emit)
				if err != nil {
					errs = append(errs, err)
				}
				i = end
			case t.Contents == "comment":
				end, text := commentBlock(toks, i)
				i = end
				if text != nil {
					pending, codeLine = append(pending, text...), 0
				}
			default:
				if !tagMessages(t, bits, emit) {
					code(t.Pos.Line)
				}
			}
		}
	}
	return errs
}

// isQuoted reports whether a tag argument starts as a string literal.
func isQuoted(bit string) bool { return bit != "" && (bit[0] == '"' || bit[0] == '\'') }

// translateMessage is {% translate "text" [filters] [context "ctx"] … %}:
// the literal, its "%" doubled (as the tag looks it up), with the context
// when it is a literal.
func translateMessage(t syntax.Token, bits []string, emit func(message, int)) {
	fe, err := syntax.ParseFilterExpr(bits[1])
	if err != nil || fe.Var == nil || !fe.Var.IsString || fe.Var.Translate {
		return
	}
	m := message{id: strings.ReplaceAll(fe.Var.Literal.(string), "%", "%%")}
	for j := 2; j+1 < len(bits); j++ {
		if bits[j] == "context" {
			if c, ok := syntax.UnquoteString(bits[j+1]); ok {
				m.ctx, m.hasCtx = c, true
			}
			break
		}
	}
	emit(m, t.Pos.Line)
}

// translated returns the text of a _("…") operand.
func translated(v *syntax.Variable) (string, bool) {
	if v == nil || !v.Translate || !v.IsString {
		return "", false
	}
	s, ok := v.Literal.(string)
	return s, ok
}

// varMessages finds _("…") in a {{ variable }}: as its operand and as
// filter arguments. Its filters are code, for translator comments.
func varMessages(t syntax.Token, emit func(message, int), code func(int)) {
	fe, err := syntax.ParseFilterExpr(t.Contents)
	if err != nil {
		return
	}
	if s, ok := translated(fe.Var); ok {
		emit(message{id: s}, t.Pos.Line)
	}
	for _, f := range fe.Filters {
		if s, ok := translated(f.Arg); ok {
			emit(message{id: s}, t.Pos.Line)
		} else {
			code(t.Pos.Line)
		}
	}
}

// tagMessages finds _("…") in the arguments of another tag (a keyword
// argument's value, a filter argument), and reports whether it found any.
func tagMessages(t syntax.Token, bits []string, emit func(message, int)) bool {
	found := false
	for _, bit := range bits[min(1, len(bits)):] {
		if !strings.Contains(bit, "_(") {
			continue
		}
		if k := strings.IndexByte(bit, '='); k > 0 && !isQuoted(bit) && !strings.HasPrefix(bit, "_(") {
			bit = bit[k+1:]
		}
		fe, err := syntax.ParseFilterExpr(bit)
		if err != nil {
			continue
		}
		if s, ok := translated(fe.Var); ok {
			emit(message{id: s}, t.Pos.Line)
			found = true
		}
		for _, f := range fe.Filters {
			if s, ok := translated(f.Arg); ok {
				emit(message{id: s}, t.Pos.Line)
				found = true
			}
		}
	}
	return found
}

// blockMessage reads {% blocktranslate %}…{% endblocktranslate %} starting
// at toks[i], emits its _("…") arguments and its message, and returns the
// index of its end tag.
func blockMessage(loc string, toks []syntax.Token, i int, bits []string, emit func(message, int)) (int, error) {
	open := toks[i]
	tagMessages(open, bits, emit)
	var m message
	trimmed := false
	for j := 1; j < len(bits); j++ {
		switch bits[j] {
		case "trimmed":
			trimmed = true
		case "context":
			if j+1 < len(bits) {
				if c, ok := syntax.UnquoteString(bits[j+1]); ok {
					m.ctx, m.hasCtx = c, true
				}
			}
		}
	}
	var singular, plural strings.Builder
	cur := &singular
	for i++; i < len(toks); i++ {
		t := toks[i]
		switch t.Kind {
		case syntax.TokenText:
			cur.WriteString(strings.ReplaceAll(t.Contents, "%", "%%"))
		case syntax.TokenVar:
			cur.WriteString("%(" + t.Contents + ")s")
		case syntax.TokenBlock:
			switch t.Contents {
			case "plural":
				m.hasPlural = true
				cur = &plural
				continue
			case "endblocktranslate", "endblocktrans":
				m.id, m.plural = singular.String(), plural.String()
				if trimmed {
					m.id, m.plural = pystr.TrimWhitespace(m.id), pystr.TrimWhitespace(m.plural)
				}
				emit(m, open.Pos.Line)
				return i, nil
			}
			return i, fmt.Errorf("%s:%d: translation blocks must not include other block tags: %s", loc, t.Pos.Line, t.Contents)
		}
	}
	return i, fmt.Errorf("%s:%d: %s is not closed", loc, open.Pos.Line, bits[0])
}

// commentBlock reads {% comment %}…{% endcomment %} starting at toks[i],
// and returns the index of its end tag and its translator comment: its
// lines from the last one that starts with "Translators" on (nil without
// one).
func commentBlock(toks []syntax.Token, i int) (int, []string) {
	var b strings.Builder
	for i++; i < len(toks); i++ {
		t := toks[i]
		if t.Kind == syntax.TokenBlock && t.Contents == "endcomment" {
			break
		}
		b.WriteString(t.Contents)
	}
	lines := strings.SplitAfter(b.String(), "\n")
	start := -1
	for k, l := range lines {
		if strings.HasPrefix(strings.TrimLeftFunc(l, unicode.IsSpace), "Translators") {
			start = k
		}
	}
	if start < 0 {
		return i, nil
	}
	var out []string
	for _, l := range lines[start:] {
		if l != "" {
			out = append(out, strings.TrimFunc(l, unicode.IsSpace))
		}
	}
	return i, out
}

// potEntry is a message of the .pot: the merge of its occurrences.
type potEntry struct {
	message
	locs     []string
	comments []string
}

// potCatalog collects the messages in the order they are first found.
type potCatalog struct {
	entries []*potEntry
	index   map[string]*potEntry // by context and msgid
}

func (c *potCatalog) add(m message) {
	k := m.id
	if m.hasCtx {
		k = m.ctx + "\x04" + m.id
	}
	e := c.index[k]
	if e == nil {
		e = &potEntry{message: m}
		c.index[k] = e
		c.entries = append(c.entries, e)
	}
	if m.hasPlural && !e.hasPlural {
		e.hasPlural, e.plural = true, m.plural
	}
	if !contains(e.locs, m.loc) {
		e.locs = append(e.locs, m.loc)
	}
	for _, cm := range m.comments {
		if !contains(e.comments, cm) {
			e.comments = append(e.comments, cm)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// write writes the catalog as xgettext writes a .pot: its template header,
// then the entries with their comments, locations and python-format flag.
func (c *potCatalog) write(w *bufio.Writer, now time.Time) {
	fmt.Fprintf(w, `# SOME DESCRIPTIVE TITLE.
# Copyright (C) YEAR THE PACKAGE'S COPYRIGHT HOLDER
# This file is distributed under the same license as the PACKAGE package.
# FIRST AUTHOR <EMAIL@ADDRESS>, YEAR.
#
#, fuzzy
msgid ""
msgstr ""
"Project-Id-Version: PACKAGE VERSION\n"
"Report-Msgid-Bugs-To: \n"
"POT-Creation-Date: %s\n"
"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\n"
"Last-Translator: FULL NAME <EMAIL@ADDRESS>\n"
"Language-Team: LANGUAGE <LL@li.org>\n"
"Language: \n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
`, now.Format("2006-01-02 15:04-0700"))
	for _, e := range c.entries {
		if e.hasPlural { // xgettext's header asks for a plural rule only then
			w.WriteString(`"Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;\n"` + "\n")
			break
		}
	}
	for _, e := range c.entries {
		w.WriteString("\n")
		for _, cm := range e.comments {
			w.WriteString("#. " + cm + "\n")
		}
		// Locations, several to a line of at most 79 columns as xgettext
		// writes them.
		line := "#:"
		for _, l := range e.locs {
			if len(line) > 2 && len(line)+1+len(l) > 79 {
				w.WriteString(line + "\n")
				line = "#:"
			}
			line += " " + l
		}
		w.WriteString(line + "\n")
		if pythonFormat(e.id) || (e.hasPlural && pythonFormat(e.plural)) {
			w.WriteString("#, python-format\n")
		}
		if e.hasCtx {
			writePOString(w, "msgctxt", e.ctx)
		}
		writePOString(w, "msgid", e.id)
		if e.hasPlural {
			writePOString(w, "msgid_plural", e.plural)
			w.WriteString("msgstr[0] \"\"\nmsgstr[1] \"\"\n")
		} else {
			w.WriteString("msgstr \"\"\n")
		}
	}
}

// writePOString writes a keyword and its string, escaped as in a PO file;
// a string with a line break inside is written one line of it a line.
func writePOString(w *bufio.Writer, keyword, s string) {
	w.WriteString(keyword + " ")
	if i := strings.IndexByte(s, '\n'); i >= 0 && i < len(s)-1 {
		w.WriteString("\"\"\n")
		for _, part := range strings.SplitAfter(s, "\n") {
			if part != "" {
				w.WriteString(poQuote(part) + "\n")
			}
		}
		return
	}
	w.WriteString(poQuote(s) + "\n")
}

// poQuote quotes s as a PO string, with C's escapes.
func poQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\v':
			b.WriteString(`\v`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(&b, `\%03o`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// pythonFormat reports whether s is a Python %-format string with at least
// one directive ("%(name)s", "%d", "%%"), for which xgettext adds the
// python-format flag.
func pythonFormat(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		i++
		if i < len(s) && s[i] == '(' {
			depth := 1
			for i++; i < len(s) && depth > 0; i++ {
				switch s[i] {
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			if depth > 0 {
				return false
			}
		}
		for i < len(s) && strings.IndexByte("#0- +", s[i]) >= 0 {
			i++
		}
		for i < len(s) && (s[i] == '*' || s[i] >= '0' && s[i] <= '9') {
			i++
		}
		if i < len(s) && s[i] == '.' {
			for i++; i < len(s) && (s[i] == '*' || s[i] >= '0' && s[i] <= '9'); i++ {
			}
		}
		if i < len(s) && strings.IndexByte("hlL", s[i]) >= 0 {
			i++
		}
		if i == len(s) || strings.IndexByte("diouxXeEfFgGcrsa%", s[i]) < 0 {
			return false
		}
		n++
	}
	return n > 0
}

// readFile reads a template's source.
func readFile(fsys fs.FS, name string) (string, error) {
	b, err := fs.ReadFile(fsys, name)
	return string(b), err
}
