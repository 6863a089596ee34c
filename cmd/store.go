package cmd

import (
	"context"
	"fmt"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/store"
)

// attachStore opens the --db store, if asked, and wires it into spec: every
// result is stored by the writer, and with --resume the pipeline skips the
// URLs the store already has a final result for.
func attachStore(_ context.Context, opts *ScrapeOptions, spec *runSpec) error {
	if opts.DB == "" {
		return nil
	}
	store, err := store.Open(opts.DB)
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: fmt.Errorf("cannot open --db: %w", err)}
	}
	spec.Writer.Store = store
	if opts.Resume {
		spec.Skip = func(t input.Target) bool {
			done, err := store.Done(t.Raw)
			return err == nil && done
		}
	}
	return nil
}
