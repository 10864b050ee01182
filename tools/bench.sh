#!/bin/sh
# `make bench`: render time and peak memory of each source, printed, never asserted.
# Median of RUNS renders (default 21); memory is the peak resident set of one render.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-21}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { # command... → elapsed milliseconds
    s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))
}
printf '%-40s %8s %8s %8s %8s %6s\n' source 'layout' 'trace' 'pdf' 'peak' 'pages'
for src in sources/*.xml; do
    name=$(basename "$src" .xml)
    lay=$(i=0; while [ $i -lt "$RUNS" ]; do ms ./gongwen layout "$src"; i=$((i + 1)); done | median)
    tr=$(i=0; while [ $i -lt "$RUNS" ]; do ms ./gongwen render "$src" -f trace -o "$tmp/t"; i=$((i + 1)); done | median)
    pdf=$(i=0; while [ $i -lt "$RUNS" ]; do ms ./gongwen render "$src" -o "$tmp/x.pdf"; i=$((i + 1)); done | median)
    peak=$(/usr/bin/time -f %M ./gongwen render "$src" -o "$tmp/x.pdf" 2>&1 >/dev/null | tail -1)
    pages=$(pdfinfo "$tmp/x.pdf" | awk '/^Pages:/ {print $2}')
    printf '%-40s %6sms %6sms %6sms %6sMB %6s\n' "$name" "$lay" "$tr" "$pdf" $((peak / 1024)) "$pages"
done
echo "layout: source → layout XML (parse, validate, XSLT); trace: + typesetting with Pango;"
echo "pdf: + subsetting fonts and writing the PDF. Medians of $RUNS runs on $(nproc) cores."
