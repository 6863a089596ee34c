package fetcher

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/fanout-dev/fanout/extract"
	"github.com/fanout-dev/fanout/record"
)

// readPage fills res's page fields from body, the response's body (capped),
// as Options.Fields and Options.Selectors ask: the title alone takes
// TitleOf's fast path; more fields take one extract.Scan pass; selectors
// read the whole body and build a tree of it. It returns a read error from
// body. URLs (canonical, hreflang) are resolved against <base href> (when
// it is http or https) and final, the response's URL. Fields not asked for stay empty.
func (f *Fetcher) readPage(ctx context.Context, body io.Reader, header http.Header, final *url.URL, res *record.Result) error {
	fields := f.opts.Fields
	if fields == 0 {
		fields = extract.FieldTitle
	}
	if fields&extract.FieldRobots != 0 {
		defer func() {
			res.Robots = extract.Clean(joinNonEmpty(res.Robots, strings.Join(header.Values("X-Robots-Tag"), ", ")))
		}()
	}
	if !extract.Parses(res.ContentType) {
		return nil
	}
	var whole []byte
	if len(f.opts.Selectors) > 0 {
		var err error
		if whole, err = io.ReadAll(body); err != nil {
			return err
		}
		body = bytes.NewReader(whole)
	}
	var err error
	if fields == extract.FieldTitle {
		res.Title, res.HasTitle, err = extract.TitleOf(body, res.ContentType)
	} else {
		var p extract.Page
		p, err = extract.Scan(body, res.ContentType, fields)
		fillPage(res, &p, final)
		keepAsked(&res.Page, fields)
		if fields&(extract.FieldOutlinks|extract.FieldResources) != 0 {
			res.Outlinks = extract.Links(p.Outlinks, p.Base, final)
			res.Resources = extract.Links(p.Resources, p.Base, final)
			res.Nofollow = extract.Nofollow(joinNonEmpty(p.Robots, strings.Join(header.Values("X-Robots-Tag"), ", ")), robotsAgent)
		}
	}
	if err != nil || whole == nil {
		return err
	}
	return f.selectValues(ctx, whole, res)
}

// clearPage empties what readPage fills, before each attempt.
func clearPage(res *record.Result) {
	res.Page, res.Extract, res.Note = record.Page{}, nil, ""
	res.Outlinks, res.Resources, res.Nofollow = nil, nil, false
}

// DefaultTreeBudget is Options.TreeBudget's default: 128 MiB of trees
// (extract.TreeCost) in flight at once, whatever -c.
const DefaultTreeBudget = 128 << 20

// selectValues fills res.Extract from page, the whole body, with the
// run's selectors. It first waits, within ctx, for extract.TreeCost(page)
// bytes of the tree budget all workers share (a page costing more than
// the whole budget waits for all of it), so the trees in flight stay
// within Options.TreeBudget; a note from Select goes to res.Note.
func (f *Fetcher) selectValues(ctx context.Context, page []byte, res *record.Result) error {
	cost := min(extract.TreeCost(page), f.opts.TreeBudget)
	if err := f.trees.Acquire(ctx, cost); err != nil {
		return &pageError{"waiting for memory to build the page's tree for -e", err}
	}
	defer f.trees.Release(cost)
	values, note, err := extract.Select(ctx, page, res.ContentType, f.opts.Selectors)
	if err != nil {
		return &pageError{"matching -e's selectors", err}
	}
	res.Extract, res.Note = values, note
	return nil
}

// keepAsked empties the page fields that fields did not ask for: Scan
// reads the head whole, and a crawl asks for links, not descriptions.
func keepAsked(p *record.Page, fields extract.Fields) {
	for _, f := range []struct {
		bit   extract.Fields
		clear func()
	}{
		{extract.FieldDescription, func() { p.Description = "" }},
		{extract.FieldCanonical, func() { p.Canonical = "" }},
		{extract.FieldRobots, func() { p.Robots = "" }},
		{extract.FieldLang, func() { p.Lang = "" }},
		{extract.FieldH1, func() { p.H1 = "" }},
		{extract.FieldH1Count, func() { p.H1Count = 0 }},
		{extract.FieldOG, func() { p.OG = nil }},
		{extract.FieldHreflang, func() { p.Hreflang = nil }},
		{extract.FieldLinks, func() { p.Links = 0 }},
	} {
		if fields&f.bit == 0 {
			f.clear()
		}
	}
}

// robotsAgent is the robot name that meta robots and X-Robots-Tag
// directives may address to fanout ("fanout: nofollow").
const robotsAgent = "fanout"

// fillPage copies what Scan found into res, resolving URLs.
func fillPage(res *record.Result, p *extract.Page, final *url.URL) {
	res.Title, res.HasTitle, res.Page = p.Title, p.HasTitle, p.Page
	base := final
	if p.Base != "" {
		// A <base> that is not http(s) (javascript:, data:) is ignored, so
		// it cannot turn relative URLs into scripts.
		if b, err := final.Parse(p.Base); err == nil && (b.Scheme == "http" || b.Scheme == "https") {
			base = b
		}
	}
	res.Canonical = absolute(base, p.Canonical)
	res.Hreflang = nil
	if p.Hreflang != nil {
		res.Hreflang = make(map[string]string, len(p.Hreflang))
		for lang, href := range p.Hreflang {
			res.Hreflang[lang] = absolute(base, href)
		}
	}
}

// absolute makes ref absolute against base; a ref that is no URL stays as
// written, for the user to see.
func absolute(base *url.URL, ref string) string {
	if ref == "" {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil {
		return ref
	}
	return u.String()
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + ", " + b
}

// pageError is a failure after the body was read: what the attempt was
// doing, for a timeout's message.
type pageError struct {
	during string
	err    error
}

func (e *pageError) Error() string { return e.during + ": " + e.err.Error() }

func (e *pageError) Unwrap() error { return e.err }

// duringPage says what an attempt that failed with err while reading the
// body was doing.
func duringPage(err error) string {
	if pe := (*pageError)(nil); errors.As(err, &pe) {
		return pe.during
	}
	return "reading the body"
}
