#!/bin/sh
# vs-hey.sh: fanout bench against hey, alternating runs, on a separate
# `fanout serve` process. Prints each pair's requests per second and client
# CPU-seconds (user + system, from /usr/bin/time), and the medians of
# fanout/hey over the pairs. Run-to-run spread on a small shared machine is
# large; pairing and the median are what make the ratio stable.
#
#   fanout serve --listen 127.0.0.1:9010 &
#   scripts/vs-hey.sh [pairs] [requests] [concurrency]
#
# TLS mode: serve over HTTPS (h2 and http/1.1 offered) and set TLS=1; hey
# skips certificate checks by itself, fanout gets -k. HEY_H2=1 adds hey's
# -h2; FANOUT_ARGS adds flags to fanout bench (e.g. --http1).
#
#   fanout serve --tls --listen 127.0.0.1:9443 &
#   TLS=1 scripts/vs-hey.sh 11 20000 64
#   TLS=1 HEY_H2=1 scripts/vs-hey.sh 11 20000 64
#
# It stops with a message, and status 1, when a tool is missing or a run
# gives no figure, rather than printing columns that do not line up.
set -eu
pairs=${1:-11} n=${2:-20000} c=${3:-64}
fanout=${FANOUT:-fanout}
if [ "${TLS:-0}" = 1 ]; then
	url=${URL:-https://127.0.0.1:9443/page}
	fanout_tls=-k
else
	url=${URL:-http://127.0.0.1:9010/page}
	fanout_tls=
fi
hey_h2=
[ "${HEY_H2:-0}" = 1 ] && hey_h2=-h2
fail() {
	echo "vs-hey.sh: $*" >&2
	exit 1
}
command -v hey >/dev/null 2>&1 || fail "hey is not installed (go install github.com/rakyll/hey@latest)"
command -v "$fanout" >/dev/null 2>&1 || fail "$fanout is not installed (go install . or set FANOUT=path)"
[ -x /usr/bin/time ] || fail "/usr/bin/time is not installed (apt-get install time)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# cpu FILE: the user + system seconds /usr/bin/time wrote last in FILE.
cpu() { tail -n 1 "$1" | awk '{ print $1 + $2 }'; }
for i in $(seq "$pairs"); do
	# shellcheck disable=SC2086 # $hey_h2 is one flag or none
	out=$(/usr/bin/time -o "$tmp/time" -f '%U %S' hey $hey_h2 -n "$n" -c "$c" "$url/1") || fail "hey failed"
	h=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
	[ -n "$h" ] || fail "hey gave no requests/sec"
	case $out in *"Status code distribution"*"[200]"*) ;; *) fail "hey got no 200 from $url/1 (is fanout serve running?)" ;; esac
	hc=$(cpu "$tmp/time")
	# shellcheck disable=SC2086 # $fanout_tls and $FANOUT_ARGS are flags or none
	out=$(/usr/bin/time -o "$tmp/time" -f '%U %S' "$fanout" bench $fanout_tls ${FANOUT_ARGS:-} --per-host 0 -n "$n" -c "$c" --target "$url/{n}" --format json) ||
		fail "fanout bench failed (it exits 1 when no request succeeded; is fanout serve running on $url?)"
	f=$(echo "$out" | sed -n 's/.*"requests_per_sec":\([0-9.]*\).*/\1/p')
	[ -n "$f" ] || fail "fanout bench gave no requests/sec"
	fc=$(cpu "$tmp/time")
	echo "$h $f $hc $fc" | awk '{ printf "hey %8.0f req/s %5.2f CPU-s   fanout %8.0f req/s %5.2f CPU-s   %.3fx req/s, %.3fx CPU\n", $1, $3, $2, $4, $2 / $1, $4 / $3 }'
	echo "$h $f" | awk '{ print $2 / $1 }' >>"$tmp/ratios"
	echo "$hc $fc" | awk '{ print $2 / $1 }' >>"$tmp/cpu"
done
median() { sort -n "$1" | awk '{ r[NR] = $1 } END { print (NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2), NR }'; }
median "$tmp/ratios" | awk '{ printf "median fanout/hey requests/s over %d pairs: %.3fx\n", $2, $1 }'
median "$tmp/cpu" | awk '{ printf "median fanout/hey client CPU over %d pairs: %.3fx\n", $2, $1 }'
