// LayerNorm over the last axis (out, mean, rstd) and its backward (dx, dweight, dbias on request).
// Rows run in parallel; dweight/dbias are column sums over every row, so each fixed chunk of rows
// writes its own partial sums (in double) and the partials are added in chunk order afterwards:
// the result depends on the row count alone, not on the thread count or the schedule.
#include <cmath>
#include <vector>

#include "common.h"

namespace cm {
namespace {

// Rows per parallel chunk aim at this many elements.
constexpr int64_t kGrainElems = 16384;

/** Argument i as a Float32Array, or {nullptr, 0} when it is null or undefined (an optional tensor). */
View<float> optional_f32(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what) {
  if (i < info.Length() && (info[i].IsNull() || info[i].IsUndefined())) return View<float>{nullptr, 0};
  return f32(info, i, op, what);
}

/**
 * Σ (x − x0) over a row in eight float lanes (vectorised). Shifting by the first element keeps rows
 * far from zero exact enough (x − x0 is exact when x is near x0); μ = x0 + Σ/d is formed in double.
 */
CM_SIMD float row_shifted_sum(const float* x, int64_t n, float x0) {
  float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    for (int l = 0; l < 8; l++) lane[l] += x[j + l] - x0;
  }
  float s = 0;
  for (; j < n; j++) s += x[j] - x0;
  for (float l : lane) s += l;
  return s;
}

/**
 * Σ (x − μ)² over a row: the two-pass variance. μ = hi + lo (two floats): x − hi is exact when x is
 * near μ, so the centred values keep double-like accuracy in float arithmetic.
 */
CM_SIMD float row_sq_dev(const float* x, int64_t n, float hi, float lo) {
  float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    for (int l = 0; l < 8; l++) {
      float c = (x[j + l] - hi) - lo;
      lane[l] += c * c;
    }
  }
  float s = 0;
  for (; j < n; j++) {
    float c = (x[j] - hi) - lo;
    s += c * c;
  }
  for (float l : lane) s += l;
  return s;
}

CM_SIMD void normalize_row(const float* x, float* y, int64_t d, float hi, float lo, float rs, const float* w, const float* b) {
  if (w && b) {
    for (int64_t j = 0; j < d; j++) y[j] = ((x[j] - hi) - lo) * rs * w[j] + b[j];
  } else if (w) {
    for (int64_t j = 0; j < d; j++) y[j] = ((x[j] - hi) - lo) * rs * w[j];
  } else if (b) {
    for (int64_t j = 0; j < d; j++) y[j] = ((x[j] - hi) - lo) * rs + b[j];
  } else {
    for (int64_t j = 0; j < d; j++) y[j] = ((x[j] - hi) - lo) * rs;
  }
}

// layerNorm(x, weight|null, bias|null, out, mean, rstd, rows, d, eps)
Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  const char* op = "LayerNorm";
  expect_args(info, 9, op);
  auto x = f32(info, 0, op, "x");
  auto w = optional_f32(info, 1, op, "weight");
  auto b = optional_f32(info, 2, op, "bias");
  auto out = f32(info, 3, op, "out");
  auto mean = f32(info, 4, op, "mean");
  auto rstd = f32(info, 5, op, "rstd");
  int64_t rows = integer(info, 6, op, "rows"), d = integer(info, 7, op, "d");
  double eps = number(info, 8, op, "eps");
  if (rows < 0 || d < 0) fail(info.Env(), op, "negative size [" + std::to_string(rows) + ", " + std::to_string(d) + "]");
  expect_size(info.Env(), x, {rows, d}, op, "x");
  expect_size(info.Env(), out, {rows, d}, op, "out");
  expect_size(info.Env(), mean, rows, op, "mean");
  expect_size(info.Env(), rstd, rows, op, "rstd");
  if (w.data) expect_size(info.Env(), w, d, op, "weight");
  if (b.data) expect_size(info.Env(), b, d, op, "bias");
  if (d == 0) {
    // An empty row has mean 0 and rstd 0, as the oracle gives.
    for (int64_t r = 0; r < rows; r++) mean.data[r] = rstd.data[r] = 0;
    return info.Env().Undefined();
  }
  const double invD = 1.0 / static_cast<double>(d);
  parallel_for(rows, std::max<int64_t>(1, kGrainElems / d), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; r++) {
      const float* xr = x.data + r * d;
      const double mu = xr[0] + static_cast<double>(row_shifted_sum(xr, d, xr[0])) * invD;
      const float hi = static_cast<float>(mu), lo = static_cast<float>(mu - hi);
      const float var = row_sq_dev(xr, d, hi, lo);
      // Float sqrt and division (both correctly rounded): double ones dominated a row of 64.
      const float rs = 1.0f / std::sqrt(static_cast<float>(static_cast<double>(var) * invD + eps));
      normalize_row(xr, out.data + r * d, d, hi, lo, rs, w.data, b.data);
      mean.data[r] = hi;
      rstd.data[r] = rs;
    }
  });
  return info.Env().Undefined();
}

// Rows whose column sums accumulate in float before they are flushed into the double partials.
constexpr int64_t kFlushRows = 32;

/** acc[j] += part[j] (in double), part[j] = 0. */
CM_SIMD void flush(double* acc, float* part, int64_t d) {
  for (int64_t j = 0; j < d; j++) acc[j] += static_cast<double>(part[j]), part[j] = 0;
}

/**
 * Rows [lo, hi) of the backward: dx per row (when wanted) and this chunk's partial Σ dy·x̂ and Σ dy
 * per column (when wanted): float over up to kFlushRows rows, then added into double.
 * `scratch` holds 4·d floats (x̂, dy·w and the two float column sums), zeroed.
 */
CM_SIMD void grad_rows(const float* dy, const float* x, const float* mean, const float* rstd, const float* w, float* dx, double* pw, double* pb,
                       int64_t lo, int64_t hi, int64_t d, float* scratch) {
  const float invD = 1.0f / static_cast<float>(d);
  float* xh = scratch;
  float* g = scratch + d;
  float* fw = scratch + 2 * d;
  float* fb = scratch + 3 * d;
  for (int64_t r = lo; r < hi; r++) {
    if ((r - lo) % kFlushRows == 0 && r > lo) {
      if (pw) flush(pw, fw, d);
      if (pb) flush(pb, fb, d);
    }
    const float* dyr = dy + r * d;
    const float* xr = x + r * d;
    const float mu = mean[r], rs = rstd[r];
    for (int64_t j = 0; j < d; j++) xh[j] = (xr[j] - mu) * rs;
    if (pw) {
      for (int64_t j = 0; j < d; j++) fw[j] += dyr[j] * xh[j];
    }
    if (pb) {
      for (int64_t j = 0; j < d; j++) fb[j] += dyr[j];
    }
    if (!dx) continue;
    const float* gr = dyr;
    if (w) {
      for (int64_t j = 0; j < d; j++) g[j] = dyr[j] * w[j];
      gr = g;
    }
    float l1[8] = {0, 0, 0, 0, 0, 0, 0, 0}, l2[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t j = 0;
    for (; j + 8 <= d; j += 8) {
      for (int l = 0; l < 8; l++) {
        l1[l] += gr[j + l];
        l2[l] += gr[j + l] * xh[j + l];
      }
    }
    float s1 = 0, s2 = 0;
    for (; j < d; j++) s1 += gr[j], s2 += gr[j] * xh[j];
    for (int l = 0; l < 8; l++) s1 += l1[l], s2 += l2[l];
    const float mg = s1 * invD, mgx = s2 * invD;
    float* dxr = dx + r * d;
    for (j = 0; j < d; j++) dxr[j] = rs * (gr[j] - mg - xh[j] * mgx);
  }
  if (pw) flush(pw, fw, d);
  if (pb) flush(pb, fb, d);
}

// layerNormGrad(dy, x, mean, rstd, weight|null, dx|null, dweight|null, dbias|null, rows, d)
Napi::Value LayerNormGrad(const Napi::CallbackInfo& info) {
  const char* op = "LayerNormGrad";
  expect_args(info, 10, op);
  auto dy = f32(info, 0, op, "dy");
  auto x = f32(info, 1, op, "x");
  auto mean = f32(info, 2, op, "mean");
  auto rstd = f32(info, 3, op, "rstd");
  auto w = optional_f32(info, 4, op, "weight");
  auto dx = optional_f32(info, 5, op, "dx");
  auto dw = optional_f32(info, 6, op, "dweight");
  auto db = optional_f32(info, 7, op, "dbias");
  int64_t rows = integer(info, 8, op, "rows"), d = integer(info, 9, op, "d");
  if (rows < 0 || d < 0) fail(info.Env(), op, "negative size [" + std::to_string(rows) + ", " + std::to_string(d) + "]");
  expect_size(info.Env(), dy, {rows, d}, op, "dy");
  expect_size(info.Env(), x, {rows, d}, op, "x");
  expect_size(info.Env(), mean, rows, op, "mean");
  expect_size(info.Env(), rstd, rows, op, "rstd");
  if (w.data) expect_size(info.Env(), w, d, op, "weight");
  if (dx.data) expect_size(info.Env(), dx, {rows, d}, op, "dx");
  if (dw.data) expect_size(info.Env(), dw, d, op, "dweight");
  if (db.data) expect_size(info.Env(), db, d, op, "dbias");
  if (d == 0) return info.Env().Undefined();
  // Chunks depend on rows alone (≤ 64 of them, ≥ 16 rows each), so the partials and their sum do too.
  const int64_t chunk = std::max<int64_t>(16, (rows + 63) / 64);
  const int64_t chunks = (rows + chunk - 1) / chunk;
  const bool cols = dw.data || db.data;
  std::vector<double> pw(dw.data ? static_cast<size_t>(chunks * d) : 0), pb(db.data ? static_cast<size_t>(chunks * d) : 0);
  auto body = [&](int64_t c, int64_t lo, int64_t hi) {
    std::vector<float> scratch(static_cast<size_t>(4 * d));
    grad_rows(dy.data, x.data, mean.data, rstd.data, w.data, dx.data, dw.data ? pw.data() + c * d : nullptr, db.data ? pb.data() + c * d : nullptr,
              lo, hi, d, scratch.data());
  };
  if (cols) {
    fixed_chunks(rows, chunk, body);
  } else {
    // dx alone has no cross-row sum: any split is deterministic.
    parallel_for(rows, std::max<int64_t>(1, kGrainElems / d), [&](int64_t lo, int64_t hi) { body(0, lo, hi); });
  }
  for (auto [part, dst] : {std::pair<const std::vector<double>*, float*>{&pw, dw.data}, {&pb, db.data}}) {
    if (!dst) continue;
    for (int64_t j = 0; j < d; j++) {
      double s = 0;
      for (int64_t c = 0; c < chunks; c++) s += (*part)[c * d + j];
      dst[j] = static_cast<float>(s);
    }
  }
  return info.Env().Undefined();
}

}  // namespace

void register_layernorm(Napi::Env env, Napi::Object exports) {
  exports.Set("layerNorm", Napi::Function::New(env, LayerNorm, "layerNorm"));
  exports.Set("layerNormGrad", Napi::Function::New(env, LayerNormGrad, "layerNormGrad"));
}

}  // namespace cm
