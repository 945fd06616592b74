#!/usr/bin/env bash
# Stage everything one remote GPU run needs (the GPU machine has CUDA and PyTorch but no Rust):
# release builds of the bench example, the `tropical` CLI and the tropical-gpu test binaries,
# copied into the ignored folder .gpubin/. Run from the repository root on the x86-64 dev machine:
#
#   gpu/bench/stage.sh
#
# then one remote run with the staged binaries (at most 64 MiB), carrying .gpubin:
#
#   run(command="OUT=$OUT gpu/bench/run.sh .gpubin/bench", carry=[".gpubin"], timeout_s=600)
set -euo pipefail
cd "$(dirname "$0")/../.."
grep -qx '/.gpubin/' .git/info/exclude 2>/dev/null || echo '/.gpubin/' >> .git/info/exclude
rm -rf .gpubin && mkdir -p .gpubin/tests
cargo build --release -p tropical-gpu --example bench -p tropical-cli
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
cp "$target_dir/release/examples/bench" "$target_dir/release/tropical" .gpubin/
cargo test --release -p tropical-gpu --no-run --message-format=json \
  | python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
        print(m["executable"])' \
  | while read -r exe; do cp "$exe" .gpubin/tests/; done
# a remote run carries at most 64 MiB with the working tree: drop the debug info
find .gpubin -type f -exec strip --strip-debug {} +
ls -l .gpubin .gpubin/tests
size=$(du -sm .gpubin | cut -f1)
echo ".gpubin: ${size} MiB"
[ "$size" -lt 60 ] || { echo "too large to carry (limit 64 MiB with the working tree)" >&2; exit 1; }
