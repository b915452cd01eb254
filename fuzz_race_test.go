//go:build race

package runnel

// raceSlowdown scales the fuzz targets' time budgets: the race detector
// makes parsing and rendering about ten times slower.
const raceSlowdown = 10
