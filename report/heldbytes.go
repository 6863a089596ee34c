package report

import (
	"unsafe"

	"github.com/fanout-dev/fanout/record"
)

// resultBytes is about how much memory r takes while it waits in gather
// mode: the struct, every value of the field table (the one list of what
// a record holds), and the links a crawl's result carries beside them.
func resultBytes(r *record.Result) int {
	const str = 16 // a string's header; a map entry costs about three
	n := int(unsafe.Sizeof(*r))
	for _, f := range record.Fields {
		n += valueBytes(f.Get(r))
	}
	for _, l := range [][]string{r.Outlinks, r.Resources} {
		for _, s := range l {
			n += str + len(s)
		}
	}
	for _, f := range r.Found {
		n += int(unsafe.Sizeof(f)) + len(f.URL)
	}
	return n
}

// valueBytes is about how many bytes v's strings and containers take.
func valueBytes(v record.Value) int {
	const str, entry = 16, 48
	n := len(v.Str)
	for k, s := range v.Map {
		n += entry + len(k) + len(s)
	}
	for k, l := range v.List {
		n += entry + len(k)
		for _, s := range l {
			n += str + len(s)
		}
	}
	for _, s := range v.Strs {
		n += str + len(s)
	}
	for _, m := range v.Obj {
		n += str + len(m.Key) + valueBytes(m.Value)
	}
	return n
}
