// Package store keeps a run's results in an SQLite file, one row per URL,
// so a run can be read while it goes on and resumed after it stops. It is
// written by the run's one writer (report.Writer) through report.Store.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	_ "modernc.org/sqlite" // pure-Go SQLite driver: no cgo, so go install works anywhere

	"github.com/fanout-dev/fanout/record"
)

// Schema is the results table: one row per URL, its columns the JSON
// record's fields, plus when the row was written.
const Schema = `CREATE TABLE IF NOT EXISTS results (
	url          TEXT PRIMARY KEY,
	line         INTEGER NOT NULL,
	status       INTEGER,
	title        TEXT,
	final_url    TEXT,
	redirects    INTEGER NOT NULL DEFAULT 0,
	content_type TEXT,
	size         INTEGER NOT NULL DEFAULT 0,
	truncated    INTEGER NOT NULL DEFAULT 0,
	duration_ms  REAL NOT NULL DEFAULT 0,
	attempts     INTEGER NOT NULL DEFAULT 0,
	error        TEXT,
	error_kind   TEXT,
	fetched_at   TEXT NOT NULL,
	file         TEXT
)`

// addFile adds the file column to a store made before it existed.
const addFile = `ALTER TABLE results ADD COLUMN file TEXT`

// upsert writes a result. A final result replaces whatever was there; a
// canceled one never replaces a final one.
const upsert = `INSERT INTO results (url, line, status, title, final_url, redirects, content_type,
	size, truncated, duration_ms, attempts, error, error_kind, fetched_at, file)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (url) DO UPDATE SET
	line = excluded.line, status = excluded.status, title = excluded.title,
	final_url = excluded.final_url, redirects = excluded.redirects,
	content_type = excluded.content_type, size = excluded.size,
	truncated = excluded.truncated, duration_ms = excluded.duration_ms,
	attempts = excluded.attempts, error = excluded.error,
	error_kind = excluded.error_kind, fetched_at = excluded.fetched_at, file = excluded.file
WHERE excluded.error_kind IS NOT 'canceled' OR results.error_kind IS 'canceled'`

// Batching: a transaction commits after this many rows or this long.
const (
	batchRows = 1000
	batchAge  = 250 * time.Millisecond
)

// SQLite keeps results in an SQLite file in WAL mode, so that the file
// can be read (with the sqlite3 command, say) while a run writes it. Put,
// Flush and Close are for one goroutine, the run's one writer; Done may be
// called from another.
type SQLite struct {
	db      *sql.DB
	tx      *sql.Tx
	stmt    *sql.Stmt
	rows    int
	started time.Time
	done    *sql.Stmt
}

// Open opens (creating if need be) the store at path.
func Open(path string) (*SQLite, error) {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(2) // one writer, one reader for --resume
	if _, err := db.Exec(Schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := db.Exec(`SELECT file FROM results LIMIT 0`); err != nil {
		if _, err := db.Exec(addFile); err != nil {
			db.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	done, err := db.Prepare(`SELECT 1 FROM results WHERE url = ? AND error_kind IS NOT 'canceled'`)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &SQLite{db: db, done: done}, nil
}

// Done reports whether url already has a final result (anything but
// canceled) in the store.
func (s *SQLite) Done(rawURL string) (bool, error) {
	var one int
	err := s.done.QueryRow(rawURL).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Put adds a result to the current batch, committing it when it is full
// or old.
func (s *SQLite) Put(r *record.Result) error {
	if s.tx == nil {
		tx, err := s.db.BeginTx(context.Background(), nil)
		if err != nil {
			return err
		}
		stmt, err := tx.Prepare(upsert)
		if err != nil {
			tx.Rollback()
			return err
		}
		s.tx, s.stmt, s.started = tx, stmt, time.Now()
	}
	_, err := s.stmt.Exec(r.URL, r.Line, nullInt(r.Status), nullString(r.Title, r.HasTitle),
		nullString(r.FinalURL, r.FinalURL != ""), r.Redirects, nullString(r.ContentType, r.ContentType != ""),
		r.Size, r.Truncated, r.DurationMS, r.Attempts, nullString(r.Error, r.Error != ""),
		nullString(string(r.ErrorKind), r.ErrorKind != ""), time.Now().UTC().Format(time.RFC3339Nano),
		nullString(r.File, r.File != ""))
	if err != nil {
		return err
	}
	s.rows++
	if s.rows >= batchRows || time.Since(s.started) >= batchAge {
		return s.commit()
	}
	return nil
}

// Flush commits the current batch if it is older than the batch age.
func (s *SQLite) Flush() error {
	if s.tx != nil && time.Since(s.started) >= batchAge {
		return s.commit()
	}
	return nil
}

func (s *SQLite) commit() error {
	if s.tx == nil {
		return nil
	}
	s.stmt.Close()
	err := s.tx.Commit()
	s.tx, s.stmt, s.rows = nil, nil, 0
	return err
}

// Close commits what is pending and closes the file.
func (s *SQLite) Close() error {
	err := s.commit()
	s.done.Close()
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	return err
}

func nullInt(v int) sql.NullInt64 { return sql.NullInt64{Int64: int64(v), Valid: v != 0} }

func nullString(v string, valid bool) sql.NullString { return sql.NullString{String: v, Valid: valid} }
