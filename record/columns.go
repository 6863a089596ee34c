package record

import "slices"

// Extras say which fields a run's records carry beyond the list chosen
// for them, by what the run reads besides.
type Extras struct {
	Head         bool // HEAD requests: method, so the record says no body was read
	HeaderFields bool // response headers kept: headers
	Extract      bool // values by selector: extract, and note (why extract may be partial)
	Robots       bool // robots.txt read: robots_txt
	Crawl        bool // a crawl: depth, from and linked_from
}

// Columns are a run's fields, the same for every format: names (nil: the
// Default group), then headers, extract, robots_txt, note, depth, from,
// linked_from and method as x asks. (The encoders put url, line and file
// first, whatever the list.)
func (x Extras) Columns(names []string) []string {
	names = slices.Clone(names)
	if names == nil {
		names = Names(Default)
	}
	if x.HeaderFields && !slices.Contains(names, "headers") {
		names = append(names, "headers")
	}
	if x.Extract {
		names = append(names, "extract")
	}
	if x.Robots {
		names = append(names, "robots_txt")
	}
	if x.Extract {
		names = append(names, "note") // why extract may be partial
	}
	if x.Crawl {
		names = append(names, "depth", "from", "linked_from")
	}
	if x.Head {
		names = append(names, "method") // the record says no body was read
	}
	return names
}
