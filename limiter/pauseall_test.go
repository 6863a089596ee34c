package limiter

import (
	"testing"
	"time"
)

// TestPauseAll checks that a global pause holds back every host, those
// never seen included, and that a host's own longer pause still counts.
func TestPauseAll(t *testing.T) {
	l := New(Config{})
	l.PauseAll(t0.Add(2 * time.Second))
	l.PauseAll(t0.Add(time.Second)) // an earlier end never shortens it
	l.Pause("long:80", t0.Add(3*time.Second))
	l.Pause("short:80", t0.Add(time.Second))
	tests := []struct {
		name   string
		host   string
		at     time.Duration
		wantOK bool
		wantAt time.Duration
	}{
		{name: "a host never seen", host: "new:80", at: time.Second, wantAt: 2 * time.Second},
		{name: "a host whose own pause is shorter", host: "short:80", at: 1500 * time.Millisecond, wantAt: 2 * time.Second},
		{name: "a host whose own pause is longer", host: "long:80", at: 2 * time.Second, wantAt: 3 * time.Second},
		{name: "after the global pause", host: "new:80", at: 2 * time.Second, wantOK: true},
		{name: "after the host's own", host: "long:80", at: 3 * time.Second, wantOK: true},
	}
	for _, tt := range tests {
		ok, at, _, _ := l.tryHost(tt.host, t0.Add(tt.at))
		want := time.Time{}
		if !tt.wantOK {
			want = t0.Add(tt.wantAt)
		}
		if ok != tt.wantOK || !at.Equal(want) {
			t.Errorf("%s: ok=%v retryAt=%v, want ok=%v retryAt=%v", tt.name, ok, at, tt.wantOK, want)
		}
	}
}

// TestPauseAllAfterSlot checks that a global pause that began while an
// attempt waited for its global slot sends it back to wait.
func TestPauseAllAfterSlot(t *testing.T) {
	l := New(Config{Concurrency: 1})
	if ok, _, _, _ := l.tryHost("h:80", t0); !ok {
		t.Fatal("no host slot")
	}
	l.PauseAll(t0.Add(time.Second))
	until, err := l.startOn(t.Context(), "h:80", func() time.Time { return t0 })
	if err != nil || !until.Equal(t0.Add(time.Second)) {
		t.Fatalf("startOn = %v, %v; want the pause's end", until, err)
	}
	if l.hostCount() != 1 {
		t.Fatalf("%d hosts", l.hostCount())
	}
	// Both slots were given back: the next attempt after the pause starts.
	if ok, _, _, _ := l.tryHost("h:80", t0.Add(time.Second)); !ok {
		t.Fatal("host slot not given back")
	}
	if until, err := l.startOn(t.Context(), "h:80", func() time.Time { return t0.Add(time.Second) }); err != nil || !until.IsZero() {
		t.Fatalf("startOn after the pause = %v, %v", until, err)
	}
}
