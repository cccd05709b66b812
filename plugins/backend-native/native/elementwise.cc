// Elementwise binary ops and Where, with NumPy broadcasting. TypeScript passes the output shape and,
// per input, its element stride on every output axis (0 where broadcast). Here the axes are coalesced
// (size-1 axes dropped, neighbours merged where every input walks them contiguously), so same-shape,
// scalar and row-broadcast (bias) operands all become one contiguous inner loop per row, with inner
// strides 1 (walks) or 0 (repeats one value). The unary family lives in elementwise_unary.cc.
#include <algorithm>
#include <cmath>
#include <vector>

#include "common.h"
#include "vmath.h"

namespace cm {

void register_elementwise_unary(Napi::Env env, Napi::Object exports);

namespace {

// Elements per thread chunk: below this the pool's wake-up cost (5–20 µs) outweighs a second core
// on a memory-bound loop.
constexpr int64_t kGrain = 1 << 15;
constexpr int kMaxInputs = 3;

/** The coalesced iteration space: outer axes (outermost first) and one inner axis, per-input strides. */
struct Walk {
  int n = 0;                                   // inputs
  int64_t size = 0;                            // output elements
  int64_t inner = 1;                           // length of the inner axis
  int64_t inner_st[kMaxInputs] = {0, 0, 0};    // inputs' strides along it
  std::vector<int64_t> dims;                   // outer axis sizes, outermost first
  std::vector<int64_t> st[kMaxInputs];         // inputs' strides along them
};

/**
 * Checks the shape (Int32Array at argument shapeArg), the n stride arrays after it and each input's
 * size, then coalesces. Every offset the walk can reach is checked to lie inside its input.
 */
Walk make_walk(const Napi::CallbackInfo& info, const char* op, size_t shapeArg, int n, const int64_t* inSize, int64_t outSize) {
  static const char* kStrideNames[] = {"strides of input 0", "strides of input 1", "strides of input 2"};
  auto shape = i32(info, shapeArg, op, "shape");
  int64_t nd = shape.size, total = 1;
  for (int64_t d = 0; d < nd; d++) {
    if (shape.data[d] < 0) fail(info.Env(), op, "shape has negative dimension " + std::to_string(shape.data[d]));
    total *= shape.data[d];
    if (total > (int64_t(1) << 31)) fail(info.Env(), op, "shape exceeds 2^31 elements");
  }
  if (total != outSize) fail(info.Env(), op, "out has " + std::to_string(outSize) + " elements, the shape " + std::to_string(total));
  std::vector<View<int32_t>> strides;
  for (int k = 0; k < n; k++) {
    auto s = i32(info, shapeArg + 1 + k, op, kStrideNames[k]);
    if (s.size != nd) fail(info.Env(), op, std::string(kStrideNames[k]) + " has " + std::to_string(s.size) + " entries, the shape " + std::to_string(nd));
    int64_t reach = 0;
    for (int64_t d = 0; d < nd; d++) {
      if (s.data[d] < 0) fail(info.Env(), op, std::string(kStrideNames[k]) + " has a negative stride");
      if (total > 0) reach += int64_t(shape.data[d] - 1) * s.data[d];
      if (reach >= (int64_t(1) << 40)) break;  // already out of range; avoids overflow
    }
    if (total > 0 && reach >= inSize[k]) {
      fail(info.Env(), op, "input " + std::to_string(k) + " has " + std::to_string(inSize[k]) + " elements, too few for its strides over the output shape");
    }
    strides.push_back(s);
  }
  Walk w;
  w.n = n;
  w.size = total;
  // Coalesce, innermost first.
  std::vector<int64_t> cd;
  std::vector<int64_t> cs[kMaxInputs];
  for (int64_t d = nd - 1; d >= 0; d--) {
    int64_t len = shape.data[d];
    if (len == 1) continue;
    bool merge = !cd.empty();
    for (int k = 0; k < n && merge; k++) merge = strides[k].data[d] == cs[k].back() * cd.back();
    if (merge) {
      cd.back() *= len;
    } else {
      cd.push_back(len);
      for (int k = 0; k < n; k++) cs[k].push_back(strides[k].data[d]);
    }
  }
  if (!cd.empty()) {
    w.inner = cd[0];
    for (int k = 0; k < n; k++) w.inner_st[k] = cs[k][0];
    for (size_t j = cd.size() - 1; j >= 1; j--) {
      w.dims.push_back(cd[j]);
      for (int k = 0; k < n; k++) w.st[k].push_back(cs[k][j]);
    }
  }
  return w;
}

/** Calls row(outOffset, inOffsets) for every inner row, rows split across the pool. */
template <class Row>
void run_walk(const Walk& w, int64_t grain, const Row& row) {
  if (w.size == 0) return;
  int64_t rows = w.size / w.inner;
  int64_t rowGrain = std::max<int64_t>(1, grain / w.inner);
  int64_t nd = static_cast<int64_t>(w.dims.size());
  parallel_for(rows, rowGrain, [&](int64_t lo, int64_t hi) {
    std::vector<int64_t> coord(nd, 0);
    int64_t off[kMaxInputs] = {0, 0, 0};
    int64_t r = lo;
    for (int64_t d = nd - 1; d >= 0; d--) {
      coord[d] = r % w.dims[d];
      r /= w.dims[d];
      for (int k = 0; k < w.n; k++) off[k] += coord[d] * w.st[k][d];
    }
    for (int64_t t = lo; t < hi; t++) {
      row(t * w.inner, off);
      for (int64_t d = nd - 1; d >= 0; d--) {
        for (int k = 0; k < w.n; k++) off[k] += w.st[k][d];
        if (++coord[d] < w.dims[d]) break;
        for (int k = 0; k < w.n; k++) off[k] -= w.st[k][d] * w.dims[d];
        coord[d] = 0;
      }
    }
  });
}

// ---- binary ----------------------------------------------------------------------------------

enum BinaryOp { kAdd, kSub, kMul, kDiv, kPow, kMaximum, kMinimum, kEqual, kGreater, kLess, kBinaryOps };
const char* const kBinaryNames[] = {"Add", "Sub", "Mul", "Div", "Pow", "Maximum", "Minimum", "Equal", "Greater", "Less"};

inline int32_t wrap(uint32_t v) { return static_cast<int32_t>(v); }

// Float ops follow the oracle: Maximum/Minimum propagate NaN; Pow is JavaScript's Math.pow, which
// (unlike C's powf) gives NaN for 1^NaN and (±1)^±inf. Int ops wrap modulo 2^32 like Int32Array.
struct FAdd { float operator()(float a, float b) const { return a + b; } };
struct FSub { float operator()(float a, float b) const { return a - b; } };
struct FMul { float operator()(float a, float b) const { return a * b; } };
struct FDiv { float operator()(float a, float b) const { return a / b; } };
struct FPow {
  float operator()(float a, float b) const {
    if (b != b || (std::isinf(b) && std::fabs(a) == 1.0f)) return NAN;
    return std::pow(a, b);
  }
};
// Math.max/min order the zeros (max(−0, +0) = +0, min = −0): where a == b, AND/OR of the bits picks it.
struct FMax {
  float operator()(float a, float b) const {
    float m = vm::sel(a == b, vm::as_float(vm::as_int(a) & vm::as_int(b)), a > b ? a : b);
    return vm::sel(a != a, a, vm::sel(b != b, b, m));
  }
};
struct FMin {
  float operator()(float a, float b) const {
    float m = vm::sel(a == b, vm::as_float(vm::as_int(a) | vm::as_int(b)), a < b ? a : b);
    return vm::sel(a != a, a, vm::sel(b != b, b, m));
  }
};
struct IAdd { int32_t operator()(int32_t a, int32_t b) const { return wrap(uint32_t(a) + uint32_t(b)); } };
struct ISub { int32_t operator()(int32_t a, int32_t b) const { return wrap(uint32_t(a) - uint32_t(b)); } };
struct IMul { int32_t operator()(int32_t a, int32_t b) const { return wrap(uint32_t(a) * uint32_t(b)); } };
struct IMax { int32_t operator()(int32_t a, int32_t b) const { return a > b ? a : b; } };
struct IMin { int32_t operator()(int32_t a, int32_t b) const { return a < b ? a : b; } };
template <class T> struct CEq { int32_t operator()(T a, T b) const { return a == b; } };
template <class T> struct CGt { int32_t operator()(T a, T b) const { return a > b; } };
template <class T> struct CLt { int32_t operator()(T a, T b) const { return a < b; } };

template <class T, class O, class F>
CM_SIMD void binary_row(O* __restrict o, const T* __restrict a, const T* __restrict b, int64_t n, int64_t sa, int64_t sb, F f) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const T y = b[0];
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i], y);
  } else if (sa == 0 && sb == 1) {
    const T x = a[0];
    for (int64_t i = 0; i < n; i++) o[i] = f(x, b[i]);
  } else {
    for (int64_t i = 0; i < n; i++) o[i] = f(a[i * sa], b[i * sb]);
  }
}

template <class T, class O, class F>
void binary_run(const Walk& w, O* o, const T* a, const T* b, int64_t grain, F f) {
  run_walk(w, grain, [&](int64_t oo, const int64_t* off) { binary_row(o + oo, a + off[0], b + off[1], w.inner, w.inner_st[0], w.inner_st[1], f); });
}

bool is_type(const Napi::CallbackInfo& info, size_t i, napi_typedarray_type t) {
  return i < info.Length() && info[i].IsTypedArray() && info[i].As<Napi::TypedArray>().TypedArrayType() == t;
}

// binary(op, a, b, out, shape, stridesA, stridesB): a, b both Float32Array or both Int32Array; out
// Int32Array for the comparisons and int inputs, else Float32Array.
Napi::Value Binary(const Napi::CallbackInfo& info) {
  expect_args(info, 7, "binary");
  int64_t code = integer(info, 0, "binary", "op");
  if (code < 0 || code >= kBinaryOps) fail(info.Env(), "binary", "unknown op code " + std::to_string(code));
  const char* op = kBinaryNames[code];
  const bool compare = code >= kEqual;
  if (is_type(info, 1, napi_int32_array)) {
    if (code == kDiv || code == kPow) fail(info.Env(), op, "int32 inputs are not supported (float32 only)");
    auto a = i32(info, 1, op, "a");
    auto b = i32(info, 2, op, "b");
    auto o = i32(info, 3, op, "out");
    const int64_t sizes[] = {a.size, b.size};
    Walk w = make_walk(info, op, 4, 2, sizes, o.size);
    switch (code) {
      case kAdd: binary_run(w, o.data, a.data, b.data, kGrain, IAdd{}); break;
      case kSub: binary_run(w, o.data, a.data, b.data, kGrain, ISub{}); break;
      case kMul: binary_run(w, o.data, a.data, b.data, kGrain, IMul{}); break;
      case kMaximum: binary_run(w, o.data, a.data, b.data, kGrain, IMax{}); break;
      case kMinimum: binary_run(w, o.data, a.data, b.data, kGrain, IMin{}); break;
      case kEqual: binary_run(w, o.data, a.data, b.data, kGrain, CEq<int32_t>{}); break;
      case kGreater: binary_run(w, o.data, a.data, b.data, kGrain, CGt<int32_t>{}); break;
      default: binary_run(w, o.data, a.data, b.data, kGrain, CLt<int32_t>{}); break;
    }
    return info.Env().Undefined();
  }
  auto a = f32(info, 1, op, "a");
  auto b = f32(info, 2, op, "b");
  const int64_t sizes[] = {a.size, b.size};
  if (compare) {
    auto o = i32(info, 3, op, "out");
    Walk w = make_walk(info, op, 4, 2, sizes, o.size);
    if (code == kEqual) binary_run(w, o.data, a.data, b.data, kGrain, CEq<float>{});
    else if (code == kGreater) binary_run(w, o.data, a.data, b.data, kGrain, CGt<float>{});
    else binary_run(w, o.data, a.data, b.data, kGrain, CLt<float>{});
    return info.Env().Undefined();
  }
  auto o = f32(info, 3, op, "out");
  Walk w = make_walk(info, op, 4, 2, sizes, o.size);
  switch (code) {
    case kAdd: binary_run(w, o.data, a.data, b.data, kGrain, FAdd{}); break;
    case kSub: binary_run(w, o.data, a.data, b.data, kGrain, FSub{}); break;
    case kMul: binary_run(w, o.data, a.data, b.data, kGrain, FMul{}); break;
    case kDiv: binary_run(w, o.data, a.data, b.data, kGrain, FDiv{}); break;
    case kPow: binary_run(w, o.data, a.data, b.data, kGrain / 8, FPow{}); break;
    case kMaximum: binary_run(w, o.data, a.data, b.data, kGrain, FMax{}); break;
    default: binary_run(w, o.data, a.data, b.data, kGrain, FMin{}); break;
  }
  return info.Env().Undefined();
}

// ---- where -----------------------------------------------------------------------------------

template <class C>
CM_SIMD void where_row(uint32_t* __restrict o, const C* __restrict c, const uint32_t* __restrict a, const uint32_t* __restrict b, int64_t n,
                       int64_t sc, int64_t sa, int64_t sb) {
  if (sc == 1 && sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; i++) o[i] = c[i] != C(0) ? a[i] : b[i];
  } else {
    for (int64_t i = 0; i < n; i++) o[i] = c[i * sc] != C(0) ? a[i * sa] : b[i * sb];
  }
}

// where(cond, a, b, out, shape, stridesCond, stridesA, stridesB): cond float32 or int32 (non-zero
// selects a; a float NaN counts as non-zero, as in the oracle); a, b, out one dtype, copied as words.
Napi::Value Where(const Napi::CallbackInfo& info) {
  const char* op = "Where";
  expect_args(info, 8, op);
  const bool condF = is_type(info, 0, napi_float32_array);
  auto c = words(info, 0, op, "cond");
  auto a = words(info, 1, op, "a");
  auto b = words(info, 2, op, "b");
  auto o = words(info, 3, op, "out");
  auto type = [&](size_t i) { return info[i].As<Napi::TypedArray>().TypedArrayType(); };
  if (type(1) != type(2) || type(1) != type(3)) fail(info.Env(), op, "a, b and out must share one dtype");
  const int64_t sizes[] = {c.size, a.size, b.size};
  Walk w = make_walk(info, op, 4, 3, sizes, o.size);
  run_walk(w, kGrain, [&](int64_t oo, const int64_t* off) {
    if (condF) {
      where_row(o.data + oo, reinterpret_cast<const float*>(c.data) + off[0], a.data + off[1], b.data + off[2], w.inner, w.inner_st[0], w.inner_st[1], w.inner_st[2]);
    } else {
      where_row(o.data + oo, reinterpret_cast<const int32_t*>(c.data) + off[0], a.data + off[1], b.data + off[2], w.inner, w.inner_st[0], w.inner_st[1], w.inner_st[2]);
    }
  });
  return info.Env().Undefined();
}

}  // namespace

void register_elementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("binary", Napi::Function::New(env, Binary, "binary"));
  exports.Set("where", Napi::Function::New(env, Where, "where"));
  register_elementwise_unary(env, exports);
}

}  // namespace cm
