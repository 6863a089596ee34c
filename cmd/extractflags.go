package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/extract"
	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/pipeline"
	"github.com/fanout-dev/fanout/record"
)

// PageOptions are scrape's flags for what is read from each page, and
// whether robots.txt is read.
type PageOptions struct {
	Fields fieldList
	// HeaderFields are the response headers the headers field keeps
	// (--header-field, repeatable).
	HeaderFields []string
	Extract      selectorList
	Robots       robotsMode
	crawl        bool // fanout crawl: depth and from follow the columns
}

// addPageFlags registers the PageOptions flags on f.
func addPageFlags(f *pflag.FlagSet, o *PageOptions) {
	f.Var(&o.Fields, "fields", "the record's fields, comma-separated: \"default\", \"all\", \"+NAME\" (default and NAME), "+
		"or names of the default fields and "+strings.Join(record.Names(record.SEO), ", ")+", "+strings.Join(record.Names(record.Ops), ", ")+
		"; url, line and file are always first")
	f.StringArrayVar(&o.HeaderFields, "header-field", nil, "a response header the headers field keeps (repeatable; adds headers to the fields)")
	f.VarP(&o.Extract, "extract", "e", "name=SELECTOR or name=SELECTOR@attr: values by CSS selector (repeatable; builds a tree of each page)")
	f.Var(&o.Robots, "robots", "robots.txt: ignore (as curl and httpx), report (robots_txt in each record), obey (disallowed URLs are not fetched)")
}

// fieldList is the --fields value: record field names, in order, each once.
type fieldList struct{ names []string }

func (l *fieldList) String() string { return strings.Join(l.names, ",") }

func (l *fieldList) Type() string { return "list" }

// Set takes names separated by commas, as record.ParseFieldList reads
// them.
func (l *fieldList) Set(s string) (err error) {
	l.names, err = record.ParseFieldList(s)
	return err
}

// selectorList is the -e value: selectors with distinct names, and each
// flag value as given.
type selectorList struct {
	sels  []extract.Selector
	specs []string
}

func (l *selectorList) Repeated() []string { return l.specs }

func (l *selectorList) String() string {
	var names []string
	for _, s := range l.sels {
		names = append(names, s.Name)
	}
	return strings.Join(names, ",")
}

func (l *selectorList) Type() string { return "name=SELECTOR" }

func (l *selectorList) Set(s string) error {
	sel, err := extract.ParseSelector(s)
	if err != nil {
		return err
	}
	for _, have := range l.sels {
		if have.Name == sel.Name {
			return fmt.Errorf("two selectors named %q", sel.Name)
		}
	}
	l.sels = append(l.sels, sel)
	l.specs = append(l.specs, s)
	return nil
}

// robotsMode is the --robots value.
type robotsMode string

func (m *robotsMode) String() string {
	if *m == "" {
		return "ignore"
	}
	return string(*m)
}

func (m *robotsMode) Type() string { return "mode" }

func (m *robotsMode) Set(s string) error {
	switch s {
	case "ignore", "report", "obey":
		*m = robotsMode(s)
		return nil
	}
	return fmt.Errorf("%q is not ignore, report or obey", s)
}

// apply sets what the run reads from pages, and whether it reads
// robots.txt.
func (o *PageOptions) apply(cfg *pipeline.Config) {
	cfg.Fetch.Fields = extract.FieldsFor(o.Fields.names)
	cfg.Fetch.Selectors = o.Extract.sels
	cfg.Fetch.Exchange |= fetcher.ExchangeFor(o.Fields.names)
	cfg.Fetch.HeaderFields = o.HeaderFields
	cfg.Fetch.ObeyRobots = o.Robots == "obey"
	cfg.ReadRobots = o.readsRobots()
}

// columns are the record's fields for report.NewEncoderFields, the same
// for every format: --fields (or the default fields), and those that -X
// HEAD, --header-field, -e, --robots report or obey, and a crawl add
// (record.Extras).
func (o *PageOptions) columns(method string) []string {
	return record.Extras{Head: strings.EqualFold(method, "HEAD"), HeaderFields: len(o.HeaderFields) > 0,
		Extract: len(o.Extract.sels) > 0, Robots: o.readsRobots(), Crawl: o.crawl}.Columns(o.Fields.names)
}

// readsRobots reports whether robots.txt is read at all.
func (o *PageOptions) readsRobots() bool { return o.Robots == "report" || o.Robots == "obey" }
