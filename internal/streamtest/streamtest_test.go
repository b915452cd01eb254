package streamtest

import (
	"io"
	"testing"
)

// TestReaderStopsAtMarker: Until returns as soon as its marker has arrived,
// while the writer is still holding the rest back, and Rest reads the rest.
func TestReaderStopsAtMarker(t *testing.T) {
	pr, pw := io.Pipe()
	release := make(chan struct{})
	go func() {
		io.WriteString(pw, "<head>first</head>")
		<-release
		io.WriteString(pw, "<body>second</body>")
		pw.Close()
	}()
	rd := NewReader(t, pr)
	if got := rd.Until("</head>"); got != "<head>first</head>" {
		t.Fatalf("Until: %q", got)
	}
	close(release)
	if got := rd.Until("second"); got != "<body>second" {
		t.Fatalf("second Until: %q", got)
	}
	if got := rd.Rest(); got != "</body>" {
		t.Fatalf("Rest: %q", got)
	}
	if rd.Got() != "<head>first</head><body>second</body>" {
		t.Fatalf("Got: %q", rd.Got())
	}
}
