package runstats

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fanout-dev/fanout/record"
	"github.com/fanout-dev/fanout/store"
)

// certRecord is a JSON-lines record with a tls object, as scrape --fields
// tls writes it.
func certRecord(url, final string, days int, subject string) string {
	notAfter := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
	return fmt.Sprintf(`{"url":%q,"line":1,"status":200,"final_url":%q,"duration_ms":3,"attempts":1,`+
		`"tls":{"version":"TLS 1.3","cipher":"TLS_AES_128_GCM_SHA256","subject_cn":%q,"issuer_cn":"Test CA",`+
		`"dns_names":[%q],"not_before":"2026-01-01T00:00:00Z","not_after":%q,"days_left":%d,"verified":true}}`,
		url, final, subject, subject, notAfter.Format(time.RFC3339), days)
}

// TestCertsExpiringByHost reads JSON lines with tls objects and checks
// the section in JSON and text: one line per host, its soonest expiry,
// soonest first; expired ones in, far ones and plain HTTP out; the host
// is the final URL's (the certificate came from it); the password is
// redacted.
func TestCertsExpiringByHost(t *testing.T) {
	lines := []string{
		certRecord("https://a.test/1", "https://a.test/1", 20, "a.test"),
		certRecord("https://a.test/2", "https://a.test/2", 5, "a.test"), // a's soonest
		certRecord("https://a.test/3", "https://a.test/3", 12, "a.test"),
		certRecord("https://b.test/", "https://b.test/", -3, "b.test"), // expired: first
		certRecord("https://far.test/", "https://far.test/", 200, "far.test"),
		certRecord("https://edge.test/", "https://edge.test/", 30, "edge.test"),
		certRecord("https://u:secret@old.test/", "https://u:secret@new.test/", 9, "new.test"),
		`{"url":"http://plain.test/","line":9,"status":200,"duration_ms":1,"attempts":1,"tls":null}`,
	}
	a := NewAggregator()
	in := Input{Name: writeFile(t, "out.jsonl", strings.Join(lines, "\n")+"\n")}
	if _, err := Read(context.Background(), a, []Input{in}, strings.NewReader("")); err != nil {
		t.Fatal(err)
	}
	rep := a.Report()

	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Certs struct {
			WithinDays int  `json:"within_days"`
			Checked    int  `json:"records_with_tls"`
			Hosts      int  `json:"hosts"`
			Exact      bool `json:"exact"`
			Expiring   []struct {
				Host     string `json:"host"`
				DaysLeft int    `json:"days_left"`
				Subject  string `json:"subject_cn"`
				URL      string `json:"url"`
			} `json:"expiring"`
		} `json:"certificates_expiring"`
	}
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	c := got.Certs
	if c.WithinDays != 30 || c.Checked != 7 || c.Hosts != 4 || !c.Exact {
		t.Errorf("within %d, records %d, hosts %d, exact %v; want 30, 7, 4, true", c.WithinDays, c.Checked, c.Hosts, c.Exact)
	}
	var order []string
	for _, l := range c.Expiring {
		order = append(order, fmt.Sprintf("%s %d %s", l.Host, l.DaysLeft, l.Subject))
	}
	want := []string{"b.test:443 -3 b.test", "a.test:443 5 a.test", "new.test:443 9 new.test", "edge.test:443 30 edge.test"}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("expiring:\n%s\nwant:\n%s", strings.Join(order, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(js.String(), "secret") {
		t.Errorf("the password is in the report:\n%s", js.String())
	}

	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"certificates expiring within 30 days, by host: 4 (of 7 records with tls)", "-3 ", "2026-12-29", "b.test:443", "Test CA"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("text report lacks %q:\n%s", s, text.String())
		}
	}
	var page bytes.Buffer
	if err := rep.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`<table id="certs">`, `data-host="b.test:443"`, "2026-12-29"} {
		if !strings.Contains(page.String(), s) {
			t.Errorf("page lacks %q", s)
		}
	}
}

// TestCertsNoTLS: without records carrying tls, no section at all.
func TestCertsNoTLS(t *testing.T) {
	a := NewAggregator()
	in := Input{Name: writeFile(t, "out.jsonl", okA+"\n"+okB+"\n")}
	if _, err := Read(context.Background(), a, []Input{in}, strings.NewReader("")); err != nil {
		t.Fatal(err)
	}
	rep := a.Report()
	var js, text bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(js.String(), "certificates_expiring") || strings.Contains(text.String(), "certificates") {
		t.Errorf("a section without tls records:\n%s\n%s", js.String(), text.String())
	}
}

// TestCertsPruneKeepsSoonest adds more hosts than are tracked, soonest
// last, and checks that the listed ones are the soonest and the count is
// marked as a floor.
func TestCertsPruneKeepsSoonest(t *testing.T) {
	var c certStats
	rec := func(i, days int) {
		r := parseRecord(t, certRecord(fmt.Sprintf("https://h%d.test/", i), "", days, "h"))
		c.add(&r)
	}
	n := 2*certTracked + 10
	for i := range n {
		rec(i, 30-i%30)
	}
	rec(n, -100)
	got := c.report()
	if got.Exact || got.Expiring[0].Host != fmt.Sprintf("h%d.test:443", n) || len(got.Expiring) != MaxCertHosts {
		t.Fatalf("exact %v, first %s, listed %d", got.Exact, got.Expiring[0].Host, len(got.Expiring))
	}
	for _, l := range got.Expiring[1:] {
		if l.DaysLeft != 1 {
			t.Fatalf("listed %s with %d days left; want only the soonest (1 day)", l.Host, l.DaysLeft)
		}
	}
}

func parseRecord(t *testing.T, line string) record.Result {
	t.Helper()
	var r record.Result
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestCertsFromStore reads the tls column of a --db store.
func TestCertsFromStore(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "run.db")
	st, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	notAfter := time.Date(2027, 1, 3, 0, 0, 0, 0, time.UTC)
	for _, r := range []record.Result{
		{URL: "https://s.test/1", Line: 1, Status: 200, DurationMS: 5, Attempts: 1,
			TLS: &record.TLS{Version: "TLS 1.3", Subject: "s.test", Issuer: "Test CA", NotAfter: notAfter, DaysLeft: 2}},
		{URL: "http://plain.test/", Line: 2, Status: 200, DurationMS: 5, Attempts: 1},
	} {
		if err := st.Put(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	a := NewAggregator()
	if _, err := Read(context.Background(), a, []Input{{Name: dbPath, DB: true}}, nil); err != nil {
		t.Fatal(err)
	}
	c := a.Report().Certs
	if c == nil || c.Checked != 1 || len(c.Expiring) != 1 {
		t.Fatalf("certs from a store: %+v", c)
	}
	if l := c.Expiring[0]; l.Host != "s.test:443" || l.DaysLeft != 2 || !l.NotAfter.Equal(notAfter) || l.Issuer != "Test CA" {
		t.Errorf("line %+v", l)
	}
}
