//go:build !race

package syntax

// raceSlowdown scales the fuzz targets' time budgets (see fuzz_race_test.go).
const raceSlowdown = 1
