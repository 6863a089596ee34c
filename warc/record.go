package warc

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"encoding/hex"
	"strconv"
	"time"
)

// Field is one named WARC header field.
type Field struct{ Name, Value string }

// Record is one WARC record: its type, its header fields (WARC-Type,
// WARC-Record-ID, Content-Length and WARC-Block-Digest are added by the
// Writer) and its block.
type Record struct {
	Type   string
	ID     string // <urn:uuid:…>; "" gets a new one
	Fields []Field
	Block  []byte
	// BlockSum is the SHA-1 of Block when the caller has it (a Recorder
	// hashes a response as it arrives); nil and the Writer computes it.
	BlockSum []byte
}

// appendHead appends r's WARC header, up to and with its blank line, to b.
func appendHead(b []byte, r Record) []byte {
	b = append(b, "WARC/1.1\r\nWARC-Type: "...)
	b = append(b, r.Type...)
	b = append(b, "\r\nWARC-Record-ID: "...)
	if r.ID == "" {
		b = appendID(b)
	} else {
		b = append(b, r.ID...)
	}
	b = append(b, "\r\n"...)
	hasDate := false
	for _, f := range r.Fields {
		hasDate = hasDate || f.Name == "WARC-Date"
	}
	if !hasDate {
		b = append(b, "WARC-Date: "...)
		b = appendDate(b, time.Now())
		b = append(b, "\r\n"...)
	}
	for _, f := range r.Fields {
		b = append(b, f.Name...)
		b = append(b, ": "...)
		b = append(b, f.Value...)
		b = append(b, "\r\n"...)
	}
	b = append(b, "WARC-Block-Digest: "...)
	if r.BlockSum != nil {
		b = appendDigest(b, r.BlockSum)
	} else {
		sum := sha1.Sum(r.Block)
		b = appendDigest(b, sum[:])
	}
	b = append(b, "\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(r.Block)), 10)
	return append(b, "\r\n\r\n"...)
}

// recordEnd ends every record, after its block.
const recordEnd = "\r\n\r\n"

// Digest is b's SHA-1 as WARC digests are written: sha1:BASE32.
func Digest(b []byte) string {
	sum := sha1.Sum(b)
	return string(appendDigest(nil, sum[:]))
}

// appendDigest appends sum, a SHA-1, as WARC digests are written.
func appendDigest(b, sum []byte) []byte {
	b = append(b, "sha1:"...)
	return base32.StdEncoding.AppendEncode(b, sum)
}

// Date is t as WARC-Date: UTC, RFC 3339 with microseconds (WARC/1.1
// allows sub-second precision).
func Date(t time.Time) string {
	return string(appendDate(nil, t))
}

func appendDate(b []byte, t time.Time) []byte {
	return t.UTC().AppendFormat(b, "2006-01-02T15:04:05.000000Z")
}

// NewID is a new WARC-Record-ID: <urn:uuid:…>, a random (version 4) UUID.
func NewID() string {
	return string(appendID(nil))
}

func appendID(b []byte) []byte {
	var u [16]byte
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	b = append(b, "<urn:uuid:"...)
	for i, part := range [][]byte{u[0:4], u[4:6], u[6:8], u[8:10], u[10:]} {
		if i > 0 {
			b = append(b, '-')
		}
		b = hex.AppendEncode(b, part)
	}
	return append(b, '>')
}
