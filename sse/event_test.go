package sse

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestEventFraming(t *testing.T) {
	for _, c := range []struct {
		name string
		e    Event
		want string
	}{
		{"data", Event{Data: "hello"}, "data: hello\n\n"},
		{"all fields", Event{ID: "7", Event: "row", Data: "x", Retry: 1500 * time.Millisecond, Comment: "c"}, ": c\nid: 7\nevent: row\nretry: 1500\ndata: x\n\n"},
		{"multi-line data", Event{Data: "a\nb\r\nc\rd"}, "data: a\ndata: b\ndata: c\ndata: d\n\n"},
		{"trailing newline", Event{Data: "a\n"}, "data: a\ndata:\n\n"},
		{"blank line inside", Event{Data: "a\n\nb"}, "data: a\ndata:\ndata: b\n\n"},
		{"leading space kept", Event{Data: " x"}, "data:  x\n\n"},
		{"event without data", Event{Event: "ping"}, "event: ping\ndata:\n\n"},
		{"comment only", Event{Comment: "one\ntwo"}, ": one\n: two\n\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.e.AppendTo(nil)
			if err != nil || string(got) != c.want {
				t.Fatalf("got %q, %v\nwant %q", got, err, c.want)
			}
		})
	}
}

func TestEventRefused(t *testing.T) {
	for _, e := range []Event{{ID: "a\nb"}, {ID: "a\rb"}, {ID: "a\x00b"}, {Event: "x\ny"}, {Event: "x\r"}, {Retry: -time.Second}} {
		b, err := e.AppendTo([]byte("kept"))
		if !errors.Is(err, ErrInvalidEvent) || string(b) != "kept" {
			t.Errorf("%+v: got %q, %v; want ErrInvalidEvent and nothing written", e, b, err)
		}
	}
}

// parsed is an event as a client's EventSource sees it.
type parsed struct {
	id, event, data string
	retry           int
}

// parseStream parses a text/event-stream as the HTML standard's event
// stream interpretation does (lines end at CR, LF or CRLF; one space after
// the colon is dropped; an event is dispatched at a blank line, unless its
// data is empty).
func parseStream(s string) []parsed {
	var out []parsed
	var cur parsed
	var data strings.Builder
	hasData := false
	lastID := ""
	for len(s) > 0 {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			break // an incomplete last line is discarded
		}
		line := s[:i]
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
		if line == "" {
			if hasData {
				cur.data = strings.TrimSuffix(data.String(), "\n")
				cur.id = lastID
				out = append(out, cur)
			}
			cur, hasData = parsed{}, false
			data.Reset()
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "data":
			data.WriteString(value + "\n")
			hasData = true
		case "event":
			cur.event = value
		case "id":
			if !strings.Contains(value, "\x00") {
				lastID = value
			}
		case "retry":
			cur.retry, _ = strconv.Atoi(value)
		}
	}
	return out
}

// FuzzEventRoundTrip: whatever the data, the client reads back exactly the
// data (line breaks normalized to "\n"), type and id that were sent, or
// the event is refused, or (with no data and no type) nothing is dispatched.
func FuzzEventRoundTrip(f *testing.F) {
	for _, s := range []string{"", "x", "a\nb", "a\r\nb\r", "\n\n", ": not a comment", "data: nested", "</script>", "\x00"} {
		f.Add("1", "row", s)
	}
	f.Fuzz(func(t *testing.T, id, typ, data string) {
		e := Event{ID: id, Event: typ, Data: data}
		b, err := e.AppendTo(nil)
		if err != nil {
			return
		}
		got := parseStream(string(b))
		if data == "" && typ == "" {
			// Only the id is written (a zero field is left out), and the
			// standard dispatches no event for an empty data buffer.
			if len(got) != 0 {
				t.Fatalf("%q: %d events parsed, want none", b, len(got))
			}
			return
		}
		if len(got) != 1 {
			t.Fatalf("%q: %d events parsed", b, len(got))
		}
		want := strings.ReplaceAll(strings.ReplaceAll(data, "\r\n", "\n"), "\r", "\n")
		if got[0].data != want || got[0].event != typ || got[0].id != id {
			t.Fatalf("%q: parsed %+v", b, got[0])
		}
	})
}

func TestPatchElements(t *testing.T) {
	e, err := PatchElements("<div id=\"a\">\n  1\n</div>", Patch{})
	if err != nil {
		t.Fatal(err)
	}
	// Datastar's documented form: one "elements" data line per line.
	if got, want := e.String(), "event: datastar-patch-elements\ndata: elements <div id=\"a\">\ndata: elements   1\ndata: elements </div>\n\n"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	e, _ = PatchElements("<li>x</li>", Patch{Selector: "#feed", Mode: ModeAppend, ViewTransition: true})
	if got, want := e.String(), "event: datastar-patch-elements\ndata: selector #feed\ndata: mode append\ndata: useViewTransition true\ndata: elements <li>x</li>\n\n"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	e, _ = PatchElements("", Patch{Selector: "#gone", Mode: ModeRemove})
	if got, want := e.String(), "event: datastar-patch-elements\ndata: selector #gone\ndata: mode remove\n\n"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if _, err := PatchElements("x", Patch{Selector: "a\nb"}); !errors.Is(err, ErrInvalidEvent) {
		t.Errorf("selector with a newline: %v", err)
	}
}

func TestHTMX(t *testing.T) {
	// htmx's SSE extension: sse-swap="row-AAPL" swaps the data of events of
	// that type.
	if got, want := HTMX("row-AAPL", "<tr>\n<td>1</td></tr>").String(), "event: row-AAPL\ndata: <tr>\ndata: <td>1</td></tr>\n\n"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
