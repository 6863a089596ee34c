#!/bin/bash
# prose-dns.sh: checks that prose and binary files given as URL lists never
# reach DNS. It builds fanout and scripts/dnscount, starts dnscount on
# 127.0.0.1:53 (it answers NXDOMAIN and logs every name asked), and runs
# `fanout scrape` on each FILE (default: README.md, the fanout binary itself,
# and a list in UTF-16), then prints per file the lines read, the results, the
# invalid_url results and the DNS queries made. A first run on a list with
# one bare host checks that the counter sees lookups at all.
#
# It must run where the only network is loopback and resolv.conf names
# 127.0.0.1 (a network namespace of its own, as root, to bind port 53):
#
#   unshare -mn ... scripts/prose-dns.sh [FILE ...]
#
# Exit status 1 if any file other than the control made a DNS query.
set -eu
cd "$(dirname "$0")/.."
if ip -o link show | grep -qv ': lo:'; then
	echo "prose-dns.sh: refusing to run: an interface other than loopback is up" >&2
	exit 2
fi
if ! grep -q '^nameserver 127\.0\.0\.1$' /etc/resolv.conf || grep -q '^nameserver' <(grep -v '^nameserver 127\.0\.0\.1$' /etc/resolv.conf); then
	echo "prose-dns.sh: refusing to run: resolv.conf must name only 127.0.0.1" >&2
	exit 2
fi
tmp=$(mktemp -d)
trap 'kill "$dns" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/fanout" .
go build -o "$tmp/dnscount" ./scripts/dnscount
"$tmp/dnscount" >"$tmp/queries" 2>"$tmp/dns.log" &
dns=$!
for _ in $(seq 50); do grep -q listening "$tmp/dns.log" && break; sleep 0.1; done
grep -q listening "$tmp/dns.log" || { cat "$tmp/dns.log" >&2; exit 1; }

printf 'h\0t\0t\0p\0:\0/\0/\0a\0.\0t\0e\0s\0t\0\n\0' >"$tmp/utf16.txt"
printf 'control.example\n' >"$tmp/control.txt"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(README.md "$tmp/fanout" "$tmp/utf16.txt")

# scrape FILE: prints "lines results invalid_url exit queries" for one run.
scrape() {
	local before after code=0
	before=$(wc -l <"$tmp/queries")
	"$tmp/fanout" scrape -q --retries 0 -t 2s -c 8 "$1" >"$tmp/out.jsonl" 2>"$tmp/err" || code=$?
	sleep 0.2 # lets the last answered queries reach the log
	after=$(wc -l <"$tmp/queries")
	printf '%d %d %d %d %d\n' "$(tr '\r' '\n' <"$1" | wc -l)" "$(wc -l <"$tmp/out.jsonl")" \
		"$(grep -c '"error_kind":"invalid_url"' "$tmp/out.jsonl" || true)" "$code" "$((after - before))"
	sed -n "$((before + 1)),${after}p" "$tmp/queries" | sort | uniq -c | sed 's/^/    query /'
}

echo "file: lines results invalid_url exit-status dns-queries"
echo "control: $(scrape "$tmp/control.txt")"
if [ "$(sed -n '$p' "$tmp/queries")" != "control.example." ]; then
	echo "prose-dns.sh: the control lookup was not seen: the counter does not work" >&2
	exit 1
fi
status=0
for f in "${files[@]}"; do
	line=$(scrape "$f")
	echo "$(basename "$f"): $line"
	[ -s "$tmp/err" ] && sed 's/^/    stderr: /' "$tmp/err" | head -3
	case "$line" in *' 0') ;; *) status=1 ;; esac
done
exit $status
