//go:build race

package syntax

// raceSlowdown scales the fuzz targets' time budgets: the race detector
// makes the parser about ten times slower.
const raceSlowdown = 10
