package flagvalue

import (
	"strings"
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    time.Duration
		wantErr string
	}{
		{name: "plain number is seconds", in: "5", want: 5 * time.Second},
		{name: "fraction", in: "1.5", want: 1500 * time.Millisecond},
		{name: "leading dot", in: ".25", want: 250 * time.Millisecond},
		{name: "zero", in: "0", want: 0},
		{name: "go form", in: "500ms", want: 500 * time.Millisecond},
		{name: "minutes", in: "2m", want: 2 * time.Minute},
		{name: "compound", in: "1h30m", want: 90 * time.Minute},
		{name: "spaces trimmed", in: " 3 ", want: 3 * time.Second},
		{name: "word", in: "abc", wantErr: `"abc" is not a duration such as 5 (seconds), 1.5, 500ms, 2m or 1h30m`},
		{name: "nan", in: "NaN", wantErr: "not a duration"},
		{name: "inf", in: "Inf", wantErr: "not a duration"},
		{name: "exponent", in: "1e3", wantErr: "not a duration"},
		{name: "negative number", in: "-5", wantErr: "not a duration"},
		{name: "negative go form", in: "-5s", wantErr: `"-5s" is negative`},
		{name: "two dots", in: "1.2.3", wantErr: "not a duration"},
		{name: "empty", in: "", wantErr: "not a duration"},
		{name: "too long", in: "99999999999", wantErr: `"99999999999" seconds is too long`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Duration
			err := d.Set(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Set(%q) = %v, %v; want an error with %q", tt.in, time.Duration(d), err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "strconv") || strings.Contains(err.Error(), "time:") {
					t.Errorf("error shows Go internals: %v", err)
				}
				return
			}
			if err != nil || time.Duration(d) != tt.want {
				t.Fatalf("Set(%q) = %v, %v; want %v", tt.in, time.Duration(d), err, tt.want)
			}
		})
	}
}

func TestRate(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    float64
		wantErr string
	}{
		{name: "plain number", in: "10", want: 10},
		{name: "per second", in: "10/s", want: 10},
		{name: "per minute", in: "600/m", want: 10},
		{name: "per min", in: "30/min", want: 0.5},
		{name: "per hour", in: "36000/h", want: 10},
		{name: "one a day, the lowest", in: "1/d", want: 1.0 / 86400},
		{name: "per sec", in: "5/sec", want: 5},
		{name: "per hour, spelled out", in: "7200/hour", want: 2},
		{name: "per day, spelled out", in: "86400/day", want: 1},
		{name: "per minute, spelled out, upper case", in: "120/Minute", want: 2},
		{name: "fraction", in: "0.5", want: 0.5},
		{name: "zero is no limit", in: "0", want: 0},
		{name: "zero per minute", in: "0/m", want: 0},
		{name: "nan", in: "NaN", wantErr: `"NaN" is not a rate such as 10 (per second), 10/s, 600/m, 100/h or 5/day`},
		{name: "inf", in: "+Inf", wantErr: "not a rate"},
		{name: "negative", in: "-1", wantErr: "not a rate"},
		{name: "unknown unit", in: "10/w", wantErr: "not a rate"},
		{name: "no number", in: "/s", wantErr: "not a rate"},
		{name: "below one a day", in: "1/h", want: 1.0 / 3600},
		{name: "too low", in: "0.00001", wantErr: `below the lowest rate, 1/d`},
		{name: "too low per day", in: "0.5/d", wantErr: `below the lowest rate, 1/d`},
		{name: "underflows to zero", in: "0." + strings.Repeat("0", 400) + "1", wantErr: `below the lowest rate, 1/d`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Rate
			err := r.Set(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Set(%q) = %v, %v; want an error with %q", tt.in, float64(r), err, tt.wantErr)
				}
				return
			}
			if err != nil || float64(r) != tt.want {
				t.Fatalf("Set(%q) = %v, %v; want %v", tt.in, float64(r), err, tt.want)
			}
		})
	}
}

func TestProxy(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr string
	}{
		{name: "http", in: "http://127.0.0.1:3128", want: "http://127.0.0.1:3128"},
		{name: "host and port mean http", in: "127.0.0.1:3128", want: "http://127.0.0.1:3128"},
		{name: "https", in: "https://proxy.example:443", want: "https://proxy.example:443"},
		{name: "socks5", in: "socks5://127.0.0.1:1080", want: "socks5://127.0.0.1:1080"},
		{name: "socks5h", in: "socks5h://127.0.0.1:1080", want: "socks5h://127.0.0.1:1080"},
		{name: "password redacted", in: "http://u:secret@127.0.0.1:3128", want: "http://u:xxxxx@127.0.0.1:3128"},
		{name: "ftp", in: "ftp://127.0.0.1", wantErr: `proxy scheme "ftp" is not supported`},
		{name: "no host", in: "http://", wantErr: "not a proxy URL"},
		{name: "empty port", in: "http://127.0.0.1:", wantErr: "not a proxy URL"},
		{name: "bad port", in: "http://127.0.0.1:99999", wantErr: "not a proxy URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Proxy
			err := p.Set(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Set(%q) = %v; want an error with %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || p.String() != tt.want {
				t.Fatalf("Set(%q) = %q, %v; want %q", tt.in, p.String(), err, tt.want)
			}
		})
	}
}

func TestBytes(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantStr string
		wantErr bool
	}{
		{"4096", 4096, "4KiB", false},
		{"512K", 512 << 10, "512KiB", false},
		{"4MiB", 4 << 20, "4MiB", false},
		{"4mb", 4 << 20, "4MiB", false},
		{"1G", 1 << 30, "1GiB", false},
		{"1000", 1000, "1000", false},
		{"0", 0, "", true},
		{"-1", 0, "", true},
		{"lots", 0, "", true},
		{"4TB", 0, "", true},
	}
	for _, tt := range tests {
		var b Bytes
		err := b.Set(tt.in)
		if (err != nil) != tt.wantErr || (err == nil && (int64(b) != tt.want || b.String() != tt.wantStr)) {
			t.Errorf("Set(%q) = %d %q, %v; want %d %q, error %v", tt.in, int64(b), b.String(), err, tt.want, tt.wantStr, tt.wantErr)
		}
	}
}

func TestHeaders(t *testing.T) {
	var h Headers
	for _, v := range []string{"X-A: 1", "x-a:2", "Accept:  text/html "} {
		if err := h.Set(v); err != nil {
			t.Fatal(err)
		}
	}
	if got := h.h.Values("X-A"); len(got) != 2 || got[0] != "1" || got[1] != "2" || h.h.Get("Accept") != "text/html" {
		t.Errorf("headers %v", h.h)
	}
	for _, bad := range []string{"no colon", ": empty name", "X Y: space", "X: a\r\nInjected: 1"} {
		if err := h.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}
