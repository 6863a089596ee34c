package runstats

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/fanout-dev/fanout/record"
)

// Certificates expiring soon, by host (docs/report.md): from records that
// carry the tls field (--fields tls).
const (
	// CertWindowDays is how close to its expiry a certificate is listed:
	// days_left at most this (expired ones included).
	CertWindowDays = 30
	// MaxCertHosts is how many hosts the section lists, soonest first.
	MaxCertHosts = 100
	// certTracked bounds the hosts held while reading: past twice this,
	// all but the soonest certTracked are dropped.
	certTracked = 10_000
)

// Certs is the report's section on certificates expiring within
// CertWindowDays: one line per host, its soonest expiry, soonest first.
// Nil when no record carried the tls field.
type Certs struct {
	WithinDays int `json:"within_days"`
	Checked    int `json:"records_with_tls"` // records read that carried the tls field
	// Hosts is how many hosts have one expiring; exact unless Exact is
	// false (more than certTracked hosts did, and the count is a floor).
	Hosts    int        `json:"hosts"`
	Exact    bool       `json:"exact"`
	Expiring []CertLine `json:"expiring"` // at most MaxCertHosts
}

// CertLine is one host's soonest-expiring certificate, and a URL that
// showed it (its password redacted).
type CertLine struct {
	Host     string    `json:"host"`
	DaysLeft int       `json:"days_left"`
	NotAfter time.Time `json:"not_after"`
	Subject  string    `json:"subject_cn"`
	Issuer   string    `json:"issuer_cn"`
	URL      string    `json:"url"`
}

// certStats collects the expiring certificates for Certs.
type certStats struct {
	checked int
	byHost  map[string]CertLine
	pruned  bool
}

// add counts r if it carries the tls field. The host is that of the URL
// the certificate came from: the final one, after redirects.
func (c *certStats) add(r *record.Result) {
	if r.TLS == nil {
		return
	}
	c.checked++
	if r.TLS.NotAfter.IsZero() || r.TLS.DaysLeft > CertWindowDays {
		return
	}
	from := r.URL
	if r.FinalURL != "" {
		from = r.FinalURL
	}
	host := hostOf(from)
	if old, ok := c.byHost[host]; ok && !r.TLS.NotAfter.Before(old.NotAfter) {
		return
	}
	if c.byHost == nil {
		c.byHost = map[string]CertLine{}
	}
	c.byHost[host] = CertLine{Host: host, DaysLeft: r.TLS.DaysLeft, NotAfter: r.TLS.NotAfter,
		Subject: r.TLS.Subject, Issuer: r.TLS.Issuer, URL: record.RedactURL(from)}
	if len(c.byHost) > 2*certTracked {
		c.prune(certTracked)
	}
}

// prune keeps the n hosts whose certificates expire soonest. A host
// dropped can come back only with a later expiry than the n kept, so the
// n soonest stay right.
func (c *certStats) prune(n int) {
	for _, l := range sortedCerts(c.byHost)[n:] {
		delete(c.byHost, l.Host)
	}
	c.pruned = true
}

// sortedCerts are m's lines, soonest expiry first, then by host.
func sortedCerts(m map[string]CertLine) []CertLine {
	return slices.SortedFunc(maps.Values(m), func(a, b CertLine) int {
		return cmp.Or(a.NotAfter.Compare(b.NotAfter), cmp.Compare(a.Host, b.Host))
	})
}

// report is the Certs of what was added, nil when no record carried tls.
func (c *certStats) report() *Certs {
	if c.checked == 0 {
		return nil
	}
	lines := sortedCerts(c.byHost)
	out := &Certs{WithinDays: CertWindowDays, Checked: c.checked, Hosts: len(lines), Exact: !c.pruned}
	out.Expiring = nonNil(lines[:min(len(lines), MaxCertHosts)])
	return out
}

// writeText writes the certificates section of the text report.
func (c *Certs) writeText(w io.Writer) error {
	if c == nil {
		return nil
	}
	fmt.Fprintf(w, "\ncertificates expiring within %d days, by host: %s", c.WithinDays, c.count())
	if c.Hosts > len(c.Expiring) {
		fmt.Fprintf(w, " (the soonest %d listed)", len(c.Expiring))
	}
	fmt.Fprintln(w)
	if len(c.Expiring) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "days left\texpires\thost\tsubject\tissuer")
	for _, l := range c.Expiring {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", l.DaysLeft, l.NotAfter.UTC().Format(time.DateOnly),
			oneLine(l.Host), oneLine(l.Subject), oneLine(l.Issuer))
	}
	return tw.Flush()
}

// count says how many hosts, and over how many records.
func (c *Certs) count() string {
	n := fmt.Sprint(c.Hosts)
	if !c.Exact {
		n = "at least " + n
	}
	return fmt.Sprintf("%s (of %d records with tls)", n, c.Checked)
}
