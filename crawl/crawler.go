package crawl

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"sync"

	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/record"
)

// Config is what a crawl follows and how far.
type Config struct {
	Scope Scope
	// Allow and Deny are matched against a link's normal form: a link that
	// matches a Deny is not followed, nor one that matches no Allow (when
	// there are any). Seeds are fetched whatever they say.
	Allow, Deny []*regexp.Regexp
	// MaxDepth is the deepest link followed: seeds are 0, their links 1.
	MaxDepth int
	// MaxPages is how many URLs are fetched at most, checks included; the
	// crawl ends once it has handed out that many.
	MaxPages int
	// StripQuery names query parameters removed before links are compared
	// (see Normalize).
	StripQuery []string
	// CheckExternal fetches each out-of-scope link once, never following
	// it; CheckResources does so for resources (img, script, stylesheet,
	// source, iframe), in scope or not.
	CheckExternal, CheckResources bool
	// ObeyNofollow does not follow the links of a page whose meta robots
	// or X-Robots-Tag say nofollow (robots.txt obeyed).
	ObeyNofollow bool
	// Frontier holds the URLs waiting; its zero value is ready.
	Frontier *Frontier
	// MaxInFlight is how many URLs are handed out and not yet answered at
	// most (0: DefaultMaxInFlight). The run reads its source ahead into a
	// window of its own (and spills what one host cannot take yet): without
	// this bound it would drain the frontier, and every URL handed out is
	// held here until its result comes back.
	MaxInFlight int
	// Store, if set, keeps what the crawl finds: each result carries the
	// URLs it added to the seen set (record.Result.Found), and New gives
	// the store the seeds it queues. With Resume, New first takes back
	// what the store kept of a stopped crawl.
	Store  Store
	Resume bool
}

// Store keeps a crawl's frontier and seen set (store.SQLite with --db), so
// that a stopped crawl can go on where it was.
type Store interface {
	// Found calls yield with every URL the crawl had found, in the order
	// found; done says it has a final result (a landing is always done).
	Found(yield func(e Entry, done bool) error) error
	// Queue keeps entries queued before the run (seeds), at once.
	Queue(entries []Entry) error
}

// MaxLinkedFrom is how many pages a broken link's record names at most
// (record.Result.LinkedFrom).
const MaxLinkedFrom = 5

// maxReferred is how many URLs waiting for their result the crawler
// keeps referrers for at once: 5 a URL at most, each a reference to a
// page's URL (about 100 bytes an entry, with the page's URL kept alive),
// so about 2 MB, twice or thrice that in the heap's goal.
const maxReferred = 1 << 14

// DefaultMaxInFlight bounds the URLs a crawl hands out ahead of their
// results by default: enough to keep the run's window full at -c 1024.
const DefaultMaxInFlight = 4096

// The bounds every crawl has unless told otherwise (fanout crawl --help).
const (
	DefaultMaxDepth = 10
	DefaultMaxPages = 100_000
)

// Crawler is a crawl's state: the frontier, the seen set, and the URLs
// handed out and not yet answered. It is the run's pipeline.Source (Next)
// and learns each page's links from its result (Done), so the crawl runs
// on pipeline.Run like any list. Next waits while the frontier is empty
// and URLs are in flight, and ends (io.EOF) when both are empty or the
// page budget is spent. Its methods are safe for concurrent use.
type Crawler struct {
	cfg Config

	mu       sync.Mutex
	wake     sync.Cond // Next waits on it
	frontier *Frontier
	seen     Seen
	inflight map[string]Entry // handed out, by the target's Raw (its normal form)
	// refs are the pages found linking to a URL that has no result yet,
	// beyond the first (From), by fingerprint: at most MaxLinkedFrom a
	// URL, for at most maxReferred URLs at once (docs/crawl.md, "Who
	// links to a broken URL").
	refs    map[uint64][]string
	invalid int            // seeds that are no URL, handed out as they are
	seeds   []input.Target // invalid seeds waiting to be handed out
	handed  int            // targets handed out
	closed  bool
	err     error // the frontier's, ending the crawl
}

// New returns a crawl of seeds, each a target read as scrape reads lines:
// a seed that is no usable URL is handed out as it is, for its record.
func New(cfg Config, seeds []input.Target) (*Crawler, error) {
	if cfg.Frontier == nil {
		cfg.Frontier = &Frontier{}
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = DefaultMaxInFlight
	}
	c := &Crawler{cfg: cfg, frontier: cfg.Frontier, inflight: map[string]Entry{}, refs: map[uint64][]string{}}
	c.wake.L = &c.mu
	if cfg.Store != nil && cfg.Resume {
		if err := cfg.Store.Found(c.restore); err != nil {
			c.frontier.Close()
			return nil, fmt.Errorf("reading the stopped crawl: %w", err)
		}
	}
	var queued []Entry
	for _, t := range seeds {
		if t.Err != nil || t.URL == nil {
			c.seeds = append(c.seeds, t)
			continue
		}
		c.cfg.Scope.AddSeed(t.URL)
		n := Normalize(t.URL, cfg.StripQuery)
		if c.seen.Add(Fingerprint(n)) {
			e := Entry{URL: n, Kind: KindPage}
			if err := c.frontier.Push(e); err != nil {
				c.frontier.Close()
				return nil, err
			}
			queued = append(queued, e)
		}
	}
	if cfg.Store != nil && len(queued) > 0 {
		if err := cfg.Store.Queue(queued); err != nil {
			c.frontier.Close()
			return nil, err
		}
	}
	return c, nil
}

// restore takes back a URL a stopped crawl had found: seen, and queued
// unless it is done; what was fetched counts against --max-pages.
func (c *Crawler) restore(e Entry, done bool) error {
	fp := Fingerprint(e.URL)
	if !c.seen.Add(fp) {
		return nil
	}
	if done || e.Kind == KindLanding {
		c.seen.SetDone(fp)
	}
	if e.Kind == KindLanding {
		return nil
	}
	if done {
		c.handed++
		return nil
	}
	return c.frontier.Push(e)
}

// Next hands out the next URL to fetch (pipeline.Source).
func (c *Crawler) Next() (input.Target, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		switch {
		case c.closed || c.err != nil:
			return input.Target{}, io.EOF
		case len(c.seeds) > 0:
			t := c.seeds[0]
			c.seeds = c.seeds[1:]
			c.invalid++
			return t, nil
		case c.cfg.MaxPages > 0 && c.handed >= c.cfg.MaxPages:
			return input.Target{}, io.EOF
		case len(c.inflight) >= c.cfg.MaxInFlight:
			c.wake.Wait() // Done makes room
			continue
		}
		e, ok, err := c.frontier.Pop()
		if err != nil {
			c.err = err
			return input.Target{}, err
		}
		if ok {
			u, err := url.Parse(e.URL)
			if err != nil { // a normal form is a URL; this is a fault
				continue
			}
			c.handed++
			c.inflight[e.URL] = e
			return input.Target{Line: c.handed, Raw: e.URL, URL: u}, nil
		}
		if len(c.inflight) == 0 && c.invalid == 0 {
			return input.Target{}, io.EOF
		}
		c.wake.Wait()
	}
}

// MayWait tells pipeline.Run that Next may wait (on results to come), so
// at the deadline it is not read on.
func (c *Crawler) MayWait() bool { return true }

// Close ends the crawl: Next returns io.EOF from now on, and a Next that
// waits returns. It removes the frontier's temporary file.
func (c *Crawler) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	c.wake.Broadcast()
	return c.frontier.Close()
}

// Err is the error that ended the crawl early (the frontier's file), or nil.
func (c *Crawler) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Done takes the result of a URL Next handed out: it sets the record's
// depth and from, marks a redirect's final URL seen, and queues the links
// a page in scope may be followed by. Every target Next hands out must
// come back through Done exactly once.
func (c *Crawler) Done(res *record.Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.wake.Broadcast()
	e, ok := c.inflight[res.URL]
	if !ok {
		c.invalid-- // an invalid seed: it has no depth
		return
	}
	delete(c.inflight, res.URL)
	depth := e.Depth
	res.Depth, res.From = &depth, e.From
	c.linkedFrom(res, e)
	if e.Kind != KindPage || res.Failed() {
		return
	}
	if res.FinalURL != "" && res.FinalURL != res.URL {
		if u, err := url.Parse(res.FinalURL); err == nil {
			n := Normalize(u, c.cfg.StripQuery)
			fp := Fingerprint(n)
			if c.seen.Add(fp) {
				c.found(res, n, KindLanding)
			}
			c.seen.SetDone(fp) // never fetched: no page links to it as a broken link
			if !c.cfg.Scope.In(u, n) {
				return // redirected out of scope: its links are not ours to follow
			}
		}
	}
	if e.Depth >= c.cfg.MaxDepth || (res.Nofollow && c.cfg.ObeyNofollow) {
		return
	}
	for _, l := range res.Outlinks {
		c.offer(res, l, e, false)
	}
	if c.cfg.CheckResources {
		for _, l := range res.Resources {
			c.offer(res, l, e, true)
		}
	}
}

// found tells the store, with res, that the crawl took the URL n into its
// seen set.
func (c *Crawler) found(res *record.Result, n string, kind Kind) {
	if c.cfg.Store != nil {
		res.Found = append(res.Found, record.Found{URL: n, Kind: uint8(kind)})
	}
}

// offer queues link, found on the page of e (whose result is res), if the
// crawl fetches it.
func (c *Crawler) offer(res *record.Result, link string, from Entry, resource bool) {
	if c.err != nil {
		return
	}
	u, err := url.Parse(link)
	if err != nil {
		return
	}
	n := Normalize(u, c.cfg.StripQuery)
	kind := KindPage
	switch {
	case resource:
		kind = KindResource
	case !c.cfg.Scope.In(u, n) || !c.allowed(n):
		if !c.cfg.CheckExternal {
			return
		}
		kind = KindExternal
	}
	fp := Fingerprint(n)
	if !c.seen.Add(fp) {
		c.refer(fp, from.URL)
		return
	}
	if err := c.frontier.Push(Entry{URL: n, Depth: from.Depth + 1, From: from.URL, Kind: kind}); err != nil {
		c.err = errors.Join(c.err, err)
	}
	c.found(res, n, kind)
}

// linkedFrom marks the URL of e, whose result res is, done, and names on a
// broken link's record the pages found linking to it.
func (c *Crawler) linkedFrom(res *record.Result, e Entry) {
	fp := Fingerprint(e.URL)
	c.seen.SetDone(fp)
	refs := c.refs[fp]
	delete(c.refs, fp)
	if !res.BrokenLink() {
		return
	}
	res.LinkedFrom = make([]string, 0, MaxLinkedFrom)
	if e.From != "" {
		res.LinkedFrom = append(res.LinkedFrom, e.From)
	}
	for _, page := range refs { // From among them took a place: 5 are still named
		if page != e.From && len(res.LinkedFrom) < MaxLinkedFrom {
			res.LinkedFrom = append(res.LinkedFrom, page)
		}
	}
}

// refer notes that page links to the URL fp, seen already: kept while the
// URL waits for its result, for its record if it is broken.
func (c *Crawler) refer(fp uint64, page string) {
	if c.seen.Done(fp) {
		return
	}
	refs, ok := c.refs[fp]
	if !ok && len(c.refs) >= maxReferred || len(refs) >= MaxLinkedFrom || slices.Contains(refs, page) {
		return // a page may write one link in several shapes
	}
	if refs == nil {
		refs = make([]string, 0, MaxLinkedFrom)
	}
	c.refs[fp] = append(refs, page)
}

// allowed applies --allow and --deny to a link's normal form.
func (c *Crawler) allowed(n string) bool {
	for _, re := range c.cfg.Deny {
		if re.MatchString(n) {
			return false
		}
	}
	if len(c.cfg.Allow) == 0 {
		return true
	}
	for _, re := range c.cfg.Allow {
		if re.MatchString(n) {
			return true
		}
	}
	return false
}
