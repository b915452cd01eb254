package cache_test

import (
	"context"
	"fmt"

	"github.com/runnelhq/runnel"
	"github.com/runnelhq/runnel/templatetags/cache"
)

func Example() {
	frags := cache.NewMemory(16 << 20)
	eng := runnel.New(nil, runnel.WithLibrary("cache", cache.Library(cache.Options{
		Caches: map[string]cache.Cache{"default": frags},
	})))
	t := eng.MustParse("p", `{% load cache %}{% cache 300 sidebar user %}<p>{{ user }}: {{ n }}</p>{% endcache %}`)
	for n := range 2 {
		out, _ := t.RenderString(context.Background(), map[string]any{"user": "ann", "n": n})
		fmt.Println(out)
	}
	frags.Delete(cache.FragmentKey("sidebar", "ann")) // the data behind it changed
	out, _ := t.RenderString(context.Background(), map[string]any{"user": "ann", "n": 2})
	fmt.Println(out)
	// Output:
	// <p>ann: 0</p>
	// <p>ann: 0</p>
	// <p>ann: 2</p>
}
