package sitemap

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/fanout-dev/fanout/fetcher"
	"github.com/fanout-dev/fanout/input"
	"github.com/fanout-dev/fanout/robots"
)

// Source is what to read for a command-line argument: the argument itself
// (a URL, a file, "-"), or the https URL of a host and path that is not a
// file, by the rule for command-line arguments (input.IsURLArg).
func Source(arg string) string {
	if !input.IsHTTP(arg) && input.IsURLArg(arg) {
		return "https://" + arg
	}
	return arg
}

// Opener opens http(s) URLs with f (the run's one engine: its limits,
// headers and retries), and source itself as a file ("-": in) when it is
// not a URL. Only the file named by the user is read from disk: a sitemap
// naming a local path gets an error.
func Opener(f *fetcher.Fetcher, source string, in io.Reader) Open {
	return func(ctx context.Context, loc string, read func(io.Reader) error) error {
		if !input.IsHTTP(loc) {
			if loc != source {
				return fmt.Errorf("not an http or https URL")
			}
			if loc == "-" {
				return read(in)
			}
			file, err := os.Open(loc)
			if err != nil {
				return err
			}
			defer file.Close()
			return read(file)
		}
		u, err := url.Parse(loc)
		if err != nil {
			return err
		}
		return f.Read(ctx, u, 0, func(status int, body io.Reader) error {
			if status < 200 || status > 299 {
				return fmt.Errorf("HTTP status %d", status)
			}
			return read(body)
		})
	}
}

// RobotsURL is the robots.txt of host, a host[:port] (https is used) or a
// URL whose scheme and host are used.
func RobotsURL(host string) (*url.URL, error) {
	base := "https://" + host
	if input.IsHTTP(host) {
		base = host
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%q is not a host or URL", host)
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}, nil
}

// FromRobots returns the Sitemap lines of the robots.txt at u (RobotsURL),
// resolved against it, read with f.ReadRobots.
func FromRobots(ctx context.Context, f *fetcher.Fetcher, u *url.URL) ([]string, error) {
	status, body, err := f.ReadRobots(ctx, u, robots.MaxBytes)
	if err != nil {
		return nil, fmt.Errorf("robots.txt: %w", err)
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP status %d", u, status)
	}
	var locs []string
	for _, s := range robots.Parse(body, "fanout").Sitemaps {
		if l, err := u.Parse(s); err == nil {
			locs = append(locs, l.String())
		}
	}
	if len(locs) == 0 {
		return nil, fmt.Errorf("%s names no sitemap", u)
	}
	return locs, nil
}

// WriteEntry writes one URL: in format "text" the URL alone (line breaks
// in it escaped, so that it stays one line for scrape), else a JSON line
// with its lastmod.
func WriteEntry(w *bufio.Writer, e Entry, format string) error {
	if format == "text" {
		loc := e.Loc
		if strings.ContainsAny(loc, "\r\n") {
			loc = strings.NewReplacer("\n", "%0A", "\r", "%0D").Replace(loc)
		}
		w.WriteString(loc)
		return w.WriteByte('\n')
	}
	line, err := json.Marshal(struct {
		URL     string `json:"url"`
		LastMod string `json:"lastmod,omitempty"`
	}{e.Loc, e.LastMod})
	if err != nil {
		return err
	}
	w.Write(line)
	return w.WriteByte('\n')
}
