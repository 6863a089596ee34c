#!/bin/sh
# vs-hey.sh: fanout bench against hey, alternating runs, on a separate
# `fanout serve` process. Prints each pair's requests per second and the
# median of fanout/hey over the pairs. Run-to-run spread on a small shared
# machine is large; pairing and the median are what make the ratio stable.
#
#   fanout serve --listen 127.0.0.1:9010 &
#   scripts/vs-hey.sh [pairs] [requests] [concurrency]
#
# It stops with a message, and status 1, when a tool is missing or a run
# gives no figure, rather than printing columns that do not line up.
set -eu
pairs=${1:-11} n=${2:-20000} c=${3:-64}
fanout=${FANOUT:-fanout} url=${URL:-http://127.0.0.1:9010/page}
fail() {
	echo "vs-hey.sh: $*" >&2
	exit 1
}
command -v hey >/dev/null 2>&1 || fail "hey is not installed (go install github.com/rakyll/hey@latest)"
command -v "$fanout" >/dev/null 2>&1 || fail "$fanout is not installed (go install . or set FANOUT=path)"
ratios=$(mktemp)
trap 'rm -f "$ratios"' EXIT
for i in $(seq "$pairs"); do
	out=$(hey -n "$n" -c "$c" "$url/1") || fail "hey failed"
	h=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
	[ -n "$h" ] || fail "hey gave no requests/sec"
	case $out in *"Status code distribution"*"[200]"*) ;; *) fail "hey got no 200 from $url/1 (is fanout serve running?)" ;; esac
	out=$("$fanout" bench -n "$n" -c "$c" --target "$url/{n}" --format json) ||
		fail "fanout bench failed (it exits 1 when no request succeeded; is fanout serve running on $url?)"
	f=$(echo "$out" | sed -n 's/.*"requests_per_sec":\([0-9.]*\).*/\1/p')
	[ -n "$f" ] || fail "fanout bench gave no requests/sec"
	echo "$h $f" | awk '{ printf "hey %8.0f req/s   fanout %8.0f req/s   %.3fx\n", $1, $2, $2 / $1 }'
	echo "$h $f" | awk '{ print $2 / $1 }' >>"$ratios"
done
sort -n "$ratios" | awk '{ r[NR] = $1 } END {
	m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
	printf "median fanout/hey over %d pairs: %.3fx\n", NR, m
}'
