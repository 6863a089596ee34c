package record

import (
	"net/url"
	"strings"
)

// Redacted stands for a secret wherever one is shown to a person or
// written to a file made to be shared (summaries, errors, the report
// page's flags): url.URL.Redacted's mark.
const Redacted = "xxxxx"

// RedactURL is s with the password of its user info, if any, replaced by
// Redacted (url.URL.Redacted); s unchanged when it has none or does not
// parse.
func RedactURL(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	return u.Redacted()
}

// SecretHeader reports whether a header named name carries a credential:
// Authorization, Proxy-Authorization, Cookie, Set-Cookie, or any name with
// "token", "key", "secret", "password" or "credential" in it (X-Api-Key,
// X-Auth-Token), in any case.
func SecretHeader(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "authorization", "proxy-authorization", "cookie", "set-cookie":
		return true
	}
	for _, part := range []string{"token", "key", "secret", "password", "credential"} {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// RedactHeader is value, or Redacted when the header named name carries a
// credential (SecretHeader).
func RedactHeader(name, value string) string {
	if SecretHeader(name) {
		return Redacted
	}
	return value
}
