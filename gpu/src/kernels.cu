// Float attention and max-plus kernels (fp32), compiled at run time with NVRTC.
//
// The host prepends the compile-time constants:
//   D, DV   head dimensions (query/key, value)
//   G       threads per query (power of two dividing 32); each holds DPT = ceil(D/G) query
//           entries and DVPT = ceil(DV/G) accumulator entries, strided by G
//   BQ      queries per block (BQ*G = NT threads, a multiple of 32)
//   BK      keys per tile (= tropical_attention::float::KEY_TILE)
//   KSEL    top-k list length (top-k kernel only), BQK queries per top-k block
//
// Operation order = tropical_attention::float (module docs), so the error bound of
// tropical_gpu::bound holds: raw score r = <q,k> (strided partial sums + butterfly, any order is
// covered by gamma_d), scaled score s = __fmul_rn(r, c) (never contracted into an FMA),
// exponent arguments __fsub_rn, accurate expf (no fast math), online max/sum per tile of BK keys.
// Non-finite scores set a flag and the output is written as NaN (the host reports overflow);
// the host poisons outputs with NaN / 0xffffffff, so an unwritten element is caught as well.

// Input element type: fp32, or (with IN_BF16 / IN_F16 defined) bf16 / IEEE fp16 given as raw
// 16-bit patterns, widened exactly to fp32 on load (a bf16 is the top half of an fp32; every
// fp16, subnormals included, is an fp32 value); all arithmetic is fp32.
#if defined(IN_BF16)
typedef unsigned short in_t;
#define LD(x) __int_as_float(((unsigned)(x)) << 16)
#elif defined(IN_F16)
typedef unsigned short in_t;
#ifndef F16_TO_F32_DEFINED  // (the host emulation brings its own)
__device__ __forceinline__ float f16_to_f32(unsigned short h) {
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h));
    return f;
}
#endif
#define LD(x) f16_to_f32(x)
#else
typedef float in_t;
#define LD(x) (x)
#endif

#define DPT ((D + G - 1) / G)
#define DVPT ((DV + G - 1) / G)
#define NT (BQ * G)
#define NEG_INF __int_as_float(0xff800000)
#define QNAN __int_as_float(0x7fffffff)

// (own integer min: no reliance on headers NVRTC may not include)
__device__ __forceinline__ int imin(int a, int b) { return a < b ? a : b; }

__device__ __forceinline__ bool finite_f(float x) { return fabsf(x) <= 3.402823466e38f; }

// Sum over the G consecutive lanes of a group (all 32 lanes of the warp must call it).
__device__ __forceinline__ float group_sum(float x) {
#pragma unroll
    for (int off = G / 2; off > 0; off >>= 1) x += __shfl_xor_sync(0xffffffffu, x, off);
    return x;
}

// Partial dot product of this lane's query entries with key row `kr` (shared memory).
__device__ __forceinline__ float partial_dot(const float* qr, const float* kr, int g) {
    float part = 0.0f;
#pragma unroll
    for (int e = 0; e < DPT; ++e) {
        const int col = g + e * G;
        if (col < D) part = fmaf(qr[e], kr[col], part);
    }
    return part;
}

__device__ __forceinline__ void load_query(float* qr, const in_t* qh, int qi, bool active, int g) {
#pragma unroll
    for (int e = 0; e < DPT; ++e) {
        const int col = g + e * G;
        qr[e] = (active && col < D) ? LD(qh[(size_t)qi * D + col]) : 0.0f;
    }
}

// The start of the softmax and hard kernels (one query per group of G lanes, BQ queries per
// block): shared key/value tiles `ks`, `vs`; head `h`, thread `tid`, lane `g`, query `qi`
// (`active` when below n_q); the head's rows `qh`, `kh`, `vh`; this lane's query entries `qr`;
// zeroed accumulators `acc`. A macro, not a function: it declares the kernel's locals.
#define QUERY_BLOCK_START                                 \
    __shared__ float ks[BK * D];                          \
    __shared__ float vs[BK * DV];                         \
    const int h = blockIdx.y;                             \
    const int tid = threadIdx.x;                          \
    const int g = tid % G;                                \
    const int qi = blockIdx.x * BQ + tid / G;             \
    const bool active = qi < n_q;                         \
    const in_t* qh = q + (size_t)h * n_q * D;             \
    const in_t* kh = k + (size_t)h * n_k * D;             \
    const in_t* vh = v + (size_t)h * n_k * DV;            \
    float qr[DPT];                                        \
    load_query(qr, qh, qi, active, g);                    \
    float acc[DVPT];                                      \
    _Pragma("unroll") for (int e = 0; e < DVPT; ++e) acc[e] = 0.0f;

// softmax(c * Q K^T) V per head; grid (ceil(n_q/BQ), heads), block NT.
extern "C" __global__ void __launch_bounds__(NT) attn_softmax(
    const in_t* __restrict__ q, const in_t* __restrict__ k, const in_t* __restrict__ v,
    float* __restrict__ out, int n_q, int n_k, float c) {
    QUERY_BLOCK_START
    float m = NEG_INF, l = 0.0f;
    bool bad = false;
    for (int start = 0; start < n_k; start += BK) {
        const int nt = imin(BK, n_k - start);
        __syncthreads();  // the previous tile is consumed
        for (int t = tid; t < BK * D; t += NT) ks[t] = (t < nt * D) ? LD(kh[(size_t)start * D + t]) : 0.0f;
        for (int t = tid; t < BK * DV; t += NT) vs[t] = (t < nt * DV) ? LD(vh[(size_t)start * DV + t]) : 0.0f;
        __syncthreads();
        float s[BK];
        float m_new = m;
#pragma unroll
        for (int j = 0; j < BK; ++j) {
            const float r = group_sum(partial_dot(qr, ks + j * D, g));
            s[j] = __fmul_rn(r, c);
            if (j < nt) {
                if (!finite_f(s[j])) bad = true;
                m_new = fmaxf(m_new, s[j]);
            }
        }
        const float f = expf(__fsub_rn(m, m_new));  // m = -inf on the first tile: f = 0
        l = __fmul_rn(l, f);
#pragma unroll
        for (int e = 0; e < DVPT; ++e) acc[e] = __fmul_rn(acc[e], f);
#pragma unroll
        for (int j = 0; j < BK; ++j) {
            if (j < nt) {
                const float p = expf(__fsub_rn(s[j], m_new));
                l = __fadd_rn(l, p);
#pragma unroll
                for (int e = 0; e < DVPT; ++e) {
                    const int col = g + e * G;
                    if (col < DV) acc[e] = fmaf(p, vs[j * DV + col], acc[e]);
                }
            }
        }
        m = m_new;
    }
    if (active) {
#pragma unroll
        for (int e = 0; e < DVPT; ++e) {
            const int col = g + e * G;
            if (col < DV) out[((size_t)h * n_q + qi) * DV + col] = bad ? QNAN : __fdiv_rn(acc[e], l);
        }
    }
}

// Zero temperature: mean of the value rows over the exact float ties of max_j <q,k_j>.
extern "C" __global__ void __launch_bounds__(NT) attn_hard(
    const in_t* __restrict__ q, const in_t* __restrict__ k, const in_t* __restrict__ v,
    float* __restrict__ out, unsigned* __restrict__ argmax, unsigned* __restrict__ tie_count,
    int n_q, int n_k) {
    QUERY_BLOCK_START
    float best = NEG_INF;
    unsigned first = 0, count = 0;
    bool bad = false;
    for (int start = 0; start < n_k; start += BK) {
        const int nt = imin(BK, n_k - start);
        __syncthreads();
        for (int t = tid; t < BK * D; t += NT) ks[t] = (t < nt * D) ? LD(kh[(size_t)start * D + t]) : 0.0f;
        for (int t = tid; t < BK * DV; t += NT) vs[t] = (t < nt * DV) ? LD(vh[(size_t)start * DV + t]) : 0.0f;
        __syncthreads();
#pragma unroll
        for (int j = 0; j < BK; ++j) {
            const float r = group_sum(partial_dot(qr, ks + j * D, g));
            if (j < nt) {
                if (!finite_f(r)) {
                    bad = true;
                } else if (r > best) {
                    best = r;
                    first = (unsigned)(start + j);
                    count = 1;
#pragma unroll
                    for (int e = 0; e < DVPT; ++e) {
                        const int col = g + e * G;
                        if (col < DV) acc[e] = vs[j * DV + col];
                    }
                } else if (r == best) {
                    count += 1;
#pragma unroll
                    for (int e = 0; e < DVPT; ++e) {
                        const int col = g + e * G;
                        if (col < DV) acc[e] = __fadd_rn(acc[e], vs[j * DV + col]);
                    }
                }
            }
        }
    }
    if (active) {
        const float cnt = (float)count;
#pragma unroll
        for (int e = 0; e < DVPT; ++e) {
            const int col = g + e * G;
            if (col < DV) out[((size_t)h * n_q + qi) * DV + col] = bad ? QNAN : __fdiv_rn(acc[e], cnt);
        }
        if (g == 0) {
            argmax[(size_t)h * n_q + qi] = first;
            tie_count[(size_t)h * n_q + qi] = bad ? 0u : count;
        }
    }
}

// Top-k: per query a list of the KSEL best raw scores in shared memory, ranked by
// (score desc, index asc), kept by lane 0 of the query's group; then softmax over the list in
// rank order. Grid (ceil(n_q/BQK), heads), block BQK*G.
#define NTK (BQK * G)
extern "C" __global__ void __launch_bounds__(NTK) attn_topk(
    const in_t* __restrict__ q, const in_t* __restrict__ k, const in_t* __restrict__ v,
    float* __restrict__ out, unsigned* __restrict__ selected, int n_q, int n_k, float c) {
    __shared__ float ks[BK * D];
    __shared__ float sel_s[BQK * KSEL];
    __shared__ unsigned sel_i[BQK * KSEL];
    const int h = blockIdx.y;
    const int tid = threadIdx.x;
    const int g = tid % G;
    const int grp = tid / G;
    const int qi = blockIdx.x * BQK + grp;
    const bool active = qi < n_q;
    const in_t* qh = q + (size_t)h * n_q * D;
    const in_t* kh = k + (size_t)h * n_k * D;
    const in_t* vh = v + (size_t)h * n_k * DV;
    float* ls = sel_s + grp * KSEL;
    unsigned* li = sel_i + grp * KSEL;
    float qr[DPT];
    load_query(qr, qh, qi, active, g);
    int cnt = 0;
    bool bad = false;
    for (int start = 0; start < n_k; start += BK) {
        const int nt = imin(BK, n_k - start);
        __syncthreads();
        for (int t = tid; t < BK * D; t += NTK) ks[t] = (t < nt * D) ? LD(kh[(size_t)start * D + t]) : 0.0f;
        __syncthreads();
#pragma unroll
        for (int j = 0; j < BK; ++j) {
            const float r = group_sum(partial_dot(qr, ks + j * D, g));
            if (g == 0 && active && j < nt) {
                if (!finite_f(r)) {
                    bad = true;
                } else if (cnt < KSEL || r > ls[KSEL - 1]) {
                    int pos = cnt < KSEL ? cnt : KSEL - 1;
                    while (pos > 0 && ls[pos - 1] < r) {  // equal scores keep the earlier index first
                        ls[pos] = ls[pos - 1];
                        li[pos] = li[pos - 1];
                        --pos;
                    }
                    ls[pos] = r;
                    li[pos] = (unsigned)(start + j);
                    if (cnt < KSEL) ++cnt;
                }
            }
        }
    }
    __syncwarp();
    bad = __shfl_sync(0xffffffffu, bad, (tid % 32) / G * G);
    if (active && bad) {
        // a non-finite score: the list may hold unset entries, never gather through them
#pragma unroll
        for (int e = 0; e < DVPT; ++e) {
            const int col = g + e * G;
            if (col < DV) out[((size_t)h * n_q + qi) * DV + col] = QNAN;
        }
    } else if (active) {
        const float m = __fmul_rn(ls[0], c);
        float l = 0.0f;
        float acc[DVPT];
#pragma unroll
        for (int e = 0; e < DVPT; ++e) acc[e] = 0.0f;
        for (int r = 0; r < KSEL; ++r) {
            const float p = expf(__fsub_rn(__fmul_rn(ls[r], c), m));
            l = __fadd_rn(l, p);
            const in_t* vr = vh + (size_t)li[r] * DV;
#pragma unroll
            for (int e = 0; e < DVPT; ++e) {
                const int col = g + e * G;
                if (col < DV) acc[e] = fmaf(p, LD(vr[col]), acc[e]);
            }
        }
#pragma unroll
        for (int e = 0; e < DVPT; ++e) {
            const int col = g + e * G;
            if (col < DV) out[((size_t)h * n_q + qi) * DV + col] = __fdiv_rn(acc[e], l);
        }
        for (int r = g; r < KSEL; r += G) selected[((size_t)h * n_q + qi) * KSEL + r] = li[r];
    }
}

// Max-plus product C = A (x) B with the smallest maximising l; 64x64 output tile per block of
// 256 threads (4x4 per thread, rows ty+16r, columns tx+16c), K tiles of 16 in shared memory.
// Padding is -inf, the tropical zero, so it never wins a strict comparison.
extern "C" __global__ void __launch_bounds__(256) maxplus_matmul(
    const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
    unsigned* __restrict__ arg, int M, int K, int N) {
    __shared__ float As[16][65];  // padded: the transposing stores hit distinct banks
    __shared__ float Bs[16][64];
    const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;
    const int row0 = blockIdx.y * 64, col0 = blockIdx.x * 64;
    float best[4][4];
    unsigned idx[4][4];
#pragma unroll
    for (int r = 0; r < 4; ++r)
#pragma unroll
        for (int cc = 0; cc < 4; ++cc) {
            best[r][cc] = NEG_INF;
            idx[r][cc] = 0;
        }
    for (int l0 = 0; l0 < K; l0 += 16) {
        for (int t = threadIdx.x; t < 64 * 16; t += 256) {
            const int r = t / 16, cc = t % 16;
            const int gi = row0 + r, gl = l0 + cc;
            As[cc][r] = (gi < M && gl < K) ? A[(size_t)gi * K + gl] : NEG_INF;
        }
        for (int t = threadIdx.x; t < 16 * 64; t += 256) {
            const int r = t / 64, cc = t % 64;
            const int gl = l0 + r, gj = col0 + cc;
            Bs[r][cc] = (gl < K && gj < N) ? B[(size_t)gl * N + gj] : NEG_INF;
        }
        __syncthreads();
#pragma unroll
        for (int l = 0; l < 16; ++l) {
            float a[4], b[4];
#pragma unroll
            for (int r = 0; r < 4; ++r) a[r] = As[l][ty + 16 * r];
#pragma unroll
            for (int cc = 0; cc < 4; ++cc) b[cc] = Bs[l][tx + 16 * cc];
#pragma unroll
            for (int r = 0; r < 4; ++r)
#pragma unroll
                for (int cc = 0; cc < 4; ++cc) {
                    const float s = __fadd_rn(a[r], b[cc]);
                    if (s > best[r][cc]) {
                        best[r][cc] = s;
                        idx[r][cc] = (unsigned)(l0 + l);
                    }
                }
        }
        __syncthreads();
    }
#pragma unroll
    for (int r = 0; r < 4; ++r)
#pragma unroll
        for (int cc = 0; cc < 4; ++cc) {
            const int i = row0 + ty + 16 * r, j = col0 + tx + 16 * cc;
            if (i < M && j < N) {
                C[(size_t)i * N + j] = best[r][cc];
                arg[(size_t)i * N + j] = idx[r][cc];
            }
        }
}
