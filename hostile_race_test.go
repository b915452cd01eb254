//go:build race

package runnel

// hostileRace reports a race-detector build: its memory use is several
// times the normal one, so hostile_proc_test.go does not hold the children
// of such a build to the RSS bound.
const hostileRace = true
