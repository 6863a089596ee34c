// Package store keeps a run's results in an SQLite file, one row per URL,
// so a run can be read while it goes on and resumed after it stops. It is
// written by the run's one writer (report.Writer) through report.Store.
package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"sync"
	"time"

	_ "modernc.org/sqlite" // pure-Go SQLite driver: no cgo, so go install works anywhere

	"github.com/fanout-dev/fanout/record"
)

// Batching: a transaction commits after this many rows, or this long after
// its first row, whichever comes first (docs/store.md, "Stopping, resuming and the
// store").
const (
	batchRows = 1000
	batchAge  = 250 * time.Millisecond
)

// SQLite keeps results in an SQLite file in WAL mode, so that the file can
// be read (with the sqlite3 command, say) while a run writes it. Rows are
// written in batched transactions; a batch is committed when it has
// batchRows rows or batchAge after its first row, by a timer if no other
// Put comes, so a finished row never waits for the next result.
//
// One run holds a store at a time: Open takes an exclusive lock that a
// second Open of the same file (in this process or another) fails on at
// once with ErrInUse, and Close releases it (as does the process's death).
//
// Put, Flush and Close are for one goroutine, the run's one writer; Done may
// be called from another. A commit that fails on the timer is returned by
// the next Put, Flush or Close.
type SQLite struct {
	db   *sql.DB
	done *sql.Stmt
	lock *os.File
	path string

	maxRows int
	maxAge  time.Duration

	mu    sync.Mutex // guards the batch, shared by Put and the batch timer
	tx    *sql.Tx
	stmt  *sql.Stmt
	rows  int
	batch int         // counts batches, so a stale timer knows its batch is gone
	timer *time.Timer // commits the open batch at maxAge
	err   error       // the timer's failed commit, not yet returned

	crawl      bool         // BeginCrawl was called: results keep the crawl table (crawl.go)
	crawlStmts [2]*sql.Stmt // the batch's crawlFound and crawlDone, prepared at first use
}

// Open opens the store at path, a file name taken literally (never an
// SQLite URI), creating it if need be. It fails, before anything is
// written, when another run holds the store (ErrInUse), and when path
// cannot be a store: ":memory:", a directory or device, a read-only file, a
// file that is not an SQLite database, or an SQLite database of another
// application (ErrNotStore).
func Open(path string) (*SQLite, error) {
	return open(path, batchRows, batchAge)
}

func open(path string, maxRows int, maxAge time.Duration) (*SQLite, error) {
	if err := checkFile(path); err != nil {
		return nil, err
	}
	lock, err := acquire(path)
	if err != nil {
		return nil, err
	}
	s, err := openLocked(path, maxRows, maxAge)
	if err != nil {
		release(lock, path)
		return nil, err
	}
	s.lock = lock
	return s, nil
}

func openLocked(path string, maxRows int, maxAge time.Duration) (*SQLite, error) {
	dsn, err := dsn(path)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(2) // one writer, one reader for --resume
	if err := claim(db, path); err != nil {
		db.Close()
		return nil, err
	}
	if err := addColumns(db, path); err != nil {
		db.Close()
		return nil, err
	}
	done, err := db.Prepare(`SELECT 1 FROM results WHERE url = ? AND error_kind IS NOT 'canceled'`)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &SQLite{db: db, done: done, path: path, maxRows: maxRows, maxAge: maxAge}, nil
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

// Put adds a result to the current batch, committing it when it is full.
func (s *SQLite) Put(r *record.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.takeErr(); err != nil {
		return err
	}
	if s.tx == nil {
		if err := s.begin(); err != nil {
			return err
		}
	}
	if _, err := s.stmt.Exec(args(r)...); err != nil {
		return err
	}
	if err := s.putCrawl(r); err != nil {
		return err
	}
	s.rows++
	if s.rows >= s.maxRows {
		return s.commit()
	}
	return nil
}

// begin opens a batch and arms its timer. s.mu is held.
func (s *SQLite) begin() error {
	tx, err := s.db.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	stmt, err := tx.Prepare(upsert)
	if err != nil {
		tx.Rollback()
		return err
	}
	s.tx, s.stmt = tx, stmt
	s.batch++
	batch := s.batch
	s.timer = time.AfterFunc(s.maxAge, func() { s.commitBatch(batch) })
	return nil
}

// commitBatch is the batch timer: it commits batch if it is still open.
func (s *SQLite) commitBatch(batch int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tx == nil || s.batch != batch {
		return
	}
	if err := s.commit(); err != nil && s.err == nil {
		s.err = err
	}
}

// Flush returns the error of a commit made by the timer, if any; the timer
// itself keeps every row's wait under the batch age.
func (s *SQLite) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.takeErr()
}

func (s *SQLite) takeErr() error {
	err := s.err
	s.err = nil
	return err
}

// commit ends the open batch, if any. s.mu is held.
func (s *SQLite) commit() error {
	if s.tx == nil {
		return nil
	}
	s.timer.Stop()
	s.stmt.Close()
	s.closeCrawlStmts()
	err := s.tx.Commit()
	s.tx, s.stmt, s.rows, s.timer = nil, nil, 0, nil
	return err
}

// Close commits what is pending, closes the file and releases the store
// for the next run.
func (s *SQLite) Close() error {
	s.mu.Lock()
	err := s.takeErr()
	if cerr := s.commit(); err == nil {
		err = cerr
	}
	s.mu.Unlock()
	s.done.Close()
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	release(s.lock, s.path)
	return err
}
