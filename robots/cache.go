package robots

import (
	"container/list"
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/fanout-dev/fanout/input"
)

// Fetch gets the robots.txt at u: the status of the final response (after
// at most five redirects) and at most MaxBytes of its body
// (fetcher.Fetcher.ReadRobots is one). An error that wraps ErrUnavailable,
// or one with a method RobotsUnavailable that reports true (a
// fetcher.ReadError for a redirect that could not be followed), means the
// file is unavailable; any other error means it was unreachable.
type Fetch func(ctx context.Context, u *url.URL) (status int, body []byte, err error)

// ErrUnavailable marks a Fetch error after which robots.txt counts as
// unavailable, as a 4xx status does: everything is allowed.
var ErrUnavailable = errors.New("robots.txt unavailable")

// MaxTTL is the longest a robots.txt is kept, as RFC 9309 asks: 24 hours.
const MaxTTL = 24 * time.Hour

// Config configures a Cache. Zero values take the defaults given.
type Config struct {
	Token    string        // the product token groups are matched on; default "fanout"
	TTL      time.Duration // how long fetched rules are kept; default and at most MaxTTL
	Retry    time.Duration // how long an unreachable robots.txt disallows all before it is fetched again; default 1 minute
	MaxHosts int           // origins kept at most, least recently used dropped first; default 10,000
	// MaxBytes bounds the memory of the rules kept, all origins together
	// (Rules.Size each), least recently used dropped first; default 64 MiB.
	// One robots.txt of MaxBytes (512 KiB) of short rules takes about 2 MB.
	MaxBytes int64
	Now      func() time.Time // the clock; default time.Now
	// Fetched, if set, hears of every robots.txt fetched (u is its URL)
	// and the rules it gave, before any caller gets them: a run lowers
	// the host's rate to its Crawl-delay there.
	Fetched func(u *url.URL, r *Rules)
}

// Cache holds the Rules of each origin (scheme, host and port) and fetches
// an origin's robots.txt the first time one of its URLs is asked about, or
// when its rules expire. Concurrent questions about one origin share one
// fetch. Following RFC 9309: a 2xx status gives the file's rules; a 4xx, or
// ErrUnavailable, allows everything; a 5xx or no response disallows
// everything until Config.Retry has passed. A Cache is safe for concurrent
// use; its memory is bounded by Config.MaxHosts and Config.MaxBytes: a
// host whose rules were dropped has its robots.txt fetched again when next
// asked about.
type Cache struct {
	fetch Fetch
	cfg   Config

	mu      sync.Mutex
	entries map[string]*entry
	lru     *list.List // of *entry, most recently used first
	bytes   int64      // the Size of every entry's rules
}

type entry struct {
	key     string
	done    chan struct{} // closed once rules is set or the fetch is abandoned
	rules   *Rules        // nil while fetching
	expires time.Time
	elem    *list.Element
}

// NewCache returns a Cache that fetches with fetch.
func NewCache(fetch Fetch, cfg Config) *Cache {
	if cfg.Token == "" {
		cfg.Token = "fanout"
	}
	if cfg.TTL <= 0 || cfg.TTL > MaxTTL {
		cfg.TTL = MaxTTL
	}
	if cfg.Retry <= 0 {
		cfg.Retry = time.Minute
	}
	if cfg.MaxHosts <= 0 {
		cfg.MaxHosts = 10_000
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 64 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Cache{fetch: fetch, cfg: cfg, entries: map[string]*entry{}, lru: list.New()}
}

// Allowed reports whether u may be fetched under its origin's robots.txt.
// err is ctx's error when ctx ended before the rules were known.
func (c *Cache) Allowed(ctx context.Context, u *url.URL) (bool, error) {
	r, err := c.Rules(ctx, u)
	if err != nil {
		return false, err
	}
	return r.Allowed(u.RequestURI()), nil
}

// Cached reports u's verdict when its origin's rules are cached and have
// not expired; known is false otherwise. It never fetches.
func (c *Cache) Cached(u *url.URL) (allowed, known bool) {
	key := originKey(u)
	c.mu.Lock()
	e := c.entries[key]
	if e == nil || e.rules == nil || !c.cfg.Now().Before(e.expires) {
		c.mu.Unlock()
		return false, false
	}
	c.lru.MoveToFront(e.elem)
	r := e.rules
	c.mu.Unlock()
	return r.Allowed(u.RequestURI()), true
}

// Rules returns the rules of u's origin, fetching its robots.txt if they
// are not cached or have expired. err is ctx's error when ctx ended before
// they were known; nothing is cached then.
func (c *Cache) Rules(ctx context.Context, u *url.URL) (*Rules, error) {
	key := originKey(u)
	for {
		c.mu.Lock()
		e := c.entries[key]
		if e != nil && e.rules != nil && c.cfg.Now().Before(e.expires) {
			c.lru.MoveToFront(e.elem)
			c.mu.Unlock()
			return e.rules, nil
		}
		if e == nil || e.rules != nil { // absent or expired: this caller fetches
			e = c.insert(key)
			c.mu.Unlock()
			return c.load(ctx, e, u)
		}
		c.mu.Unlock()
		select { // another caller is fetching
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// insert puts a new entry for key in the cache, dropping the least
// recently used when full. c.mu is held.
func (c *Cache) insert(key string) *entry {
	if old := c.entries[key]; old != nil {
		c.remove(old)
	}
	e := &entry{key: key, done: make(chan struct{})}
	e.elem = c.lru.PushFront(e)
	c.entries[key] = e
	c.evict()
	return e
}

// evict drops the least recently used entries while there are more than
// MaxHosts or their rules take more than MaxBytes; the most recent one
// stays. c.mu is held.
func (c *Cache) evict() {
	for c.lru.Len() > 1 && (len(c.entries) > c.cfg.MaxHosts || c.bytes > c.cfg.MaxBytes) {
		c.remove(c.lru.Back().Value.(*entry)) // a fetch in flight still closes done
	}
}

// remove drops e from the cache. c.mu is held.
func (c *Cache) remove(e *entry) {
	c.lru.Remove(e.elem)
	delete(c.entries, e.key)
	if e.rules != nil {
		c.bytes -= e.rules.Size()
	}
}

// load fetches e's robots.txt and settles e.
func (c *Cache) load(ctx context.Context, e *entry, u *url.URL) (*Rules, error) {
	robotsURL := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	status, body, err := c.fetch(ctx, robotsURL)
	canceled := ctx.Err() != nil
	var rules *Rules
	ttl := c.cfg.TTL
	switch {
	case canceled:
	case IsUnavailable(err):
		rules = AllowAll()
	case err != nil || status >= 500:
		rules, ttl = DisallowAll(), c.cfg.Retry
	case status >= 200 && status < 300:
		rules = Parse(body, c.cfg.Token)
	default: // 4xx, and 1xx or 3xx as final statuses: unavailable
		rules = AllowAll()
	}
	if !canceled && c.cfg.Fetched != nil {
		c.cfg.Fetched(robotsURL, rules)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(e.done)
	if canceled {
		if c.entries[e.key] == e {
			c.remove(e)
		}
		return nil, ctx.Err()
	}
	e.rules, e.expires = rules, c.cfg.Now().Add(ttl)
	if c.entries[e.key] == e { // not dropped while it was fetched
		c.bytes += rules.Size()
		c.evict()
	}
	return rules, nil
}

// originKey is u's scheme and its input.HostKey (lower-case host, IDNA's
// ASCII form, the port given even when it is the scheme's default): RFC
// 9309 keeps a robots.txt per origin.
func originKey(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + input.HostKey(u)
}

// IsUnavailable reports whether a Fetch error leaves robots.txt unavailable
// (everything allowed) rather than unreachable.
func IsUnavailable(err error) bool {
	var u interface{ RobotsUnavailable() bool }
	return errors.Is(err, ErrUnavailable) || errors.As(err, &u) && u.RobotsUnavailable()
}
