package fuzzcheck

import (
	"testing"
	"time"
)

func TestAmplify(t *testing.T) {
	if got := Amplify("ab", 5); got != "ababab" {
		t.Errorf("Amplify = %q", got)
	}
	if Amplify("", 5) != "" || Amplify("abcdef", 5) != "abcdef" {
		t.Error("Amplify of an empty or long input changed it")
	}
}

func TestWithinRunsAgainOnce(t *testing.T) {
	runs := 0
	Within(t, "step", "x", time.Hour, func() { runs++ })
	if runs != 1 {
		t.Errorf("%d runs within budget, want 1", runs)
	}
	if Budget(0) < time.Second || Budget(1<<20) <= Budget(0) {
		t.Errorf("Budget(0) = %v, Budget(1 MiB) = %v", Budget(0), Budget(1<<20))
	}
}
