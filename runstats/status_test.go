package runstats

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// TestOKAndStatusClassExamples checks fanout report's "ok" (issue 19: the
// green "ok" card counted 4xx and 5xx answers) and the examples each
// status class carries, in text, JSON and HTML (docs/report.md promises up
// to 5 per class).
func TestOKAndStatusClassExamples(t *testing.T) {
	a := NewAggregator()
	add := func(n, status int, kind record.Kind) {
		for i := range n {
			r := record.Result{URL: fmt.Sprintf("http://user:secret@h.test/%d/%d", status, i), Line: i + 1, Status: status,
				ErrorKind: kind, Attempts: 1, DurationMS: 1}
			a.Add(&r)
		}
	}
	add(7, 200, "")
	add(2, 404, "")
	add(6, 503, "")
	add(1, 0, record.KindConnect)
	rep := a.Report()

	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Summary struct {
			OK        int `json:"ok"`
			Status4xx int `json:"status_4xx"`
			Status5xx int `json:"status_5xx"`
			Failed    int `json:"failed"`
		} `json:"summary"`
		StatusClasses []StatusClass `json:"status_classes"`
	}
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if s := got.Summary; s.OK != 7 || s.Status4xx != 2 || s.Status5xx != 6 || s.Failed != 1 {
		t.Errorf("summary %+v", s)
	}
	examples := map[string]int{}
	for _, c := range got.StatusClasses {
		examples[c.Name] = len(c.Examples)
		for _, e := range c.Examples {
			if strings.Contains(e.URL, "secret") || e.Line == 0 {
				t.Errorf("example %+v", e)
			}
		}
	}
	if examples["2xx"] != 5 || examples["4xx"] != 2 || examples["5xx"] != 5 || examples["none"] != 1 || examples["3xx"] != 0 {
		t.Errorf("examples per class %v", examples)
	}

	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"7 ok (2xx/3xx), 2 4xx, 6 5xx, 1 failed", "e.g.  404  http://user:xxxxx@h.test/404/1", "e.g.  -    http://user:xxxxx@h.test/0/0"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}

	var page bytes.Buffer
	if err := rep.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	p := parsePage(t, page.Bytes())
	if p.text["ok"] != "7" || p.text["status_4xx"] != "2" || p.text["status_5xx"] != "6" {
		t.Errorf("cards: ok %q, 4xx %q, 5xx %q", p.text["ok"], p.text["status_4xx"], p.text["status_5xx"])
	}
	if n := strings.Count(page.String(), "h.test/404/"); n != 2 || strings.Contains(page.String(), "secret") {
		t.Errorf("page shows %d examples of 404 (want 2), or a password", n)
	}
}

// TestElapsedFromRecordTimes reads JSON lines that carry fetched_at and
// checks that the run's span comes from them (they carried no time before
// the record had fetched_at): from the first start to the last end.
func TestElapsedFromRecordTimes(t *testing.T) {
	lines := `{"url":"http://a.test/1","line":1,"status":200,"duration_ms":500,"attempts":1,"fetched_at":"2026-12-03T06:00:01.000Z"}
{"url":"http://a.test/2","line":2,"status":200,"duration_ms":100,"attempts":1,"fetched_at":"2026-12-03T06:00:03.250Z"}
`
	a := NewAggregator()
	if _, err := Read(context.Background(), a, []Input{{Name: "-"}}, strings.NewReader(lines)); err != nil {
		t.Fatal(err)
	}
	if got, want := a.Report().Summary.Elapsed, 2750*time.Millisecond; got != want {
		t.Errorf("elapsed %v, want %v", got, want)
	}
}
