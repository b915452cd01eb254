//go:build !race

package runnel

// raceSlowdown scales the fuzz targets' time budgets (see fuzz_race_test.go).
const raceSlowdown = 1
