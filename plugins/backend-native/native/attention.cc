// Fused attention forward and backward on OpenBLAS. Per batch matrix (a (batch, head) pair) the
// scores S = scale·Q·Kᵀ come from one sgemm into a scratch block that stays in cache, the mask,
// causality, softmax and dropout run over its rows in place, and one more sgemm gives P·V; nothing
// of size Tq·Tk is written unless the probabilities are asked for. The backward recomputes P the
// same way and gets dV, dQ, dK from sgemms over the head's P and dS. Blocks run one per pool thread
// with OpenBLAS single-threaded; too few blocks to share out run in turn with OpenBLAS threaded.
#include <cblas.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "common.h"
#include "counter_hash.h"
#include "nn_math.h"

namespace cm {
namespace {

// Query rows per forward block: small enough that a head splits across threads, large enough that
// the sgemms run near peak.
constexpr int64_t kRowBlock = 64;

View<float> optional_f32(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what) {
  if (i < info.Length() && (info[i].IsNull() || info[i].IsUndefined())) return View<float>{nullptr, 0};
  return f32(info, i, op, what);
}

/** C[m×n] = alpha·op(A)·op(B) (row-major), with empty sizes handled (BLAS rejects ld = 0). */
void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
          int64_t ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    for (int64_t i = 0; i < m; i++) std::memset(c + i * ldc, 0, sizeof(float) * n);
    return;
  }
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
              static_cast<int>(k), alpha, a, static_cast<int>(lda), b, static_cast<int>(ldb), 0.0f, c, static_cast<int>(ldc));
}

/** Everything an attention call reads, checked. Offsets are per batch matrix, in elements. */
struct Ctx {
  View<float> q{nullptr, 0}, k{nullptr, 0}, v{nullptr, 0};
  const float* maskF = nullptr;
  const int32_t* maskI = nullptr;
  View<int32_t> offQ{nullptr, 0}, offK{nullptr, 0}, offV{nullptr, 0}, offM{nullptr, 0};
  int64_t batch = 0, tq = 0, tk = 0, dh = 0, dv = 0, msq = 0, msk = 0;
  float scale = 1;
  bool causal = false;
  double dropoutP = 0;
  uint32_t hseed = 0, threshold = 0;
  float keepScale = 1;
};

/** Reads q, k, v (arguments 0-2), the mask, the offsets and the sizes/attrs after them; see attention()'s argument list. */
Ctx read_ctx(const Napi::CallbackInfo& info, const char* op, size_t maskAt, size_t offsAt) {
  Ctx c;
  const Napi::Env env = info.Env();
  c.q = f32(info, 0, op, "q");
  c.k = f32(info, 1, op, "k");
  c.v = f32(info, 2, op, "v");
  const bool hasMask = !(info[maskAt].IsNull() || info[maskAt].IsUndefined());
  int64_t maskSize = 0;
  if (hasMask) {
    // Either dtype: an int32 mask keeps where non-zero, a float32 mask adds to the scores.
    auto m = words(info, maskAt, op, "mask");
    if (info[maskAt].As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
      c.maskI = reinterpret_cast<const int32_t*>(m.data);
    } else {
      c.maskF = reinterpret_cast<const float*>(m.data);
    }
    maskSize = m.size;
    c.offM = i32(info, offsAt + 3, op, "offsM");
  }
  c.offQ = i32(info, offsAt, op, "offsQ");
  c.offK = i32(info, offsAt + 1, op, "offsK");
  c.offV = i32(info, offsAt + 2, op, "offsV");
  size_t a = offsAt + 4;
  c.tq = integer(info, a, op, "tq"), c.tk = integer(info, a + 1, op, "tk"), c.dh = integer(info, a + 2, op, "dh"), c.dv = integer(info, a + 3, op, "dv");
  c.msq = integer(info, a + 4, op, "maskStrideQ"), c.msk = integer(info, a + 5, op, "maskStrideK");
  c.scale = static_cast<float>(number(info, a + 6, op, "scale"));
  c.causal = boolean(info, a + 7, op, "causal");
  c.dropoutP = number(info, a + 8, op, "dropoutP");
  const int64_t seed = integer(info, a + 9, op, "seed");
  if (c.tq < 0 || c.tk < 0 || c.dh < 0 || c.dv < 0 || c.msq < 0 || c.msk < 0) fail(env, op, "negative size or stride");
  if (c.tq > INT32_MAX || c.tk > INT32_MAX || c.dh > INT32_MAX || c.dv > INT32_MAX || c.msq > INT32_MAX || c.msk > INT32_MAX) {
    fail(env, op, "a size or mask stride exceeds 2^31 - 1");
  }
  if (!(c.dropoutP >= 0 && c.dropoutP < 1)) fail(env, op, "dropoutP must be in [0, 1), got " + std::to_string(c.dropoutP));
  if (seed < 0 || seed > 0xffffffffLL) fail(env, op, "seed must be a u32, got " + std::to_string(seed));
  c.batch = c.offQ.size;
  if (c.offK.size != c.batch || c.offV.size != c.batch || (hasMask && c.offM.size != c.batch)) {
    fail(env, op, "offsQ, offsK, offsV (and offsM) must all have one entry per batch matrix");
  }
  if (product(env, {c.batch, c.tq, c.tk}, op, "scores") > 0xffffffffLL) fail(env, op, "more than 2^32 scores (the dropout counter is 32-bit)");
  auto within = [&](const View<int32_t>& offs, int64_t span, int64_t size, const char* what) {
    for (int64_t t = 0; t < c.batch; t++) {
      if (offs.data[t] < 0 || offs.data[t] + span > size) {
        fail(env, op, std::string(what) + " is too small for batch matrix " + std::to_string(t) + " (offset " + std::to_string(offs.data[t]) + " + " +
                          std::to_string(span) + " > " + std::to_string(size) + ")");
      }
    }
  };
  within(c.offQ, c.tq * c.dh, c.q.size, "q");
  within(c.offK, c.tk * c.dh, c.k.size, "k");
  within(c.offV, c.tk * c.dv, c.v.size, "v");
  if (hasMask && c.tq > 0 && c.tk > 0) {
    // Each term is below 2^62 (sizes and strides are below 2^31), so the sum fits in int64.
    within(c.offM, (c.tq - 1) * c.msq + (c.tk - 1) * c.msk + 1, maskSize, "mask");
  }
  c.hseed = fmix32(static_cast<uint32_t>(seed));
  c.threshold = dropout_threshold(c.dropoutP);
  c.keepScale = static_cast<float>(1.0 / (1.0 - c.dropoutP));
  return c;
}

/** Rows [i0, i1) of batch matrix t: S holds scale·q·kᵀ for them; adds the mask and causality, then softmax. */
CM_SIMD void probabilities(const Ctx& c, int64_t t, int64_t i0, int64_t i1, float* S) {
  for (int64_t i = i0; i < i1; i++) {
    float* s = S + (i - i0) * c.tk;
    if (c.maskF || c.maskI) {
      const int64_t base = c.offM.data[t] + i * c.msq;
      if (c.maskF) {
        const float* m = c.maskF + base;
        if (c.msk == 1) {
          for (int64_t j = 0; j < c.tk; j++) s[j] += m[j];
        } else {
          for (int64_t j = 0; j < c.tk; j++) s[j] += m[j * c.msk];
        }
      } else {
        const int32_t* m = c.maskI + base;
        for (int64_t j = 0; j < c.tk; j++) s[j] = m[j * c.msk] != 0 ? s[j] : kNegInf;
      }
    }
    if (c.causal) {
      for (int64_t j = std::max<int64_t>(0, i + c.tk - c.tq + 1); j < c.tk; j++) s[j] = kNegInf;
    }
    softmax_row(s, s, c.tk, false);
  }
}

/**
 * P̃ = dropout(P) for rows [i0, i1) of batch matrix t (flat counter (t·Tq + i)·Tk + j). `select`: 0
 * where dropped (the oracle's forward); else P·(keep ? scale : 0) (the Dropout op the backward
 * replays, which keeps a dropped NaN NaN). The hash vectorises (AVX2 has 32-bit multiplies).
 */
CM_SIMD void dropout_rows(const Ctx& c, int64_t t, int64_t i0, int64_t i1, const float* P, float* out, bool select) {
  const uint32_t hseed = c.hseed, threshold = c.threshold;
  const float ks = c.keepScale;
  const int64_t tk = c.tk;
  for (int64_t i = i0; i < i1; i++) {
    const uint32_t base = static_cast<uint32_t>((t * c.tq + i) * tk);
    const float* p = P + (i - i0) * tk;
    float* o = out + (i - i0) * tk;
    if (select) {
      for (int64_t j = 0; j < tk; j++) o[j] = vm::sel(dropout_keeps(hseed, base + static_cast<uint32_t>(j), threshold), p[j] * ks, 0.0f);
    } else {
      for (int64_t j = 0; j < tk; j++) o[j] = p[j] * (dropout_keeps(hseed, base + static_cast<uint32_t>(j), threshold) ? ks : 0.0f);
    }
  }
}

/** Runs blocks 0..n-1: on the pool with OpenBLAS single-threaded when there are enough, else in turn. */
template <typename Fn>
void run_blocks(int64_t n, const Fn& fn) {
  if (n >= 2 * threads() && threads() > 1) {
    openblas_set_num_threads(1);
    parallel_for(n, 1, [&](int64_t lo, int64_t hi) { fn(lo, hi); });
    openblas_set_num_threads(threads());
  } else {
    fn(0, n);
  }
}

// attention(q, k, v, mask|null, out, probs|null, offsQ, offsK, offsV, offsM, tq, tk, dh, dv, maskStrideQ, maskStrideK,
//           scale, causal, dropoutP, seed)
Napi::Value Attention(const Napi::CallbackInfo& info) {
  const char* op = "Attention";
  expect_args(info, 20, op);
  Ctx c = read_ctx(info, op, 3, 6);
  auto out = f32(info, 4, op, "out");
  auto probs = optional_f32(info, 5, op, "probs");
  expect_size(info.Env(), out, {c.batch, c.tq, c.dv}, op, "out");
  if (probs.data) expect_size(info.Env(), probs, {c.batch, c.tq, c.tk}, op, "probs");
  // Whole heads per block when there are plenty of them, else row blocks so a head splits across threads.
  const int64_t perHead = c.batch >= 4 * threads() ? 1 : std::max<int64_t>(1, (c.tq + kRowBlock - 1) / kRowBlock);
  const int64_t rowsPer = perHead == 1 ? c.tq : (c.tq + perHead - 1) / perHead;
  const bool dropout = c.dropoutP > 0;
  run_blocks(c.batch * perHead, [&](int64_t lo, int64_t hi) {
    std::vector<float> scratch(static_cast<size_t>(rowsPer * c.tk * (dropout && probs.data ? 2 : 1)));
    for (int64_t b = lo; b < hi; b++) {
      const int64_t t = b / perHead, i0 = (b % perHead) * rowsPer, i1 = std::min(c.tq, i0 + rowsPer);
      if (i0 >= i1) continue;
      // P lives in the probabilities output when it is wanted (no copy), else in scratch.
      float* S = probs.data ? probs.data + (t * c.tq + i0) * c.tk : scratch.data();
      gemm(false, true, i1 - i0, c.tk, c.dh, c.scale, c.q.data + c.offQ.data[t] + i0 * c.dh, c.dh, c.k.data + c.offK.data[t], c.dh, S, c.tk);
      probabilities(c, t, i0, i1, S);
      float* P = S;
      if (dropout) {
        P = probs.data ? scratch.data() + rowsPer * c.tk : S;
        dropout_rows(c, t, i0, i1, S, P, true);
      }
      gemm(false, false, i1 - i0, c.dv, c.tk, 1.0f, P, c.tk, c.v.data + c.offV.data[t], c.dv, out.data + (t * c.tq + i0) * c.dv, c.dv);
    }
  });
  return info.Env().Undefined();
}

/** dS = P·(dP − Σ dP·P) per row, written to dS (may alias dP). */
CM_SIMD void softmax_backward(const float* P, const float* dP, float* dS, int64_t rows, int64_t n) {
  for (int64_t i = 0; i < rows; i++) {
    const float* p = P + i * n;
    const float* g = dP + i * n;
    float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t j = 0;
    for (; j + 8 <= n; j += 8) {
      for (int l = 0; l < 8; l++) lane[l] += g[j + l] * p[j + l];
    }
    float dot = 0;
    for (; j < n; j++) dot += g[j] * p[j];
    for (float l : lane) dot += l;
    float* d = dS + i * n;
    for (j = 0; j < n; j++) d[j] = p[j] * (g[j] - dot);
  }
}

// attentionGrad(q, k, v, dOut, mask|null, dq|null, dk|null, dv|null, dmask|null, offsQ, offsK, offsV, offsM, tq, tk, dh, dv,
//               maskStrideQ, maskStrideK, scale, causal, dropoutP, seed)
Napi::Value AttentionGrad(const Napi::CallbackInfo& info) {
  const char* op = "AttentionGrad";
  expect_args(info, 23, op);
  Ctx c = read_ctx(info, op, 4, 9);
  auto dO = f32(info, 3, op, "dOut");
  auto dq = optional_f32(info, 5, op, "dq");
  auto dk = optional_f32(info, 6, op, "dk");
  auto dvOut = optional_f32(info, 7, op, "dv");
  auto dmask = optional_f32(info, 8, op, "dmask");
  const Napi::Env env = info.Env();
  expect_size(env, dO, {c.batch, c.tq, c.dv}, op, "dOut");
  if (dq.data) expect_size(env, dq, {c.batch, c.tq, c.dh}, op, "dq");
  if (dk.data) expect_size(env, dk, {c.batch, c.tk, c.dh}, op, "dk");
  if (dvOut.data) expect_size(env, dvOut, {c.batch, c.tk, c.dv}, op, "dv");
  if (dmask.data) expect_size(env, dmask, {c.batch, c.tq, c.tk}, op, "dmask");
  const bool dropout = c.dropoutP > 0;
  const bool needDs = dq.data || dk.data || dmask.data;
  const int64_t nn = c.tq * c.tk;
  run_blocks(c.batch, [&](int64_t lo, int64_t hi) {
    std::vector<float> scratch(static_cast<size_t>(nn * (2 + (dropout && dvOut.data ? 1 : 0))));
    float* P = scratch.data();
    float* dP = P + nn;
    for (int64_t t = lo; t < hi; t++) {
      const float* q = c.q.data + c.offQ.data[t];
      const float* k = c.k.data + c.offK.data[t];
      const float* v = c.v.data + c.offV.data[t];
      const float* g = dO.data + t * c.tq * c.dv;
      gemm(false, true, c.tq, c.tk, c.dh, c.scale, q, c.dh, k, c.dh, P, c.tk);
      probabilities(c, t, 0, c.tq, P);
      if (dvOut.data) {
        // dV = P̃ᵀ·dO with P̃ the dropped-out P.
        const float* Pd = P;
        if (dropout) {
          dropout_rows(c, t, 0, c.tq, P, dP + nn, false);
          Pd = dP + nn;
        }
        gemm(true, false, c.tk, c.dv, c.tq, 1.0f, Pd, c.tk, g, c.dv, dvOut.data + t * c.tk * c.dv, c.dv);
      }
      if (!needDs) continue;
      gemm(false, true, c.tq, c.tk, c.dv, 1.0f, g, c.dv, v, c.dv, dP, c.tk);  // dP̃ = dO·Vᵀ
      if (dropout) dropout_rows(c, t, 0, c.tq, dP, dP, false);              // dP = dropout(dP̃), same mask
      float* dS = dmask.data ? dmask.data + t * nn : dP;
      softmax_backward(P, dP, dS, c.tq, c.tk);
      if (dq.data) gemm(false, false, c.tq, c.dh, c.tk, c.scale, dS, c.tk, k, c.dh, dq.data + t * c.tq * c.dh, c.dh);
      if (dk.data) gemm(true, false, c.tk, c.dh, c.tq, c.scale, dS, c.tk, q, c.dh, dk.data + t * c.tk * c.dh, c.dh);
    }
  });
  return info.Env().Undefined();
}

}  // namespace

void register_attention(Napi::Env env, Napi::Object exports) {
  exports.Set("attention", Napi::Function::New(env, Attention, "attention"));
  exports.Set("attentionGrad", Napi::Function::New(env, AttentionGrad, "attentionGrad"));
}

}  // namespace cm
