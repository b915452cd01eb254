//go:build race

package fuzzcheck

// RaceSlowdown scales the budgets: the race detector makes parsing and
// rendering about ten times slower.
const RaceSlowdown = 10
