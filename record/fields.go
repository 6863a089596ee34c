package record

// This file is the one table of the record's fields: each field's name
// (its JSON key, CSV column, store column and --fields name), its group,
// and how its value is read from a Result. The encoders (report), the store
// (store) and the flags (cmd) derive everything from it: a new field is a
// field of Result and one entry in Fields (docs/ARCHITECTURE.md, "Where a
// new feature plugs in").

import "time"

// Type is what a field holds, which decides how each format writes it.
type Type uint8

// The types of fields.
const (
	String    Type = iota // a JSON string, a CSV cell, TEXT
	Int                   // a JSON number, INTEGER
	Float                 // a JSON number, REAL
	Bool                  // true or false, INTEGER 0 or 1
	StringMap             // a JSON object of strings; CSV and store: that JSON
	ListMap               // a JSON object of string arrays; CSV and store: that JSON
	Time                  // RFC 3339 in UTC to the millisecond (TimeLayout), a JSON string, TEXT
	Strings               // a JSON array of strings; CSV: the strings joined by spaces; store: the JSON
	Object                // a JSON object of the members in Obj, in order; CSV: a column a member (Members); store: the JSON
)

// TimeLayout is how a Time field is written: RFC 3339, UTC, milliseconds.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// Group says when a field is in a record.
type Group uint8

// The groups of fields.
const (
	// Default fields are in every record (and are --fields default).
	Default Group = iota
	// SEO fields are read from the page when --fields names them.
	SEO
	// Ops fields are read from the exchange (address, headers, TLS,
	// body hash) when --fields names them.
	Ops
	// Added fields are set by a flag of their own: extract by -e,
	// robots_txt by --robots report or obey; depth and from by fanout
	// crawl.
	Added
)

// Value is one field of one record. Null means unknown (no response, no
// such header, not asked for); the store writes it as NULL. A Value of a
// Type holds only that type's member.
type Value struct {
	Type Type
	Null bool
	Str  string
	Int  int64
	Num  float64
	Bool bool
	Map  map[string]string
	List map[string][]string
	Time time.Time
	Strs []string
	Obj  []Member
}

// Member is one member of an Object value.
type Member struct {
	Key string
	Value
}

// Members are the member keys of each Object field, in order: fixed, so a
// CSV header names one column a member (FIELD_KEY) before any record.
var Members = map[string][]string{
	"tls": {"version", "cipher", "subject_cn", "issuer_cn", "dns_names", "not_before", "not_after", "days_left", "verified"},
}

// Zero reports whether v is null or its type's zero value.
func (v Value) Zero() bool {
	switch {
	case v.Null:
		return true
	case v.Type == String:
		return v.Str == ""
	case v.Type == Int:
		return v.Int == 0
	case v.Type == Float:
		return v.Num == 0
	case v.Type == Bool:
		return !v.Bool
	case v.Type == StringMap:
		return len(v.Map) == 0
	case v.Type == Time:
		return v.Time.IsZero()
	case v.Type == Strings:
		return len(v.Strs) == 0
	case v.Type == Object:
		return len(v.Obj) == 0
	}
	return len(v.List) == 0
}

// Field is one entry of the table.
type Field struct {
	// Name is the JSON key, the CSV column, the store column and the
	// --fields name.
	Name  string
	Type  Type
	Group Group
	// Get reads the field from r. Its Value is null where the record does
	// not know the field (docs/record.md says when, field by field).
	Get func(r *Result) Value
}

// Fields is the record's fields in record order: the JSON record's keys
// are in this order, and every record of a run has the same keys (a run's
// field list), null where unknown.
var Fields = []Field{
	{"url", String, Default, func(r *Result) Value { return str(r.URL) }},
	{"line", Int, Default, func(r *Result) Value { return num(int64(r.Line)) }},
	{"file", String, Default, func(r *Result) Value { return known(r.File) }},
	{"status", Int, Default, func(r *Result) Value { return Value{Type: Int, Int: int64(r.Status), Null: r.Status == 0} }},
	{"title", String, Default, func(r *Result) Value {
		return Value{Type: String, Str: r.Title, Null: r.Title == "" && !r.HasTitle}
	}},
	{"final_url", String, Default, func(r *Result) Value { return known(r.FinalURL) }},
	{"redirects", Int, Default, func(r *Result) Value { return num(int64(r.Redirects)) }},
	{"content_type", String, Default, func(r *Result) Value { return known(r.ContentType) }},
	{"proto", String, Default, func(r *Result) Value { return known(r.Proto) }},
	{"size", Int, Default, func(r *Result) Value { return num(r.Size) }},
	{"truncated", Bool, Default, func(r *Result) Value { return Value{Type: Bool, Bool: r.Truncated} }},
	{"duration_ms", Float, Default, func(r *Result) Value { return Value{Type: Float, Num: r.DurationMS} }},
	{"attempts", Int, Default, func(r *Result) Value { return num(int64(r.Attempts)) }},
	{"error", String, Default, func(r *Result) Value { return known(r.Error) }},
	{"error_kind", String, Default, func(r *Result) Value { return known(string(r.ErrorKind)) }},
	{"fetched_at", Time, Default, func(r *Result) Value { return Value{Type: Time, Time: r.FetchedAt, Null: r.FetchedAt.IsZero()} }},
	{"description", String, SEO, func(r *Result) Value { return known(r.Description) }},
	{"canonical", String, SEO, func(r *Result) Value { return known(r.Canonical) }},
	{"robots", String, SEO, func(r *Result) Value { return known(r.Robots) }},
	{"lang", String, SEO, func(r *Result) Value { return known(r.Lang) }},
	{"h1", String, SEO, func(r *Result) Value { return known(r.H1) }},
	{"h1_count", Int, SEO, func(r *Result) Value { return count(r, r.H1Count) }},
	{"og", StringMap, SEO, func(r *Result) Value { return Value{Type: StringMap, Map: r.OG, Null: r.OG == nil} }},
	{"hreflang", StringMap, SEO, func(r *Result) Value {
		return Value{Type: StringMap, Map: r.Hreflang, Null: r.Hreflang == nil}
	}},
	{"links", Int, SEO, func(r *Result) Value { return count(r, r.Links) }},
	{"extract", ListMap, Added, func(r *Result) Value { return Value{Type: ListMap, List: r.Extract, Null: r.Extract == nil} }},
	{"robots_txt", String, Added, func(r *Result) Value { return known(r.RobotsTxt) }},
	{"note", String, Added, func(r *Result) Value { return known(r.Note) }},
	{"depth", Int, Added, func(r *Result) Value {
		if r.Depth == nil {
			return Value{Type: Int, Null: true}
		}
		return num(int64(*r.Depth))
	}},
	{"from", String, Added, func(r *Result) Value { return known(r.From) }},
	{"linked_from", Strings, Added, func(r *Result) Value {
		return Value{Type: Strings, Strs: r.LinkedFrom, Null: r.LinkedFrom == nil}
	}},
	{"ip", String, Ops, func(r *Result) Value { return known(r.IP) }},
	{"server", String, Ops, func(r *Result) Value { return known(r.Server) }},
	{"tls", Object, Ops, func(r *Result) Value { return tlsValue(r.TLS) }},
	{"hash", String, Ops, func(r *Result) Value { return known(r.Hash) }},
	{"headers", StringMap, Ops, func(r *Result) Value {
		return Value{Type: StringMap, Map: r.Headers, Null: r.Headers == nil}
	}},
	{"method", String, Added, func(r *Result) Value { return known(r.Method) }},
}

// tlsValue is the tls field: null without a TLS connection.
func tlsValue(t *TLS) Value {
	if t == nil {
		return Value{Type: Object, Null: true}
	}
	at := func(tm time.Time) Value { return Value{Type: Time, Time: tm, Null: tm.IsZero()} }
	vals := []Value{known(t.Version), known(t.Cipher), known(t.Subject), known(t.Issuer),
		{Type: Strings, Strs: t.DNSNames, Null: t.DNSNames == nil}, at(t.NotBefore), at(t.NotAfter),
		num(int64(t.DaysLeft)), {Type: Bool, Bool: t.Verified}}
	obj := make([]Member, len(vals))
	for i, k := range Members["tls"] {
		obj[i] = Member{k, vals[i]}
	}
	return Value{Type: Object, Obj: obj}
}

func str(s string) Value { return Value{Type: String, Str: s} }

// known is a string that is null when empty: the field was not there.
func known(s string) Value { return Value{Type: String, Str: s, Null: s == ""} }

func num(n int64) Value { return Value{Type: Int, Int: n} }

// count is a count read from the page: unknown (null) without a response.
func count(r *Result, n int) Value { return Value{Type: Int, Int: int64(n), Null: r.Status == 0} }

// FieldNamed is the field called name, and whether there is one.
func FieldNamed(name string) (Field, bool) {
	for _, f := range Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Names are the names of the fields in group g, in record order.
func Names(g Group) []string {
	var names []string
	for _, f := range Fields {
		if f.Group == g {
			names = append(names, f.Name)
		}
	}
	return names
}

// AllNames are the names of every field, in record order.
func AllNames() []string {
	names := make([]string, len(Fields))
	for i, f := range Fields {
		names[i] = f.Name
	}
	return names
}
