package record

import "testing"

func TestRedactedURL(t *testing.T) {
	tests := []struct {
		name, url, want string
	}{
		{"no user information", "http://a.test/x", "http://a.test/x"},
		{"user and password", "http://user:s3cret@a.test/x?q=1", "http://user:xxxxx@a.test/x?q=1"},
		{"user alone", "https://user@a.test/", "https://user@a.test/"},
		{"@ in the path only", "http://a.test/@me", "http://a.test/@me"},
		{"not a URL", "not a url @ all", "not a url @ all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Result{URL: tt.url}
			if got := r.RedactedURL(); got != tt.want {
				t.Errorf("RedactedURL() = %q, want %q", got, tt.want)
			}
		})
	}
}
