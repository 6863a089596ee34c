package cmd

import (
	"context"
	"fmt"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/pipeline"
	"github.com/fanout-dev/fanout/report"
	"github.com/fanout-dev/fanout/store"
)

// attachStore opens the --db store, if asked, and wires it in: every result
// is stored by the writer w, and with --resume the run skips the URLs the
// store already has a final result for.
func attachStore(_ context.Context, opts *ScrapeOptions, w *report.Writer, cfg *pipeline.Config) error {
	if opts.DB == "" {
		return nil
	}
	store, err := store.Open(opts.DB)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("cannot open --db: %w", err)}
	}
	w.Store = store
	if opts.Resume {
		cfg.Skip = func(t input.Target) bool {
			done, err := store.Done(t.Raw)
			return err == nil && done
		}
	}
	return nil
}
