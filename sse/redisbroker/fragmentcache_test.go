package redisbroker

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/templatetags/cache"
)

// TestFragmentCacheShared: a fragment one server renders is a hit on
// another server on the same Redis, with the tag's timeout as its TTL; a
// Redis that is down slows nothing but the cache: the page renders
// uncached and the error is reported.
func TestFragmentCacheShared(t *testing.T) {
	rs := startRedis(t, "")
	ctx := context.Background()
	page := fstest.MapFS{"p.html": {Data: []byte("{% load cache %}<h1>{% cache 60 side user %}{{ user }}: {{ n }}{% endcache %}</h1>")}}
	var reported atomic.Int32
	server := func(rdb redis.UniversalClient) *runnel.Engine {
		frags := &FragmentCache{Client: rdb, Prefix: "test:"}
		return runnel.New(page, runnel.WithLibrary("cache", cache.Library(cache.Options{
			Caches:  map[string]cache.Cache{"default": frags},
			OnError: func(context.Context, error) { reported.Add(1) },
		})))
	}
	render := func(e *runnel.Engine, n int) string {
		t.Helper()
		tmpl, err := e.Template("p.html")
		if err != nil {
			t.Fatal(err)
		}
		out, err := tmpl.RenderString(ctx, map[string]any{"user": "ann", "n": n})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	rdbA := redis.NewClient(&redis.Options{Addr: rs.addr})
	rdbB := redis.NewClient(&redis.Options{Addr: rs.addr})
	defer rdbA.Close()
	defer rdbB.Close()
	a, b := server(rdbA), server(rdbB)

	if got := render(a, 1); got != "<h1>ann: 1</h1>" {
		t.Fatalf("a: %q", got)
	}
	if got := render(b, 2); got != "<h1>ann: 1</h1>" {
		t.Fatalf("b did not hit the fragment a stored: %q", got)
	}
	key := "test:" + cache.FragmentKey("side", "ann")
	ttl, err := rdbA.PTTL(ctx, key).Result()
	if err != nil || ttl <= 30*time.Second || ttl > 60*time.Second { // 60 s less the time since SET
		t.Fatalf("ttl of %s: %v %v", key, ttl, err)
	}
	if err := (&FragmentCache{Client: rdbA, Prefix: "test:"}).Delete(ctx, cache.FragmentKey("side", "ann")); err != nil {
		t.Fatal(err)
	}
	if got := render(b, 3); got != "<h1>ann: 3</h1>" {
		t.Fatalf("after delete: %q", got)
	}
	if reported.Load() != 0 {
		t.Fatalf("%d errors reported", reported.Load())
	}

	rs.stop()
	down := redis.NewClient(&redis.Options{Addr: rs.addr, MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer down.Close()
	if got := render(server(down), 4); got != "<h1>ann: 4</h1>" {
		t.Fatalf("redis down: %q", got)
	}
	if reported.Load() != 2 {
		t.Fatalf("redis down: %d errors reported, want the get and the set", reported.Load())
	}
}
