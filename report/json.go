package report

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/fanout-dev/fanout/record"
)

// jsonField is a field of the table with its JSON key written out.
type jsonField struct {
	record.Field
	key string // "name":
}

func jsonFields(fields []record.Field) []jsonField {
	out := make([]jsonField, len(fields))
	for i, f := range fields {
		out[i] = jsonField{f, string(appendString(nil, f.Name)) + ":"}
	}
	return out
}

// appendFields appends r as a JSON object of fields, every one in their
// order, null where unknown: what encoding/json makes of the record's
// contract (FuzzAppendRecord holds it to that), without reflection.
func appendFields(b []byte, r *record.Result, fields []jsonField) []byte {
	b = append(b, '{')
	for i := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendValue(append(b, fields[i].key...), fields[i].Get(r))
	}
	return append(b, '}')
}

// appendValue appends v as JSON, as encoding/json writes its type.
func appendValue(b []byte, v record.Value) []byte {
	switch {
	case v.Null:
		return append(b, "null"...)
	case v.Type == record.String:
		return appendString(b, v.Str)
	case v.Type == record.Int:
		return strconv.AppendInt(b, v.Int, 10)
	case v.Type == record.Float:
		return appendFloat(b, v.Num)
	case v.Type == record.Bool:
		return strconv.AppendBool(b, v.Bool)
	case v.Type == record.StringMap:
		return appendStringMap(b, v.Map)
	case v.Type == record.Time:
		return append(v.Time.UTC().AppendFormat(append(b, '"'), record.TimeLayout), '"')
	case v.Type == record.Strings:
		return appendStrings(b, v.Strs)
	case v.Type == record.Object:
		b = append(b, '{')
		for i, m := range v.Obj {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(append(appendString(b, m.Key), ':'), m.Value)
		}
		return append(b, '}')
	}
	return appendListMap(b, v.List)
}

// appendListMap appends m as a JSON object with sorted keys, each value an
// array, as encoding/json writes it.
func appendListMap(b []byte, m map[string][]string) []byte {
	b = append(b, '{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(appendString(b, k), ':')
		b = appendStrings(b, m[k])
	}
	return append(b, '}')
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
