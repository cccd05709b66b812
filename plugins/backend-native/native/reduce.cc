// Reductions (Sum, Max, Min, ArgMax, ArgMin) over any axes of a float32 or int32 tensor.
//
// The shape is simplified first (size-1 axes dropped, neighbouring axes of the same kind merged),
// which turns most reductions into one of two walks: "rows" (the last merged axis is reduced: each
// output reduces contiguous runs) or "columns" (the last merged axis is kept: each output block is
// a vector of accumulators updated by contiguous runs, e.g. a bias gradient [B*N, D] → [D]). Any
// other axis pattern becomes lists of kept and reduced offsets around one of those walks.
//
// Semantics follow the CPU oracle: float sums accumulate in double (rounded once to float), int32
// sums wrap modulo 2^32, max/min propagate NaN, argmax/argmin return the first extreme and treat
// NaN as the extreme. Parallel splits of one reduction use fixed_chunks, so results depend only on
// the shape, never on the thread count.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "common.h"

namespace cm {

namespace {

typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));

enum Kind { kSum = 0, kMax = 1, kMin = 2 };

// ---- accumulator types: A is what a reduction carries, fin() what it stores -------------------

struct SumF {
  using T = float;
  using A = double;
  static A init() { return 0.0; }
  static A comb(A a, T v) { return a + static_cast<double>(v); }
  static A merge(A a, A b) { return a + b; }
  static T fin(A a) { return static_cast<float>(a); }
};
template <bool IsMax>
struct ExtF {
  using T = float;
  using A = float;
  static A init() { return IsMax ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity(); }
  // NaN is sticky: once a is NaN, neither test can replace it.
  static A comb(A a, T v) { return ((IsMax ? v > a : v < a) || v != v) ? v : a; }
  static A merge(A a, A b) { return comb(a, b); }
  static T fin(A a) { return a; }
};
struct SumI {
  using T = int32_t;
  using A = uint32_t;  // unsigned: wraps modulo 2^32 without undefined behaviour
  static A init() { return 0; }
  static A comb(A a, T v) { return a + static_cast<uint32_t>(v); }
  static A merge(A a, A b) { return a + b; }
  static T fin(A a) { return static_cast<int32_t>(a); }
};
template <bool IsMax>
struct ExtI {
  using T = int32_t;
  using A = int32_t;
  static A init() { return IsMax ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int32_t>::max(); }
  static A comb(A a, T v) { return IsMax ? std::max(a, v) : std::min(a, v); }
  static A merge(A a, A b) { return comb(a, b); }
  static T fin(A a) { return a; }
};

// ---- contiguous runs ---------------------------------------------------------------------------

// Sum of a float run in double: 8 lanes (two 4-wide double vectors), combined pairwise.
CM_SIMD double run_sum_f(const float* p, int64_t n) {
  v4d a = {0, 0, 0, 0}, b = {0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    v4f lo, hi;
    std::memcpy(&lo, p + i, 16);
    std::memcpy(&hi, p + i + 4, 16);
    a += __builtin_convertvector(lo, v4d);
    b += __builtin_convertvector(hi, v4d);
  }
  a += b;
  double s = (a[0] + a[1]) + (a[2] + a[3]);
  for (; i < n; i++) s += p[i];
  return s;
}

template <bool IsMax>
CM_SIMD float run_ext_f(const float* p, int64_t n) {
  using E = ExtF<IsMax>;
  const float init = E::init();
  v8f m = {init, init, init, init, init, init, init, init};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    v8f v;
    std::memcpy(&v, p + i, 32);
    v8i take = (IsMax ? v > m : v < m) | (v != v);
    m = take ? v : m;
  }
  float r = init;
  for (int l = 0; l < 8; l++) r = E::comb(r, m[l]);
  for (; i < n; i++) r = E::comb(r, p[i]);
  return r;
}

template <class Op>
CM_SIMD typename Op::A run_generic(const typename Op::T* p, int64_t n) {
  typename Op::A a = Op::init();
  for (int64_t i = 0; i < n; i++) a = Op::comb(a, p[i]);
  return a;
}

template <class Op>
typename Op::A run(const typename Op::T* p, int64_t n) {
  if constexpr (std::is_same_v<Op, SumF>) return run_sum_f(p, n);
  else if constexpr (std::is_same_v<Op, ExtF<true>>) return run_ext_f<true>(p, n);
  else if constexpr (std::is_same_v<Op, ExtF<false>>) return run_ext_f<false>(p, n);
  else return run_generic<Op>(p, n);
}

// acc[j] = comb(acc[j], p[j]) for j < n: one row of a column reduction (vectorises: no carried dependency).
template <class Op>
CM_SIMD void accumulate(typename Op::A* __restrict acc, const typename Op::T* __restrict p, int64_t n) {
  for (int64_t j = 0; j < n; j++) acc[j] = Op::comb(acc[j], p[j]);
}

// ---- the plan ----------------------------------------------------------------------------------

/** The simplified reduction: outputs = |kept| × (lastReduced ? 1 : len); each reduces |red| runs. */
struct Plan {
  std::vector<int64_t> kept;  // offsets of the kept positions (excluding the last axis when it is kept)
  std::vector<int64_t> red;   // offsets of the reduced positions (excluding the last axis when it is reduced)
  int64_t len = 1;            // length of the last merged axis (contiguous)
  bool lastReduced = true;
};

// Offsets of every coordinate over `axes` of (dims, strides), row-major.
std::vector<int64_t> enumerate(const std::vector<int64_t>& dims, const std::vector<int64_t>& strides, const std::vector<int>& axes) {
  int64_t n = 1;
  for (int a : axes) n *= dims[a];
  std::vector<int64_t> out(n);
  std::vector<int64_t> coord(axes.size(), 0);
  int64_t off = 0;
  for (int64_t k = 0; k < n; k++) {
    out[k] = off;
    for (int i = static_cast<int>(axes.size()) - 1; i >= 0; i--) {
      int a = axes[i];
      off += strides[a];
      if (++coord[i] < dims[a]) break;
      off -= strides[a] * dims[a];
      coord[i] = 0;
    }
  }
  return out;
}

Plan make_plan(const std::vector<int64_t>& shape, const std::vector<bool>& reduced) {
  // Drop size-1 axes, merge neighbours of the same kind (row-major, so they are contiguous together).
  std::vector<int64_t> dims;
  std::vector<bool> kind;
  for (size_t a = 0; a < shape.size(); a++) {
    if (shape[a] == 1) continue;
    if (!dims.empty() && kind.back() == reduced[a]) dims.back() *= shape[a];
    else dims.push_back(shape[a]), kind.push_back(reduced[a]);
  }
  Plan p;
  if (dims.empty()) {  // a single element (or rank 0): a run of length 1
    p.kept = {0};
    p.red = {0};
    return p;
  }
  std::vector<int64_t> strides(dims.size());
  int64_t s = 1;
  for (int a = static_cast<int>(dims.size()) - 1; a >= 0; a--) strides[a] = s, s *= dims[a];
  const int last = static_cast<int>(dims.size()) - 1;
  p.len = dims[last];
  p.lastReduced = kind[last];
  std::vector<int> keptAxes, redAxes;
  for (int a = 0; a < last; a++) (kind[a] ? redAxes : keptAxes).push_back(a);
  p.kept = enumerate(dims, strides, keptAxes);
  p.red = enumerate(dims, strides, redAxes);
  return p;
}

// Below this many input elements per task, a pool region costs more than it saves.
constexpr int64_t kGrain = 1 << 15;
// Columns per task of a column reduction (its double accumulators stay in L1).
constexpr int64_t kCols = 1024;

// Rows: out[o] = reduce over r of run(x + kept[o] + red[r], len).
template <class Op>
void reduce_rows(const Plan& p, const typename Op::T* x, typename Op::T* out) {
  const int64_t outs = static_cast<int64_t>(p.kept.size()), nred = static_cast<int64_t>(p.red.size());
  const int64_t work = nred * p.len;
  auto one = [&](int64_t o, int64_t r0, int64_t r1) {
    typename Op::A a = Op::init();
    for (int64_t r = r0; r < r1; r++) a = Op::merge(a, run<Op>(x + p.kept[o] + p.red[r], p.len));
    return a;
  };
  if (outs >= 8 || work < 4 * kGrain) {
    parallel_for(outs, std::max<int64_t>(1, kGrain / std::max<int64_t>(work, 1)), [&](int64_t lo, int64_t hi) {
      for (int64_t o = lo; o < hi; o++) out[o] = Op::fin(one(o, 0, nred));
    });
    return;
  }
  // Few long reductions: split each into fixed pieces (runs, or pieces of the one run), merged in order.
  for (int64_t o = 0; o < outs; o++) {
    if (nred > 1) {
      const int64_t chunk = std::max<int64_t>(1, kGrain / p.len);
      std::vector<typename Op::A> part((nred + chunk - 1) / chunk, Op::init());
      fixed_chunks(nred, chunk, [&](int64_t c, int64_t r0, int64_t r1) { part[c] = one(o, r0, r1); });
      typename Op::A a = Op::init();
      for (auto v : part) a = Op::merge(a, v);
      out[o] = Op::fin(a);
    } else {
      const typename Op::T* base = x + p.kept[o] + p.red[0];
      std::vector<typename Op::A> part((p.len + kGrain - 1) / kGrain, Op::init());
      fixed_chunks(p.len, kGrain, [&](int64_t c, int64_t i0, int64_t i1) { part[c] = run<Op>(base + i0, i1 - i0); });
      typename Op::A a = Op::init();
      for (auto v : part) a = Op::merge(a, v);
      out[o] = Op::fin(a);
    }
  }
}

// Columns: out[b*len + j] = reduce over r of x[kept[b] + red[r] + j].
template <class Op>
void reduce_cols(const Plan& p, const typename Op::T* x, typename Op::T* out) {
  using A = typename Op::A;
  const int64_t blocks = static_cast<int64_t>(p.kept.size()), nred = static_cast<int64_t>(p.red.size()), len = p.len;
  const int64_t colChunks = (len + kCols - 1) / kCols, tasks = blocks * colChunks;
  // Accumulates rows [r0, r1) of columns [j0, j1) of block b into acc (j1 - j0 entries).
  auto sweep = [&](int64_t b, int64_t j0, int64_t j1, int64_t r0, int64_t r1, A* acc) {
    for (int64_t r = r0; r < r1; r++) accumulate<Op>(acc, x + p.kept[b] + p.red[r] + j0, j1 - j0);
  };
  if (tasks >= 8 || nred * std::min(len, kCols) < 4 * kGrain) {
    const int64_t perTask = nred * std::min(len, kCols);
    parallel_for(tasks, std::max<int64_t>(1, kGrain / std::max<int64_t>(perTask, 1)), [&](int64_t lo, int64_t hi) {
      std::vector<A> acc(std::min(len, kCols));
      for (int64_t t = lo; t < hi; t++) {
        const int64_t b = t / colChunks, j0 = (t % colChunks) * kCols, j1 = std::min(len, j0 + kCols);
        std::fill(acc.begin(), acc.begin() + (j1 - j0), Op::init());
        sweep(b, j0, j1, 0, nred, acc.data());
        for (int64_t j = j0; j < j1; j++) out[b * len + j] = Op::fin(acc[j - j0]);
      }
    });
    return;
  }
  // Few, narrow output blocks over many rows (a bias gradient): split the rows into fixed chunks with
  // one partial accumulator set each, merged in chunk order.
  const int64_t width = blocks * len;
  const int64_t chunk = std::max<int64_t>(1, kGrain / width);
  const int64_t nchunks = (nred + chunk - 1) / chunk;
  std::vector<A> part(nchunks * width, Op::init());
  fixed_chunks(nred, chunk, [&](int64_t c, int64_t r0, int64_t r1) {
    for (int64_t b = 0; b < blocks; b++) sweep(b, 0, len, r0, r1, part.data() + c * width + b * len);
  });
  for (int64_t c = 1; c < nchunks; c++) {
    for (int64_t k = 0; k < width; k++) part[k] = Op::merge(part[k], part[c * width + k]);
  }
  for (int64_t k = 0; k < width; k++) out[k] = Op::fin(part[k]);
}

template <class Op>
void reduce_with(const Plan& p, const typename Op::T* x, typename Op::T* out) {
  if (p.lastReduced) reduce_rows<Op>(p, x, out);
  else reduce_cols<Op>(p, x, out);
}

bool is_int(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::TypedArray>().TypedArrayType() == napi_int32_array; }

// Reads shape (Int32Array of dims ≥ 0) and checks that it holds `size` elements.
std::vector<int64_t> read_shape(const Napi::CallbackInfo& info, size_t i, int64_t size, const char* op) {
  auto s = i32(info, i, op, "shape");
  std::vector<int64_t> shape(s.data, s.data + s.size);
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) fail(info.Env(), op, "shape has a negative dimension " + std::to_string(d));
    if (__builtin_mul_overflow(n, d, &n)) fail(info.Env(), op, "shape's element count overflows int64");
  }
  if (n != size) fail(info.Env(), op, "shape holds " + std::to_string(n) + " elements but x has " + std::to_string(size));
  return shape;
}

// reduce(x, out, shape, axes, kind): kind 0 = sum, 1 = max, 2 = min; axes sorted, distinct.
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  static const char* names[] = {"Sum", "Max", "Min"};
  int64_t kind = info.Length() >= 5 && info[4].IsNumber() ? info[4].As<Napi::Number>().Int64Value() : -1;
  const char* op = kind >= 0 && kind <= 2 ? names[kind] : "reduce";
  expect_args(info, 5, op);
  if (kind < 0 || kind > 2) fail(info.Env(), op, "kind must be 0 (sum), 1 (max) or 2 (min)");
  auto x = words(info, 0, op, "x");
  auto out = words(info, 1, op, "out");
  if (is_int(info, 0) != is_int(info, 1)) fail(info.Env(), op, "x and out differ in dtype");
  auto shape = read_shape(info, 2, x.size, op);
  auto axes = i32(info, 3, op, "axes");
  std::vector<bool> reduced(shape.size(), false);
  int64_t outSize = 1, redSize = 1;
  for (int64_t k = 0; k < axes.size; k++) {
    int32_t a = axes.data[k];
    if (a < 0 || a >= static_cast<int32_t>(shape.size()) || (k > 0 && a <= axes.data[k - 1])) {
      fail(info.Env(), op, "axes must be sorted, distinct and in [0, " + std::to_string(shape.size()) + "), got " + std::to_string(a) + " at " + std::to_string(k));
    }
    reduced[a] = true;
  }
  for (size_t a = 0; a < shape.size(); a++) {
    // A zero-size axis makes x's count 0 while the other axes' product could still overflow.
    if (__builtin_mul_overflow(reduced[a] ? redSize : outSize, shape[a], reduced[a] ? &redSize : &outSize)) {
      fail(info.Env(), op, "shape's kept or reduced element count overflows int64");
    }
  }
  expect_size(info.Env(), out, outSize, op, "out");
  if (outSize == 0) return info.Env().Undefined();
  const bool isInt = is_int(info, 0);
  if (redSize == 0) {  // empty reduction: the identity (max/min reject empty axes before here)
    if (isInt || kind == kSum) std::memset(out.data, 0, outSize * 4);
    else std::fill(reinterpret_cast<float*>(out.data), reinterpret_cast<float*>(out.data) + outSize, kind == kMax ? -INFINITY : INFINITY);
    return info.Env().Undefined();
  }
  Plan p = make_plan(shape, reduced);
  if (isInt) {
    auto* xi = reinterpret_cast<const int32_t*>(x.data);
    auto* oi = reinterpret_cast<int32_t*>(out.data);
    if (kind == kSum) reduce_with<SumI>(p, xi, oi);
    else if (kind == kMax) reduce_with<ExtI<true>>(p, xi, oi);
    else reduce_with<ExtI<false>>(p, xi, oi);
  } else {
    auto* xf = reinterpret_cast<const float*>(x.data);
    auto* of = reinterpret_cast<float*>(out.data);
    if (kind == kSum) reduce_with<SumF>(p, xf, of);
    else if (kind == kMax) reduce_with<ExtF<true>>(p, xf, of);
    else reduce_with<ExtF<false>>(p, xf, of);
  }
  return info.Env().Undefined();
}

// ---- argmax / argmin -----------------------------------------------------------------------------

// v beats best: strictly more extreme, or the first NaN (which then stays).
template <bool IsMax, typename T>
inline bool better(T v, T best) {
  if constexpr (std::is_floating_point_v<T>) return (IsMax ? v > best : v < best) || (v != v && best == best);
  else return IsMax ? v > best : v < best;
}

// x viewed as [outer, n, inner]; out[p*inner + i] = first index along n of the extreme.
template <bool IsMax, typename T>
void arg_reduce(const T* x, int32_t* out, int64_t outer, int64_t n, int64_t inner) {
  const int64_t rows = outer * inner;
  parallel_for(rows, std::max<int64_t>(1, kGrain / n), [&](int64_t lo, int64_t hi) {
    for (int64_t q = lo; q < hi; q++) {
      const int64_t p = q / inner, i = q % inner;
      const T* base = x + p * n * inner + i;
      T best = base[0];
      int32_t at = 0;
      for (int64_t j = 1; j < n; j++) {
        T v = base[j * inner];
        if (better<IsMax>(v, best)) best = v, at = static_cast<int32_t>(j);
      }
      out[q] = at;
    }
  });
}

// argReduce(x, out, outer, n, inner, isMax)
Napi::Value ArgReduce(const Napi::CallbackInfo& info) {
  const bool isMax = info.Length() >= 6 && info[5].IsBoolean() && info[5].As<Napi::Boolean>().Value();
  const char* op = isMax ? "ArgMax" : "ArgMin";
  expect_args(info, 6, op);
  auto x = words(info, 0, op, "x");
  auto out = i32(info, 1, op, "out");
  int64_t outer = integer(info, 2, op, "outer"), n = integer(info, 3, op, "n"), inner = integer(info, 4, op, "inner");
  boolean(info, 5, op, "isMax");
  if (outer < 0 || n < 1 || inner < 0) fail(info.Env(), op, "needs outer >= 0, n >= 1, inner >= 0, got " + std::to_string(outer) + ", " + std::to_string(n) + ", " + std::to_string(inner));
  expect_size(info.Env(), x, {outer, n, inner}, op, "x");
  expect_size(info.Env(), out, {outer, inner}, op, "out");
  if (is_int(info, 0)) {
    auto* xi = reinterpret_cast<const int32_t*>(x.data);
    isMax ? arg_reduce<true>(xi, out.data, outer, n, inner) : arg_reduce<false>(xi, out.data, outer, n, inner);
  } else {
    auto* xf = reinterpret_cast<const float*>(x.data);
    isMax ? arg_reduce<true>(xf, out.data, outer, n, inner) : arg_reduce<false>(xf, out.data, outer, n, inner);
  }
  return info.Env().Undefined();
}

}  // namespace

void register_reduce(Napi::Env env, Napi::Object exports) {
  exports.Set("reduce", Napi::Function::New(env, Reduce, "reduce"));
  exports.Set("argReduce", Napi::Function::New(env, ArgReduce, "argReduce"));
}

}  // namespace cm
