package extract

import (
	"testing"

	"github.com/fanout-dev/fanout/record"
)

// TestEverySEOFieldIsScanned checks that every SEO field of the record's
// table asks Scan for something, so --fields NAME is never silently empty.
func TestEverySEOFieldIsScanned(t *testing.T) {
	for _, name := range record.Names(record.SEO) {
		if FieldsFor([]string{name}) == 0 {
			t.Errorf("SEO field %q has no extract.Field in byName", name)
		}
	}
	if FieldsFor(nil) != FieldTitle || FieldsFor([]string{"url", "status"}) != 0 {
		t.Errorf("FieldsFor(nil) = %b, FieldsFor(url, status) = %b; want the title alone, nothing", FieldsFor(nil), FieldsFor([]string{"url", "status"}))
	}
}
