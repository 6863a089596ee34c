package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/fanout-dev/fanout/record"
)

// TestOKMeansAnswered2xxOr3xx checks the one meaning of "ok" (issue 19: a
// run whose URLs answered 404 and 503 counted them ok): ok is 2xx and 3xx,
// 4xx and 5xx are counted apart, a failure is neither, in the counts, the
// JSON and the text.
func TestOKMeansAnswered2xxOr3xx(t *testing.T) {
	var s Summary
	for _, r := range []record.Result{
		{Status: 200}, {Status: 204}, {Status: 301}, {Status: 304}, {Status: 404}, {Status: 410}, {Status: 503},
		{Status: 999}, {Status: 200, ErrorKind: record.KindTimeout}, {ErrorKind: record.KindConnect}, {ErrorKind: record.KindCanceled},
	} {
		s.Add(&r)
	}
	if s.OK != 4 || s.Status4xx != 2 || s.Status5xx != 1 || s.StatusOther != 1 || s.Failed != 2 || s.Canceled != 1 || s.Total != 11 {
		t.Errorf("ok %d, 4xx %d, 5xx %d, other %d, failed %d, canceled %d of %d", s.OK, s.Status4xx, s.Status5xx, s.StatusOther, s.Failed, s.Canceled, s.Total)
	}
	var js bytes.Buffer
	if err := s.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]float64{"ok": 4, "status_4xx": 2, "status_5xx": 1, "status_other": 1, "failed": 2, "canceled": 1} {
		if got[k] != want {
			t.Errorf("JSON %s = %v, want %v", k, got[k], want)
		}
	}
	var text bytes.Buffer
	if err := s.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if want := "4 ok (2xx/3xx), 2 4xx, 1 5xx, 1 other status, 2 failed, 1 canceled"; !strings.Contains(text.String(), want) {
		t.Errorf("text %q, want %q", text.String(), want)
	}
}
