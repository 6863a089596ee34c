// Package exit holds how a fanout command ends: the exit statuses, the
// error that carries one from a command to main (Error), and the cause of
// a run stopped by a signal (Signal). Only main calls os.Exit.
package exit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
)

// Exit statuses (README.md, "Exit status").
const (
	OK      = 0
	Failure = 1 // --fail-fast tripped, --deadline passed, or the run could not start
	Usage   = 2
)

// Error ends a command with Code, printing Err (if any) as one line.
type Error struct {
	Code int
	Err  error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Usagef is a usage error (status 2) whose message is formatted as
// fmt.Errorf does.
func Usagef(format string, a ...any) error {
	return &Error{Code: Usage, Err: fmt.Errorf(format, a...)}
}

// Fail is err as a failure of the run (status 1).
func Fail(err error) error {
	return &Error{Code: Failure, Err: err}
}

// Signal is the cause of a context canceled by a signal.
type Signal struct{ Signal os.Signal }

func (e *Signal) Error() string { return "stopped by " + e.Signal.String() }

// Code is 128 plus the signal's number: 130 for SIGINT, 143 for SIGTERM,
// 129 for SIGHUP.
func (e *Signal) Code() int {
	if s, ok := e.Signal.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return Failure
}

// Stopped is the error of a command whose ctx a signal canceled: its
// status is the signal's (Signal.Code), with no message, since the run
// says what it did. It is nil when no signal stopped ctx.
func Stopped(ctx context.Context) error {
	var sig *Signal
	if errors.As(context.Cause(ctx), &sig) {
		return &Error{Code: sig.Code()}
	}
	return nil
}

// BrokenPipe says whether err is a write to a reader that went away (a
// closed pipe or file): the command then stops quietly, with status 0.
func BrokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed)
}
