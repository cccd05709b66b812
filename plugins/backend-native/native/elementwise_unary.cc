// Elementwise unary ops (float32 and, where the op allows, int32), GELU and its backward, Cast and
// Dropout. All contiguous: inputs and outputs have one size. Transcendentals use vmath.h's
// vectorisable polynomials (≈1–2 ulp), so each loop compiles to AVX2 code on CPUs that have it.
#include <cmath>

#include "common.h"
#include "counter_hash.h"
#include "vmath.h"

namespace cm {

namespace {

// Elements per thread chunk for cheap (memory-bound) and polynomial (compute-bound) loops.
constexpr int64_t kCheap = 1 << 15;
constexpr int64_t kCostly = 1 << 12;

enum UnaryOp { kNeg, kExp, kLog, kSqrt, kRsqrt, kAbs, kSign, kTanh, kSigmoid, kRelu, kErf, kClone, kGeluErf, kGeluTanh, kUnaryOps };
const char* const kUnaryNames[] = {"Neg", "Exp", "Log", "Sqrt", "Rsqrt", "Abs", "Sign", "Tanh", "Sigmoid", "Relu", "Erf", "Clone", "Gelu", "Gelu"};

constexpr float kInvSqrt2 = 0.70710678118654752f;
constexpr float kSqrt2OverPi = 0.79788456080286536f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;
constexpr float kGeluC = 0.044715f;

// Float ops as the oracle defines them (and PyTorch): Sign(±0) = ±0, Sign(NaN) = NaN, Relu(NaN) = NaN.
struct FNeg { float operator()(float x) const { return -x; } };
struct FExp { float operator()(float x) const { return vm::exp(x); } };
struct FLog { float operator()(float x) const { return vm::log(x); } };
struct FSqrt { float operator()(float x) const { return std::sqrt(x); } };
struct FRsqrt { float operator()(float x) const { return 1.0f / std::sqrt(x); } };
struct FAbs { float operator()(float x) const { return vm::fabs_(x); } };
struct FSign { float operator()(float x) const { return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x; } };
struct FTanh { float operator()(float x) const { return vm::tanh(x); } };
struct FSigmoid { float operator()(float x) const { return vm::sigmoid(x); } };
struct FRelu { float operator()(float x) const { return (x > 0.0f || x != x) ? x : 0.0f; } };
struct FErf { float operator()(float x) const { return vm::erf(x); } };
struct FCopy { float operator()(float x) const { return x; } };
struct FGeluErf { float operator()(float x) const { return 0.5f * x * (1.0f + vm::erf(x * kInvSqrt2)); } };
struct FGeluTanh {
  float operator()(float x) const { return 0.5f * x * (1.0f + vm::tanh(kSqrt2OverPi * (x + kGeluC * x * x * x))); }
};
// Int ops wrap like Int32Array stores: −(−2^31) and |−2^31| are −2^31.
struct INeg { int32_t operator()(int32_t x) const { return static_cast<int32_t>(0u - static_cast<uint32_t>(x)); } };
struct IAbs { int32_t operator()(int32_t x) const { return x < 0 ? static_cast<int32_t>(0u - static_cast<uint32_t>(x)) : x; } };
struct ISign { int32_t operator()(int32_t x) const { return (x > 0) - (x < 0); } };
struct ICopy { int32_t operator()(int32_t x) const { return x; } };

template <class T, class O, class F>
CM_SIMD void map_chunk(O* __restrict o, const T* __restrict x, int64_t n, F f) {
  for (int64_t i = 0; i < n; i++) o[i] = f(x[i]);
}

template <class T, class O, class F>
void map(O* o, const T* x, int64_t n, int64_t grain, F f) {
  parallel_for(n, grain, [&](int64_t lo, int64_t hi) { map_chunk(o + lo, x + lo, hi - lo, f); });
}

bool is_int(const Napi::CallbackInfo& info, size_t i) {
  return i < info.Length() && info[i].IsTypedArray() && info[i].As<Napi::TypedArray>().TypedArrayType() == napi_int32_array;
}

// unary(op, x, out): x and out of one dtype and size; int32 only for Neg, Abs, Sign, Clone.
Napi::Value Unary(const Napi::CallbackInfo& info) {
  expect_args(info, 3, "unary");
  int64_t code = integer(info, 0, "unary", "op");
  if (code < 0 || code >= kUnaryOps) fail(info.Env(), "unary", "unknown op code " + std::to_string(code));
  const char* op = kUnaryNames[code];
  if (is_int(info, 1)) {
    auto x = i32(info, 1, op, "x");
    auto o = i32(info, 2, op, "out");
    expect_size(info.Env(), o, x.size, op, "out");
    switch (code) {
      case kNeg: map(o.data, x.data, x.size, kCheap, INeg{}); break;
      case kAbs: map(o.data, x.data, x.size, kCheap, IAbs{}); break;
      case kSign: map(o.data, x.data, x.size, kCheap, ISign{}); break;
      case kClone: map(o.data, x.data, x.size, kCheap, ICopy{}); break;
      default: fail(info.Env(), op, "int32 input is not supported (float32 only)");
    }
    return info.Env().Undefined();
  }
  auto x = f32(info, 1, op, "x");
  auto o = f32(info, 2, op, "out");
  expect_size(info.Env(), o, x.size, op, "out");
  float* od = o.data;
  const float* xd = x.data;
  const int64_t n = x.size;
  switch (code) {
    case kNeg: map(od, xd, n, kCheap, FNeg{}); break;
    case kExp: map(od, xd, n, kCostly, FExp{}); break;
    case kLog: map(od, xd, n, kCostly, FLog{}); break;
    case kSqrt: map(od, xd, n, kCheap, FSqrt{}); break;
    case kRsqrt: map(od, xd, n, kCheap, FRsqrt{}); break;
    case kAbs: map(od, xd, n, kCheap, FAbs{}); break;
    case kSign: map(od, xd, n, kCheap, FSign{}); break;
    case kTanh: map(od, xd, n, kCostly, FTanh{}); break;
    case kSigmoid: map(od, xd, n, kCostly, FSigmoid{}); break;
    case kRelu: map(od, xd, n, kCheap, FRelu{}); break;
    case kErf: map(od, xd, n, kCostly, FErf{}); break;
    case kClone: map(od, xd, n, kCheap, FCopy{}); break;
    case kGeluErf: map(od, xd, n, kCostly, FGeluErf{}); break;
    default: map(od, xd, n, kCostly, FGeluTanh{}); break;
  }
  return info.Env().Undefined();
}

// dx = dy·GELU′(x): Φ(x) + x·φ(x) for the erf form; for the tanh form, with u = √(2/π)(x + 0.044715x³)
// and t = tanh u, ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²).
template <bool Tanh>
CM_SIMD void gelu_grad_chunk(float* __restrict o, const float* __restrict x, const float* __restrict dy, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    const float v = x[i];
    float d;
    if (Tanh) {
      const float v2 = v * v;
      const float t = vm::tanh(kSqrt2OverPi * (v + kGeluC * v2 * v));
      const float du = kSqrt2OverPi * (1.0f + 3.0f * kGeluC * v2);
      d = 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * du;
    } else {
      const float cdf = 0.5f * (1.0f + vm::erf(v * kInvSqrt2));
      const float pdf = vm::exp(-0.5f * v * v) * kInvSqrt2Pi;
      d = cdf + v * pdf;
    }
    o[i] = dy[i] * d;
  }
}

// geluGrad(x, dy, out, tanh)
Napi::Value GeluGrad(const Napi::CallbackInfo& info) {
  const char* op = "GeluGrad";
  expect_args(info, 4, op);
  auto x = f32(info, 0, op, "x");
  auto dy = f32(info, 1, op, "dy");
  auto o = f32(info, 2, op, "out");
  bool tanh = boolean(info, 3, op, "tanh");
  expect_size(info.Env(), dy, x.size, op, "dy");
  expect_size(info.Env(), o, x.size, op, "out");
  parallel_for(x.size, kCostly, [&](int64_t lo, int64_t hi) {
    if (tanh) gelu_grad_chunk<true>(o.data + lo, x.data + lo, dy.data + lo, hi - lo);
    else gelu_grad_chunk<false>(o.data + lo, x.data + lo, dy.data + lo, hi - lo);
  });
  return info.Env().Undefined();
}

// float → int32 as the oracle's Math.trunc stored to an Int32Array (ECMAScript ToInt32): truncate,
// then wrap modulo 2^32; NaN and ±inf give 0. Floats of magnitude ≥ 2^63 are multiples of 2^32 (→ 0).
struct ToInt {
  int32_t operator()(float v) const {
    return std::fabs(v) < 9.2233720e18f ? static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(static_cast<int64_t>(v)))) : 0;
  }
};
struct ToFloat { float operator()(int32_t v) const { return static_cast<float>(v); } };

// cast(x, out): float32 ↔ int32 (the same dtype copies).
Napi::Value Cast(const Napi::CallbackInfo& info) {
  const char* op = "Cast";
  expect_args(info, 2, op);
  const bool inInt = is_int(info, 0), outInt = is_int(info, 1);
  auto x = words(info, 0, op, "x");
  auto o = words(info, 1, op, "out");
  expect_size(info.Env(), o, x.size, op, "out");
  const int64_t n = x.size;
  if (inInt == outInt) map(o.data, x.data, n, kCheap, [](uint32_t v) { return v; });
  else if (outInt) map(reinterpret_cast<int32_t*>(o.data), reinterpret_cast<const float*>(x.data), n, kCheap, ToInt{});
  else map(reinterpret_cast<float*>(o.data), reinterpret_cast<const int32_t*>(x.data), n, kCheap, ToFloat{});
  return info.Env().Undefined();
}

CM_SIMD void dropout_chunk(float* __restrict o, const float* __restrict x, int64_t lo, int64_t n, uint32_t hseed, uint32_t threshold, float scale) {
  for (int64_t i = 0; i < n; i++) {
    // x·0 (not a plain 0) where dropped, as the oracle's x·mask: NaN and ±inf inputs give NaN.
    o[i] = x[i] * (dropout_keeps(hseed, static_cast<uint32_t>(lo + i), threshold) ? scale : 0.0f);
  }
}

// dropout(x, out, p, seed, scale): out[i] = x[i]·(keeps(seed, i, p) ? scale : 0), scale = fround(1/(1 − p)).
Napi::Value Dropout(const Napi::CallbackInfo& info) {
  const char* op = "Dropout";
  expect_args(info, 5, op);
  auto x = f32(info, 0, op, "x");
  auto o = f32(info, 1, op, "out");
  double p = number(info, 2, op, "p");
  int64_t seed = integer(info, 3, op, "seed");
  float scale = static_cast<float>(number(info, 4, op, "scale"));
  expect_size(info.Env(), o, x.size, op, "out");
  if (!(p >= 0 && p < 1)) fail(info.Env(), op, "p must be in [0, 1), got " + std::to_string(p));
  if (seed < 0 || seed > 0xffffffffll) fail(info.Env(), op, "seed must be an integer in [0, 2^32), got " + std::to_string(seed));
  const uint32_t hseed = fmix32(static_cast<uint32_t>(seed)), threshold = dropout_threshold(p);
  parallel_for(x.size, kCheap / 4, [&](int64_t lo, int64_t hi) { dropout_chunk(o.data + lo, x.data + lo, lo, hi - lo, hseed, threshold, scale); });
  return info.Env().Undefined();
}

}  // namespace

void register_elementwise_unary(Napi::Env env, Napi::Object exports) {
  exports.Set("unary", Napi::Function::New(env, Unary, "unary"));
  exports.Set("geluGrad", Napi::Function::New(env, GeluGrad, "geluGrad"));
  exports.Set("cast", Napi::Function::New(env, Cast, "cast"));
  exports.Set("dropout", Napi::Function::New(env, Dropout, "dropout"));
}

}  // namespace cm
