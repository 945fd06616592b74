// Host emulation of the CUDA features used by gpu/src/kernels.cu, for checking the kernels'
// logic (indexing, tiling, barriers, shuffles, ties, top-k lists) with g++ on a machine without
// a GPU. One std::thread per CUDA thread, blocks run one after another; __shared__ becomes a
// static local (one instance, valid because blocks are sequential). Not a performance model.
#pragma once
#include <barrier>
#include <cmath>
#include <cstring>
#include <cstddef>
#include <algorithm>
#include <functional>
#include <thread>
#include <vector>
#include <memory>

struct dim3_ { unsigned x = 0, y = 0, z = 0; };
inline thread_local dim3_ threadIdx, blockIdx;

#define __global__
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(x)
#define __shared__ static
#define __restrict__ __restrict

using std::min;
inline float __int_as_float(unsigned x) { float f; std::memcpy(&f, &x, 4); return f; }
// fp16 bits -> fp32 (exact), in place of the kernels' PTX `cvt.f32.f16`.
#define F16_TO_F32_DEFINED
inline float f16_to_f32(unsigned short h) { _Float16 x; std::memcpy(&x, &h, 2); return (float)x; }
inline float __fmul_rn(float a, float b) { volatile float r = a * b; return r; }
inline float __fadd_rn(float a, float b) { volatile float r = a + b; return r; }
inline float __fsub_rn(float a, float b) { volatile float r = a - b; return r; }
inline float __fdiv_rn(float a, float b) { volatile float r = a / b; return r; }

struct EmuBlock {
  std::unique_ptr<std::barrier<>> block;
  std::vector<std::unique_ptr<std::barrier<>>> warps;
  std::vector<float> fslots;
  std::vector<int> islots;
};
inline EmuBlock* emu_block = nullptr;

inline void __syncthreads() { emu_block->block->arrive_and_wait(); }
inline void __syncwarp() { emu_block->warps[threadIdx.x / 32]->arrive_and_wait(); }
inline float __shfl_xor_sync(unsigned, float x, int off) {
  const unsigned lane = threadIdx.x % 32, w = threadIdx.x / 32;
  emu_block->fslots[threadIdx.x] = x;
  emu_block->warps[w]->arrive_and_wait();
  const float y = emu_block->fslots[w * 32 + (lane ^ off)];
  emu_block->warps[w]->arrive_and_wait();
  return y;
}
inline int __shfl_sync(unsigned, int x, int src) {
  const unsigned w = threadIdx.x / 32;
  emu_block->islots[threadIdx.x] = x;
  emu_block->warps[w]->arrive_and_wait();
  const int y = emu_block->islots[w * 32 + src];
  emu_block->warps[w]->arrive_and_wait();
  return y;
}

// Launch `f` on grid (gx, gy) with `nt` threads per block (a multiple of 32).
inline void emu_launch(unsigned gx, unsigned gy, unsigned nt, const std::function<void()>& f) {
  for (unsigned by = 0; by < gy; ++by)
    for (unsigned bx = 0; bx < gx; ++bx) {
      EmuBlock b;
      b.block = std::make_unique<std::barrier<>>(nt);
      for (unsigned w = 0; w < nt / 32; ++w) b.warps.push_back(std::make_unique<std::barrier<>>(32));
      b.fslots.assign(nt, 0.f);
      b.islots.assign(nt, 0);
      emu_block = &b;
      std::vector<std::thread> ts;
      for (unsigned t = 0; t < nt; ++t)
        ts.emplace_back([&, t] { threadIdx.x = t; blockIdx.x = bx; blockIdx.y = by; f(); });
      for (auto& t : ts) t.join();
    }
}
