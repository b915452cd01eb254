package sse

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// BrokerOptions configures a [Broker]. Zero fields take the defaults.
type BrokerOptions struct {
	// History is how many events each topic keeps for replay (default 1000).
	History int
	// HistoryAge is how long an event stays replayable (default 5 minutes).
	HistoryAge time.Duration
	// Backlog is how many events a subscriber may fall behind before it is
	// disconnected with the reset event (default 64).
	Backlog int
	// Now is the clock (default time.Now); tests give their own.
	Now func() time.Time
}

// ResetEvent is the event type sent to a client that cannot be brought up
// to date: one that fell further behind than its backlog, or that
// reconnected with an ID older than the history (or from another run of the
// server). The client should reload its state (the whole page, or the part
// the stream updates) and reconnect; the reset event's id resumes from now.
const ResetEvent = "reset"

// Broker fans events out to subscribers by topic. Publishing never blocks on
// a subscriber. Each topic numbers its events, keeps a bounded history for
// replay, and gives each event an ID that a reconnecting client can resume
// from. A Broker is safe for concurrent use.
type Broker struct {
	opts  BrokerOptions
	epoch string // identifies this broker's numbering: IDs of another run are too old

	mu     sync.Mutex
	topics map[string]*topic
	order  uint64 // publish order across topics, for merged replay
}

// topic is one topic's numbering, history and subscribers.
type topic struct {
	name string
	seq  uint64    // the last event's number
	hist []*stored // oldest first, bounded by History and HistoryAge
	subs map[*Subscription]struct{}
}

// stored is a published event, framed once for every subscriber.
type stored struct {
	topic string
	seq   uint64
	order uint64
	at    time.Time
	body  []byte // the event without its id, ready to write
	wire  []byte // the event with the id of a one-topic subscriber, framed once for all of them
}

// NewBroker returns a broker with the given options.
func NewBroker(opts BrokerOptions) *Broker {
	if opts.History <= 0 {
		opts.History = 1000
	}
	if opts.HistoryAge <= 0 {
		opts.HistoryAge = 5 * time.Minute
	}
	if opts.Backlog <= 0 {
		opts.Backlog = 64
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var r [5]byte
	rand.Read(r[:])
	return &Broker{opts: opts, epoch: strings.ToLower(base32.StdEncoding.EncodeToString(r[:])), topics: map[string]*topic{}}
}

// ErrTopic is wrapped by the error for a topic name the broker refuses.
var ErrTopic = errors.New("sse: invalid topic")

// checkTopic refuses names that the IDs cannot carry.
func checkTopic(name string) error {
	if name == "" || strings.ContainsAny(name, ":,.\r\n\x00 ") {
		return fmt.Errorf("%w %q: a topic is a non-empty name without spaces, ':', ',' or '.'", ErrTopic, name)
	}
	return nil
}

// Publish sends e to every subscriber of topic and keeps it for replay. The
// broker assigns the event's ID (e.ID must be empty). It returns the ID a
// subscriber of this topic alone sees. Subscribers that have fallen too far
// behind are disconnected with the reset event; nobody is waited for.
func (b *Broker) Publish(topicName string, e Event) (string, error) {
	if err := checkTopic(topicName); err != nil {
		return "", err
	}
	if e.ID != "" {
		return "", fmt.Errorf("%w: the broker assigns event IDs; got %q", ErrInvalidEvent, e.ID)
	}
	if err := e.Validate(); err != nil {
		return "", err
	}
	body := e.appendBody(appendLines(nil, ":", e.Comment, e.Comment != ""))

	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.topic(topicName)
	now := b.opts.Now()
	t.seq++
	b.order++
	id := b.epoch + "." + strconv.FormatUint(t.seq, 10)
	s := &stored{topic: topicName, seq: t.seq, order: b.order, at: now, body: body, wire: WithID(id, body).Wire}
	t.hist = append(t.hist, s)
	b.trim(t, now)
	for sub := range t.subs {
		sub.deliver(s)
	}
	return id, nil
}

// topic returns (creating it) the topic called name; b.mu is held.
func (b *Broker) topic(name string) *topic {
	t := b.topics[name]
	if t == nil {
		t = &topic{name: name, subs: map[*Subscription]struct{}{}}
		b.topics[name] = t
	}
	return t
}

// trim drops the events past the history's count and age; b.mu is held.
func (b *Broker) trim(t *topic, now time.Time) {
	drop := max(len(t.hist)-b.opts.History, 0)
	for drop < len(t.hist) && now.Sub(t.hist[drop].at) > b.opts.HistoryAge {
		drop++
	}
	if drop > 0 {
		clear(t.hist[:drop])
		t.hist = slices.Clip(t.hist[drop:])
	}
}

// Subscription is one subscriber's view of some topics: the events it must
// be sent, in publish order, and whether it must be reset. Read it with
// [Subscription.Next]; end it with [Subscription.Close].
type Subscription struct {
	b      *Broker
	topics []string          // sorted
	cursor map[string]uint64 // the last event seen per topic
	replay []*stored         // events missed before subscribing, in order
	ch     chan *stored      // live events, bounded by the backlog
	reset  chan struct{}     // closed when the subscriber fell too far behind
	once   sync.Once
	closed bool // under b.mu
	ready  Callback
}

// Subscribe subscribes to topics. lastEventID is the Last-Event-ID of a
// reconnecting client ("" for a new one): the subscription first yields
// exactly the events it missed, in order, then live ones. When it cannot
// (the ID is older than the history, malformed, or from another run of the
// server), the first thing Next returns is the reset event.
func (b *Broker) Subscribe(topics []string, lastEventID string) (*Subscription, error) {
	names := slices.Clone(topics)
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: no topic", ErrTopic)
	}
	for _, n := range names {
		if err := checkTopic(n); err != nil {
			return nil, err
		}
	}
	s := &Subscription{b: b, topics: names, cursor: make(map[string]uint64, len(names)),
		ch: make(chan *stored, b.opts.Backlog), reset: make(chan struct{})}

	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.opts.Now()
	from, ok := b.parseID(lastEventID, names)
	for _, n := range names {
		t := b.topic(n)
		b.trim(t, now)
		s.cursor[n] = t.seq
		if lastEventID != "" && ok {
			missed, complete := t.since(from[n])
			if !complete {
				ok = false
			}
			// The id of each replayed event counts from where the client
			// was, so that one that drops out mid-replay resumes there.
			s.cursor[n] = from[n]
			s.replay = append(s.replay, missed...)
		}
		t.subs[s] = struct{}{}
	}
	if lastEventID != "" && !ok {
		s.replay = nil
		s.markReset()
	}
	slices.SortFunc(s.replay, func(x, y *stored) int { return cmp.Compare(x.order, y.order) })
	return s, nil
}

// Stream implements [Source]: it is Subscribe.
func (b *Broker) Stream(topics []string, lastEventID string) (Stream, error) {
	return b.Subscribe(topics, lastEventID)
}

// since returns the events after seq, and false when some of them are no
// longer in the history (or seq is ahead of the topic).
func (t *topic) since(seq uint64) ([]*stored, bool) {
	if seq > t.seq {
		return nil, false
	}
	if seq == t.seq {
		return nil, true
	}
	if len(t.hist) == 0 || t.hist[0].seq > seq+1 {
		return nil, false
	}
	i := int(seq + 1 - t.hist[0].seq)
	return slices.Clone(t.hist[i:]), true
}

// parseID reads an ID this broker wrote for names: "epoch.N" for one topic,
// "epoch.topic:N,topic:M" for several. ok is false for anything else.
func (b *Broker) parseID(id string, names []string) (map[string]uint64, bool) {
	epoch, rest, found := strings.Cut(id, ".")
	if !found || epoch != b.epoch {
		return nil, false
	}
	out := make(map[string]uint64, len(names))
	if len(names) == 1 {
		n, err := strconv.ParseUint(rest, 10, 64)
		out[names[0]] = n
		return out, err == nil
	}
	for part := range strings.SplitSeq(rest, ",") {
		name, num, found := strings.Cut(part, ":")
		n, err := strconv.ParseUint(num, 10, 64)
		if !found || err != nil {
			return nil, false
		}
		out[name] = n
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			return nil, false // a topic the client never saw: it may have missed its events
		}
	}
	return out, true
}

// id is the subscription's ID after it has seen everything up to its
// cursor.
func (s *Subscription) id() string {
	var b strings.Builder
	b.WriteString(s.b.epoch)
	b.WriteByte('.')
	if len(s.topics) == 1 {
		b.WriteString(strconv.FormatUint(s.cursor[s.topics[0]], 10))
		return b.String()
	}
	for i, n := range s.topics {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(n)
		b.WriteByte(':')
		b.WriteString(strconv.FormatUint(s.cursor[n], 10))
	}
	return b.String()
}

// deliver queues a live event, or resets a subscriber whose backlog is
// full; b.mu is held.
func (s *Subscription) deliver(e *stored) {
	select {
	case s.ch <- e:
	default:
		s.markReset()
	}
	s.ready.Fire()
}

// Notify implements [Notifier]: f is called once when Next has a message
// to return without waiting.
func (s *Subscription) Notify(f func()) {
	s.ready.Set(f)
	if s.pending() {
		s.ready.Fire()
	}
}

// pending reports whether Next would return a message without waiting.
func (s *Subscription) pending() bool {
	if len(s.replay) > 0 || len(s.ch) > 0 {
		return true
	}
	select {
	case <-s.reset:
		return true
	default:
		return false
	}
}

func (s *Subscription) markReset() { s.once.Do(func() { close(s.reset) }) }

// Message is one thing to write to a subscriber: its wire form, id
// included.
type Message struct {
	// Wire is the framed event, ready to write.
	Wire []byte
	// Reset reports the reset event: after writing it, end the stream.
	Reset bool
}

// Next waits for the subscription's next message, or for ctx or wake to
// end (wake may be nil; a keep-alive timer's channel, say), returning false
// then. Replayed events come first, in publish order.
func (s *Subscription) Next(ctx context.Context, wake <-chan struct{}) (Message, bool) {
	if len(s.replay) > 0 {
		e := s.replay[0]
		s.replay[0] = nil
		s.replay = s.replay[1:]
		return s.message(e), true
	}
	select {
	case <-s.reset:
		return s.resetMessage(), true
	default:
	}
	select { // what is ready comes before ctx and wake
	case e := <-s.ch:
		return s.message(e), true
	default:
	}
	select {
	case e := <-s.ch:
		return s.message(e), true
	case <-s.reset:
		return s.resetMessage(), true
	case <-ctx.Done():
		return Message{}, false
	case <-wake:
		return Message{}, false
	}
}

// message frames a stored event with the subscription's id after it.
func (s *Subscription) message(e *stored) Message {
	if e.seq > s.cursor[e.topic] {
		s.cursor[e.topic] = e.seq
	}
	if len(s.topics) == 1 {
		return Message{Wire: e.wire} // its id is the event's own
	}
	return WithID(s.id(), e.body)
}

// resetMessage is the reset event, with an id that resumes from now.
func (s *Subscription) resetMessage() Message {
	s.b.mu.Lock()
	for _, n := range s.topics {
		s.cursor[n] = s.b.topic(n).seq
	}
	s.b.mu.Unlock()
	return Reset(s.id())
}

// WithID returns the message of an event framed once without its id (by
// Event.AppendTo, for every subscriber) with one subscriber's id before it.
// A Source other than Broker builds its messages with it.
func WithID(id string, body []byte) Message {
	wire := make([]byte, 0, len(id)+5+len(body))
	wire = append(append(append(wire, "id: "...), id...), '\n')
	return Message{Wire: append(wire, body...)}
}

// Reset returns the reset event with id (which should resume from now),
// after which the stream ends.
func Reset(id string) Message {
	e := Event{ID: id, Event: ResetEvent, Data: "reload"}
	wire, _ := e.AppendTo(nil)
	return Message{Wire: wire, Reset: true}
}

// Close ends the subscription: the broker forgets it.
func (s *Subscription) Close() {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	for _, n := range s.topics {
		if t := s.b.topics[n]; t != nil {
			delete(t.subs, s)
		}
	}
}

// Subscribers returns how many subscriptions topic has.
func (b *Broker) Subscribers(topic string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t := b.topics[topic]; t != nil {
		return len(t.subs)
	}
	return 0
}

// LastID returns the ID a subscriber of topics would have after the last
// event published so far. A page that renders the current state can hand
// it to its EventSource (as ?lastEventId=…), so that the events published
// between the render and the connection are replayed, not lost.
func (b *Broker) LastID(topics ...string) (string, error) {
	names := slices.Clone(topics)
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		return "", fmt.Errorf("%w: no topic", ErrTopic)
	}
	s := &Subscription{b: b, topics: names, cursor: make(map[string]uint64, len(names))}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, n := range names {
		if err := checkTopic(n); err != nil {
			return "", err
		}
		s.cursor[n] = b.topic(n).seq
	}
	return s.id(), nil
}
