//go:build !unix

package sse

// gone reports false: without a read that does not wait, a parked stream
// learns that its client left at its next write.
func (p *parked) gone() bool { return false }
