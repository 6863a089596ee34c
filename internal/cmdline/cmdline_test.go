package cmdline

import (
	"testing"

	"github.com/spf13/pflag"

	"github.com/fanout-dev/fanout/internal/flagvalue"
	"github.com/fanout-dev/fanout/record"
)

// TestShownAndResume: the command shown hides credentials; the resume
// command holds them as given, and Secrets names them.
func TestShownAndResume(t *testing.T) {
	var headers flagvalue.Headers
	var urls []string
	var db string
	flags := pflag.NewFlagSet("scrape", pflag.ContinueOnError)
	flags.VarP(&headers, "header", "H", "")
	flags.StringArrayVarP(&urls, "url", "u", nil, "")
	flags.StringVar(&db, "db", "", "")
	if err := flags.Parse([]string{"-H", "Authorization: Bearer s3cret", "-u", "https://me:pw@a.test/x", "--db", "my run.db"}); err != nil {
		t.Fatal(err)
	}
	want := "scrape --db=my run.db --header=Authorization: " + record.Redacted + " --url=[https://me:" + record.Redacted + "@a.test/x] list.txt"
	if got := ShownCommand("scrape", flags, []string{"list.txt"}); got != want {
		t.Errorf("ShownCommand\n got %s\nwant %s", got, want)
	}
	want = "fanout scrape '--db=my run.db' -H 'Authorization: Bearer s3cret' --url=https://me:pw@a.test/x --resume"
	if got := Resume("scrape", flags, nil, ""); got != want {
		t.Errorf("Resume\n got %s\nwant %s", got, want)
	}
	if got, want := SecretsNote(Secrets(flags)), "fanout: the command below holds -H Authorization, the --url password in clear, "+
		"so that it works as printed: keep it private"; got != want {
		t.Errorf("SecretsNote\n got %s\nwant %s", got, want)
	}
}
