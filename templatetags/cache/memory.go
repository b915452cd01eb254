package cache

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Memory is an in-memory [Cache] with a size bound, like Django's LocMemCache:
// when a new fragment would pass the bound, the least recently used ones
// are dropped. Expired fragments are dropped when they are next looked up
// or when room is needed. It is safe for concurrent use.
type Memory struct {
	// Now is the clock expiry is measured with; nil is time.Now.
	Now func() time.Time

	mu      sync.Mutex
	max     int64
	size    int64
	lru     *list.List // of *memEntry, most recently used first
	entries map[string]*list.Element
}

type memEntry struct {
	key, val string
	expires  time.Time // zero: never
}

// memOverhead is what an entry costs beyond its key and fragment, for the
// size bound.
const memOverhead = 96

// NewMemory returns an in-memory cache that holds at most maxBytes of
// keys and fragments (DefaultMemoryBytes if maxBytes <= 0).
func NewMemory(maxBytes int64) *Memory {
	if maxBytes <= 0 {
		maxBytes = DefaultMemoryBytes
	}
	return &Memory{max: maxBytes, lru: list.New(), entries: map[string]*list.Element{}}
}

func (m *Memory) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Get implements [Cache].
func (m *Memory) Get(_ context.Context, key string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.entries[key]
	if !ok {
		return "", false, nil
	}
	e := el.Value.(*memEntry)
	if !e.expires.IsZero() && !m.now().Before(e.expires) {
		m.remove(el)
		return "", false, nil
	}
	m.lru.MoveToFront(el)
	return e.val, true, nil
}

// Set implements [Cache]. A fragment larger than the whole cache is not
// stored.
func (m *Memory) Set(_ context.Context, key, val string, ttl time.Duration) error {
	cost := entryCost(key, val)
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.entries[key]; ok {
		m.remove(el)
	}
	if cost > m.max {
		return nil
	}
	now := m.now()
	// Room: first what has expired, then the least recently used.
	for el := m.lru.Back(); el != nil && m.size+cost > m.max; {
		prev := el.Prev()
		if e := el.Value.(*memEntry); !e.expires.IsZero() && !now.Before(e.expires) {
			m.remove(el)
		}
		el = prev
	}
	for m.size+cost > m.max {
		m.remove(m.lru.Back())
	}
	e := &memEntry{key: key, val: val}
	if ttl > 0 {
		e.expires = now.Add(ttl)
	}
	m.entries[key] = m.lru.PushFront(e)
	m.size += cost
	return nil
}

// Delete removes the fragment stored under key, if any.
func (m *Memory) Delete(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.entries[key]; ok {
		m.remove(el)
	}
}

// Len returns the number of fragments held, and their size in bytes as the
// bound counts it.
func (m *Memory) Len() (n int, bytes int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lru.Len(), m.size
}

func (m *Memory) remove(el *list.Element) {
	e := m.lru.Remove(el).(*memEntry)
	delete(m.entries, e.key)
	m.size -= entryCost(e.key, e.val)
}

func entryCost(key, val string) int64 { return int64(len(key)+len(val)) + memOverhead }
