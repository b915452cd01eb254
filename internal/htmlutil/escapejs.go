package htmlutil

import (
	"fmt"
	"strings"
)

// EscapeJS is django.utils.html.escapejs.
func EscapeJS(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		switch {
		case r < 0x20, r >= 0x7f && r < 0xa0, r == 0x2028, r == 0x2029:
		case r == '\\', r == '\'', r == '"', r == '>', r == '<', r == '&', r == '=', r == '-', r == ';', r == '`':
		default:
			b.WriteRune(r)
			continue
		}
		fmt.Fprintf(&b, "\\u%04X", r)
	}
	return b.String()
}
