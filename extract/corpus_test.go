package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// corpusDir holds pages shaped like the real web, written for this project,
// with each page's expected title in expected.json (from the oracle,
// checked by eye).
const corpusDir = "../testdata/pages"

// corpusPage is one entry of expected.json.
type corpusPage struct {
	File        string  `json:"file"`
	ContentType string  `json:"content_type"`
	Title       *string `json:"title"` // null: the page has no title
	Note        string  `json:"note"`
	body        []byte
}

func loadCorpus(t testing.TB) []corpusPage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pages []corpusPage
	if err := json.Unmarshal(b, &pages); err != nil {
		t.Fatalf("expected.json: %v", err)
	}
	for i := range pages {
		if pages[i].body, err = os.ReadFile(filepath.Join(corpusDir, pages[i].File)); err != nil {
			t.Fatal(err)
		}
	}
	if len(pages) < 30 {
		t.Fatalf("the corpus has %d pages, want at least 30", len(pages))
	}
	return pages
}

// TestCorpus checks every page of the corpus, read in every pattern,
// against its expected title, and the oracle against the same expectation
// (every page declares its charset within its first 1,024 bytes, so the
// oracle's prescan and TitleOf agree on it).
func TestCorpus(t *testing.T) {
	for _, p := range loadCorpus(t) {
		t.Run(p.File, func(t *testing.T) {
			want, wantFound := "", p.Title != nil
			if wantFound {
				want = *p.Title
			}
			checkTitleEveryWay(t, p.body, p.ContentType, want, wantFound)
			if got, found, err := oracleTitle(p.body, p.ContentType); err != nil || got != want || found != wantFound {
				t.Errorf("oracle = %q, %v, %v; expected.json says %q, %v", got, found, err, want, wantFound)
			}
		})
	}
}
