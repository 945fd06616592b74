#!/usr/bin/env bash
# Install NVIDIA's NVRTC (libnvrtc) and the PTX assembler (ptxas) of CUDA 12.8 from NVIDIA's PyPI
# wheels into PREFIX (default: /opt/cuda-pip). No GPU, driver or CUDA toolkit is needed, and
# nothing outside PREFIX is touched. Afterwards the CUDA source compiles on this machine:
#
#   eval "$(bash gpu/install-nvrtc.sh)"          # installs, then prints the two exports
#   cargo test -p tropical-gpu --test nvrtc     # NVRTC + PTX audit + ptxas for sm_90
#   tropical gpu-check --compile-only --d 64 --k 16 --inputs bf16
#
# Only the export lines go to stdout; progress goes to stderr. Exit status 1 when pip fails
# (offline, say): the NVRTC tests then skip with a printed reason.
set -euo pipefail
PREFIX="${1:-/opt/cuda-pip}"
VERSION=12.8.93
lib="$PREFIX/nvidia/cuda_nvrtc/lib"
bin="$PREFIX/nvidia/cuda_nvcc/bin"
if [ ! -e "$lib/libnvrtc.so.12" ] || [ ! -x "$bin/ptxas" ]; then
  echo "installing nvidia-cuda-nvrtc-cu12 and nvidia-cuda-nvcc-cu12 $VERSION into $PREFIX" >&2
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore --no-deps --no-compile --target "$PREFIX" \
    "nvidia-cuda-nvrtc-cu12==$VERSION" "nvidia-cuda-nvcc-cu12==$VERSION" >&2 || {
      echo "pip could not install the wheels; NVRTC tests will skip" >&2
      exit 1
    }
fi
echo "export LD_LIBRARY_PATH=\"$lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\""
echo "export PATH=\"$bin:\$PATH\""
