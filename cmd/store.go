package cmd

import (
	"fmt"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/internal/exit"
	"github.com/fanout-dev/fanout/pipeline"
	"github.com/fanout-dev/fanout/report"
	"github.com/fanout-dev/fanout/store"
)

// openStore opens the --db store, if asked. It runs before anything else
// is opened or fetched, so a store that another run holds, or that cannot
// be a store, stops the run before it truncates -o or makes a request.
func openStore(opts *ScrapeOptions) (*store.SQLite, error) {
	if opts.DB == "" {
		return nil, nil
	}
	st, err := store.Open(opts.DB)
	if err != nil {
		return nil, exit.Fail(fmt.Errorf("cannot use --db: %w", err))
	}
	return st, nil
}

// attachStore wires an open store in: every result is stored by the writer
// w (which closes it), and with --resume the run skips the URLs the store
// already has a final result for.
func attachStore(st *store.SQLite, opts *ScrapeOptions, w *report.Writer, cfg *pipeline.Config) {
	if st == nil {
		return
	}
	w.Store = st
	if opts.Resume {
		cfg.Skip = func(t input.Target) bool {
			done, err := st.Done(t.Raw)
			return err == nil && done
		}
	}
}

// closeStore releases a store the run never reached.
func closeStore(st *store.SQLite) {
	if st != nil {
		st.Close()
	}
}
