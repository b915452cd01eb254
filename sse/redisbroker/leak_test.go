package redisbroker

import "go.uber.org/goleak"

// goleakFind reports goroutines left running once every broker, client and
// server of the tests is closed: readers must end with their broker.
func goleakFind() error { return goleak.Find() }
