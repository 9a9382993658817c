#!/usr/bin/env bash
# Side-by-side speed rounds against the reference peers, on one machine in one window:
#   round i: FFJORD's toy trainer and evaluation, `cnf bench`, `cnf bench --precision float`,
#            with PLAIN=1 also `cnf bench` with -Dcnf4j.vector=false, then the PyTorch flow-matching
#            trainer and `cnf train --objective flow-matching` with the same settings, in double
#            and in float (PyTorch's float32).
#
#   FFJORD_SCRIPT=.../ffjord-side-by-side.sh FM_SCRIPT=.../fm-torch.py \
#   FFJORD_GIT=... TDQ_GIT=... bench/side-by-side.sh [ROUNDS] [OUT_DIR]
#
# The two peer scripts are kept outside this project (see docs/benchmarks.md); FFJORD_GIT and
# TDQ_GIT are git directories of rtqichen/ffjord and rtqichen/torchdiffeq, PY a python with
# PyTorch (default /usr/bin/python3). Needs `mvn -q -DskipTests package` first. Writes every run's
# output to OUT_DIR (default: a new temporary folder) and prints one summary line per run.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
out=${2:-$(mktemp -d)}
mkdir -p "$out"
export PY=${PY:-/usr/bin/python3} OMP_NUM_THREADS=1
FM_ITERS=${FM_ITERS:-8000}  # fm-torch.py's own default
tdq=$(mktemp -d)
git --git-dir="${TDQ_GIT:?set TDQ_GIT}" archive HEAD torchdiffeq 2> /dev/null | tar -x -C "$tdq"
cnf="$here/cli/cnf"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(getconf _NPROCESSORS_ONLN) cores," \
    "$(grep -o 'avx512f\|avx2' /proc/cpuinfo | sort -u | xargs)" | tee "$out/cpu.txt"
for r in $(seq 1 "$rounds"); do
    bash "${FFJORD_SCRIPT:?set FFJORD_SCRIPT}" 8gaussians 300 > "$out/ffjord-$r.txt" 2>&1
    echo "round $r ffjord: $(grep -m1 '^ffjord-toy' "$out/ffjord-$r.txt" || tail -1 "$out/ffjord-$r.txt")"
    "$cnf" bench > "$out/bench-double-$r.txt" 2> /dev/null
    echo "round $r cnf double: $(grep -E '^(us_per_eval|logp10k_s|logp10k_nfe|sample10k_s|sample10k_nfe)=' \
        "$out/bench-double-$r.txt" | xargs)"
    "$cnf" bench --precision float > "$out/bench-float-$r.txt" 2> /dev/null
    echo "round $r cnf float: $(grep -E '^(us_per_eval|logp10k_s|logp10k_nfe|sample10k_s|sample10k_nfe)=' \
        "$out/bench-float-$r.txt" | xargs)"
    if [ "${PLAIN:-0}" = 1 ]; then
        CNF_JAVA_OPTS=-Dcnf4j.vector=false "$cnf" bench > "$out/bench-plain-$r.txt" 2> /dev/null
        echo "round $r cnf double, -Dcnf4j.vector=false: $(grep -E '^(us_per_eval|logp10k_s|sample10k_s)=' \
            "$out/bench-plain-$r.txt" | xargs)"
    fi
    TDQ_DIR="$tdq" "$PY" "${FM_SCRIPT:?set FM_SCRIPT}" --iters "$FM_ITERS" > "$out/fm-torch-$r.txt" 2>&1
    echo "round $r torch fm: $(grep -E '^fm_ms_per_iter_median=' "$out/fm-torch-$r.txt")"
    for precision in double float; do
        "$cnf" train --data 8gaussians --objective flow-matching --iterations "$FM_ITERS" --batch 512 --lr 4e-3 \
            --lr-schedule linear --weight-decay 1e-5 --no-ot-coupling --ema 0 --no-baselines \
            --precision "$precision" --out "$out/fm-$precision-$r.zip" > "$out/fm-cnf-$precision-$r.txt" 2>&1
        # the median over every iteration, as fm-torch.py reports (from the model's training history)
        echo "round $r cnf fm $precision: median $("$PY" -c 'import json, statistics, sys, zipfile
h = json.loads(zipfile.ZipFile(sys.argv[1]).read("checkpoint/trainer.json"))["history"]
s = h["seconds"] if isinstance(h, dict) else [x["seconds"] for x in h]
print("%.3f" % (1000 * statistics.median(s)))' "$out/fm-$precision-$r.zip") ms/iteration over all $FM_ITERS" \
            "iterations, $(grep -m1 'test NLL' "$out/fm-cnf-$precision-$r.txt")"
    done
done
echo "outputs in $out"
