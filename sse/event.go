// Package sse serves Server-Sent Events: the framing the HTML standard
// defines, a broker with topics, bounded per-subscriber backlogs and a
// bounded replay history, and an http.Handler that streams a request's topics
// with keep-alives, write deadlines and resumption from Last-Event-ID. The
// handler parks idle HTTP/1.x streams (see [Handler.NoPark]): they hold no
// goroutine and no buffer until there is something to write.
//
// Events can be rendered from runnel templates (see [Render]), so that a row
// pushed over SSE is the same markup as the row rendered with the page; the
// event's data is rendered once, however many subscribers receive it. [HTMX]
// and [PatchElements] build events in the wire formats of htmx's SSE
// extension and of Datastar.
//
// A typical server:
//
//	broker := sse.NewBroker(sse.BrokerOptions{})
//	http.Handle("GET /events", &sse.Handler{
//		Broker: broker,
//		Topics: func(r *http.Request) ([]string, error) { return []string{"prices"}, nil },
//	})
//	// elsewhere, as prices change:
//	html, _ := sse.Render(ctx, eng, "ticker.html#row", map[string]any{"q": quote})
//	broker.Publish("prices", sse.HTMX("row-"+quote.Symbol, html))
package sse

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Event is one server-sent event. The zero value of a field leaves it out of
// the wire form. Events published through a [Broker] get their ID from the
// broker.
type Event struct {
	// ID is the event's id: a client that reconnects sends the last one it
	// saw as Last-Event-ID. It may not hold a newline or a NUL.
	ID string
	// Event is the event type (the name an EventSource listener or htmx's
	// sse-swap listens for); "" means "message". It may not hold a newline.
	Event string
	// Data is the payload; a multi-line value becomes several data: lines,
	// which the client joins with "\n" again.
	Data string
	// Retry asks the client to wait this long before reconnecting.
	Retry time.Duration
	// Comment is written as comment lines (": …"), which clients ignore;
	// keep-alives are comments.
	Comment string
}

// ErrInvalidEvent is wrapped by the error for a field that would break the
// framing.
var ErrInvalidEvent = errors.New("sse: invalid event")

// Validate reports a field that would break the framing: a line break in
// ID or Event, or a NUL in ID (which makes browsers ignore the id).
func (e *Event) Validate() error {
	if strings.ContainsAny(e.ID, "\r\n\x00") {
		return fmt.Errorf("%w: the id %q holds a line break or a NUL", ErrInvalidEvent, e.ID)
	}
	if strings.ContainsAny(e.Event, "\r\n") {
		return fmt.Errorf("%w: the event type %q holds a line break", ErrInvalidEvent, e.Event)
	}
	if e.Retry < 0 {
		return fmt.Errorf("%w: negative retry %v", ErrInvalidEvent, e.Retry)
	}
	return nil
}

// AppendTo appends the event's wire form to b, ending with the blank line
// that dispatches it. It refuses an event that Validate refuses, and writes
// nothing then.
func (e *Event) AppendTo(b []byte) ([]byte, error) {
	if err := e.Validate(); err != nil {
		return b, err
	}
	b = appendLines(b, ":", e.Comment, e.Comment != "")
	if e.ID != "" {
		b = append(append(append(b, "id: "...), e.ID...), '\n')
	}
	return e.appendBody(b), nil
}

// appendBody appends everything but the comment and the id: the event type,
// the retry hint, the data and the blank line. The broker frames this once
// per event and writes each subscriber's id before it.
func (e *Event) appendBody(b []byte) []byte {
	if e.Event != "" {
		b = append(append(append(b, "event: "...), e.Event...), '\n')
	}
	if e.Retry > 0 {
		b = append(b, "retry: "...)
		b = strconv.AppendInt(b, e.Retry.Milliseconds(), 10)
		b = append(b, '\n')
	}
	b = appendLines(b, "data:", e.Data, e.Data != "" || e.Event != "")
	return append(b, '\n')
}

// appendLines writes value as one field line per line of it (lines end at
// CR, LF or CRLF, as the standard's parser splits them), each "field value";
// with always set, an empty value still gives one line.
func appendLines(b []byte, field, value string, always bool) []byte {
	if value == "" {
		if always {
			b = append(append(b, field...), '\n')
		}
		return b
	}
	for {
		i := strings.IndexAny(value, "\r\n")
		line := value
		if i >= 0 {
			line = value[:i]
		}
		b = append(b, field...)
		if line != "" {
			b = append(append(b, ' '), line...)
		}
		b = append(b, '\n')
		if i < 0 {
			return b
		}
		if value[i] == '\r' && i+1 < len(value) && value[i+1] == '\n' {
			i++
		}
		value = value[i+1:]
		if value == "" {
			// A trailing line break is an empty last line.
			return append(append(b, field...), '\n')
		}
	}
}

// String returns the wire form, or the validation error's text.
func (e Event) String() string {
	b, err := e.AppendTo(nil)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
