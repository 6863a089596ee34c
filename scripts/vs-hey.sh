#!/bin/sh
# vs-hey.sh: fanout bench against hey, alternating runs, on a separate
# `fanout serve` process. Prints each pair's requests per second and the
# median of fanout/hey over the pairs. Run-to-run spread on a small shared
# machine is large; pairing and the median are what make the ratio stable.
#
#   fanout serve --listen 127.0.0.1:9010 &
#   scripts/vs-hey.sh [pairs] [requests] [concurrency]
set -eu
pairs=${1:-11} n=${2:-20000} c=${3:-64}
fanout=${FANOUT:-fanout} url=${URL:-http://127.0.0.1:9010/page}
ratios=$(mktemp)
trap 'rm -f "$ratios"' EXIT
for i in $(seq "$pairs"); do
	h=$(hey -n "$n" -c "$c" "$url/1" | awk '/Requests\/sec/ {print $2}')
	f=$("$fanout" bench -n "$n" -c "$c" --target "$url/{n}" --format json |
		sed -n 's/.*"requests_per_sec":\([0-9.]*\).*/\1/p')
	echo "$h $f" | awk '{ printf "hey %8.0f req/s   fanout %8.0f req/s   %.3fx\n", $1, $2, $2 / $1 }'
	echo "$h $f" | awk '{ print $2 / $1 }' >>"$ratios"
done
sort -n "$ratios" | awk '{ r[NR] = $1 } END {
	m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
	printf "median fanout/hey over %d pairs: %.3fx\n", NR, m
}'
