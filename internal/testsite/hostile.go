package testsite

import (
	"compress/gzip"
	"html"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fanout-dev/fanout/internal/benchsite"
)

// Paths of the hostile endpoints, for tests to name.
const (
	PathNever         = "/hostile/never"         // never answers
	PathTrickle       = "/hostile/trickle"       // headers, then a byte a second
	PathInfinite      = "/hostile/infinite"      // a body that never ends
	PathGzipBomb      = "/hostile/gzip-bomb"     // gzip inflating to 1 GiB
	PathRedirectLoop  = "/hostile/redirect-loop" // a → b → a
	PathRedirectFile  = "/hostile/redirect-file" // Location: file:///etc/passwd
	PathReset         = "/hostile/reset"         // reset mid-body
	PathBigTitle      = "/hostile/big-title"     // a 4 MB title
	PathLateTitle     = "/hostile/late-title"    // a title after 300 KB of script
	PathBinary        = "/hostile/binary"        // 5 MB of binary
	PathJSON          = "/hostile/json"          // JSON, not HTML
	PathMalformed     = "/hostile/malformed"     // not HTTP at all
	PathRedirectChain = "/redirect/"             // /redirect/N redirects N times, then a page
	PathStatus        = "/status/"               // /status/CODE?retry-after=V
	PathFlaky         = "/flaky/"                // /flaky/N?code=503: CODE for the first N hits, then 200
	PathHeader        = "/header/"               // /header/NAME: a page titled with that request header's value
)

// hostileRoutes adds the hostile endpoints to mux; hits is the site's Hits.
func hostileRoutes(mux *http.ServeMux, hits func(path string) int) {
	mux.HandleFunc(PathNever, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc(PathTrickle, trickle)
	mux.HandleFunc(PathInfinite, infinite)
	mux.HandleFunc(PathGzipBomb, gzipBomb)
	mux.HandleFunc(PathRedirectLoop, func(w http.ResponseWriter, r *http.Request) {
		next := PathRedirectLoop + "?b"
		if r.URL.RawQuery == "b" {
			next = PathRedirectLoop
		}
		http.Redirect(w, r, next, http.StatusFound)
	})
	mux.HandleFunc(PathRedirectFile, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "file:///etc/passwd")
		w.WriteHeader(http.StatusFound)
	})
	mux.HandleFunc(PathReset, reset)
	mux.HandleFunc(PathBigTitle, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><head><title>"))
		chunk := []byte(strings.Repeat("T", 64<<10))
		for i := 0; i < 64; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		w.Write([]byte("</title></head></html>"))
	})
	mux.HandleFunc(PathLateTitle, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<html><head><script>"))
		w.Write([]byte(strings.Repeat("if (a < b) { c = '</div>'; }\n", 300<<10/29+1)))
		w.Write([]byte("</script><title>Late but found</title></head><body>x</body></html>"))
	})
	mux.HandleFunc(PathBinary, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(5<<20))
		buf := make([]byte, 64<<10)
		for i := range buf {
			buf[i] = byte(i*7 + i>>8)
		}
		for i := 0; i < 80; i++ {
			if _, err := w.Write(buf); err != nil {
				return
			}
		}
	})
	mux.HandleFunc(PathJSON, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"title":"not a page","items":[1,2,3]}`))
	})
	mux.HandleFunc(PathMalformed, func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 abc Bogus\r\nthis is not a header\r\n\r\n")
		buf.Flush()
	})
	mux.HandleFunc(PathRedirectChain, func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, PathRedirectChain))
		if err != nil || n <= 0 {
			http.Redirect(w, r, "/page/0", http.StatusFound)
			return
		}
		http.Redirect(w, r, PathRedirectChain+strconv.Itoa(n-1), http.StatusMovedPermanently)
	})
	mux.HandleFunc(PathStatus, func(w http.ResponseWriter, r *http.Request) {
		code, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, PathStatus))
		if err != nil || code < 100 || code > 999 {
			http.NotFound(w, r)
			return
		}
		if v := r.URL.Query().Get("retry-after"); v != "" {
			w.Header().Set("Retry-After", v)
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(code)
		w.Write([]byte("<title>Status " + strconv.Itoa(code) + "</title>"))
	})
	mux.HandleFunc(PathFlaky, func(w http.ResponseWriter, r *http.Request) { flaky(w, r, hits) })
	mux.HandleFunc(PathHeader, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		v := r.Header.Values(strings.TrimPrefix(r.URL.Path, PathHeader))
		w.Write([]byte("<title>" + html.EscapeString(strings.Join(v, " | ")) + "</title>"))
	})
}

func trickle(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	rc.Flush()
	const text = "<html><head><title>slow"
	for i := 0; benchsite.Wait(r, time.Second); i++ {
		if _, err := w.Write([]byte{text[i%len(text)]}); err != nil || rc.Flush() != nil {
			return
		}
	}
}

func infinite(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	w.Write([]byte("<html><head><title>Endless</title></head><body>"))
	chunk := []byte(strings.Repeat("<p>more</p>\n", 4096))
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// gzipBomb compresses a gibibyte of zeros as it writes, so it costs the
// server only what the client actually reads.
func gzipBomb(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Content-Encoding", "gzip")
	zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
	zw.Write([]byte("<html><head><title>Bomb</title></head><body>"))
	zeros := make([]byte, 1<<20)
	for i := 0; i < 1024; i++ {
		if _, err := zw.Write(zeros); err != nil || r.Context().Err() != nil {
			return
		}
	}
	zw.Close()
}

// reset sends headers and part of a body, then resets the connection.
func reset(w http.ResponseWriter, r *http.Request) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html><head><title>Cut")
	buf.Flush()
	resetClose(conn)
}

// resetClose closes conn with an RST rather than a FIN where it can.
func resetClose(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

func flaky(w http.ResponseWriter, r *http.Request, hits func(string) int) {
	n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, PathFlaky))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	code := http.StatusServiceUnavailable
	if c, err := strconv.Atoi(r.URL.Query().Get("code")); err == nil {
		code = c
	}
	if hits(r.URL.RequestURI()) <= n {
		if v := r.URL.Query().Get("retry-after"); v != "" {
			w.Header().Set("Retry-After", v)
		}
		w.WriteHeader(code)
		return
	}
	w.Header().Set("Content-Type", "text/html")
	w.Write([]byte("<title>Recovered</title>"))
}
