// Package syntax turns Django template source text into a tree.
//
// It is the first stage of runnel's pipeline:
//
//	source text → [syntax: lexer → parser → tree] → compiled program → renderer → stream
//
// The lexer splits a template into text, {{ variable }}, {% tag %} and
// {# comment #} tokens exactly as Django's lexer does (a tag never spans a
// line; {% verbatim %} switches tag recognition off). The parser builds a
// tree of [TextNode], [VarNode] and [TagNode]; which tags have bodies, and
// which intermediate tags (else, empty, …) they accept, comes from a
// [Grammar], so that libraries loaded with {% load %} can add block tags.
// The package also parses the small languages inside tags: filter
// expressions ([ParseFilterExpr]), if conditions ([ParseIf]) and Django's
// argument splitting ([SplitContents]).
package syntax

import (
	"strings"
)

// TokenKind is the kind of a lexical token.
type TokenKind int

// The token kinds.
const (
	TokenText    TokenKind = iota // literal text
	TokenVar                      // {{ … }}
	TokenBlock                    // {% … %}
	TokenComment                  // {# … #}
)

// Pos is a position in a template: 1-based line and column (in bytes) and a
// byte offset.
type Pos struct {
	Line, Col, Offset int
}

// Token is one lexical token. Contents is the trimmed text between the
// delimiters for tags, variables and comments, and the raw text for text.
type Token struct {
	Kind     TokenKind
	Contents string
	Pos      Pos
	// Raw is the token's full source text including delimiters.
	Raw string
}

// Lex splits src into tokens the way Django's Lexer does.
func Lex(src string) []Token {
	// Sized once: a template of a million tags (500,000 nested ifs) would
	// otherwise allocate five times its tokens' 64 MB as the slice grows.
	toks := make([]Token, 0, 2*(strings.Count(src, "{%")+strings.Count(src, "{{")+strings.Count(src, "{#"))+1)
	verbatim := "" // the end tag that closes the current verbatim block
	line, lineStart := 1, 0
	pos := func(off int) Pos { return Pos{Line: line, Col: off - lineStart + 1, Offset: off} }
	advance := func(from, to int) { // account for newlines in src[from:to]
		for i := from; i < to; i++ {
			if src[i] == '\n' {
				line++
				lineStart = i + 1
			}
		}
	}
	textStart := 0
	emitText := func(end int) {
		if end > textStart {
			toks = append(toks, Token{Kind: TokenText, Contents: src[textStart:end], Raw: src[textStart:end], Pos: pos(textStart)})
			advance(textStart, end)
		}
	}
	// The closing delimiter of a tag opened at i is the first one after it,
	// and only if no newline comes before it. Every search starts at i+2 and
	// i only grows, so a position found stays the answer while it is still
	// ahead of the next search's start: each is kept and reused, and the
	// lexer is linear even on a long line of openers that never close
	// ("{{{{…", which took quadratic time when each opener scanned to the end
	// of its line).
	nextNL := -1
	nextClose := [3]int{-1, -1, -1} // "}}", "%}", "#}"
	find := func(cached *int, from int, sub string) int {
		if *cached < from {
			if k := strings.Index(src[from:], sub); k >= 0 {
				*cached = from + k
			} else {
				*cached = len(src) // none from here on
			}
		}
		return *cached
	}
	i := 0
	for i < len(src)-1 {
		if src[i] != '{' {
			i++
			continue
		}
		var closer string
		var k int
		switch src[i+1] {
		case '{':
			closer, k = "}}", 0
		case '%':
			closer, k = "%}", 1
		case '#':
			closer, k = "#}", 2
		default:
			i++
			continue
		}
		// The closing delimiter must be on the same line (Django's regex uses
		// '.', which does not match a newline), and the match is non-greedy.
		end := -1
		if c := find(&nextClose[k], i+2, closer); c < len(src) && c < find(&nextNL, i+2, "\n") {
			end = c + 2
		}
		if end < 0 {
			i++
			continue
		}
		raw := src[i:end]
		inner := strings.TrimSpace(raw[2 : len(raw)-2])
		if verbatim != "" {
			if closer == "%}" && inner == verbatim {
				verbatim = ""
			} else {
				i = end
				continue // stays part of the current text run
			}
		}
		emitText(i)
		tok := Token{Contents: inner, Raw: raw, Pos: pos(i)}
		switch closer {
		case "}}":
			tok.Kind = TokenVar
		case "%}":
			tok.Kind = TokenBlock
			if inner == "verbatim" || strings.HasPrefix(inner, "verbatim ") {
				verbatim = "end" + inner
			}
		case "#}":
			tok.Kind = TokenComment
		}
		toks = append(toks, tok)
		textStart = end
		i = end
	}
	emitText(len(src))
	return toks
}
