package cmd

import "context"

// attachStore opens the --db store, if asked, and wires it into spec.
func attachStore(ctx context.Context, opts *ScrapeOptions, spec *runSpec) error {
	if opts.DB == "" {
		return nil
	}
	return usageErr("--db is not available in this build yet")
}
