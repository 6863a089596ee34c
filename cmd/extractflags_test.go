package cmd

import (
	"context"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/extract"
	"github.com/fanout-dev/fanout/record"
	"github.com/fanout-dev/fanout/report"
)

func TestPageFlags(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantFields extract.Fields
		wantNames  string
		wantSels   string
		wantRobots string
		wantErr    string
	}{
		{name: "defaults", wantFields: extract.FieldTitle, wantRobots: "ignore"},
		{name: "fields, deduplicated, in order", args: []string{"--fields", "url, Canonical,robots,url,h1_count"},
			wantFields: extract.FieldCanonical | extract.FieldRobots | extract.FieldH1Count, wantNames: "url,canonical,robots,h1_count", wantRobots: "ignore"},
		{name: "default plus more", args: []string{"--fields", "default,og"}, wantFields: extract.FieldTitle | extract.FieldOG,
			wantNames: strings.Join(report.DefaultFields, ",") + ",og", wantRobots: "ignore"},
		{name: "selectors", args: []string{"-e", "h=h2", "--extract", "img=img@src"}, wantFields: extract.FieldTitle,
			wantSels: "h,img", wantRobots: "ignore"},
		{name: "robots obey", args: []string{"--robots", "obey"}, wantFields: extract.FieldTitle, wantRobots: "obey"},
		{name: "all", args: []string{"--fields", "all"}, wantFields: extract.FieldTitle | extract.FieldDescription |
			extract.FieldCanonical | extract.FieldRobots | extract.FieldLang | extract.FieldH1 | extract.FieldH1Count |
			extract.FieldOG | extract.FieldHreflang | extract.FieldLinks,
			wantNames: strings.Join(report.DefaultFields, ",") + "," + strings.Join(record.Names(record.SEO), ","), wantRobots: "ignore"},
		{name: "+name", args: []string{"--fields", "+lang"}, wantFields: extract.FieldTitle | extract.FieldLang,
			wantNames: strings.Join(report.DefaultFields, ",") + ",lang", wantRobots: "ignore"},
		{name: "unknown field", args: []string{"--fields", "url,keywords"}, wantErr: `unknown field "keywords"`},
		{name: "unknown +field", args: []string{"--fields", "+keywords"}, wantErr: `unknown field "keywords"`},
		{name: "two selectors with one name", args: []string{"-e", "a=h1", "-e", "a=h2"}, wantErr: `two selectors named "a"`},
		{name: "bad selector", args: []string{"-e", "a=div["}, wantErr: "selector"},
		{name: "bad robots mode", args: []string{"--robots", "maybe"}, wantErr: "not ignore, report or obey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *ScrapeOptions
			streams, _, errOut := testStreams("")
			c := NewCmdScrape(streams, func(_ context.Context, o *ScrapeOptions) error {
				got = o
				return nil
			})
			c.SetArgs(tt.args)
			c.SetErr(errOut)
			c.SetOut(errOut)
			err := c.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			cfg := got.pipelineConfig()
			fo := cfg.Fetch
			if fo.Fields != tt.wantFields || got.Page.Fields.String() != tt.wantNames ||
				got.Page.Extract.String() != tt.wantSels || got.Page.Robots.String() != tt.wantRobots {
				t.Errorf("fields %b %q, selectors %q, robots %q", fo.Fields, got.Page.Fields.String(),
					got.Page.Extract.String(), got.Page.Robots.String())
			}
			if fo.ObeyRobots != (tt.wantRobots == "obey") || cfg.ReadRobots != (tt.wantRobots == "obey") ||
				len(fo.Selectors) != len(got.Page.Extract.sels) {
				t.Errorf("fetch options %+v", fo)
			}
		})
	}
}

// TestColumns checks the columns of a record, the same for every format:
// url, line and file first whatever --fields says (issue 19: --fields
// description gave records without url; CSV moved file from last to
// third), "all" and "+name" accepted, then extract and robots_txt when -e
// and --robots ask for them.
func TestColumns(t *testing.T) {
	def := "url,line,file,status,title,final_url,redirects,content_type,proto,size,truncated,duration_ms,attempts,error,error_kind,fetched_at"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"default", nil, def},
		{"-e: the default, then extract and note", []string{"-e", "p=.price"}, def + ",extract,note"},
		{"--robots report", []string{"--robots", "report"}, def + ",robots_txt"},
		{"--fields default,lang", []string{"--fields", "default,lang"}, def + ",lang"},
		{"one field keeps url, line, file", []string{"--fields", "description"}, "url,line,file,description"},
		{"fixed fields named late stay first", []string{"--fields", "title,file,url"}, "url,line,file,title"},
		{"+name", []string{"--fields", "+h1"}, def + ",h1"},
		{"+name twice", []string{"--fields", "+h1,+og"}, def + ",h1,og"},
		{"all", []string{"--fields", "all"}, def + ",description,canonical,robots,lang,h1,h1_count,og,hreflang,links"},
		{"all with -e and --robots", []string{"--fields", "all", "-e", "p=p", "--robots", "obey"},
			def + ",description,canonical,robots,lang,h1,h1_count,og,hreflang,links,extract,robots_txt,note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(report.Columns(parseScrape(t, tt.args...).Page.columns("GET")), ","); got != tt.want {
				t.Errorf("columns\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}
