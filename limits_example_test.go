package runnel_test

import (
	"context"
	"errors"
	"fmt"
	"testing/fstest"

	"github.com/runnelhq/runnel"
)

// An engine for templates that users edit: every render is bounded, and
// templates may use only the allowed tags and filters.
func ExampleWithLimits() {
	eng := runnel.New(nil, runnel.WithLimits(runnel.Limits{
		MaxOutputBytes:    64 << 10,
		MaxLoopIterations: 1000,
	}))
	t := eng.MustParse("page.html", "{% for a in rows %}{% for b in rows %}.{% endfor %}{% endfor %}")
	rows := make([]int, 100) // 100 × 100 iterations: more than 1000
	_, err := t.RenderString(context.Background(), map[string]any{"rows": rows})

	var le *runnel.LimitError
	if errors.As(err, &le) {
		fmt.Println("limit:", le.Limit, le.Max)
	}
	fmt.Println(errors.Is(err, runnel.ErrLimitExceeded))
	fmt.Println(err)
	// Output:
	// limit: MaxLoopIterations 1000
	// true
	// page.html:1:20: runnel: loops ran more than 1000 iterations (Limits.MaxLoopIterations)
	//     {% for a in rows %}{% for b in rows %}.{% endfor %}{% endfor %}
	//                        ^
}

func ExampleWithAllowlist() {
	eng := runnel.New(nil, runnel.WithAllowlist(runnel.Allowlist{
		Tags:      []string{"if", "for"},
		Filters:   []string{"upper", "default"},
		Libraries: []string{},
	}))
	_, err := eng.Parse("card.html", "<h1>{{ title|upper }}</h1>\n{% debug %}")
	fmt.Println(err)
	_, err = eng.Parse("card.html", "{{ title|safe }}")
	fmt.Println(err)
	// Output:
	// card.html:2:1: 'debug' is not an allowed tag: the engine's allowlist (runnel.WithAllowlist) leaves it out
	//     {% debug %}
	//     ^
	// card.html:1:1: 'safe' is not an allowed filter: the engine's allowlist (runnel.WithAllowlist) leaves it out
	//     {{ title|safe }}
	//     ^
}

// The recommended profile for user-edited templates: UntrustedLimits and
// UntrustedAllowlist. Keep it on an engine of its own, so that the
// application's templates keep every tag.
func ExampleUntrustedProfile() {
	userTemplates := fstest.MapFS{
		"welcome.html": {Data: []byte("Hello {{ name|title }}! {% lorem 999999 b %}")},
		"order.html":   {Data: []byte("{% for item in items %}{{ item|upper }} {% endfor %}")},
	}
	users := runnel.New(userTemplates, runnel.UntrustedProfile())

	_, err := users.Template("welcome.html")
	fmt.Println(err != nil) // lorem is not allowed

	t, _ := users.Template("order.html")
	out, err := t.RenderString(context.Background(), map[string]any{"items": []string{"tea", "cake"}})
	fmt.Printf("%q %v\n", out, err)
	// Output:
	// true
	// "TEA CAKE " <nil>
}
