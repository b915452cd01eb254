//go:build !race

package fuzzcheck

// RaceSlowdown scales the budgets (10 under the race detector).
const RaceSlowdown = 1
