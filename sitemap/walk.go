package sitemap

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"net/url"
	"time"
)

// Open opens the file at loc and hands its body to read. It returns read's
// error, or why the file could not be had. The caller's Open decides what
// a loc may be: a URL fetched with the run's limits, a file name.
type Open func(ctx context.Context, loc string, read func(io.Reader) error) error

// Options shape a Walk. Zero values take the defaults given.
type Options struct {
	Since    time.Time // URLs whose <lastmod> is before this are left out; zero: none
	MaxDepth int       // index levels followed, the first file being level 1; default 2
	MaxURLs  int       // entries read per file; default MaxURLs
	MaxBytes int64     // bytes read per file after decompression; default MaxBytes
	// Warn hears of every file after the first that could not be read, and
	// of every file cut at a cap or left unread for its depth; the walk goes
	// on. nil: not told.
	Warn func(loc string, err error)
}

// Walk reads the sitemaps or sitemap indexes at locs, opened with open,
// and calls emit with every URL they list, in document order, depth first
// through indexes, each URL once (the first time it is listed; URLs are
// compared by a 64-bit hash, so memory grows by a map entry per distinct
// URL, not with the files' sizes). A <loc> that is not absolute is
// resolved against the URL of its file. URLs whose <lastmod> is a date
// before opts.Since are left out; URLs without one, or with one that is
// not a date, are kept. A file that cannot be read (or is no sitemap), is
// cut at a cap, or is an index too deep goes to opts.Warn and the walk goes
// on; Walk fails only when emit fails (with emit's error) or ctx ends. An
// index's entries are read whole before its sitemaps are opened (at most
// MaxURLs of them), so one file is open at a time; URLs are streamed.
func Walk(ctx context.Context, locs []string, open Open, opts Options, emit func(Entry) error) error {
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = 2
	}
	if opts.MaxURLs <= 0 {
		opts.MaxURLs = MaxURLs
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = MaxBytes
	}
	if opts.Warn == nil {
		opts.Warn = func(string, error) {}
	}
	w := &walker{
		ctx: ctx, open: open, opts: opts, emit: emit,
		seed: maphash.MakeSeed(), urls: map[uint64]struct{}{}, files: map[string]struct{}{},
	}
	for _, loc := range locs {
		if _, dup := w.files[loc]; dup {
			continue
		}
		w.files[loc] = struct{}{}
		if err := w.file(loc, 1); err != nil {
			var ee *emitError
			if errors.As(err, &ee) {
				return ee.err
			}
			return err
		}
	}
	return nil
}

type walker struct {
	ctx  context.Context
	open Open
	opts Options
	emit func(Entry) error

	seed  maphash.Seed
	urls  map[uint64]struct{} // hashes of the URLs given
	files map[string]struct{} // sitemaps opened or to be, so an index cannot loop
}

// emitError carries emit's error out of the decoder untouched.
type emitError struct{ err error }

func (e *emitError) Error() string { return e.err.Error() }

// file reads the file at loc, the level'th in a chain of indexes, and
// fails only when emit fails or ctx ends.
func (w *walker) file(loc string, level int) error {
	var children []string
	err := w.open(w.ctx, loc, func(r io.Reader) error {
		k, err := decode(r, w.opts.MaxURLs, w.opts.MaxBytes, func(k kind, e Entry) error {
			e.Loc = resolve(loc, e.Loc)
			if k == index {
				if _, dup := w.files[e.Loc]; !dup {
					w.files[e.Loc] = struct{}{}
					children = append(children, e.Loc)
				}
				return nil
			}
			return w.url(e)
		})
		if k == index && level > w.opts.MaxDepth {
			children = nil
			return fmt.Errorf("an index nested deeper than %d levels: not followed", w.opts.MaxDepth)
		}
		return err
	})
	var ee *emitError
	var le *LimitError
	switch {
	case errors.As(err, &ee):
		return ee
	case w.ctx.Err() != nil:
		return w.ctx.Err()
	case errors.As(err, &le):
		w.opts.Warn(loc, err) // what came before the cut stands
	case err != nil:
		w.opts.Warn(loc, err)
		return nil
	}
	for _, c := range children {
		if err := w.file(c, level+1); err != nil {
			return err
		}
	}
	return nil
}

// url gives e unless it was given before or is older than Since.
func (w *walker) url(e Entry) error {
	if !w.opts.Since.IsZero() && e.LastMod != "" {
		if t, err := ParseTime(e.LastMod); err == nil && t.Before(w.opts.Since) {
			return nil
		}
	}
	h := maphash.String(w.seed, e.Loc)
	if _, dup := w.urls[h]; dup {
		return nil
	}
	w.urls[h] = struct{}{}
	if err := w.emit(e); err != nil {
		return &emitError{err}
	}
	return nil
}

// resolve makes loc absolute against base, when loc is relative and base
// is an http(s) URL.
func resolve(base, loc string) string {
	u, err := url.Parse(loc)
	if err != nil || u.IsAbs() {
		return loc
	}
	b, err := url.Parse(base)
	if err != nil || b.Scheme != "http" && b.Scheme != "https" {
		return loc
	}
	return b.ResolveReference(u).String()
}
