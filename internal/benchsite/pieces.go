package benchsite

import (
	"net/http"
	"time"
)

// Pieces returns h with every response body delivered as a real network
// delivers it: in pieces of at most size bytes, each flushed to the
// connection on its own (so a body without a length goes out chunked), with
// a pause of gap between pieces. A gap of 0 flushes without pausing. A
// client that goes away ends the pauses. size < 1 returns h unchanged.
func Pieces(h http.Handler, size int, gap time.Duration) http.Handler {
	if size < 1 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&pieceWriter{ResponseWriter: w, r: r, size: size, gap: gap}, r)
	})
}

// pieceWriter writes through to its ResponseWriter in flushed pieces.
type pieceWriter struct {
	http.ResponseWriter
	r     *http.Request
	size  int
	gap   time.Duration
	wrote bool // a piece went out, so the next one waits gap
}

func (p *pieceWriter) Write(b []byte) (int, error) {
	rc := http.NewResponseController(p.ResponseWriter)
	n := 0
	for len(b) > 0 {
		if p.wrote && p.gap > 0 && !Wait(p.r, p.gap) {
			return n, p.r.Context().Err()
		}
		k, err := p.ResponseWriter.Write(b[:min(len(b), p.size)])
		n += k
		if err != nil {
			return n, err
		}
		if err := rc.Flush(); err != nil {
			return n, err
		}
		p.wrote = true
		b = b[k:]
	}
	return n, nil
}

// Unwrap lets http.ResponseController reach the connection (to hijack it).
func (p *pieceWriter) Unwrap() http.ResponseWriter { return p.ResponseWriter }
