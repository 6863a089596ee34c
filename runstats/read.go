package runstats

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/fanout-dev/fanout/record"
	"github.com/fanout-dev/fanout/store"
)

// Input is one thing to read: a JSON-lines output ("-" is the given
// standard input) or, with DB, a --db store. A file named without DB is
// read as a store when it starts with SQLite's header.
type Input struct {
	Name string
	DB   bool
}

// ReadStats counts what Read saw.
type ReadStats struct {
	Records   int    // records counted, canceled ones included
	Malformed int    // lines that were not JSON records
	Example   string // the first malformed line's place, "file:line"
	// TooLong counts lines over maxLine, skipped; LongExample is the
	// first one's place.
	TooLong     int
	LongExample string
	Inputs      []InputStats

	first string // the current input's first line that is not a record
	store bool   // the current input is a store
}

// InputStats is what one input held, in Read's first pass.
type InputStats struct {
	Input
	Store     bool // read as a --db store (named with --db, or by its header)
	Records   int
	Malformed int
	First     string   // its first line that is not a record, cut at 80 bytes
	Sample    []string // the URLs of its first SampleSize final records (JSON lines only)
}

// SampleSize is how many final URLs of a JSON-lines input Read keeps, to
// tell whether a store holds the same run (CheckInputs).
const SampleSize = 64

// maxLine is the longest JSON line read: a record with -e values may
// take several MiB (1,000 values of 1,024 characters, '<' as \u003c, is
// over 6 MiB). A longer line is skipped and counted (ReadStats.TooLong),
// without being held, and the records after it are read.
const maxLine = 64 << 20

// lineLimit is maxLine; tests lower it.
var lineLimit = maxLine

// Read adds every record of inputs to a, in order. When canceled records
// are still held back at the end, the files and stores are read a second
// time for final records of the same URLs that came before them (standard
// input is read once: there only a final record that follows a canceled
// one replaces it). Lines of a gathered document ({"results": [...]}) are
// read as records too; its summary is skipped.
func Read(ctx context.Context, a *Aggregator, inputs []Input, stdin io.Reader) (ReadStats, error) {
	var st ReadStats
	for _, in := range inputs {
		is := InputStats{Input: in}
		before := st
		add := func(r *record.Result) {
			if len(is.Sample) < SampleSize && r.ErrorKind != record.KindCanceled {
				is.Sample = append(is.Sample, r.URL)
			}
			if r.FetchedAt.IsZero() { // a record written before fanout stamped them
				a.Add(r)
			} else {
				a.AddFinished(r, r.FetchedAt)
			}
		}
		if err := readOne(ctx, in, stdin, &st, add, a.AddFinished); err != nil {
			return st, err
		}
		is.Records, is.Malformed = st.Records-before.Records, st.Malformed-before.Malformed
		is.First, st.first = st.first, ""
		is.Store, st.store = st.store, false
		st.Inputs = append(st.Inputs, is)
	}
	if a.Pending() == 0 {
		return st, nil
	}
	var again ReadStats
	supersede := func(r *record.Result, _ time.Time) { a.Supersede(r) }
	for _, in := range inputs {
		if in.Name == "-" {
			continue
		}
		if err := readOne(ctx, in, nil, &again, a.Supersede, supersede); err != nil {
			return st, err
		}
		if a.Pending() == 0 {
			break
		}
	}
	return st, nil
}

func readOne(ctx context.Context, in Input, stdin io.Reader, st *ReadStats, add func(*record.Result), addTimed func(*record.Result, time.Time)) error {
	if in.DB {
		return readDB(ctx, in.Name, st, addTimed)
	}
	var r io.Reader = stdin
	if in.Name != "-" {
		f, err := os.Open(in.Name)
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", in.Name, err)
		}
		defer f.Close()
		r = f
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(16); string(head) == "SQLite format 3\x00" {
		if in.Name == "-" {
			return errors.New("standard input is an SQLite file: name the file instead")
		}
		return readDB(ctx, in.Name, st, addTimed)
	}
	return readLines(ctx, in.Name, br, st, add)
}

func readLines(ctx context.Context, name string, r io.Reader, st *ReadStats, add func(*record.Result)) error {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	var rec record.Result
	var buf []byte
	for line := 1; ; line++ {
		if line%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		b, long, err := nextLine(br, buf[:0])
		buf = b
		if err != nil && err != io.EOF {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		if long {
			if st.TooLong == 0 {
				st.LongExample = fmt.Sprintf("%s:%d", name, line)
			}
			st.TooLong++
		} else if b = bytes.TrimSuffix(bytes.TrimSpace(b), []byte(",")); len(b) > 0 && !isGatherFrame(b) {
			rec = record.Result{}
			if err := json.Unmarshal(b, &rec); err != nil || rec.URL == "" {
				if st.Malformed == 0 {
					st.Example = fmt.Sprintf("%s:%d", name, line)
				}
				if st.first == "" {
					st.first = string(b[:min(len(b), 80)])
				}
				st.Malformed++
			} else {
				st.Records++
				add(&rec)
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// nextLine appends the next line of br (with its newline) to buf. A
// line over lineLimit is read to its end but not kept: long is true and
// what it returns is not the line.
func nextLine(br *bufio.Reader, buf []byte) (line []byte, long bool, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		if !long {
			if len(buf)+len(chunk) > lineLimit {
				long, buf = true, buf[:0]
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err != bufio.ErrBufferFull {
			return buf, long, err
		}
	}
}

// isGatherFrame reports whether b is one of the lines of a gathered
// document that are not records.
func isGatherFrame(b []byte) bool {
	return bytes.HasPrefix(b, []byte(`{"results":`)) || bytes.HasPrefix(b, []byte(`]`)) ||
		bytes.HasPrefix(b, []byte(`"summary":`))
}

// openStore opens a --db store read-only.
func openStore(path string) (*sql.DB, error) {
	db, err := store.OpenRead(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return db, nil
}

// readDB reads the results table of a --db store, read-only.
func readDB(ctx context.Context, path string, st *ReadStats, add func(*record.Result, time.Time)) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("cannot read %s: %w", path, err)
	}
	st.store = true
	db, err := openStore(path)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := queryResults(ctx, db)
	if err != nil {
		return fmt.Errorf("%s: not a fanout store: %w", path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			rec         record.Result
			status      sql.NullInt64
			msg, kind   sql.NullString
			fetchedText string
			depth       sql.NullInt64
			from, tls   sql.NullString
			linkedFrom  sql.NullString
		)
		if err := rows.Scan(&rec.URL, &rec.Line, &status, &rec.Size, &rec.DurationMS, &rec.Attempts, &msg, &kind, &fetchedText, &depth, &from, &tls, &linkedFrom); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		rec.Status, rec.Error, rec.ErrorKind = int(status.Int64), msg.String, record.Kind(kind.String)
		if depth.Valid {
			d := int(depth.Int64)
			rec.Depth, rec.From = &d, from.String
		}
		if linkedFrom.Valid && json.Unmarshal([]byte(linkedFrom.String), &rec.LinkedFrom) != nil {
			rec.LinkedFrom = nil // not a list of pages: the first page is from
		}
		if tls.Valid && json.Unmarshal([]byte(tls.String), &rec.TLS) != nil {
			rec.TLS = nil // not the tls object: the report goes on without it
		}
		fetched, err := time.Parse(time.RFC3339Nano, fetchedText)
		if err != nil {
			return fmt.Errorf("%s: fetched_at of %s: %w", path, rec.URL, err)
		}
		st.Records++
		add(&rec, fetched)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// queryResults selects what a report reads of a store's results. A store
// made before fanout crawl has no depth and from, one made before --fields
// tls no tls, one made before linked_from none: those columns are read as
// NULL.
func queryResults(ctx context.Context, db *sql.DB) (*sql.Rows, error) {
	const cols = `url, line, status, size, duration_ms, attempts, error, error_kind, fetched_at`
	var err error
	for _, more := range []string{`depth, "from", tls, linked_from`, `depth, "from", tls, NULL`, `depth, "from", NULL, NULL`, `NULL, NULL, NULL, NULL`} {
		var rows *sql.Rows
		if rows, err = db.QueryContext(ctx, "SELECT "+cols+", "+more+" FROM results"); err == nil {
			return rows, nil
		}
	}
	return nil, err
}

// inStore counts how many of urls have a row in the --db store at path.
func inStore(ctx context.Context, path string, urls []string) (int, error) {
	db, err := openStore(path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	n := 0
	for _, u := range urls {
		var one int
		err := db.QueryRowContext(ctx, `SELECT 1 FROM results WHERE url = ? AND (error_kind IS NULL OR error_kind != 'canceled')`, u).Scan(&one)
		switch {
		case err == nil:
			n++
		case !errors.Is(err, sql.ErrNoRows):
			return n, fmt.Errorf("%s: %w", path, err)
		}
	}
	return n, nil
}
