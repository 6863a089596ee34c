package cmd

import (
	"context"

	"github.com/spf13/cobra"
)

// NewCmdBench returns the bench command.
func NewCmdBench(streams *IOStreams, runF func(context.Context, any) error) *cobra.Command {
	return &cobra.Command{Use: "bench", Short: "Run the whole pipeline against a built-in local site"}
}
