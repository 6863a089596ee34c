package crawl

import (
	"errors"
	"testing"

	"github.com/fanout-dev/fanout/extract"
	"github.com/fanout-dev/fanout/input"
)

// TestReadSeeds: every seed is read, but a seed that is no URL and that a
// stopped run recorded; a URL seed is read whatever the store says.
func TestReadSeeds(t *testing.T) {
	lines := []string{"http://a.test/", "not a url", "also not", "http://b.test/"}
	recorded := func(raw string) (bool, error) {
		switch raw {
		case "not a url", "http://b.test/":
			return true, nil
		case "also not":
			return true, errors.New("store failed") // an error counts as not recorded
		}
		return false, nil
	}
	for _, tt := range []struct {
		name     string
		recorded func(string) (bool, error)
		want     []string
	}{
		{"new crawl", nil, lines},
		{"resumed", recorded, []string{"http://a.test/", "also not", "http://b.test/"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			seeds, err := ReadSeeds(input.Lines(len(lines), func(i int) string { return lines[i] }), tt.recorded)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range seeds {
				got = append(got, s.Raw)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("seeds %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("seeds %q, want %q", got, tt.want)
				}
			}
		})
	}
	if got := (Config{CheckResources: true}).Reads(0); got != extract.FieldTitle|extract.FieldOutlinks|extract.FieldResources {
		t.Errorf("Reads(0) with resources = %b", got)
	}
}
