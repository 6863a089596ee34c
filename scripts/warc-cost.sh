#!/bin/sh
# warc-cost.sh: what --warc adds to a run, against what the bytes it
# writes cost by themselves. Runs fanout scrape over N URLs of a separate
# `fanout serve --page-size 16384` process, alternating without and with
# --warc FILE, and prints each pair's wall time and CPU-seconds (user +
# system, /usr/bin/time), and the median extra time. Then it times, on the
# same machine, what any writer of that file pays for its bytes: `sha1sum`
# of the uncompressed WARC, for a .warc.gz `gzip -6` of it (gzip's default
# level), and writing the file (`cat` to a copy). --warc keeps its promise
# ("no slower than the bytes it writes") when the median extra wall time is
# at most that reference.
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
*) cp "$tmp/$file" "$tmp/plain" ;;
esac
# ref IN OUT CMD...: CMD's wall and CPU time, reading IN, writing OUT.
ref() {
	in=$1 out=$2
	shift 2
	/usr/bin/time -o "$tmp/time" -f '%e %U %S' "$@" <"$in" >"$out" || fail "$1 failed"
	tail -n 1 "$tmp/time" | awk '{ print $1, $2 + $3 }'
}
# What the bytes cost by themselves: one SHA-1 pass over them, gzip -6
# for a .warc.gz, and writing the file.
s=$(ref "$tmp/plain" /dev/null sha1sum)
z="0 0"
case $file in *.gz) z=$(ref "$tmp/plain" /dev/null gzip -6 -c) ;; esac
c=$(ref "$tmp/$file" "$tmp/copy" cat)
echo "$s $z $c" | awk -v w="$written" -v p="$(wc -c <"$tmp/plain")" '{ printf "the bytes alone: %d bytes written (%d uncompressed): sha1sum %.2f s %.2f CPU-s, gzip -6 %.2f s %.2f CPU-s, writing them %.2f s %.2f CPU-s: %.2f s, %.2f CPU-s in all\n", w, p, $1, $2, $3, $4, $5, $6, $1 + $3 + $5, $2 + $4 + $6 }'
printf 'median extra with --warc over %d pairs: %.2f s, %.2f CPU-s; the bytes alone: %.2f s, %.2f CPU-s\n' "$pairs" "$(median "$tmp/extra")" "$(median "$tmp/extracpu")" \
	"$(echo "$s $z $c" | awk '{ print $1 + $3 + $5 }')" "$(echo "$s $z $c" | awk '{ print $2 + $4 + $6 }')"
