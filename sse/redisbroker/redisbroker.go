// Package redisbroker is an SSE broker shared by several servers through
// Redis: what any node publishes, every node's subscribers receive, in
// order and once, and a client that reconnects to any node with its
// Last-Event-ID resumes there with no gap and no duplicate.
//
// Each topic is a Redis stream (XADD, trimmed to about History entries), so
// event IDs are Redis stream IDs, the same on every node, and any node can
// replay. Each node reads each topic that has local subscribers with one
// blocking XREAD and fans it out to them, with the bounded backlogs and the
// reset event of the in-process sse.Broker. When Redis goes away, the nodes
// keep their clients' streams open (keep-alives go on), retry with backoff,
// and when Redis is back they check that nothing was lost: a topic whose
// last seen entry is gone (Redis restarted empty, say) resets its
// subscribers, who reload and resume, rather than missing events silently.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
//	b := redisbroker.New(redisbroker.Options{Client: rdb})
//	defer b.Close()
//	http.Handle("GET /events", &sse.Handler{Broker: b, Topics: …})
//	b.Publish(ctx, "prices", sse.HTMX("row", html))
//
// The module also has FragmentCache, a Redis store for the fragments of
// {% cache %} (runnel/templatetags/cache). It lives in a module of its own
// so that runnel's core module does not depend on a Redis client.
package redisbroker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/runnelhq/runnel/sse"
)

// Options configures a Broker. Zero fields take the defaults.
type Options struct {
	// Client is the Redis client (required).
	Client *redis.Client
	// Prefix is put before each topic to make its stream's key
	// (default "runnel:sse:").
	Prefix string
	// History is about how many events each topic keeps for replay
	// (default 1000; Redis trims approximately).
	History int64
	// Backlog is how many events a subscriber may fall behind before it is
	// reset (default 256).
	Backlog int
	// Backoff is the wait before the attempt-th retry after a Redis error
	// (default 50 ms doubling up to 5 s).
	Backoff func(attempt int) time.Duration
	// Logger receives Redis errors (default slog.Default()).
	Logger *slog.Logger
}

// Broker is an SSE broker shared through Redis. It implements sse.Source.
type Broker struct {
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	readers map[string]*reader
	wg      sync.WaitGroup
}

// New returns a broker on opts.Client. Close it to stop its readers.
func New(opts Options) *Broker {
	if opts.Prefix == "" {
		opts.Prefix = "runnel:sse:"
	}
	if opts.History <= 0 {
		opts.History = 1000
	}
	if opts.Backlog <= 0 {
		opts.Backlog = 256
	}
	if opts.Backoff == nil {
		opts.Backoff = func(n int) time.Duration { return min(50*time.Millisecond<<min(n, 7), 5*time.Second) }
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Broker{opts: opts, ctx: ctx, cancel: cancel, readers: map[string]*reader{}}
}

// Close stops the broker's readers; its streams see no more events.
func (b *Broker) Close() {
	b.cancel()
	b.wg.Wait()
}

func (b *Broker) key(topic string) string { return b.opts.Prefix + topic }

func checkTopic(name string) error {
	if name == "" || strings.ContainsAny(name, ":,\r\n\x00 ") {
		return fmt.Errorf("%w %q", sse.ErrTopic, name)
	}
	return nil
}

// Publish adds e to topic's stream; every node's subscribers of topic get
// it. It returns the event's ID. e.ID must be empty: Redis assigns it.
func (b *Broker) Publish(ctx context.Context, topic string, e sse.Event) (string, error) {
	if err := checkTopic(topic); err != nil {
		return "", err
	}
	if e.ID != "" {
		return "", fmt.Errorf("%w: the broker assigns event IDs; got %q", sse.ErrInvalidEvent, e.ID)
	}
	body, err := e.AppendTo(nil)
	if err != nil {
		return "", err
	}
	return b.opts.Client.XAdd(ctx, &redis.XAddArgs{
		Stream: b.key(topic), MaxLen: b.opts.History, Approx: true, Values: []any{"e", body},
	}).Result()
}

// entry is one event of a topic's stream.
type entry struct {
	topic, id string
	body      []byte
}

// less compares Redis stream IDs ("ms-seq").
func less(a, b string) bool {
	am, as := splitID(a)
	bm, bs := splitID(b)
	return am < bm || am == bm && as < bs
}

func splitID(id string) (ms, seq uint64) {
	m, s, _ := strings.Cut(id, "-")
	ms, _ = strconv.ParseUint(m, 10, 64)
	seq, _ = strconv.ParseUint(s, 10, 64)
	return ms, seq
}

func validID(id string) bool {
	m, s, ok := strings.Cut(id, "-")
	_, e1 := strconv.ParseUint(m, 10, 64)
	_, e2 := strconv.ParseUint(s, 10, 64)
	return ok && e1 == nil && e2 == nil
}

// Stream subscribes to topics on this node, resuming after lastEventID,
// which may have been written by any node. It implements sse.Source.
func (b *Broker) Stream(topics []string, lastEventID string) (sse.Stream, error) {
	names := slices.Clone(topics)
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: no topic", sse.ErrTopic)
	}
	for _, n := range names {
		if err := checkTopic(n); err != nil {
			return nil, err
		}
	}
	ctx := b.ctx
	s := &stream{b: b, topics: names, cursor: map[string]string{}, ch: make(chan entry, b.opts.Backlog), reset: make(chan struct{})}
	// Register first, so that every event after the replay below arrives
	// live; what arrives live and was replayed too is skipped by ID.
	for _, n := range names {
		if err := b.join(n, s); err != nil {
			s.Close()
			return nil, err
		}
	}
	from, ok := parseID(lastEventID, names)
	for _, n := range names {
		if lastEventID == "" {
			last, err := b.lastID(ctx, n)
			if err != nil {
				s.Close()
				return nil, err
			}
			s.cursor[n] = last
			continue
		}
		if !ok {
			break
		}
		missed, complete, err := b.since(ctx, n, from[n])
		if err != nil {
			s.Close()
			return nil, err
		}
		if !complete {
			ok = false
			break
		}
		s.cursor[n] = from[n]
		s.replay = append(s.replay, missed...)
	}
	if lastEventID != "" && !ok {
		s.replay = nil
		s.markReset()
	}
	slices.SortStableFunc(s.replay, func(x, y entry) int {
		if less(x.id, y.id) {
			return -1
		}
		if less(y.id, x.id) {
			return 1
		}
		return 0
	})
	return s, nil
}

// lastID is the ID of topic's newest entry, "0-0" when it has none.
func (b *Broker) lastID(ctx context.Context, topic string) (string, error) {
	msgs, err := b.opts.Client.XRevRangeN(ctx, b.key(topic), "+", "-", 1).Result()
	if err != nil {
		return "", err
	}
	if len(msgs) == 0 {
		return "0-0", nil
	}
	return msgs[0].ID, nil
}

// since returns topic's entries after id, and false when some may be
// missing: id is no longer in the stream (trimmed, or Redis lost it), or,
// for "0-0", entries were trimmed from the stream's start.
func (b *Broker) since(ctx context.Context, topic, id string) ([]entry, bool, error) {
	rdb, key := b.opts.Client, b.key(topic)
	if id == "0-0" {
		info, err := rdb.XInfoStream(ctx, key).Result()
		if err != nil {
			if strings.Contains(err.Error(), "no such key") {
				return nil, true, nil
			}
			return nil, false, err
		}
		if info.EntriesAdded != info.Length {
			return nil, false, nil
		}
	} else {
		at, err := rdb.XRange(ctx, key, id, id).Result()
		if err != nil {
			return nil, false, err
		}
		if len(at) == 0 {
			return nil, false, nil
		}
	}
	msgs, err := rdb.XRange(ctx, key, "("+id, "+").Result()
	if err != nil {
		return nil, false, err
	}
	out := make([]entry, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, toEntry(topic, m))
	}
	return out, true, nil
}

func toEntry(topic string, m redis.XMessage) entry {
	body, _ := m.Values["e"].(string)
	return entry{topic: topic, id: m.ID, body: []byte(body)}
}

// parseID reads "ID" (one topic) or "topic:ID,topic:ID" (several).
func parseID(id string, names []string) (map[string]string, bool) {
	out := map[string]string{}
	if len(names) == 1 {
		out[names[0]] = id
		return out, validID(id)
	}
	for part := range strings.SplitSeq(id, ",") {
		name, v, found := strings.Cut(part, ":")
		if !found || !validID(v) {
			return nil, false
		}
		out[name] = v
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			return nil, false
		}
	}
	return out, true
}

// ---- readers: one XREAD per topic per node ----

// reader fans one topic's stream out to this node's subscribers of it.
type reader struct {
	topic  string
	cancel context.CancelFunc

	mu   sync.Mutex
	subs map[*stream]struct{}
}

// join registers s with topic's reader, starting one if it is the first.
func (b *Broker) join(topic string, s *stream) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ctx.Err() != nil {
		return errors.New("redisbroker: the broker is closed")
	}
	r := b.readers[topic]
	if r == nil {
		start, err := b.lastID(b.ctx, topic)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithCancel(b.ctx)
		r = &reader{topic: topic, cancel: cancel, subs: map[*stream]struct{}{}}
		b.readers[topic] = r
		b.wg.Add(1)
		go b.run(ctx, r, start)
	}
	r.mu.Lock()
	r.subs[s] = struct{}{}
	r.mu.Unlock()
	return nil
}

// leave unregisters s, stopping the reader after its last subscriber.
func (b *Broker) leave(topic string, s *stream) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := b.readers[topic]
	if r == nil {
		return
	}
	r.mu.Lock()
	delete(r.subs, s)
	empty := len(r.subs) == 0
	r.mu.Unlock()
	if empty {
		r.cancel()
		delete(b.readers, topic)
	}
}

// run reads topic's stream from after start until ctx ends, reconnecting
// with backoff, and resets the subscribers when it cannot tell that no
// event was lost while Redis was unreachable.
func (b *Broker) run(ctx context.Context, r *reader, start string) {
	defer b.wg.Done()
	last, failures := start, 0
	for ctx.Err() == nil {
		if failures > 0 {
			// Back after an outage: was anything lost? The last entry this
			// node saw must still be there for the next read to follow on.
			_, complete, err := b.since(ctx, r.topic, last)
			if err == nil && !complete {
				b.opts.Logger.Warn("redisbroker: events may have been lost while Redis was unreachable; resetting subscribers", "topic", r.topic)
				r.resetAll()
				last, err = b.lastID(ctx, r.topic)
			}
			if err != nil {
				if !b.backoff(ctx, r, &failures, err) {
					return
				}
				continue
			}
			failures = 0
		}
		res, err := b.opts.Client.XRead(ctx, &redis.XReadArgs{Streams: []string{b.key(r.topic), last}, Block: time.Second, Count: 256}).Result()
		if errors.Is(err, redis.Nil) {
			continue // nothing new within the block time
		}
		if err != nil {
			if !b.backoff(ctx, r, &failures, err) {
				return
			}
			continue
		}
		for _, st := range res {
			for _, m := range st.Messages {
				last = m.ID
				r.deliver(toEntry(r.topic, m))
			}
		}
	}
}

// backoff logs a Redis error and waits before the next attempt; false
// means ctx ended.
func (b *Broker) backoff(ctx context.Context, r *reader, failures *int, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	*failures++
	b.opts.Logger.Warn("redisbroker: reading a topic", "topic", r.topic, "err", err, "attempt", *failures)
	return sleep(ctx, b.opts.Backoff(*failures))
}

func (r *reader) deliver(e entry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for s := range r.subs {
		select {
		case s.ch <- e:
		default:
			s.markReset()
		}
		s.ready.Fire()
	}
}

func (r *reader) resetAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for s := range r.subs {
		s.markReset()
		s.ready.Fire()
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// ---- a subscriber ----

// stream is one client's subscription on this node.
type stream struct {
	b      *Broker
	topics []string
	cursor map[string]string
	replay []entry
	ch     chan entry
	reset  chan struct{}
	once   sync.Once
	closed sync.Once
	ready  sse.Callback
}

func (s *stream) markReset() { s.once.Do(func() { close(s.reset) }) }

// Notify implements sse.Notifier, so that the handler can park the
// stream: f is called once when Next has a message without waiting.
func (s *stream) Notify(f func()) {
	s.ready.Set(f)
	if s.pending() {
		s.ready.Fire()
	}
}

// pending reports whether Next may return a message without waiting.
func (s *stream) pending() bool {
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

// Next implements sse.Stream: replayed events first, then live ones (those
// already replayed skipped), or the reset event.
func (s *stream) Next(ctx context.Context, wake <-chan struct{}) (sse.Message, bool) {
	for {
		if len(s.replay) > 0 {
			e := s.replay[0]
			s.replay = s.replay[1:]
			return s.message(e), true
		}
		select {
		case <-s.reset:
			return s.resetMessage(ctx), true
		default:
		}
		var e entry
		select {
		case e = <-s.ch:
		default:
			select {
			case e = <-s.ch:
			case <-s.reset:
				return s.resetMessage(ctx), true
			case <-ctx.Done():
				return sse.Message{}, false
			case <-wake:
				return sse.Message{}, false
			}
		}
		if !less(s.cursor[e.topic], e.id) {
			continue // replayed already
		}
		return s.message(e), true
	}
}

func (s *stream) id() string {
	if len(s.topics) == 1 {
		return s.cursor[s.topics[0]]
	}
	parts := make([]string, len(s.topics))
	for i, n := range s.topics {
		parts[i] = n + ":" + s.cursor[n]
	}
	return strings.Join(parts, ",")
}

func (s *stream) message(e entry) sse.Message {
	s.cursor[e.topic] = e.id
	return sse.WithID(s.id(), e.body)
}

// resetMessage is the reset event, with an id that resumes from now (when
// Redis can say what now is).
func (s *stream) resetMessage(ctx context.Context) sse.Message {
	for _, n := range s.topics {
		if last, err := s.b.lastID(ctx, n); err == nil {
			s.cursor[n] = last
		} else {
			s.cursor[n] = "0-0"
		}
	}
	return sse.Reset(s.id())
}

// Close implements sse.Stream.
func (s *stream) Close() {
	s.closed.Do(func() {
		for _, n := range s.topics {
			s.b.leave(n, s)
		}
	})
}

// Subscribers returns how many of this node's subscriptions read topic.
func (b *Broker) Subscribers(topic string) int {
	b.mu.Lock()
	r := b.readers[topic]
	b.mu.Unlock()
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.subs)
}

// LastID returns the ID a subscriber of topics would have after the newest
// events in Redis, as sse.Broker.LastID does.
func (b *Broker) LastID(ctx context.Context, topics ...string) (string, error) {
	names := slices.Clone(topics)
	slices.Sort(names)
	names = slices.Compact(names)
	s := &stream{b: b, topics: names, cursor: map[string]string{}}
	for _, n := range names {
		if err := checkTopic(n); err != nil {
			return "", err
		}
		last, err := b.lastID(ctx, n)
		if err != nil {
			return "", err
		}
		s.cursor[n] = last
	}
	return s.id(), nil
}
