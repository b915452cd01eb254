package sse

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// clock is a controllable clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newTestBroker(o BrokerOptions) (*Broker, *clock) {
	c := &clock{t: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}
	o.Now = c.now
	return NewBroker(o), c
}

// drain reads what the subscription has ready, without waiting: its
// events, parsed, and whether a reset came.
func drain(t *testing.T, s *Subscription) (events []parsed, reset bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Next returns false once nothing is ready
	for {
		m, ok := s.Next(ctx, nil)
		if !ok {
			return events, reset
		}
		p := parseStream(string(m.Wire))
		if len(p) != 1 {
			t.Fatalf("message %q: %d events", m.Wire, len(p))
		}
		events = append(events, p[0])
		if m.Reset {
			return events, true
		}
	}
}

func datas(ev []parsed) string {
	var d []string
	for _, e := range ev {
		d = append(d, e.data)
	}
	return strings.Join(d, ",")
}

func publish(t *testing.T, b *Broker, topic string, datas ...string) string {
	t.Helper()
	var id string
	for _, d := range datas {
		var err error
		if id, err = b.Publish(topic, Event{Data: d}); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func TestBrokerLive(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{})
	s, err := b.Subscribe([]string{"prices"}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	publish(t, b, "prices", "a", "b")
	publish(t, b, "news", "not for us")
	publish(t, b, "prices", "c")
	ev, reset := drain(t, s)
	if reset || datas(ev) != "a,b,c" {
		t.Fatalf("got %q (reset %v)", datas(ev), reset)
	}
	// IDs increase per topic.
	for i, e := range ev {
		if want := b.epoch + "." + fmt.Sprint(i+1); e.id != want {
			t.Errorf("event %d: id %q, want %q", i, e.id, want)
		}
	}
	if n := b.Subscribers("prices"); n != 1 {
		t.Errorf("%d subscribers", n)
	}
	s.Close()
	if n := b.Subscribers("prices"); n != 0 {
		t.Errorf("%d subscribers after Close", n)
	}
}

// TestBrokerReplay: a client that reconnects with its Last-Event-ID gets
// exactly what it missed, in order, with no duplicate, including when it
// drops out again in the middle of the replay.
func TestBrokerReplay(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{})
	s, _ := b.Subscribe([]string{"t"}, "")
	publish(t, b, "t", "1", "2")
	ev, _ := drain(t, s)
	s.Close()
	last := ev[len(ev)-1].id
	publish(t, b, "t", "3", "4", "5") // missed while away
	s2, _ := b.Subscribe([]string{"t"}, last)
	m, _ := s2.Next(context.Background(), nil) // reads "3", then drops out
	s2.Close()
	mid := parseStream(string(m.Wire))[0]
	if mid.data != "3" {
		t.Fatalf("first replayed %q", mid.data)
	}
	publish(t, b, "t", "6")
	s3, _ := b.Subscribe([]string{"t"}, mid.id)
	defer s3.Close()
	publish(t, b, "t", "7")
	ev, reset := drain(t, s3)
	if reset || datas(ev) != "4,5,6,7" {
		t.Fatalf("resumed with %q (reset %v), want 4,5,6,7", datas(ev), reset)
	}
	// Up to date: nothing more, no reset.
	s4, _ := b.Subscribe([]string{"t"}, ev[len(ev)-1].id)
	defer s4.Close()
	if ev, reset := drain(t, s4); len(ev) != 0 || reset {
		t.Fatalf("an up-to-date client got %q (reset %v)", datas(ev), reset)
	}
}

// TestBrokerMultiTopic: one subscription to several topics gets them in
// publish order, and its ID resumes all of them.
func TestBrokerMultiTopic(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{})
	s, _ := b.Subscribe([]string{"b", "a"}, "")
	publish(t, b, "a", "a1")
	publish(t, b, "b", "b1")
	publish(t, b, "a", "a2")
	ev, _ := drain(t, s)
	s.Close()
	if datas(ev) != "a1,b1,a2" {
		t.Fatalf("got %q", datas(ev))
	}
	if want := b.epoch + ".a:2,b:1"; ev[2].id != want {
		t.Fatalf("id %q, want %q", ev[2].id, want)
	}
	publish(t, b, "b", "b2")
	publish(t, b, "c", "c1")
	publish(t, b, "a", "a3")
	s2, _ := b.Subscribe([]string{"a", "b"}, ev[1].id) // resumes after b1 (a:1)
	defer s2.Close()
	ev, reset := drain(t, s2)
	if reset || datas(ev) != "a2,b2,a3" {
		t.Fatalf("resumed with %q (reset %v)", datas(ev), reset)
	}
	// An ID that does not name every topic cannot tell what was missed.
	s3, _ := b.Subscribe([]string{"a", "b", "c"}, ev[2].id)
	defer s3.Close()
	if _, reset := drain(t, s3); !reset {
		t.Fatal("an ID without topic c: want the reset event")
	}
}

// TestBrokerResetTooOld: an ID older than the history, by count or by age,
// or from another run, or malformed, gets the reset event, whose id
// resumes from now.
func TestBrokerResetTooOld(t *testing.T) {
	b, clk := newTestBroker(BrokerOptions{History: 3, HistoryAge: time.Minute})
	first := publish(t, b, "t", "1")
	publish(t, b, "t", "2", "3", "4", "5") // "3" is now the oldest kept: "2" is lost
	for _, id := range []string{first, "zzzz.4", "garbage", b.epoch + ".x", b.epoch + ".99"} {
		s, _ := b.Subscribe([]string{"t"}, id)
		ev, reset := drain(t, s)
		s.Close()
		if !reset || len(ev) != 1 || ev[0].event != ResetEvent {
			t.Fatalf("ID %q: got %+v (reset %v), want only the reset event", id, ev, reset)
		}
		// The reset event's id is current: using it gets no reset.
		s2, _ := b.Subscribe([]string{"t"}, ev[0].id)
		if ev2, reset := drain(t, s2); reset || len(ev2) != 0 {
			t.Fatalf("after reset: %+v", ev2)
		}
		s2.Close()
	}
	two := b.epoch + ".2" // saw event 2; 3, 4, 5 are kept
	s, _ := b.Subscribe([]string{"t"}, two)
	if ev, reset := drain(t, s); reset || datas(ev) != "3,4,5" {
		t.Fatalf("within the history: %q (reset %v)", datas(ev), reset)
	}
	s.Close()
	clk.advance(2 * time.Minute) // every kept event is now too old
	s, _ = b.Subscribe([]string{"t"}, two)
	if _, reset := drain(t, s); !reset {
		t.Fatal("events past HistoryAge: want the reset event")
	}
	s.Close()
}

// TestBrokerOverflow: publishing never blocks on a subscriber that does not
// read; once it is further behind than its backlog it gets the reset event.
func TestBrokerOverflow(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{Backlog: 2})
	slow, _ := b.Subscribe([]string{"t"}, "")
	fast, _ := b.Subscribe([]string{"t"}, "")
	defer slow.Close()
	defer fast.Close()
	var got []parsed
	for i := range 5 {
		publish(t, b, "t", fmt.Sprint(i)) // returns at once: nobody is waited for
		ev, _ := drain(t, fast)
		got = append(got, ev...)
	}
	if datas(got) != "0,1,2,3,4" {
		t.Fatalf("the reading subscriber got %q", datas(got))
	}
	ev, reset := drain(t, slow)
	if !reset || ev[len(ev)-1].event != ResetEvent {
		t.Fatalf("the slow subscriber got %+v, want the reset event", ev)
	}
}

func TestBrokerRefuses(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{})
	for _, topic := range []string{"", "a b", "a:b", "a,b", "a.b"} {
		if _, err := b.Publish(topic, Event{}); !errors.Is(err, ErrTopic) {
			t.Errorf("Publish(%q): %v", topic, err)
		}
	}
	if _, err := b.Publish("t", Event{ID: "mine"}); !errors.Is(err, ErrInvalidEvent) {
		t.Errorf("an event with its own ID: %v", err)
	}
	if _, err := b.Publish("t", Event{Event: "a\nb"}); !errors.Is(err, ErrInvalidEvent) {
		t.Errorf("a broken event type: %v", err)
	}
	if _, err := b.Subscribe(nil, ""); !errors.Is(err, ErrTopic) {
		t.Errorf("no topics: %v", err)
	}
}

// TestBrokerLastID: the ID of "now" resumes exactly after what was
// published before it.
func TestBrokerLastID(t *testing.T) {
	b, _ := newTestBroker(BrokerOptions{})
	publish(t, b, "a", "1")
	publish(t, b, "b", "1")
	now, err := b.LastID("b", "a")
	if err != nil {
		t.Fatal(err)
	}
	publish(t, b, "a", "2")
	s, _ := b.Subscribe([]string{"a", "b"}, now)
	defer s.Close()
	if ev, reset := drain(t, s); reset || datas(ev) != "2" {
		t.Fatalf("got %q (reset %v), want only what came after LastID", datas(ev), reset)
	}
}
