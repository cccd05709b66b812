// Indexing ops (Gather, ScatterAdd, OneHot) along one axis, with x viewed as [outer, n, inner] and
// the m = indices.length selected slices as [outer, m, inner].
//
// Gather and ScatterAdd check every index before they write anything and return the position of
// the first one outside [0, n) (or -1), so the TypeScript kernel throws the oracle's RangeError
// naming the op, the value and the range. ScatterAdd is deterministic and matches the oracle's
// double accumulation: indices are bucketed by target row (a stable counting sort), then each
// output row sums base + its sources in ascending index order in double and rounds once. Rows are
// independent, so they run in parallel without atomics.
#include <algorithm>
#include <cstring>
#include <vector>

#include "common.h"

namespace cm {

namespace {

constexpr int64_t kGrain = 1 << 15;
// Columns per pass of a ScatterAdd row (its double accumulators stay in L1).
constexpr int64_t kCols = 1024;

// Position of the first index outside [0, n), or -1.
int64_t first_bad(const View<int32_t>& idx, int64_t n) {
  for (int64_t j = 0; j < idx.size; j++) {
    if (idx.data[j] < 0 || idx.data[j] >= n) return j;
  }
  return -1;
}

void check_dims(const Napi::CallbackInfo& info, const char* op, int64_t outer, int64_t n, int64_t inner) {
  if (outer < 0 || n < 0 || inner < 0) {
    fail(info.Env(), op, "outer, n and inner must be >= 0, got " + std::to_string(outer) + ", " + std::to_string(n) + ", " + std::to_string(inner));
  }
}

bool same_dtype(const Napi::CallbackInfo& info, size_t a, size_t b) {
  return info[a].As<Napi::TypedArray>().TypedArrayType() == info[b].As<Napi::TypedArray>().TypedArrayType();
}

// gather(x, indices, out, outer, n, inner) → -1, or the position of the first out-of-range index.
Napi::Value Gather(const Napi::CallbackInfo& info) {
  const char* op = "Gather";
  expect_args(info, 6, op);
  auto x = words(info, 0, op, "x");
  auto idx = i32(info, 1, op, "indices");
  auto out = words(info, 2, op, "out");
  if (!same_dtype(info, 0, 2)) fail(info.Env(), op, "x and out differ in dtype");
  int64_t outer = integer(info, 3, op, "outer"), n = integer(info, 4, op, "n"), inner = integer(info, 5, op, "inner");
  check_dims(info, op, outer, n, inner);
  const int64_t m = idx.size;
  expect_size(info.Env(), x, {outer, n, inner}, op, "x");
  expect_size(info.Env(), out, {outer, m, inner}, op, "out");
  int64_t bad = first_bad(idx, n);
  if (bad >= 0) return Napi::Number::New(info.Env(), static_cast<double>(bad));
  const uint32_t* src = x.data;
  uint32_t* dst = out.data;
  parallel_for(outer * m, std::max<int64_t>(1, kGrain / std::max<int64_t>(inner, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t q = lo; q < hi; q++) {
      const int64_t p = q / m, j = q % m;
      std::memcpy(dst + q * inner, src + (p * n + idx.data[j]) * inner, inner * 4);
    }
  });
  return Napi::Number::New(info.Env(), -1);
}

// Stable bucketing of index positions by target: rows[start[r] .. start[r+1]) are the j with idx[j] == r, ascending.
void bucket(const View<int32_t>& idx, int64_t n, std::vector<int64_t>& start, std::vector<int64_t>& rows) {
  start.assign(n + 1, 0);
  for (int64_t j = 0; j < idx.size; j++) start[idx.data[j] + 1]++;
  for (int64_t r = 0; r < n; r++) start[r + 1] += start[r];
  rows.resize(idx.size);
  std::vector<int64_t> at(start.begin(), start.end() - 1);
  for (int64_t j = 0; j < idx.size; j++) rows[at[idx.data[j]]++] = j;
}

CM_SIMD void add_to(double* __restrict acc, const float* __restrict s, int64_t n) {
  for (int64_t i = 0; i < n; i++) acc[i] += static_cast<double>(s[i]);
}
CM_SIMD void add_to(uint32_t* __restrict acc, const int32_t* __restrict s, int64_t n) {
  for (int64_t i = 0; i < n; i++) acc[i] += static_cast<uint32_t>(s[i]);
}

// One accumulator type per dtype: float sums in double (rounded once), int32 sums wrap modulo 2^32.
template <typename T>
using Acc = std::conditional_t<std::is_same_v<T, float>, double, uint32_t>;

template <typename T>
void scatter_add(const T* base, const T* src, T* out, int64_t outer, int64_t n, int64_t inner, int64_t m,
                 const std::vector<int64_t>& start, const std::vector<int64_t>& rows) {
  const int64_t work = inner * (1 + m / std::max<int64_t>(n, 1));
  parallel_for(outer * n, std::max<int64_t>(1, kGrain / std::max<int64_t>(work, 1)), [&](int64_t lo, int64_t hi) {
    std::vector<Acc<T>> acc(std::min(inner, kCols));
    for (int64_t q = lo; q < hi; q++) {
      const int64_t p = q / n, r = q % n;
      const T* b = base + q * inner;
      T* o = out + q * inner;
      if (start[r] == start[r + 1]) {
        std::memcpy(o, b, inner * sizeof(T));
        continue;
      }
      for (int64_t c0 = 0; c0 < inner; c0 += kCols) {
        const int64_t w = std::min(inner - c0, kCols);
        for (int64_t i = 0; i < w; i++) acc[i] = static_cast<Acc<T>>(b[c0 + i]);
        for (int64_t k = start[r]; k < start[r + 1]; k++) add_to(acc.data(), src + (p * m + rows[k]) * inner + c0, w);
        for (int64_t i = 0; i < w; i++) o[c0 + i] = static_cast<T>(acc[i]);
      }
    }
  });
}

// scatterAdd(base, indices, src, out, outer, n, inner) → -1, or the position of the first out-of-range index.
Napi::Value ScatterAdd(const Napi::CallbackInfo& info) {
  const char* op = "ScatterAdd";
  expect_args(info, 7, op);
  auto base = words(info, 0, op, "base");
  auto idx = i32(info, 1, op, "indices");
  auto src = words(info, 2, op, "src");
  auto out = words(info, 3, op, "out");
  if (!same_dtype(info, 0, 2) || !same_dtype(info, 0, 3)) fail(info.Env(), op, "base, src and out differ in dtype");
  int64_t outer = integer(info, 4, op, "outer"), n = integer(info, 5, op, "n"), inner = integer(info, 6, op, "inner");
  check_dims(info, op, outer, n, inner);
  const int64_t m = idx.size;
  expect_size(info.Env(), base, {outer, n, inner}, op, "base");
  expect_size(info.Env(), out, {outer, n, inner}, op, "out");
  expect_size(info.Env(), src, {outer, m, inner}, op, "src");
  int64_t bad = first_bad(idx, n);
  if (bad >= 0) return Napi::Number::New(info.Env(), static_cast<double>(bad));
  std::vector<int64_t> start, rows;
  bucket(idx, n, start, rows);
  if (info[0].As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
    scatter_add(reinterpret_cast<const int32_t*>(base.data), reinterpret_cast<const int32_t*>(src.data), reinterpret_cast<int32_t*>(out.data),
                outer, n, inner, m, start, rows);
  } else {
    scatter_add(reinterpret_cast<const float*>(base.data), reinterpret_cast<const float*>(src.data), reinterpret_cast<float*>(out.data),
                outer, n, inner, m, start, rows);
  }
  return Napi::Number::New(info.Env(), -1);
}

// oneHot(indices, out, depth): out[j*depth + k] = (indices[j] == k); out-of-range indices give zero rows.
Napi::Value OneHot(const Napi::CallbackInfo& info) {
  const char* op = "OneHot";
  expect_args(info, 3, op);
  auto idx = i32(info, 0, op, "indices");
  auto out = f32(info, 1, op, "out");
  int64_t depth = integer(info, 2, op, "depth");
  if (depth < 0) fail(info.Env(), op, "depth must be >= 0, got " + std::to_string(depth));
  expect_size(info.Env(), out, {idx.size, depth}, op, "out");
  parallel_for(idx.size, std::max<int64_t>(1, kGrain / std::max<int64_t>(depth, 1)), [&](int64_t lo, int64_t hi) {
    std::fill(out.data + lo * depth, out.data + hi * depth, 0.0f);
    for (int64_t j = lo; j < hi; j++) {
      const int32_t v = idx.data[j];
      if (v >= 0 && v < depth) out.data[j * depth + v] = 1.0f;
    }
  });
  return info.Env().Undefined();
}

}  // namespace

void register_indexing(Napi::Env env, Napi::Object exports) {
  exports.Set("gather", Napi::Function::New(env, Gather, "gather"));
  exports.Set("scatterAdd", Napi::Function::New(env, ScatterAdd, "scatterAdd"));
  exports.Set("oneHot", Napi::Function::New(env, OneHot, "oneHot"));
}

}  // namespace cm
