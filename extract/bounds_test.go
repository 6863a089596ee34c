package extract

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// nested is a page of n <div> nested in one another inside <body>, with
// before and after around them.
func nested(n int, before, after string) string {
	return "<html><body>" + before + strings.Repeat("<div>", n) + "x" + strings.Repeat("</div>", n) + after + "</body></html>"
}

// TestSelectDeepPageIsLinear runs selectors cascadia takes minutes over
// (each combinator multiplies its work by the depth) on 500 nested <div>,
// within a work budget that only a pass linear in the tree fits.
func TestSelectDeepPageIsLinear(t *testing.T) {
	page := []byte(nested(500, "", ""))
	for _, spec := range []string{"x=b div div div", "x=b div div div div", "x=div div div div div + b", "x=div ~ div div > b"} {
		t.Run(spec, func(t *testing.T) {
			sels := mustSelectors(t, spec)
			budget := 510 * len(sels[0].sel.steps) * 2 // every element, every step, twice over
			got, note, err := selectBudget(context.Background(), page, "text/html", sels, budget)
			if err != nil || note != "" || !reflect.DeepEqual(got, map[string][]string{"x": {}}) {
				t.Errorf("got %q, note %q, err %v; want no value within %d steps", got, note, err, budget)
			}
		})
	}
}

// TestSelectStops checks that Select ends with the context's error once it
// is canceled, and with a note and the values found so far once its
// budget is spent.
func TestSelectStops(t *testing.T) {
	page := []byte("<ul>" + strings.Repeat("<li>i</li>", 5000) + "</ul>")
	sels := mustSelectors(t, "li=li")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got, _, err := Select(ctx, page, "text/html", sels); !errors.Is(err, context.Canceled) || got != nil {
		t.Errorf("canceled: got %d values, err %v; want context.Canceled", len(got["li"]), err)
	}
	got, note, err := selectBudget(context.Background(), page, "text/html", sels, 300)
	if err != nil || !strings.Contains(note, "budget") || len(got["li"]) == 0 || len(got["li"]) >= 300 {
		t.Errorf("budget: %d values, note %q, err %v; want some values and a note", len(got["li"]), note, err)
	}
}

// TestSelectTooDeepForTheParser checks a page nested deeper than
// html.Parse's 512 open elements: the values before the nesting, and a
// note.
func TestSelectTooDeepForTheParser(t *testing.T) {
	tests := []struct {
		name string
		page string
		want []string
		note string
	}{
		{name: "600 nested div", page: nested(600, "<p>before</p>", "<p>after</p>"), want: []string{"before"}, note: "-e read its first"},
		{name: "513 nested div", page: nested(513, "<p>before</p>", ""), want: []string{"before"}, note: "-e read its first"},
		{name: "510 nested div parse whole", page: nested(500, "<p>before</p>", "<p>after</p>"), want: []string{"before", "after"}},
		{name: "tables nest more than their tags say", page: "<p>before</p>" + strings.Repeat("<table><td>", 300), want: []string{"before"}, note: "-e read its first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, note, err := Select(context.Background(), []byte(tt.page), "text/html", mustSelectors(t, "p=p"))
			if err != nil || !reflect.DeepEqual(got["p"], tt.want) || !strings.Contains(note, tt.note) || tt.note == "" && note != "" {
				t.Errorf("got %q, note %q, err %v; want %q and a note saying %q", got["p"], note, err, tt.want, tt.note)
			}
		})
	}
}

func TestParseChain(t *testing.T) {
	tests := []struct {
		expr  string
		parts []string
		combs string
		bad   bool
	}{
		{expr: "div", parts: []string{"div"}},
		{expr: "  ul  li.x  ", parts: []string{"ul", "li.x"}, combs: " "},
		{expr: "a>b +c ~ d e", parts: []string{"a", "b", "c", "d", "e"}, combs: ">+~ "},
		{expr: `a[title="x > y"] b`, parts: []string{`a[title="x > y"]`, "b"}, combs: " "},
		{expr: `li:nth-child(2n + 1)`, parts: []string{"li:nth-child(2n + 1)"}},
		{expr: `p:contains("a b") ~ i`, parts: []string{`p:contains("a b")`, "i"}, combs: "~"},
		{expr: `div:not(.a, .b)`, parts: []string{"div:not(.a, .b)"}},
		{expr: `a[href='\'>'] > b`, parts: []string{`a[href='\'>']`, "b"}, combs: ">"},
		{expr: `div:not(p b)`, bad: true},
		{expr: `div:has(> img)`, bad: true},
		{expr: "a >", bad: true},
		{expr: "> a", bad: true},
		{expr: "a > > b", bad: true},
		{expr: "a[href", bad: true},
		{expr: "", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			parts, combs, err := splitChain(tt.expr)
			if err == nil {
				_, err = parseChain(tt.expr)
			}
			if (err != nil) != tt.bad {
				t.Fatalf("err %v, want bad %v", err, tt.bad)
			}
			if !tt.bad && (!reflect.DeepEqual(parts, tt.parts) || string(combs) != tt.combs) {
				t.Errorf("parts %q combinators %q, want %q %q", parts, combs, tt.parts, tt.combs)
			}
		})
	}
}

// oracleSelectors are matched both ways by FuzzChainMatchesCascadia.
var oracleSelectors = []string{
	"p", "div p", "div > p", "p + p", "p ~ b", "div div", "div > div p", "body > div ~ p b", "ul li:nth-child(2) a",
	".x", "div.x > p.y", "b + i ~ p", "*", "div * p", "a[href] ~ a[href]", "div:not(.x) p", "p:first-child + p",
}

// FuzzChainMatchesCascadia checks chain.match against cascadia.QueryAll,
// which matches combinators its own way, on pages shallow enough for it.
func FuzzChainMatchesCascadia(f *testing.F) {
	f.Add(`<div class=x><p class=y>a</p><p>b<b>c</b></p></div><ul><li>1<li><a href=/>2</a><a href=y>3</a></ul>`)
	f.Add(`<p>1</p><p>2</p><b>3</b><i>4</i><p>5<div><div><p>6</p></div></div>`)
	f.Add(`<div><div><div><p>x</p></div></div><p>y</p></div><b></b><i></i><p></p>`)
	f.Fuzz(func(t *testing.T, page string) {
		if len(page) > 4096 || strings.Count(page, "<") > 200 {
			return
		}
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			return
		}
		for _, expr := range oracleSelectors {
			c, err := parseChain(expr)
			if err != nil {
				t.Fatal(err)
			}
			var got []*html.Node
			if err := c.match(doc, &work{ctx: context.Background(), budget: 1 << 30}, func(n *html.Node) bool {
				got = append(got, n)
				return true
			}); err != nil {
				t.Fatal(err)
			}
			want := cascadia.QueryAll(doc, cascadia.MustCompile(expr))
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s on %q: %d nodes, cascadia %d", expr, page, len(got), len(want))
			}
		}
	})
}
