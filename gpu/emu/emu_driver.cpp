// Host emulation check of gpu/src/kernels.cu (see cuda_emu.h and check.sh).
// Compiled once per variant with -DD=.. -DDV=.. -DG=.. -DBQ=.. -DBK=32 -DKSEL=.. -DBQK=..
// Checks: softmax vs a float64 two-pass reference (relative error), zero temperature and top-k
// on small-integer inputs (exact float arithmetic: argmax, tie counts, means, selections must be
// exact), max-plus vs the naive loop bitwise. Prints one line per check; exit 1 on a failure.
#include "cuda_emu.h"
#include "../src/kernels.cu"
#include <cstdio>
#include <random>

static int failures = 0;

// With IN_BF16 / IN_F16 the kernels read bf16 / fp16 bit patterns: inputs are first rounded to
// the format (bf16 by truncation, fp16 to nearest), so the float copies used by the references are
// exactly the values the kernels see.
static void round_to_format(std::vector<float>& v) {
#if defined(IN_BF16)
  for (auto& x : v) { unsigned b; std::memcpy(&b, &x, 4); b &= 0xffff0000u; std::memcpy(&x, &b, 4); }
#elif defined(IN_F16)
  for (auto& x : v) x = (float)(_Float16)x;
#else
  (void)v;
#endif
}
static std::vector<in_t> to_in(const std::vector<float>& v) {
  std::vector<in_t> r(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
#if defined(IN_BF16)
    unsigned b; std::memcpy(&b, &v[i], 4); r[i] = (in_t)(b >> 16);
#elif defined(IN_F16)
    _Float16 h = (_Float16)v[i]; std::memcpy(&r[i], &h, 2);
#else
    r[i] = v[i];
#endif
  }
  return r;
}
#define CHECK(c, ...) do { if (!(c)) { ++failures; std::printf("FAIL: " __VA_ARGS__); std::printf("\n"); } } while (0)

int main(int argc, char** argv) {
  const int heads = 2, n_q = argc > 1 ? std::atoi(argv[1]) : 37, n_k = argc > 2 ? std::atoi(argv[2]) : 77;
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> small(-3, 3);
  std::uniform_real_distribution<float> unif(-1.f, 1.f);
  auto fill = [&](std::vector<float>& v, bool ints) { for (auto& x : v) x = ints ? (float)small(rng) : unif(rng); };
  std::vector<float> q(heads * n_q * D), k(heads * n_k * D), v(heads * n_k * DV), out(heads * n_q * DV);

  // softmax, random reals
  fill(q, false); fill(k, false); fill(v, false);
  round_to_format(q); round_to_format(k); round_to_format(v);
  auto qd = to_in(q), kd = to_in(k), vd = to_in(v);
  const float sigma = 0.5f, tau = 0.25f, c = sigma / tau;
  std::fill(out.begin(), out.end(), NAN);
  emu_launch((n_q + BQ - 1) / BQ, heads, BQ * G, [&] { attn_softmax(qd.data(), kd.data(), vd.data(), out.data(), n_q, n_k, c); });
  double max_rel = 0;
  for (int h = 0; h < heads; ++h)
    for (int i = 0; i < n_q; ++i) {
      std::vector<double> s(n_k);
      double m = -INFINITY;
      for (int j = 0; j < n_k; ++j) {
        double a = 0; for (int e = 0; e < D; ++e) a += (double)q[(h * n_q + i) * D + e] * k[(h * n_k + j) * D + e];
        s[j] = a * sigma / tau; m = std::max(m, s[j]);
      }
      double z = 0; for (auto& x : s) { x = std::exp(x - m); z += x; }
      for (int cc = 0; cc < DV; ++cc) {
        double o = 0; for (int j = 0; j < n_k; ++j) o += s[j] * v[(h * n_k + j) * DV + cc];
        o /= z;
        double got = out[(h * n_q + i) * DV + cc];
        max_rel = std::max(max_rel, std::abs(got - o) / (1e-3 + std::abs(o)));
        CHECK(std::isfinite(got) && std::abs(got - o) <= 1e-4 * (1e-2 + std::abs(o)), "softmax h=%d i=%d c=%d got %g want %g", h, i, cc, got, o);
      }
    }
#if defined(IN_BF16)
  std::printf("[bf16 inputs] ");
#elif defined(IN_F16)
  std::printf("[fp16 inputs] ");
#endif
  std::printf("softmax D=%d DV=%d G=%d n_q=%d n_k=%d: max rel err %.3g\n", D, DV, G, n_q, n_k, max_rel);

  // zero temperature + top-k on small integers (exact), with a duplicated key for ties
  fill(q, true); fill(k, true); fill(v, true);
  for (int h = 0; h < heads; ++h) for (int e = 0; e < D; ++e) k[(h * n_k + n_k - 1) * D + e] = k[(h * n_k) * D + e];
  qd = to_in(q); kd = to_in(k); vd = to_in(v);
  std::vector<unsigned> am(heads * n_q, 0xffffffffu), cnt(heads * n_q, 0xffffffffu);
  std::fill(out.begin(), out.end(), NAN);
  emu_launch((n_q + BQ - 1) / BQ, heads, BQ * G, [&] { attn_hard(qd.data(), kd.data(), vd.data(), out.data(), am.data(), cnt.data(), n_q, n_k); });
  int ties = 0;
  for (int h = 0; h < heads; ++h)
    for (int i = 0; i < n_q; ++i) {
      std::vector<float> s(n_k);
      for (int j = 0; j < n_k; ++j) { float a = 0; for (int e = 0; e < D; ++e) a += q[(h * n_q + i) * D + e] * k[(h * n_k + j) * D + e]; s[j] = a; }
      float m = *std::max_element(s.begin(), s.end());
      std::vector<int> set; for (int j = 0; j < n_k; ++j) if (s[j] == m) set.push_back(j);
      ties += set.size() > 1;
      const int qi = h * n_q + i;
      CHECK(am[qi] == (unsigned)set[0] && cnt[qi] == set.size(), "hard h=%d i=%d argmax %u count %u want %d %zu", h, i, am[qi], cnt[qi], set[0], set.size());
      for (int cc = 0; cc < DV; ++cc) {
        float sum = 0; for (int j : set) sum += v[(h * n_k + j) * DV + cc];
        CHECK(out[qi * DV + cc] == sum / (float)set.size(), "hard mean h=%d i=%d c=%d", h, i, cc);
      }
      // top-k selection
    }
  std::printf("hard: %d queries with exact ties\n", ties);

  const int kk = std::min(KSEL, n_k);
  std::vector<unsigned> sel(heads * n_q * kk, 0xffffffffu);
  std::fill(out.begin(), out.end(), NAN);
  emu_launch((n_q + BQK - 1) / BQK, heads, BQK * G, [&] { attn_topk(qd.data(), kd.data(), vd.data(), out.data(), sel.data(), n_q, n_k, c); });
  int boundary_ties = 0;
  for (int h = 0; h < heads; ++h)
    for (int i = 0; i < n_q; ++i) {
      std::vector<float> s(n_k);
      for (int j = 0; j < n_k; ++j) { float a = 0; for (int e = 0; e < D; ++e) a += q[(h * n_q + i) * D + e] * k[(h * n_k + j) * D + e]; s[j] = a; }
      std::vector<int> order(n_k); for (int j = 0; j < n_k; ++j) order[j] = j;
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return s[a] > s[b]; });
      if (kk < n_k && s[order[kk - 1]] == s[order[kk]]) ++boundary_ties;
      const int qi = h * n_q + i;
      for (int r = 0; r < kk; ++r) CHECK(sel[qi * kk + r] == (unsigned)order[r], "topk h=%d i=%d rank %d got %u want %d", h, i, r, sel[qi * kk + r], order[r]);
      double m = s[order[0]] * (double)c, z = 0;
      std::vector<double> o(DV, 0.0);
      for (int r = 0; r < kk; ++r) { double p = std::exp(s[order[r]] * (double)c - m); z += p; for (int cc = 0; cc < DV; ++cc) o[cc] += p * v[(h * n_k + order[r]) * DV + cc]; }
      for (int cc = 0; cc < DV; ++cc) { double want = o[cc] / z, got = out[qi * DV + cc]; CHECK(std::abs(got - want) <= 1e-4 * (1e-2 + std::abs(want)), "topk out h=%d i=%d c=%d got %g want %g", h, i, cc, got, want); }
    }
  std::printf("topk k=%d: selections exact, %d boundary ties\n", kk, boundary_ties);

  // max-plus with -inf entries, non-multiple-of-tile sizes
  const int M = 70, K = 37, N = 65;
  std::vector<float> A(M * K), B(K * N), C(M * N, NAN);
  std::vector<unsigned> arg(M * N, 0xffffffffu);
  for (int t = 0; t < M * K; ++t) A[t] = t % 7 == 3 ? -INFINITY : (float)small(rng) * 0.5f + unif(rng) * 1e-3f * (t % 2);
  for (int t = 0; t < K * N; ++t) B[t] = t % 11 == 5 ? -INFINITY : (float)small(rng) * 0.5f;
  for (int t = 0; t < K; ++t) A[5 * K + t] = -INFINITY;  // an all -inf row
  emu_launch((N + 63) / 64, (M + 63) / 64, 256, [&] { maxplus_matmul(A.data(), B.data(), C.data(), arg.data(), M, K, N); });
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      float best = -INFINITY; unsigned bi = 0;
      for (int l = 0; l < K; ++l) { float s = A[i * K + l] + B[l * N + j]; if (s > best) { best = s; bi = l; } }
      CHECK(C[i * N + j] == best && arg[i * N + j] == bi, "maxplus (%d,%d) got %g@%u want %g@%u", i, j, C[i * N + j], arg[i * N + j], best, bi);
    }
  std::printf("maxplus %dx%dx%d checked bitwise\n", M, K, N);
  std::printf("%s (%d failures)\n", failures ? "FAILED" : "OK", failures);
  return failures ? 1 : 0;
}
