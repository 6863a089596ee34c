package benchsite

import (
	"testing"
	"time"
)

// TestCapacity checks the model of a host with a capacity: the wait grows
// with the requests in flight above the capacity, 503 past twice it, and
// Load counts it all.
func TestCapacity(t *testing.T) {
	s := New(Options{Capacity: 4, Latency: 40 * time.Millisecond})
	tests := []struct {
		inFlight int64
		wait     time.Duration
		over     bool
	}{
		{1, 40 * time.Millisecond, false},
		{4, 40 * time.Millisecond, false},
		{5, 50 * time.Millisecond, false},
		{8, 80 * time.Millisecond, false},
		{9, 0, true},
		{3, 40 * time.Millisecond, false},
	}
	for _, tt := range tests {
		wait, over := s.load.admit(40*time.Millisecond, tt.inFlight)
		if wait != tt.wait || over != tt.over {
			t.Errorf("%d in flight: wait %v, over %v; want %v, %v", tt.inFlight, wait, over, tt.wait, tt.over)
		}
	}
	l := s.Load()
	if l.Answered != 5 || l.Rejected != 1 || l.MedianWait != 40*time.Millisecond || l.Peak != 9 {
		t.Errorf("load %+v", l)
	}
	s.SetCapacity(16)
	if wait, over := s.load.admit(40*time.Millisecond, 9); over || wait != 40*time.Millisecond {
		t.Errorf("at capacity 16, 9 in flight: wait %v, over %v", wait, over)
	}
	none := New(Options{})
	if none.SetCapacity(4); none.load.capacity.Load() != 0 {
		t.Error("SetCapacity gave a capacity to a site made without one")
	}
}
