package report

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/fanout-dev/fanout/record"
)

// appendRecord appends r as the JSON record, byte for byte what
// encoding/json makes of record.Result, without reflection: it is written
// once per URL, and the profile of a fast run showed the reflection.
func appendRecord(b []byte, r *record.Result) []byte {
	b = append(b, `{"url":`...)
	b = appendString(b, r.URL)
	b = append(b, `,"line":`...)
	b = strconv.AppendInt(b, int64(r.Line), 10)
	b = appendField(b, `,"file":`, r.File)
	if r.Status != 0 {
		b = append(b, `,"status":`...)
		b = strconv.AppendInt(b, int64(r.Status), 10)
	}
	b = appendField(b, `,"title":`, r.Title)
	b = appendField(b, `,"final_url":`, r.FinalURL)
	if r.Redirects != 0 {
		b = append(b, `,"redirects":`...)
		b = strconv.AppendInt(b, int64(r.Redirects), 10)
	}
	b = appendField(b, `,"content_type":`, r.ContentType)
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, r.Size, 10)
	if r.Truncated {
		b = append(b, `,"truncated":true`...)
	}
	b = append(b, `,"duration_ms":`...)
	b = appendFloat(b, r.DurationMS)
	b = append(b, `,"attempts":`...)
	b = strconv.AppendInt(b, int64(r.Attempts), 10)
	b = appendField(b, `,"error":`, r.Error)
	b = appendField(b, `,"error_kind":`, string(r.ErrorKind))
	return append(appendFields(b, r), '}')
}

// appendFields appends the --fields and -e fields, in record.Result's order.
func appendFields(b []byte, r *record.Result) []byte {
	b = appendField(b, `,"description":`, r.Description)
	b = appendField(b, `,"canonical":`, r.Canonical)
	b = appendField(b, `,"robots":`, r.Robots)
	b = appendField(b, `,"lang":`, r.Lang)
	b = appendField(b, `,"h1":`, r.H1)
	if r.H1Count != 0 {
		b = append(b, `,"h1_count":`...)
		b = strconv.AppendInt(b, int64(r.H1Count), 10)
	}
	if len(r.OG) > 0 {
		b = appendStringMap(append(b, `,"og":`...), r.OG)
	}
	if len(r.Hreflang) > 0 {
		b = appendStringMap(append(b, `,"hreflang":`...), r.Hreflang)
	}
	if r.Links != 0 {
		b = append(b, `,"links":`...)
		b = strconv.AppendInt(b, int64(r.Links), 10)
	}
	if len(r.Extract) > 0 {
		b = append(b, `,"extract":{`...)
		for i, k := range slices.Sorted(maps.Keys(r.Extract)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(appendString(b, k), ':')
			b = appendStrings(b, r.Extract[k])
		}
		b = append(b, '}')
	}
	return appendField(b, `,"robots_txt":`, r.RobotsTxt)
}

// appendStringMap appends m as a JSON object with sorted keys, as
// encoding/json writes maps.
func appendStringMap(b []byte, m map[string]string) []byte {
	b = append(b, '{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(append(appendString(b, k), ':'), m[k])
	}
	return append(b, '}')
}

// appendStrings appends s as a JSON array; nil is null, as encoding/json
// writes it.
func appendStrings(b []byte, s []string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, v := range s {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, v)
	}
	return append(b, ']')
}

// appendField appends an omitempty string field.
func appendField(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	return appendString(append(b, key...), v)
}

// appendFloat formats as encoding/json does.
func appendFloat(b []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(b, '0') // never a duration; encoding/json would fail
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		b = strconv.AppendFloat(b, f, 'e', -1, 64)
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1] // e-07 becomes e-7, as encoding/json writes it
			b = b[:n-1]
		}
		return b
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaped as encoding/json does
// (HTML-safe, invalid UTF-8 as U+FFFD, U+2028 and U+2029 escaped).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
