package runnel

import (
	"testing"
	"time"
)

// TestPinnedLocations checks that pinned copies behave like their zone.
func TestPinnedLocations(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	p := pinLocation(ict)
	if p == ict || !isPinned(p) || isPinned(ict) || isPinned(time.UTC) {
		t.Fatal("pinned copy not recognized")
	}
	if pinLocation(ict) != p {
		t.Fatal("pinned copy not reused")
	}
	tm := time.Date(2011, 9, 1, 10, 20, 30, 0, time.UTC)
	if got, want := tm.In(p).Format(time.RFC3339+" MST"), tm.In(ict).Format(time.RFC3339+" MST"); got != want {
		t.Fatalf("pinned zone formats differently: %s vs %s", got, want)
	}
	local := tm.In(pinLocation(time.Local))
	if got, want := local.Format(time.RFC3339+" MST"), tm.In(time.Local).Format(time.RFC3339+" MST"); got != want {
		t.Fatalf("pinned local zone: %s vs %s", got, want)
	}
	if p := pinLocation(time.UTC); tm.In(p).Format("MST -07:00") != "UTC +00:00" {
		t.Fatalf("pinned UTC: %s", tm.In(p).Format("MST -07:00"))
	}
}
