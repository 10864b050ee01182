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

# A generated 200-page regulation (pages per second) and an archive of 1000 documents built
# with `gongwen build -j 2` (documents per second); peak memory of each.
python3 - "$tmp" <<'PY'
import os, sys
tmp = sys.argv[1]
arts = ''.join('<article id="a%d"><p>%s</p></article>' % (i, '本条规定机关运行保障工作的有关事项，各单位应当认真遵照执行，确保各项任务落到实处。' * 4)
               for i in range(1, 1101))
with open(os.path.join(tmp, 'big.xml'), 'w', encoding='utf-8') as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<document xmlns="urn:gongwen:source:1" kind="条例">'
            '<head><organ suffix="文件">示例机关</organ></head><title>示例机关运行保障条例</title>'
            '<body>%s</body></document>\n' % arts)
PY
s=$(date +%s%N)
peak=$(/usr/bin/time -f %M ./gongwen render "$tmp/big.xml" -o "$tmp/big.pdf" 2>&1 >/dev/null | tail -1)
e=$(date +%s%N)
pages=$(pdfinfo "$tmp/big.pdf" | awk '/^Pages:/ {print $2}')
ms=$(( (e - s) / 1000000 ))
echo "big regulation: $pages pages in ${ms} ms ($(( pages * 1000 / (ms > 0 ? ms : 1) )) pages/s), peak $((peak / 1024)) MB"

mkdir -p "$tmp/archive/images"
cp sources/images/* "$tmp/archive/images/"
i=0
while [ $i -lt 125 ]; do
    for src in sources/*.xml; do cp "$src" "$tmp/archive/$(basename "$src" .xml)-$i.xml"; done
    i=$((i + 1))
done
n=$(ls "$tmp/archive"/*.xml | wc -l)
s=$(date +%s%N)
peak=$(/usr/bin/time -f %M ./gongwen build "$tmp/archive" -o "$tmp/archive-out" -j 2 2>&1 >/dev/null | tail -1)
e=$(date +%s%N)
ms=$(( (e - s) / 1000000 ))
echo "archive: $n documents with build -j 2 in ${ms} ms ($(( n * 1000 / (ms > 0 ? ms : 1) )) documents/s), peak $((peak / 1024)) MB a process"
echo "where the time goes in one render (GONGWEN_TIMINGS=1, the seed):"
GONGWEN_TIMINGS=1 ./gongwen render sources/seed-wangluo-yishixingtai.xml -o "$tmp/x.pdf" 2>&1 | sed 's/^gongwen: timing: /  /'

# The importer and the lint: the seed's text (when ../shared is there) and a generated 5 MB
# regulation of some 16,000 articles.
if [ -f ../shared/seeds/000_c837b8b0243ff83c.txt ]; then
    seed=../shared/seeds/000_c837b8b0243ff83c.txt
    imp=$(i=0; while [ $i -lt "$RUNS" ]; do ms ./gongwen import "$seed" -o "$tmp/seed.xml" 2>/dev/null; i=$((i + 1)); done | median)
    lint=$(i=0; while [ $i -lt "$RUNS" ]; do ms sh -c "./gongwen lint $seed 2>/dev/null || true"; i=$((i + 1)); done | median)
    echo "import of the seed's text: ${imp} ms; lint: ${lint} ms (medians of $RUNS)"
fi
python3 tools/big-text.py "$tmp/big.txt" >/dev/null
s=$(date +%s%N)
peak=$(/usr/bin/time -f %M ./gongwen import "$tmp/big.txt" -o "$tmp/big-imported.xml" 2>&1 >/dev/null | tail -1)
e=$(date +%s%N)
echo "import of a 5 MB text ($(grep -c '<article ' "$tmp/big-imported.xml") articles): $(( (e - s) / 1000000 )) ms, peak $((peak / 1024)) MB"
