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
	// of every file cut at a cap, left unread for its depth, or with
	// entries skipped (no <loc>, a <loc> over 8 KiB, a line that is no
	// URL) or several <loc> in one entry; the walk goes on. nil: not told.
	Warn func(loc string, err error)

	// childBytes bounds the bytes of an index's sitemap URLs held at once;
	// default maxChildBytes. Tests make it small.
	childBytes int
}

// maxChildBytes is how many bytes of an index's sitemap URLs are held at
// once: an index with more is read again for the next ones.
const maxChildBytes = 4 << 20

// Walk reads the sitemaps or sitemap indexes at locs, opened with open,
// and calls emit with every URL they list, in document order, depth first
// through indexes, each URL once (the first time it is listed; URLs and
// sitemap URLs are compared by a 64-bit hash, so memory grows by a map
// entry per distinct URL, not with the URLs' lengths or the files' sizes).
// A <loc> that is not absolute is resolved against the URL of its file.
// URLs whose <lastmod> is a date before opts.Since are left out; URLs
// without one, or with one that is not a date, are kept. A file that
// cannot be read (or is no sitemap), is cut at a cap, or is an index too
// deep goes to opts.Warn and the walk goes on; Walk fails only when emit
// fails (with emit's error) or ctx ends. An index's sitemap URLs are read
// (up to 4 MiB of them) before its sitemaps are opened, so one file is open
// at a time; an index with more is read again for the rest. URLs are
// streamed.
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
	if opts.childBytes <= 0 {
		opts.childBytes = maxChildBytes
	}
	if opts.Warn == nil {
		opts.Warn = func(string, error) {}
	}
	w := &walker{
		ctx: ctx, open: open, opts: opts, emit: emit,
		seed: maphash.MakeSeed(), urls: map[uint64]struct{}{}, files: map[uint64]struct{}{},
	}
	for _, loc := range locs {
		if !w.firstFile(loc) {
			continue
		}
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
	files map[uint64]struct{} // hashes of the sitemaps opened or to be, so an index cannot loop
}

// firstFile reports whether the sitemap at loc is met for the first time,
// and remembers it.
func (w *walker) firstFile(loc string) bool {
	h := maphash.String(w.seed, loc)
	if _, dup := w.files[h]; dup {
		return false
	}
	w.files[h] = struct{}{}
	return true
}

// emitError carries emit's error out of the decoder untouched.
type emitError struct{ err error }

func (e *emitError) Error() string { return e.err.Error() }

// file reads the file at loc, the level'th in a chain of indexes, and the
// sitemaps it names, and fails only when emit fails or ctx ends.
func (w *walker) file(loc string, level int) error {
	for from := 0; ; {
		p := pass{w: w, loc: loc, level: level, from: from}
		if err := p.read(); err != nil {
			return err
		}
		for _, c := range p.children {
			if err := w.file(c, level+1); err != nil {
				return err
			}
		}
		if p.next == 0 {
			return nil
		}
		from = p.next
	}
}

// pass is one reading of a file: an index is read again, from its from'th
// entry, while its sitemap URLs are more than childBytes.
type pass struct {
	w        *walker
	loc      string
	level    int
	from     int      // index entries before this one were taken by an earlier pass
	n        int      // index entries seen
	children []string // the sitemaps to open next
	held     int      // their bytes
	next     int      // the entry the next pass starts from; 0: none
	flaws    [flaws]int
}

// errNextPass stops a pass whose children are all it may hold.
var errNextPass = errors.New("the next sitemaps on the next pass")

// read reads the file once, gives its URLs, gathers its sitemaps, and
// warns of what went wrong; it fails only when emit fails or ctx ends.
func (p *pass) read() error {
	err := p.w.open(p.w.ctx, p.loc, func(r io.Reader) error {
		_, err := decode(r, p.w.opts.MaxURLs, p.w.opts.MaxBytes, p.entry)
		if err == errNextPass {
			return nil
		}
		return err
	})
	var ee *emitError
	var le *LimitError
	switch {
	case errors.As(err, &ee):
		return ee
	case p.w.ctx.Err() != nil:
		return p.w.ctx.Err()
	case errors.As(err, &le):
		p.w.opts.Warn(p.loc, err) // what came before the cut stands
	case err != nil:
		p.w.opts.Warn(p.loc, err)
		p.children, p.next = nil, 0
		return nil
	}
	p.warnFlaws()
	return nil
}

// entry takes one entry of the file.
func (p *pass) entry(k kind, e Entry, f flaw) error {
	if k == index {
		p.n++
		if p.n <= p.from {
			return nil
		}
	}
	p.flaws[f]++
	if f != noFlaw && f != manyLocs {
		return nil
	}
	e.Loc = resolve(p.loc, e.Loc)
	if k != index {
		return p.w.url(e)
	}
	if p.level > p.w.opts.MaxDepth {
		return fmt.Errorf("an index nested deeper than %d levels: not followed", p.w.opts.MaxDepth)
	}
	if p.held+len(e.Loc) > p.w.opts.childBytes && len(p.children) > 0 {
		p.next = p.n - 1
		p.flaws[f]--
		return errNextPass
	}
	if p.w.firstFile(e.Loc) {
		p.children = append(p.children, e.Loc)
		p.held += len(e.Loc)
	}
	return nil
}

// warnFlaws tells opts.Warn of the entries skipped or doubtful.
func (p *pass) warnFlaws() {
	for _, w := range []struct {
		f           flaw
		one, many   string
		whatHappens string
	}{
		{noLoc, "entry", "entries", "without a <loc> skipped"},
		{longLoc, "<loc> or line", "<loc>s or lines", fmt.Sprintf("longer than %d bytes skipped", maxLoc)},
		{manyLocs, "entry", "entries", "with several <loc>: only the first was read"},
		{notURL, "line", "lines", "not an http(s) URL skipped"},
	} {
		switch n := p.flaws[w.f]; {
		case n == 1:
			p.w.opts.Warn(p.loc, fmt.Errorf("1 %s %s", w.one, w.whatHappens))
		case n > 1:
			p.w.opts.Warn(p.loc, fmt.Errorf("%d %s %s", n, w.many, w.whatHappens))
		}
	}
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
