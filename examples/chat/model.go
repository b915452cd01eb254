package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ---- THE FAKE MODEL ----
//
// There is no language model here. fakeModel stands in for one: it picks
// one of a few canned answers by looking for a keyword in the question,
// splits it into word-sized tokens and sends them one every delay, as a
// model's streaming API would. The waits are honest: they select on the
// request's context, so a visitor who closes the tab stops the "model" at
// once. The page footer and the answer's heading say that it is a fake.

// fakeModel is the demo's stand-in for a language model.
type fakeModel struct {
	delay time.Duration // per token
}

// describe says what the model is, for the page footer.
func (m *fakeModel) describe() string {
	return fmt.Sprintf("a fake that streams canned text, about one token every %v", m.delay)
}

// Answer is a [Model]: it sends the canned answer to question, token by
// token, and closes the channel at the end or when ctx ends.
func (m *fakeModel) Answer(ctx context.Context, question string) <-chan string {
	tokens := tokenize(cannedAnswer(question))
	ch := make(chan string)
	go func() {
		defer close(ch)
		prev := ""
		for i, tok := range tokens {
			if wait(ctx, pause(m.delay, i, prev)) != nil {
				return
			}
			select {
			case ch <- tok:
			case <-ctx.Done():
				return
			}
			prev = tok
		}
	}()
	return ch
}

// pause is how long the fake model "thinks" before token i, which follows
// prev: 8 delays before the first token, 4 after the end of a sentence or a
// line, 2 after a comma or colon, and 1 otherwise.
func pause(delay time.Duration, i int, prev string) time.Duration {
	switch {
	case i == 0:
		return 8 * delay
	case prev == "\n" || strings.HasSuffix(prev, ".") || strings.HasSuffix(prev, "?") || strings.HasSuffix(prev, "!"):
		return 4 * delay
	case strings.HasSuffix(prev, ",") || strings.HasSuffix(prev, ":"):
		return 2 * delay
	}
	return delay
}

// wait is the simulated thinking time of one token: it returns after d, or
// early with the context's error if the request ends first.
func wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// tokenRE matches a token: a word with the spaces before it, or a line
// break, roughly as a real tokenizer splits text.
var tokenRE = regexp.MustCompile(`[ \t]*[^\s]+|\n`)

// tokenize splits text into tokens whose concatenation is the text (with
// trailing spaces dropped).
func tokenize(text string) []string {
	return tokenRE.FindAllString(text, -1)
}

// canned are the fake model's answers, tried in order: the first whose
// keyword is in the question answers it; the last one answers everything
// else.
var canned = []struct{ keyword, answer string }{
	{"stream", `Streaming is the whole trick of this page. The server renders an ordinary Django template, and the answer in it is a Go channel of tokens: {% for t in answer %}{{ t }}{% endfor %}.

Before runnel waits for the next token, it flushes what it has written, so your browser shows each word the moment it exists. No JavaScript, no WebSocket, no polling: one HTTP response that takes its time.`},
	{"hello", `Hello! I am not a real model, just a few paragraphs of canned text sent one word at a time.

Ask me about streaming, or about escaping, to see a different canned answer.`},
	{"escap", `Everything in this answer is escaped like any other template value: a token such as <b>bold</b> arrives as text, not markup. Your question is escaped too, so typing <script>alert(1)</script> shows those characters and runs nothing.`},
	{"", `I am a fake model: I did not read your question beyond looking for a keyword, and this answer is canned.

What is real is the delivery. This page is one streamed HTTP response: the question was sent at once, and each token of this answer was flushed to your browser as the fake model produced it, by a template that loops over a channel. Close the tab and the model stops mid-sentence, because it waits on the request's context.`},
}

// cannedAnswer returns the canned answer to question.
func cannedAnswer(question string) string {
	q := strings.ToLower(question)
	for _, c := range canned {
		if strings.Contains(q, c.keyword) {
			return c.answer
		}
	}
	return canned[len(canned)-1].answer
}
