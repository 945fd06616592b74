#!/usr/bin/env bash
# Host emulation of the CUDA kernels (no GPU needed): compiles gpu/src/kernels.cu with g++ against
# cuda_emu.h for several variants (threads per query G = 1..8, n_k off the tile size, fp32, bf16 and fp16 inputs) and runs
# emu_driver.cpp. Usage: gpu/emu/check.sh   (from anywhere)
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
run() { # D DV G KSEL n_q n_k [extra g++ flags]
  local D=$1 DV=$2 G=$3 KSEL=$4 BQ=$((128 / $3)); local BQK=$(( BQ < 32 ? BQ : 32 ))
  g++ -std=c++20 -O1 -pthread -Wno-unknown-pragmas -DD=$D -DDV=$DV -DG=$G -DBQ=$BQ -DBK=32 \
      -DKSEL=$KSEL -DBQK=$BQK ${7:-} emu_driver.cpp -o "$tmp/emu"
  "$tmp/emu" "$5" "$6"
}
run 4 3 1 5 37 77
run 16 8 1 8 40 33
run 24 20 2 1 9 64
run 64 64 4 16 20 100
run 128 128 8 64 11 70
run 16 8 1 8 40 33 -DIN_BF16
run 64 64 4 16 20 100 -DIN_BF16
run 16 8 1 8 40 33 -DIN_F16
run 128 128 8 64 11 70 -DIN_F16
rm -rf "$tmp"
