package record

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// jsonKeys are the JSON keys of t's fields, embedded structs flattened, as
// encoding/json sees them.
func jsonKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case f.Anonymous && tag == "":
			keys = append(keys, jsonKeys(f.Type)...)
		case tag != "-" && f.IsExported():
			keys = append(keys, tag)
		}
	}
	return keys
}

// TestFieldsAreTheRecord checks that the table names every field of Result
// that encoding/json writes, in the struct's order: a field added to Result
// without its entry, or an entry for no field, fails here.
func TestFieldsAreTheRecord(t *testing.T) {
	if got, want := AllNames(), jsonKeys(reflect.TypeFor[Result]()); !slices.Equal(got, want) {
		t.Errorf("table %v\nResult %v", got, want)
	}
}

// TestGetReadsItsField sets each field of a Result in turn and checks that
// only its own entry's Get sees a change.
func TestGetReadsItsField(t *testing.T) {
	set := map[string]func(*Result){
		"url": func(r *Result) { r.URL = "u" }, "line": func(r *Result) { r.Line = 1 }, "file": func(r *Result) { r.File = "f" },
		"status": func(r *Result) { r.Status = 200 }, "title": func(r *Result) { r.Title = "t" },
		"final_url": func(r *Result) { r.FinalURL = "f" }, "redirects": func(r *Result) { r.Redirects = 1 },
		"content_type": func(r *Result) { r.ContentType = "c" }, "proto": func(r *Result) { r.Proto = "HTTP/2" }, "size": func(r *Result) { r.Size = 1 },
		"truncated": func(r *Result) { r.Truncated = true }, "duration_ms": func(r *Result) { r.DurationMS = 1 },
		"attempts": func(r *Result) { r.Attempts = 1 }, "error": func(r *Result) { r.Error = "e" },
		"error_kind": func(r *Result) { r.ErrorKind = KindDNS }, "description": func(r *Result) { r.Description = "d" },
		"canonical": func(r *Result) { r.Canonical = "c" }, "robots": func(r *Result) { r.Robots = "r" },
		"lang": func(r *Result) { r.Lang = "l" }, "h1": func(r *Result) { r.H1 = "h" }, "h1_count": func(r *Result) { r.H1Count = 1 },
		"og": func(r *Result) { r.OG = map[string]string{"a": "b"} }, "hreflang": func(r *Result) { r.Hreflang = map[string]string{"a": "b"} },
		"links": func(r *Result) { r.Links = 1 }, "extract": func(r *Result) { r.Extract = map[string][]string{"a": nil} },
		"robots_txt": func(r *Result) { r.RobotsTxt = "allowed" }, "fetched_at": func(r *Result) { r.FetchedAt = time.Unix(1, 0) },
		"note":  func(r *Result) { r.Note = "n" },
		"depth": func(r *Result) { r.Depth = new(int); *r.Depth = 2 }, "from": func(r *Result) { r.From = "f" }, "linked_from": func(r *Result) { r.LinkedFrom = []string{"p"} },
		"ip": func(r *Result) { r.IP = "127.0.0.1:80" }, "server": func(r *Result) { r.Server = "s" },
		"tls": func(r *Result) { r.TLS = &TLS{Version: "TLS 1.3"} }, "hash": func(r *Result) { r.Hash = "ab" },
		"headers": func(r *Result) { r.Headers = map[string]string{"x-cache": "HIT"} },
		"method":  func(r *Result) { r.Method = "HEAD" },
	}
	for _, f := range Fields {
		setter, ok := set[f.Name]
		if !ok {
			t.Errorf("no setter for %s: add one here", f.Name)
			continue
		}
		base := Result{Status: 299} // a response: the page's counts are known
		r := base
		setter(&r)
		for _, g := range Fields {
			v := g.Get(&r)
			if v.Type != g.Type {
				t.Errorf("%s: Get's type %d, entry's %d", g.Name, v.Type, g.Type)
			}
			if changed := !reflect.DeepEqual(v, g.Get(&base)); changed != (g.Name == f.Name) {
				t.Errorf("setting %s: %s changed = %v", f.Name, g.Name, changed)
			}
		}
	}
}
