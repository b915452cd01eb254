package redisbroker

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/runnelhq/runnel/templatetags/cache"
)

// FragmentCache keeps the fragments of {% cache %} (package
// runnel/templatetags/cache) in Redis, so that every server of a site
// shares them: a fragment one server rendered is a hit on all of them.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
//	frags := &redisbroker.FragmentCache{Client: rdb, Prefix: "site:"}
//	eng := runnel.New(fsys, runnel.WithLibrary("cache",
//		cache.Library(cache.Options{Caches: map[string]cache.Cache{"default": frags}})))
//
// Each fragment is one Redis string (GET, SET with an expiry in
// milliseconds; no expiry for a timeout of None). Bound its memory with
// Redis's own maxmemory and an eviction policy such as allkeys-lru.
type FragmentCache struct {
	// Client is the Redis client (a *redis.Client, a cluster or a ring).
	Client redis.UniversalClient
	// Prefix is put before every key (Django's KEY_PREFIX), so that sites
	// or versions sharing a Redis do not share fragments.
	Prefix string
}

var _ cache.Cache = (*FragmentCache)(nil)

// Get implements cache.Cache.
func (c *FragmentCache) Get(ctx context.Context, key string) (string, bool, error) {
	v, err := c.Client.Get(ctx, c.Prefix+key).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return v, true, nil
}

// Set implements cache.Cache.
func (c *FragmentCache) Set(ctx context.Context, key, fragment string, ttl time.Duration) error {
	return c.Client.Set(ctx, c.Prefix+key, fragment, max(ttl, 0)).Err()
}

// Delete removes fragments by key (as cache.FragmentKey makes them), when
// the data behind them changes.
func (c *FragmentCache) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = c.Prefix + k
	}
	return c.Client.Del(ctx, full...).Err()
}
