package cmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/fanout-dev/fanout/internal/buildinfo"
	"github.com/fanout-dev/fanout/internal/iostreams"
)

// NewCmdVersion returns the version command; fanout --version says the same.
func NewCmdVersion(streams *iostreams.IOStreams, v buildinfo.Version) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Say which build of fanout this is (module version, VCS revision, Go version)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(streams.Out, v)
			return err
		},
	}
}
