package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/fanout-dev/fanout/record"
)

// StatusSet is a set of HTTP statuses written as codes and classes
// ("200,3xx,404"), for --match-status and --filter-status. The zero
// StatusSet is empty.
type StatusSet struct {
	codes   map[int]bool
	classes [6]bool // 1xx … 5xx
	spec    string
}

// ParseStatusSet reads a list of codes (100–599) and classes (1xx–5xx,
// any case) separated by commas.
func ParseStatusSet(s string) (StatusSet, error) {
	set := StatusSet{codes: map[int]bool{}, spec: s}
	for _, item := range strings.Split(s, ",") {
		item = strings.ToLower(strings.TrimSpace(item))
		if len(item) == 3 && item[1:] == "xx" && item[0] >= '1' && item[0] <= '5' {
			set.classes[item[0]-'0'] = true
			continue
		}
		code, err := strconv.Atoi(item)
		if err != nil || code < 100 || code > 599 {
			return StatusSet{}, fmt.Errorf("%q is not a status (100-599) or a class (1xx-5xx)", item)
		}
		set.codes[code] = true
	}
	return set, nil
}

// Has reports whether status is in the set; 0 (no response) never is.
func (s StatusSet) Has(status int) bool {
	if status/100 >= 1 && status/100 <= 5 && s.classes[status/100] {
		return true
	}
	return s.codes[status]
}

func (s StatusSet) String() string { return s.spec }

// Empty reports whether the set holds nothing.
func (s StatusSet) Empty() bool { return s.spec == "" }

// StatusFilter is which records are written: with Match set, only those
// whose status is in it; with Drop set, all but those. A record without a
// response has no status: Match leaves it out, Drop keeps it. The zero
// StatusFilter keeps every record.
type StatusFilter struct {
	Match, Drop StatusSet
}

// Keeps reports whether r is written.
func (f StatusFilter) Keeps(r *record.Result) bool {
	if !f.Match.Empty() && !f.Match.Has(r.Status) {
		return false
	}
	return f.Drop.Empty() || !f.Drop.Has(r.Status)
}
