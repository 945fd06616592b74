#!/usr/bin/env bash
# A tiled `tropical regions` count as a Slurm job array, and the merge as a dependent job.
#
#   bench/slurm/regions-array.sh TILES OUTDIR -- REGIONS-FLAGS…
#   e.g. bench/slurm/regions-array.sh 4x4x2 parts/ -- --model m.safetensors --context c.npy \
#            --slice o.npy,u.npy,v.npy,w.npy --box=-8,8
#
# Submits one array task per tile (each writes OUTDIR/part-I.json with `--tiles TILES --tile I`)
# and a merge job that runs after every array task succeeded (`afterok`), writing
# OUTDIR/merged.json (`tropical merge --json`) and OUTDIR/merged.txt. A failed task is retried by
# Slurm with `--requeue` when the node fails; a task that fails by itself leaves the merge job
# pending (DependencyNeverSatisfied): resubmit it with
#   sbatch --array=I OUTDIR/tile.sbatch
# and `tropical merge` names any part still missing. Outside Slurm, `LOCAL=1` runs the same tile
# jobs one after another here, then the merge (used to check the script).
#
# Environment: TROPICAL (the binary, default `tropical`), SBATCH_ARGS (extra sbatch flags, e.g.
# "--partition=cpu --time=01:00:00"), LOCAL.
set -euo pipefail

if [[ $# -lt 3 || "$3" != "--" ]]; then
    sed -n '2,18p' "$0" >&2
    exit 2
fi
TILES=$1
OUT=$2
shift 3
TROPICAL=${TROPICAL:-tropical}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# the number of tiles: the product of the factors of TILES
N=1
IFS='xX' read -r -a FACTORS <<<"$TILES"
for f in "${FACTORS[@]}"; do
    [[ "$f" =~ ^[1-9][0-9]*$ ]] || { echo "regions-array: tiles $TILES: factors must be positive integers" >&2; exit 2; }
    N=$((N * f))
done

printf '%q ' "$@" >"$OUT/flags"
cat >"$OUT/tile.sbatch" <<SB
#!/usr/bin/env bash
#SBATCH --job-name=tropical-tile
#SBATCH --output=$OUT/tile-%a.log
#SBATCH --requeue
#SBATCH --cpus-per-task=1
set -euo pipefail
I=\${SLURM_ARRAY_TASK_ID:?}
eval set -- \$(cat "$OUT/flags")
"$TROPICAL" regions "\$@" --tiles "$TILES" --tile "\$I" --out "$OUT/part-\$I.tmp.json"
mv "$OUT/part-\$I.tmp.json" "$OUT/part-\$I.json"
SB
cat >"$OUT/merge.sbatch" <<SB
#!/usr/bin/env bash
#SBATCH --job-name=tropical-merge
#SBATCH --output=$OUT/merge.log
set -euo pipefail
parts=()
for ((i = 0; i < $N; i++)); do parts+=("$OUT/part-\$i.json"); done
"$TROPICAL" merge "\${parts[@]}" --json >"$OUT/merged.json"
"$TROPICAL" merge "\${parts[@]}" >"$OUT/merged.txt"
SB

if [[ -n "${LOCAL:-}" ]]; then
    for ((i = 0; i < N; i++)); do SLURM_ARRAY_TASK_ID=$i bash "$OUT/tile.sbatch"; done
    bash "$OUT/merge.sbatch"
    cat "$OUT/merged.txt"
    exit 0
fi

# shellcheck disable=SC2086
ARRAY=$(sbatch --parsable ${SBATCH_ARGS:-} --array=0-$((N - 1)) "$OUT/tile.sbatch")
# shellcheck disable=SC2086
MERGE=$(sbatch --parsable ${SBATCH_ARGS:-} --dependency=afterok:"$ARRAY" "$OUT/merge.sbatch")
echo "submitted tile array $ARRAY ($N tasks) and merge job $MERGE; result: $OUT/merged.json"
