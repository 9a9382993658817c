#!/usr/bin/env bash
# Scores a generated CSV larger than memory is meant for with `cnf density` and records the
# process's resident memory as it goes, to show that scoring streams (constant memory) and that
# the output is written progressively through a temporary file.
#
#   bench/stream-density.sh [SIZE_MB] [WORK_DIR]      (defaults: 2048 MB, a new temporary folder)
#
# Needs `mvn -q -DskipTests package` first. Writes WORK_DIR/big.csv (SIZE_MB of x,y rows drawn
# uniformly from [-2, 2]^2, generated here, never checked in), trains a small 2-D model
# (moons, 16-16 units, 200 iterations) unless WORK_DIR/model.zip exists, runs
#   cli/cnf density --model model.zip --input big.csv --output logp.csv
# and samples its VmRSS (from /proc) and the bytes of the hidden temporary output file every
# 5 seconds into WORK_DIR/rss.csv (seconds, rss_mb, output_mb), printing each sample.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
size_mb=${1:-2048}
work=${2:-$(mktemp -d)}
mkdir -p "$work"
cnf="$here/cli/cnf"

if [ ! -f "$work/model.zip" ]; then
    "$cnf" train --data moons --hidden 16,16 --iterations 200 --out "$work/model.zip" --quiet --no-baselines
fi
if [ ! -f "$work/big.csv" ] || [ "$(stat -c %s "$work/big.csv")" -lt $((size_mb * 1024 * 1024)) ]; then
    echo "generating $size_mb MB of CSV in $work/big.csv" >&2
    awk -v limit=$((size_mb * 1024 * 1024)) 'BEGIN {
        srand(1); print "x,y"; bytes = 4
        while (bytes < limit) { line = sprintf("%.17g,%.17g", rand() * 4 - 2, rand() * 4 - 2); print line; bytes += length(line) + 1 }
    }' > "$work/big.csv"
fi
rows=$(($(wc -l < "$work/big.csv") - 1))
echo "input: $(du -h "$work/big.csv" | cut -f1), $rows rows" >&2

rm -f "$work/logp.csv"
start=$(date +%s.%N)
"$cnf" density --model "$work/model.zip" --input "$work/big.csv" --output "$work/logp.csv" > "$work/density.out" 2>&1 &
pid=$!
echo "seconds,rss_mb,output_mb" > "$work/rss.csv"
while kill -0 "$pid" 2>/dev/null; do
    java_pid=$(pgrep -P "$pid" java || echo "$pid")
    rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$java_pid/status" 2>/dev/null || echo 0)
    out_bytes=$(find "$work" -maxdepth 1 -name '.logp.csv*.tmp' -printf '%s\n' 2>/dev/null | head -1)
    now=$(date +%s.%N)
    line=$(awk -v s="$start" -v n="$now" -v r="${rss_kb:-0}" -v o="${out_bytes:-0}" \
        'BEGIN { printf "%.0f,%.1f,%.1f", n - s, r / 1024, o / 1048576 }')
    echo "$line" | tee -a "$work/rss.csv"
    sleep 5
done
wait "$pid"
cat "$work/density.out"
echo "output: $(wc -l < "$work/logp.csv") lines; samples in $work/rss.csv" >&2
