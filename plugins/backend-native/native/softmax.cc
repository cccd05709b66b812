// Softmax, LogSoftmax and SoftmaxGrad along one axis, the tensor viewed as [outer, len, inner].
// Contiguous rows (inner == 1, the last axis) run one row at a time; another axis runs a block of
// inner columns at a time so every loop still walks contiguous memory and vectorises across columns.
// Semantics follow the CPU oracle: a row of only −∞ gives zeros (softmax) or stays −∞ (log-softmax),
// NaN anywhere in a row makes the whole row NaN, +∞ gives NaN (∞ − ∞).
#include <cmath>
#include <limits>
#include <vector>

#include "common.h"
#include "nn_math.h"

namespace cm {
namespace {

// Rows (or columns) per parallel chunk aim at this many elements, so tiny ops stay on one thread.
constexpr int64_t kGrainElems = 16384;
// Columns per block of the strided path (a block's per-column state stays in L1).
constexpr int64_t kColBlock = 256;

/** Columns [c0, c1) of one [len, inner] slab: the same computation, vectorised across columns. */
CM_SIMD void softmax_cols(const float* x, float* y, int64_t len, int64_t inner, int64_t c0, int64_t c1, bool log, float* m, float* s) {
  const int64_t w = c1 - c0;
  for (int64_t c = 0; c < w; c++) m[c] = kNegInf, s[c] = 0;
  for (int64_t l = 0; l < len; l++) {
    const float* xr = x + l * inner + c0;
    for (int64_t c = 0; c < w; c++) m[c] = xr[c] > m[c] ? xr[c] : m[c];
  }
  for (int64_t l = 0; l < len; l++) {
    const float* xr = x + l * inner + c0;
    float* yr = y + l * inner + c0;
    for (int64_t c = 0; c < w; c++) {
      float e = vm::exp(xr[c] - m[c]);
      if (!log) yr[c] = e;
      s[c] += e;
    }
  }
  for (int64_t c = 0; c < w; c++) s[c] = log ? std::log(s[c]) : 1.0f / s[c];
  for (int64_t l = 0; l < len; l++) {
    const float* xr = x + l * inner + c0;
    float* yr = y + l * inner + c0;
    if (log) {
      for (int64_t c = 0; c < w; c++) yr[c] = (xr[c] - m[c]) - s[c];
    } else {
      for (int64_t c = 0; c < w; c++) yr[c] *= s[c];
    }
  }
  for (int64_t c = 0; c < w; c++) {
    if (m[c] == kNegInf) degenerate_row(x + c0 + c, y + c0 + c, len, inner, log);
  }
}

/** dx = y·(dy − Σ dy·y) along one contiguous row. */
CM_SIMD void softmax_grad_row(const float* y, const float* dy, float* dx, int64_t n) {
  float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    for (int l = 0; l < 8; l++) lane[l] += dy[j + l] * y[j + l];
  }
  float dot = 0;
  for (; j < n; j++) dot += dy[j] * y[j];
  for (float l : lane) dot += l;
  for (j = 0; j < n; j++) dx[j] = y[j] * (dy[j] - dot);
}

CM_SIMD void softmax_grad_cols(const float* y, const float* dy, float* dx, int64_t len, int64_t inner, int64_t c0, int64_t c1, float* dot) {
  const int64_t w = c1 - c0;
  for (int64_t c = 0; c < w; c++) dot[c] = 0;
  for (int64_t l = 0; l < len; l++) {
    const int64_t o = l * inner + c0;
    for (int64_t c = 0; c < w; c++) dot[c] += dy[o + c] * y[o + c];
  }
  for (int64_t l = 0; l < len; l++) {
    const int64_t o = l * inner + c0;
    for (int64_t c = 0; c < w; c++) dx[o + c] = y[o + c] * (dy[o + c] - dot[c]);
  }
}

struct Dims {
  int64_t outer, len, inner;
};

Dims dims(const Napi::CallbackInfo& info, size_t at, const char* op) {
  Dims d{integer(info, at, op, "outer"), integer(info, at + 1, op, "len"), integer(info, at + 2, op, "inner")};
  if (d.outer < 0 || d.len < 0 || d.inner < 0) {
    fail(info.Env(), op, "negative size [" + std::to_string(d.outer) + ", " + std::to_string(d.len) + ", " + std::to_string(d.inner) + "]");
  }
  return d;
}

/** Runs row(r) for every contiguous row, or cols(slab, c0, c1, scratch) over column blocks. */
template <typename Row, typename Cols>
void over_rows(const Dims& d, int scratchPerCol, Row row, Cols cols) {
  if (d.len == 0 || d.outer == 0 || d.inner == 0) return;
  if (d.inner == 1) {
    parallel_for(d.outer, std::max<int64_t>(1, kGrainElems / d.len), [&](int64_t lo, int64_t hi) {
      for (int64_t r = lo; r < hi; r++) row(r);
    });
    return;
  }
  const int64_t blocks = (d.inner + kColBlock - 1) / kColBlock;
  const int64_t perTask = std::min(d.inner, kColBlock) * d.len;
  parallel_for(d.outer * blocks, std::max<int64_t>(1, kGrainElems / perTask), [&](int64_t lo, int64_t hi) {
    std::vector<float> scratch(static_cast<size_t>(scratchPerCol * kColBlock));
    for (int64_t t = lo; t < hi; t++) {
      const int64_t o = t / blocks, c0 = (t % blocks) * kColBlock;
      cols(o * d.len * d.inner, c0, std::min(d.inner, c0 + kColBlock), scratch.data());
    }
  });
}

// softmax(x, out, outer, len, inner, log)
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  const bool log = info.Length() == 6 && info[5].IsBoolean() && info[5].As<Napi::Boolean>().Value();
  const char* op = log ? "LogSoftmax" : "Softmax";
  expect_args(info, 6, op);
  auto x = f32(info, 0, op, "x");
  auto out = f32(info, 1, op, "out");
  Dims d = dims(info, 2, op);
  boolean(info, 5, op, "log");
  const int64_t n = product(info.Env(), {d.outer, d.len, d.inner}, op, "x");
  expect_size(info.Env(), x, n, op, "x");
  expect_size(info.Env(), out, n, op, "out");
  over_rows(
      d, 2, [&](int64_t r) { softmax_row(x.data + r * d.len, out.data + r * d.len, d.len, log); },
      [&](int64_t base, int64_t c0, int64_t c1, float* s) {
        softmax_cols(x.data + base, out.data + base, d.len, d.inner, c0, c1, log, s, s + kColBlock);
      });
  return info.Env().Undefined();
}

// softmaxGrad(y, dy, dx, outer, len, inner)
Napi::Value SoftmaxGrad(const Napi::CallbackInfo& info) {
  const char* op = "SoftmaxGrad";
  expect_args(info, 6, op);
  auto y = f32(info, 0, op, "y");
  auto dy = f32(info, 1, op, "dy");
  auto dx = f32(info, 2, op, "dx");
  Dims d = dims(info, 3, op);
  const int64_t n = product(info.Env(), {d.outer, d.len, d.inner}, op, "y");
  expect_size(info.Env(), y, n, op, "y");
  expect_size(info.Env(), dy, n, op, "dy");
  expect_size(info.Env(), dx, n, op, "dx");
  over_rows(
      d, 1, [&](int64_t r) { softmax_grad_row(y.data + r * d.len, dy.data + r * d.len, dx.data + r * d.len, d.len); },
      [&](int64_t base, int64_t c0, int64_t c1, float* s) {
        softmax_grad_cols(y.data + base, dy.data + base, dx.data + base, d.len, d.inner, c0, c1, s);
      });
  return info.Env().Undefined();
}

}  // namespace

void register_softmax(Napi::Env env, Napi::Object exports) {
  exports.Set("softmax", Napi::Function::New(env, Softmax, "softmax"));
  exports.Set("softmaxGrad", Napi::Function::New(env, SoftmaxGrad, "softmaxGrad"));
}

}  // namespace cm
