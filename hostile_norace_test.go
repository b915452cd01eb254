//go:build !race

package runnel

// hostileRace reports a race-detector build (see hostile_race_test.go).
const hostileRace = false
