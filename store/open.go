package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrInUse is returned by Open when another run holds the store.
var ErrInUse = errors.New("in use by another fanout run")

// ErrNotStore is returned by Open for a file that is not, and cannot
// become, a fanout store.
var ErrNotStore = errors.New("not a fanout store")

// applicationID marks an SQLite file as a fanout store (PRAGMA
// application_id; the bytes are "fano").
const applicationID = 0x66616e6f

// sqliteMagic opens every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// checkFile refuses, before the file is touched, what cannot be a store: an
// in-memory database (it would keep nothing), anything but a regular file,
// a file this process cannot write, and a file that is not an SQLite
// database. A missing file is fine: Open creates it; an empty one too.
func checkFile(path string) error {
	if path == ":memory:" || path == "" {
		return fmt.Errorf("%q: %w: an in-memory database keeps nothing; name a file", path, ErrNotStore)
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s: %w: not a regular file", path, ErrNotStore)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("%s: cannot be written: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteMagic))
	n, err := io.ReadFull(f, head)
	if n == 0 && err == io.EOF {
		return nil // empty: SQLite makes a new database of it
	}
	if !bytes.Equal(head[:n], sqliteMagic) {
		return fmt.Errorf("%s: %w: not an SQLite database", path, ErrNotStore)
	}
	return nil
}

// dsn makes path a modernc.org/sqlite data source name that names exactly
// that file (fileURI), with the pragmas a writer wants.
func dsn(path string) (string, error) {
	name, err := fileURI(path)
	if err != nil {
		return "", err
	}
	q := url.Values{}
	for _, pragma := range []string{"busy_timeout(10000)", "synchronous(NORMAL)"} {
		q.Add("_pragma", pragma)
	}
	q.Set("_txlock", "immediate")
	return name + "?" + q.Encode(), nil
}

// OpenRead opens the SQLite file at path read-only, for a reader of a
// store (fanout report) while a run may write it: path is a file name,
// never a URI, by the same rule as Open's (fileURI).
func OpenRead(path string) (*sql.DB, error) {
	name, err := fileURI(path)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	return sql.Open("sqlite", name+"?"+q.Encode())
}

// fileURI makes path a "file:" URI that names exactly that file. The
// driver hands a "file:" name to SQLite as a URI, so the characters a URI
// gives meaning to ('%', '?', '#') are escaped, and the path is made
// absolute so that it never starts with "//" (an authority).
func fileURI(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive letter: file:/C:/...
	}
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p), nil
}

// claim makes the database a fanout store in WAL mode, or refuses it: a new or empty
// database gets the results table and fanout's application id; a store
// made before the id existed (only a results table with fanout's columns)
// gets the id; a database with the id is a store (its user may have added
// tables); anything else belongs to someone else and is left untouched. It
// writes, so it also finds a database that cannot be written.
func claim(db *sql.DB, path string) error {
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil) // immediate: the write lock, or a clear error now
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer tx.Rollback()
	var id int64
	if err := tx.QueryRow("PRAGMA application_id").Scan(&id); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if id != applicationID {
		if id != 0 {
			return fmt.Errorf("%s: %w: an SQLite database of another application (application_id %#x)", path, ErrNotStore, id)
		}
		if err := checkTables(tx, path); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(Schema); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if _, err := tx.Exec(fmt.Sprintf("PRAGMA application_id = %d", applicationID)); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// WAL lets readers read while the run writes; the mode is kept in the
	// file, so every connection uses it. Set here, not in the DSN, so that
	// a refused file is left as it was.
	if _, err := db.Exec("PRAGMA journal_mode = WAL"); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// checkTables accepts a database without fanout's id only when it has no
// tables, or just a results table with fanout's columns.
func checkTables(tx *sql.Tx, path string) error {
	tables, err := column(tx, `SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(tables) == 0 {
		return nil
	}
	if !slices.Equal(tables, []string{"results"}) {
		return fmt.Errorf("%s: %w: an SQLite database with other tables (%s)", path, ErrNotStore, strings.Join(tables, ", "))
	}
	cols, err := column(tx, `SELECT name FROM pragma_table_info('results') ORDER BY cid`)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !slices.Equal(cols, storedColumns) && !slices.Equal(cols, legacyColumns) && !slices.Equal(cols, legacyColumns[:len(legacyColumns)-1]) {
		return fmt.Errorf("%s: %w: its results table is not fanout's (columns %s)", path, ErrNotStore, strings.Join(cols, ", "))
	}
	return nil
}

// column returns the first column of every row of query.
func column(tx *sql.Tx, query string) ([]string, error) {
	rows, err := tx.Query(query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
