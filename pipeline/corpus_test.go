package pipeline

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/internal/benchsite"
	"github.com/fanout-dev/fanout/limiter"
	"github.com/fanout-dev/fanout/record"
)

// corpusDir holds the title corpus: pages shaped like the real web, and
// expected.json with each page's Content-Type and expected title.
const corpusDir = "../testdata/pages"

type corpusPage struct {
	File        string  `json:"file"`
	ContentType string  `json:"content_type"`
	Title       *string `json:"title"` // null: no title
}

// corpusSite serves each corpus page at /FILE with its Content-Type.
func corpusSite(t *testing.T) (http.Handler, []corpusPage) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pages []corpusPage
	if err := json.Unmarshal(b, &pages); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for _, p := range pages {
		body, err := os.ReadFile(filepath.Join(corpusDir, p.File))
		if err != nil {
			t.Fatal(err)
		}
		mux.HandleFunc("/"+p.File, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", p.ContentType)
			w.Write(body)
		})
	}
	return mux, pages
}

// urlList yields one target per URL.
type urlList struct {
	urls []string
	next int
}

func (l *urlList) Next() (input.Target, error) {
	if l.next == len(l.urls) {
		return input.Target{}, io.EOF
	}
	l.next++
	t, _ := input.Parse([]byte(l.urls[l.next-1]))
	t.Line = l.next
	return t, nil
}

// TestCorpusInPieces scrapes the title corpus through the whole pipeline
// with every body whole and in flushed pieces, as real networks deliver
// them, and checks every page's title.
func TestCorpusInPieces(t *testing.T) {
	handler, pages := corpusSite(t)
	tests := []struct {
		name   string
		pieces int
		gap    time.Duration
	}{
		{"whole", 0, 0},
		{"pieces of 1 for the first 4 KiB", -1, 0},
		{"pieces of 7", 7, 0},
		{"pieces of 61 with 50µs gaps", 61, 50 * time.Microsecond},
		{"pieces of 1000 with 1ms gaps", 1000, time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := benchsite.Pieces(handler, tt.pieces, tt.gap)
			if tt.pieces < 0 {
				h = firstBytesInPieces(handler, 4096)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			var urls []string
			for _, p := range pages {
				urls = append(urls, srv.URL+"/"+p.File)
			}
			var results []record.Result
			_, err := Run(context.Background(), Config{
				Limits: limiter.Config{Concurrency: 8},
				Fetch:  fetcher.Options{Timeout: 30 * time.Second},
				Source: &urlList{urls: urls},
				Consume: func(in <-chan record.Result, stop func(error)) error {
					for r := range in {
						results = append(results, r)
					}
					return nil
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range results {
				p := pages[r.Line-1]
				want, wantFound := "", p.Title != nil
				if wantFound {
					want = *p.Title
				}
				if r.Error != "" || r.Title != want || r.HasTitle != wantFound {
					t.Errorf("%s: title %q, %v, error %q; want %q, %v", p.File, r.Title, r.HasTitle, r.Error, want, wantFound)
				}
			}
			if len(results) != len(pages) {
				t.Errorf("%d results for %d pages", len(results), len(pages))
			}
		})
	}
}

// firstBytesInPieces sends the first n bytes of every body one byte a
// flush, and the rest in one piece, as a server that streams its head does.
func firstBytesInPieces(h http.Handler, n int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		body := rec.Body.String()
		head := body[:min(n, len(body))]
		benchsite.Pieces(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, head)
		}), 1, 0).ServeHTTP(w, r)
		io.WriteString(w, strings.TrimPrefix(body, head))
	})
}
