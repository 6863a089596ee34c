package cmd

import "testing"

func TestByteSize(t *testing.T) {
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
		var b byteSize
		err := b.Set(tt.in)
		if (err != nil) != tt.wantErr || (err == nil && (int64(b) != tt.want || b.String() != tt.wantStr)) {
			t.Errorf("Set(%q) = %d %q, %v; want %d %q, error %v", tt.in, int64(b), b.String(), err, tt.want, tt.wantStr, tt.wantErr)
		}
	}
}

func TestHeaderList(t *testing.T) {
	var h headerList
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
