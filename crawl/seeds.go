package crawl

import (
	"errors"
	"fmt"
	"io"

	"github.com/fanout-dev/fanout/extract"
	"github.com/fanout-dev/fanout/input"
)

// ReadSeeds reads a crawl's seeds from src, to its end. recorded, when not
// nil, says whether a stopped run recorded a final result for a line (the
// store of a resumed crawl; an error counts as no): a seed that is no URL
// and was recorded is passed over, since its record is there. A URL seed
// is always read: the crawl's own state says whether it was fetched.
func ReadSeeds(src input.Source, recorded func(raw string) (bool, error)) ([]input.Target, error) {
	var seeds []input.Target
	for {
		t, err := src.Next()
		if errors.Is(err, io.EOF) {
			return seeds, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the seeds: %w", err)
		}
		if t.URL == nil && recorded != nil {
			if done, err := recorded(t.Raw); err == nil && done {
				continue // a seed that is no URL, recorded by the stopped run
			}
		}
		seeds = append(seeds, t)
	}
}

// Reads is what a crawl reads of each page, given fields, what the run
// reads anyway (0: the title): the links it follows too, and with
// CheckResources the resources it checks.
func (cfg Config) Reads(fields extract.Fields) extract.Fields {
	if fields == 0 {
		fields = extract.FieldTitle
	}
	fields |= extract.FieldOutlinks
	if cfg.CheckResources {
		fields |= extract.FieldResources
	}
	return fields
}
