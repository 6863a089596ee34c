package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/fanout-dev/fanout/crawl"
	"github.com/fanout-dev/fanout/record"
)

// The crawl table is a crawl's seen set and frontier (docs/crawl.md,
// "Stopping and resuming"): one row per URL the crawl found, in the order
// found (rowid), with what the crawl needs to fetch it; done once it has a
// final result. A page's result and the rows of the URLs it found are
// written in one transaction, so after any stop the table is whole: the
// frontier is every row not done.
const crawlSchema = `CREATE TABLE IF NOT EXISTS crawl (
	url    TEXT PRIMARY KEY,  -- normal form, as the results table's url
	depth  INTEGER NOT NULL,
	"from" TEXT,              -- the page it was first found on; NULL for a seed
	kind   INTEGER NOT NULL,  -- 0 page, 1 external check, 2 resource check, 3 a redirect's final URL
	done   INTEGER NOT NULL DEFAULT 0
)`

const (
	// crawlFound adds a URL a page found; a row already there (a URL
	// whose own result came first) keeps its done.
	crawlFound = `INSERT INTO crawl (url, depth, "from", kind, done) VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING`
	// crawlDone marks a URL done, adding its row if its finder's result
	// is not stored yet.
	crawlDone = `INSERT INTO crawl (url, depth, "from", kind, done) VALUES (?, ?, ?, 0, 1) ON CONFLICT (url) DO UPDATE SET done = 1`
)

// BeginCrawl makes the store keep a crawl's state: the crawl table, created
// if need be. A new crawl (resume false) empties it; a resumed one reads it
// (crawl.Store's Found).
func (s *SQLite) BeginCrawl(resume bool) error {
	if _, err := s.db.Exec(crawlSchema); err != nil {
		return fmt.Errorf("%s: %w", s.path, err)
	}
	if !resume {
		if _, err := s.db.Exec(`DELETE FROM crawl`); err != nil {
			return fmt.Errorf("%s: %w", s.path, err)
		}
	}
	s.mu.Lock()
	s.crawl = true
	s.mu.Unlock()
	return nil
}

// Found calls yield with every row of the crawl table, in the order found
// (crawl.Store).
func (s *SQLite) Found(yield func(e crawl.Entry, done bool) error) error {
	rows, err := s.db.Query(`SELECT url, depth, coalesce("from", ''), kind, done FROM crawl ORDER BY rowid`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e crawl.Entry
		var kind uint8
		var done bool
		if err := rows.Scan(&e.URL, &e.Depth, &e.From, &kind, &done); err != nil {
			return err
		}
		e.Kind = crawl.Kind(kind)
		if err := yield(e, done); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Queue keeps entries queued before the run, the seeds, committed at once
// (crawl.Store).
func (s *SQLite) Queue(entries []crawl.Entry) error {
	tx, err := s.db.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.Prepare(crawlFound)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, e := range entries {
		if _, err := stmt.Exec(e.URL, e.Depth, nullString(e.From), uint8(e.Kind), false); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// putCrawl writes, in the open batch, what a crawl result adds to the crawl
// table: the URLs it found, and the result's own URL done unless it was
// canceled. s.mu is held.
func (s *SQLite) putCrawl(r *record.Result) error {
	if !s.crawl || r.Depth == nil {
		return nil
	}
	if s.crawlStmts[0] == nil {
		for i, q := range []string{crawlFound, crawlDone} {
			stmt, err := s.tx.Prepare(q)
			if err != nil {
				return err
			}
			s.crawlStmts[i] = stmt
		}
	}
	for _, f := range r.Found {
		depth := *r.Depth + 1
		if crawl.Kind(f.Kind) == crawl.KindLanding {
			depth = *r.Depth
		}
		if _, err := s.crawlStmts[0].Exec(f.URL, depth, r.URL, f.Kind, crawl.Kind(f.Kind) == crawl.KindLanding); err != nil {
			return err
		}
	}
	if r.ErrorKind == record.KindCanceled {
		return nil
	}
	_, err := s.crawlStmts[1].Exec(r.URL, *r.Depth, nullString(r.From))
	return err
}

// closeCrawlStmts closes the batch's crawl statements. s.mu is held.
func (s *SQLite) closeCrawlStmts() {
	for i, stmt := range s.crawlStmts {
		if stmt != nil {
			stmt.Close()
			s.crawlStmts[i] = nil
		}
	}
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
