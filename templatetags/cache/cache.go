// Package cache is Django's template fragment cache ({% load cache %}):
//
//	{% cache 500 sidebar request.user.username using="fragments" %}
//	    … expensive part of the page …
//	{% endcache %}
//
// caches the rendered fragment under a key made, as Django makes it, from
// the fragment's name and the vary-on values (see [FragmentKey]), for the
// given number of seconds (None: for as long as the cache keeps it; 0 or
// less: not at all). It is written against runnel's public tag API only.
//
// A fragment found in the cache is written at once. One that is not
// renders as any other part of the page does — streaming, its late data
// awaited in place — and is stored when it is complete. A fragment whose
// body failed, or started an out-of-order {% defer %} section (whose
// content arrives later in the page), is not stored.
//
// The store is pluggable ([Cache]): an in-memory one with a size bound
// ([NewMemory]) is the default; a Redis one is redisbroker.FragmentCache
// in the module github.com/runnelhq/runnel/sse/redisbroker. Register the
// library under its Django name:
//
//	eng := runnel.New(fsys, runnel.WithLibrary("cache", cache.Library(cache.Options{})))
package cache

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/runnelhq/runnel"
)

// Cache stores rendered fragments. Implementations must be safe for
// concurrent use.
type Cache interface {
	// Get returns the fragment stored under key, and whether there is one.
	Get(ctx context.Context, key string) (fragment string, ok bool, err error)
	// Set stores a fragment under key for ttl; a ttl of 0 means no expiry
	// (Django's timeout None).
	Set(ctx context.Context, key, fragment string, ttl time.Duration) error
}

// DefaultMemoryBytes is the size bound of the in-memory cache a library
// made without one uses.
const DefaultMemoryBytes = 64 << 20

// Options configure the library.
type Options struct {
	// Caches are the caches a template can name with using="name", as
	// Django's CACHES setting. Without using=, the tag uses
	// "template_fragments" if there is one, else "default". A nil or empty
	// map means one in-memory cache of DefaultMemoryBytes as "default".
	Caches map[string]Cache
	// OnError receives the errors of the cache itself (a Get or Set that
	// failed); the fragment is then rendered without the cache, so that a
	// cache that is down slows the page but does not break it. nil logs
	// them with log/slog.
	OnError func(ctx context.Context, err error)
	// MaxFragmentBytes bounds the fragments that are stored (0: the
	// engine's MaxValueBytes); a larger one is still rendered, not stored.
	MaxFragmentBytes int64
}

// FragmentKey returns the cache key of a fragment as Django's
// make_template_fragment_key makes it: "template.cache.<name>.<md5>", the
// MD5 of each vary-on value's text followed by ":". An application uses it
// to delete a fragment from its cache when the data behind it changes.
func FragmentKey(name string, varyOn ...any) string {
	h := md5.New()
	for _, v := range varyOn {
		h.Write([]byte(runnel.ToString(v)))
		h.Write([]byte(":"))
	}
	return "template.cache." + name + "." + hex.EncodeToString(h.Sum(nil))
}

// Library returns the cache library.
func Library(o Options) *runnel.Library {
	caches := o.Caches
	if len(caches) == 0 {
		caches = map[string]Cache{"default": NewMemory(DefaultMemoryBytes)}
	}
	onError := o.OnError
	if onError == nil {
		onError = func(ctx context.Context, err error) {
			slog.ErrorContext(ctx, "runnel: fragment cache", "err", err)
		}
	}
	return runnel.NewLibrary().Tag("cache", runnel.TagSpec{End: "endcache"}, func(p *runnel.TagParser) (runnel.Node, error) {
		bits := p.Bits()
		if len(bits) < 3 {
			return nil, p.Errorf("'%s' tag requires at least 2 arguments.", runnel.Repr(bits[0]))
		}
		n := &node{caches: caches, onError: onError, max: o.MaxFragmentBytes, name: bits[2]}
		if len(bits) > 3 && strings.HasPrefix(bits[len(bits)-1], "using=") {
			using, err := p.Expr(bits[len(bits)-1][len("using="):])
			if err != nil {
				return nil, err
			}
			n.using = using
			bits = bits[:len(bits)-1]
		}
		var err error
		if n.timeout, err = p.Expr(bits[1]); err != nil {
			return nil, err
		}
		for _, b := range bits[3:] {
			e, err := p.Expr(b)
			if err != nil {
				return nil, err
			}
			n.varyOn = append(n.varyOn, e)
		}
		if n.body, err = p.Branches()[0].Body(); err != nil {
			return nil, err
		}
		return n, nil
	})
}

// node is one {% cache %} block.
type node struct {
	caches  map[string]Cache
	onError func(context.Context, error)
	max     int64
	timeout *runnel.Expr
	name    string // the fragment name: a literal, never a variable
	varyOn  []*runnel.Expr
	using   *runnel.Expr
	body    runnel.Body
}

func (n *node) Render(r *runnel.Renderer) error {
	tv, err := n.timeout.Resolve(r)
	if err != nil {
		return err
	}
	ttl, store, err := timeoutOf(tv)
	if err != nil {
		return err
	}
	c, err := n.cache(r)
	if err != nil {
		return err
	}
	vary := make([]any, len(n.varyOn))
	for i, e := range n.varyOn {
		if vary[i], err = e.Resolve(r); err != nil {
			return err
		}
	}
	key := FragmentKey(n.name, vary...)
	ctx := r.Context()
	frag, ok, err := c.Get(ctx, key)
	if err != nil {
		n.onError(ctx, fmt.Errorf("get %s: %w", key, err))
	} else if ok {
		r.WriteString(frag)
		return nil
	}
	if !store {
		return r.Render(n.body)
	}
	text, replayable, err := r.Record(n.body, n.max)
	if err != nil || !replayable {
		return err
	}
	if err := c.Set(ctx, key, text, ttl); err != nil {
		n.onError(ctx, fmt.Errorf("set %s: %w", key, err))
	}
	return nil
}

// cache picks the cache the tag uses.
func (n *node) cache(r *runnel.Renderer) (Cache, error) {
	if n.using == nil {
		if c, ok := n.caches["template_fragments"]; ok {
			return c, nil
		}
		if c, ok := n.caches["default"]; ok {
			return c, nil
		}
		return nil, fmt.Errorf("Invalid cache name specified for cache tag: 'default'")
	}
	v, err := n.using.Resolve(r)
	if err != nil {
		return nil, err
	}
	name := runnel.ToString(v)
	c, ok := n.caches[name]
	if !ok {
		return nil, fmt.Errorf("Invalid cache name specified for cache tag: %s", runnel.Repr(v))
	}
	return c, nil
}

// timeoutOf converts the tag's timeout as Django does with int(): None is
// no expiry; a value int() refuses is an error. store is false for a
// timeout of 0 or less, which Django's caches expire at once.
func timeoutOf(v any) (ttl time.Duration, store bool, err error) {
	if v == nil {
		return 0, true, nil
	}
	secs, ok := pyInt(v)
	if !ok {
		return 0, false, fmt.Errorf(`"cache" tag got a non-integer timeout value: %s`, runnel.Repr(v))
	}
	if secs <= 0 {
		return 0, false, nil
	}
	if secs > int64(math.MaxInt64/time.Second) {
		return 0, true, nil // longer than time.Duration holds: no expiry
	}
	return time.Duration(secs) * time.Second, true, nil
}

// pyInt is Python's int() of a template value, for the values a timeout
// is written with: integers, floats (truncated), booleans and decimal text.
func pyInt(v any) (int64, bool) {
	switch x := v.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case int:
		return int64(x), true
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case uint:
		return int64(min(uint64(x), math.MaxInt64)), true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		return int64(min(x, math.MaxInt64)), true
	case float32:
		return floatInt(float64(x))
	case float64:
		return floatInt(x)
	case string, runnel.SafeString:
		s := strings.TrimSpace(runnel.ToString(x))
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	return 0, false
}

func floatInt(f float64) (int64, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return int64(max(min(f, math.MaxInt64), math.MinInt64)), true
}
