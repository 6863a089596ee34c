#!/bin/sh
# warc-cost.sh: what --warc adds to a run, against what the bytes it
# writes cost by themselves. Runs fanout scrape over N URLs of a separate
# `fanout serve --page-size 16384` process, alternating without and with
# --warc FILE, and prints each pair's wall time and CPU-seconds (user +
# system, /usr/bin/time), and the median extra time. Then it times, on the
# same machine, what any writer of that file pays for its bytes: `sha1sum`
# of the uncompressed WARC and, for a .warc.gz, `gzip -6` of it (gzip's
# default level). --warc keeps its promise ("no slower than the bytes it
# writes") when the median extra wall time is at most that reference.
#
#   fanout serve --listen 127.0.0.1:9311 --page-size 16384 &
#   scripts/warc-cost.sh [pairs] [urls] [FILE]        # FILE: run.warc.gz (default) or run.warc
#
# It stops with a message, and status 1, when a tool is missing or a run
# fails, rather than printing figures that do not line up.
set -eu
pairs=${1:-5} n=${2:-4000} file=${3:-run.warc.gz}
fanout=${FANOUT:-fanout}
url=${URL:-http://127.0.0.1:9311/page}
fail() {
	echo "warc-cost.sh: $*" >&2
	exit 1
}
command -v "$fanout" >/dev/null 2>&1 || fail "$fanout is not installed (go install . or set FANOUT=path)"
[ -x /usr/bin/time ] || fail "/usr/bin/time is not installed (apt-get install time)"
case $file in *.warc.gz | *.warc) ;; *) fail "FILE must end in .warc.gz or .warc" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seq 1 "$n" | sed "s|^|$url/|" >"$tmp/urls.txt"
# run [flags]: one scrape; prints "wall cpu".
run() {
	/usr/bin/time -o "$tmp/time" -f '%e %U %S' "$fanout" scrape -q -c 64 --per-host 64 -o /dev/null "$@" "$tmp/urls.txt" ||
		fail "fanout scrape failed (is fanout serve running on $url?)"
	tail -n 1 "$tmp/time" | awk '{ print $1, $2 + $3 }'
}
for i in $(seq "$pairs"); do
	a=$(run)
	rm -f "$tmp/$file"
	b=$(run --warc "$tmp/$file")
	echo "$a $b" | awk '{ printf "without %5.2f s %5.2f CPU-s   with --warc %5.2f s %5.2f CPU-s   extra %5.2f s %5.2f CPU-s\n", $1, $2, $3, $4, $3 - $1, $4 - $2 }'
	echo "$a $b" | awk '{ print $3 - $1 }' >>"$tmp/extra"
	echo "$a $b" | awk '{ print $4 - $2 }' >>"$tmp/extracpu"
done
median() { sort -n "$1" | awk '{ r[NR] = $1 } END { print (NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2) }'; }
written=$(wc -c <"$tmp/$file")
case $file in
*.gz) gzip -dc "$tmp/$file" >"$tmp/plain" || fail "$file does not decompress" ;;
*) mv "$tmp/$file" "$tmp/plain" ;;
esac
# reference: what the bytes cost by themselves, wall and CPU.
ref() {
	/usr/bin/time -o "$tmp/time" -f '%e %U %S' "$@" <"$tmp/plain" >/dev/null || fail "$1 failed"
	tail -n 1 "$tmp/time" | awk '{ print $1, $2 + $3 }'
}
s=$(ref sha1sum)
z="0 0"
case $file in *.gz) z=$(ref gzip -6 -c) ;; esac
echo "$s $z" | awk -v w="$written" -v p="$(wc -c <"$tmp/plain")" '{ printf "the bytes alone: %d bytes written (%d uncompressed): sha1sum %.2f s %.2f CPU-s, gzip -6 %.2f s %.2f CPU-s: %.2f s, %.2f CPU-s in all\n", w, p, $1, $2, $3, $4, $1 + $3, $2 + $4 }'
echo "$s $z" | awk '{ print $1 + $3 }' >"$tmp/reftime"
printf 'median extra with --warc over %d pairs: %.2f s, %.2f CPU-s; the bytes alone: %.2f s\n' "$pairs" "$(median "$tmp/extra")" "$(median "$tmp/extracpu")" "$(cat "$tmp/reftime")"
