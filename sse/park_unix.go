//go:build unix

package sse

import "syscall"

// gone reports whether the client has closed the connection (or sent
// anything, which an EventSource never does), by a read that does not wait.
func (p *parked) gone() bool {
	if p.raw == nil {
		return false
	}
	var gone bool
	var buf [64]byte
	err := p.raw.Read(func(fd uintptr) bool {
		n, err := syscall.Read(int(fd), buf[:])
		gone = n > 0 || (n == 0 && err == nil) || (err != nil && err != syscall.EAGAIN && err != syscall.EINTR)
		return true // never wait for readability
	})
	return gone || err != nil
}
