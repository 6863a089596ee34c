package benchsite

import (
	"errors"
	"testing"
)

// TestListenOnlyLoopback checks that the site listens on loopback
// addresses only, refusing any other before it listens.
func TestListenOnlyLoopback(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:0", true},
		{"127.0.0.2:0", true},
		{"[::1]:0", true},
		{"0.0.0.0:0", false},
		{"10.0.0.1:0", false},
		{"[::]:0", false},
		{"example.com:80", false},
		{"127.0.0.1", false}, // no port
	}
	for _, tt := range tests {
		l, err := Listen(tt.addr)
		if l != nil {
			l.Close()
		}
		if tt.ok && err != nil && !errors.Is(err, ErrNotLoopback) {
			t.Logf("%s: %v (no such address here)", tt.addr, err)
			continue
		}
		if tt.ok != (err == nil) || (!tt.ok && !errors.Is(err, ErrNotLoopback)) {
			t.Errorf("Listen(%q) = %v; want ok %v", tt.addr, err, tt.ok)
		}
	}
}
