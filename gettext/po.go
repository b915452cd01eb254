package gettext

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// file is one parsed catalog: its messages and its plural rule.
type file struct {
	name    string
	plural  pluralFunc
	singles map[string]string   // key: msgid, or msgctxt "\x04" msgid
	plurals map[string][]string // key: the singular msgid, with the context as above
}

func newFile(name string) *file {
	return &file{name: name, plural: germanic, singles: map[string]string{}, plurals: map[string][]string{}}
}

// key is the catalog key of a message, as gettext stores a msgctxt.
func key(msgctxt string, hasCtx bool, msgid string) string {
	if !hasCtx {
		return msgid
	}
	return msgctxt + "\x04" + msgid
}

// header reads the catalog's header entry (the msgstr of msgid ""): its
// Plural-Forms and its charset, which must be UTF-8 (or ASCII).
func (f *file) header(h string) error {
	for _, line := range strings.Split(h, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "plural-forms":
			p, err := parsePluralForms(v)
			if err != nil {
				return err
			}
			f.plural = p
		case "content-type":
			_, cs, ok := strings.Cut(strings.ToLower(v), "charset=")
			if !ok {
				continue
			}
			switch cs = strings.TrimSpace(cs); cs {
			case "utf-8", "utf8", "ascii", "us-ascii", "charset": // "CHARSET": a template's placeholder
			default:
				return fmt.Errorf("charset %q is not supported: convert the catalog to UTF-8 (msgconv -t UTF-8)", cs)
			}
		}
	}
	return nil
}

// poEntry is the entry being read from a .po file.
type poEntry struct {
	line          int // of its msgid; 0 before it
	fuzzy         bool
	hasCtx        bool
	ctx, id, plur string
	hasPlural     bool
	strs          []string
	hasStr        bool
	field         *string // the string that continuation lines extend
}

// The readers of .po and .mo files are this package's own, not
// github.com/leonelquinteros/gotext's: gotext reports no error for a
// malformed catalog (it keeps what it read so far, or nothing), keeps the
// fuzzy entries of a .po, and allocates what a .mo's header claims before it
// checks it against the file; its plural rules are wrong for some of
// Django's languages (see plural.go).

// parsePO reads a .po file strictly, as msgfmt would compile it: fuzzy
// entries (other than the header) and untranslated ones are left out, and a
// syntax error is reported with the file's name and line.
func parsePO(name string, data []byte) (*file, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s: not UTF-8 text", name)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // a byte order mark some editors write
	f := newFile(name)
	var e *poEntry
	fuzzyNext := false
	seen := map[string]int{}
	finish := func() error {
		if e == nil {
			return nil
		}
		cur := e
		e = nil
		if !cur.hasStr {
			return fmt.Errorf("%s:%d: msgid without msgstr", name, cur.line)
		}
		k := key(cur.ctx, cur.hasCtx, cur.id)
		if prev, dup := seen[k]; dup {
			return fmt.Errorf("%s:%d: duplicate message definition (first at line %d)", name, cur.line, prev)
		}
		seen[k] = cur.line
		if cur.id == "" && !cur.hasCtx {
			if cur.hasPlural {
				return fmt.Errorf("%s:%d: the header entry has a msgid_plural", name, cur.line)
			}
			if err := f.header(cur.strs[0]); err != nil {
				return fmt.Errorf("%s:%d: %v", name, cur.line, err)
			}
			return nil
		}
		if cur.fuzzy {
			return nil
		}
		if cur.hasPlural {
			for _, s := range cur.strs {
				if s != "" {
					f.plurals[k] = cur.strs
					break
				}
			}
		} else if cur.strs[0] != "" {
			f.singles[k] = cur.strs[0]
		}
		return nil
	}
	lines := strings.Split(string(data), "\n")
	for i, raw := range lines {
		ln := i + 1
		l := strings.TrimSpace(raw)
		errf := func(format string, a ...any) error {
			return fmt.Errorf("%s:%d: %s", name, ln, fmt.Sprintf(format, a...))
		}
		switch {
		case l == "":
			continue
		case l[0] == '#':
			if e != nil && e.hasStr {
				if err := finish(); err != nil {
					return nil, err
				}
			}
			if strings.HasPrefix(l, "#~") {
				fuzzyNext = false // the flags were those of an obsolete entry
			} else if strings.HasPrefix(l, "#,") {
				for _, flag := range strings.Split(l[2:], ",") {
					if strings.TrimSpace(flag) == "fuzzy" {
						fuzzyNext = true
					}
				}
			}
			continue
		case l[0] == '"':
			if e == nil || e.field == nil {
				return nil, errf("string outside of an entry")
			}
			s, err := poUnquote(l)
			if err != nil {
				return nil, errf("%v", err)
			}
			*e.field += s
			continue
		}
		j := strings.IndexAny(l, " \t\"")
		if j < 0 {
			return nil, errf("unknown keyword %q", l)
		}
		kw := l[:j]
		s, err := poUnquote(strings.TrimSpace(l[j:]))
		if err != nil {
			return nil, errf("%s: %v", kw, err)
		}
		switch {
		case kw == "msgctxt":
			if e != nil && e.line == 0 {
				return nil, errf("a second msgctxt")
			}
			if err := finish(); err != nil {
				return nil, err
			}
			e = &poEntry{fuzzy: fuzzyNext, hasCtx: true, ctx: s}
			fuzzyNext = false
			e.field = &e.ctx
		case kw == "msgid":
			if e != nil && e.line != 0 {
				if err := finish(); err != nil {
					return nil, err
				}
			}
			if e == nil {
				e = &poEntry{fuzzy: fuzzyNext}
				fuzzyNext = false
			}
			e.line, e.id = ln, s
			e.field = &e.id
		case kw == "msgid_plural":
			if e == nil || e.line == 0 || e.hasPlural || e.hasStr {
				return nil, errf("msgid_plural without a msgid before it")
			}
			e.hasPlural, e.plur = true, s
			e.field = &e.plur
		case kw == "msgstr":
			if e == nil || e.line == 0 {
				return nil, errf("msgstr without a msgid before it")
			}
			if e.hasPlural {
				return nil, errf("a message with msgid_plural needs msgstr[0], msgstr[1]…, not msgstr")
			}
			if e.hasStr {
				return nil, errf("a second msgstr")
			}
			e.hasStr, e.strs = true, []string{s}
			e.field = &e.strs[0]
		case strings.HasPrefix(kw, "msgstr[") && strings.HasSuffix(kw, "]"):
			idx, err := strconv.Atoi(kw[len("msgstr[") : len(kw)-1])
			if e == nil || e.line == 0 {
				return nil, errf("%s without a msgid before it", kw)
			}
			if !e.hasPlural {
				return nil, errf("%s in a message without msgid_plural", kw)
			}
			if err != nil || idx != len(e.strs) {
				return nil, errf("%s out of order (msgstr[%d] expected)", kw, len(e.strs))
			}
			e.hasStr = true
			e.strs = append(e.strs, s)
			e.field = &e.strs[idx]
		default:
			return nil, errf("unknown keyword %q", kw)
		}
	}
	if e != nil {
		if err := finish(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// poUnquote decodes a PO string literal: C's escapes, no raw control
// characters.
func poUnquote(s string) (string, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", fmt.Errorf("expected a quoted string, got %q", s)
	}
	s = s[1 : len(s)-1]
	if !strings.ContainsAny(s, "\\\"") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '"' {
			return "", fmt.Errorf("unescaped '\"' inside a string")
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i == len(s) {
			return "", fmt.Errorf("string ends with a backslash")
		}
		switch c = s[i]; c {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case '\\', '"', '\'', '?':
			b.WriteByte(c)
		case 'x':
			j := i + 1
			for j < len(s) && j < i+3 && isHex(s[j]) {
				j++
			}
			if j == i+1 {
				return "", fmt.Errorf(`\x without hex digits`)
			}
			v, _ := strconv.ParseUint(s[i+1:j], 16, 8)
			b.WriteByte(byte(v))
			i = j - 1
		default:
			if c < '0' || c > '7' {
				return "", fmt.Errorf("unknown escape \\%c", c)
			}
			j := i
			for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(s[i:j], 8, 16)
			if v > 255 {
				return "", fmt.Errorf("octal escape \\%s out of range", s[i:j])
			}
			b.WriteByte(byte(v))
			i = j - 1
		}
	}
	return b.String(), nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
