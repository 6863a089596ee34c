package fetcher

import (
	"fmt"
	"net/http"
	"strings"
)

// UndecodedNote is the note for the user whose request headers h set
// Accept-Encoding to encodings the fetcher does not decode (Undecoded): Go's
// Transport then leaves every body as sent, and only gzip and deflate are
// decoded here. It is "" when there is nothing to say.
func UndecodedNote(h http.Header) string {
	unknown := Undecoded(h)
	if len(unknown) == 0 {
		return ""
	}
	return fmt.Sprintf("fanout: note: -H Accept-Encoding asks for %s, which fanout does not decode: "+
		"such bodies get no title, and size counts their bytes as sent (gzip and deflate are decoded)", strings.Join(unknown, ", "))
}
