// The fused Adam/AdamW step: one pass over the elements computing the new parameter and moments.
// Every operation is the oracle's float32 step in the oracle's order (each product, sum, quotient
// and root rounded to float; sqrt and division are IEEE-exact in SIMD too), and FMA contraction is
// off in this file, so the result is the CPU oracle's bit for bit.
#pragma GCC optimize("fp-contract=off")
#include <algorithm>
#include <cmath>
#include <limits>

#include "common.h"

namespace cm {
namespace {

constexpr int64_t kGrain = 16384;

View<float> optional_f32(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what) {
  if (i < info.Length() && (info[i].IsNull() || info[i].IsUndefined())) return View<float>{nullptr, 0};
  return f32(info, i, op, what);
}

/** The step's scalars, already rounded to float as the oracle rounds them. */
struct Scalars {
  float decay, wd, b1c, beta2, b2c, bc2, eps, stepSize;
  bool applyDecay, decoupled, maximize;
};

// Kept as separate loops per mode so each one is a straight vectorisable loop with no branches.
template <bool kDecay, bool kDecoupled, bool kMaximize, bool kAms, bool kHasMax>
CM_SIMD void adam_range(const Scalars& k, const float* __restrict p0, const float* __restrict g0, const float* __restrict m0, const float* __restrict v0,
                        const float* __restrict vmax0, float* __restrict out, float* __restrict m1, float* __restrict v1, float* __restrict vmax1,
                        int64_t lo, int64_t hi) {
  // Locals, not k's fields: stores to the outputs could alias k, which would stop vectorisation.
  const float decay = k.decay, wd = k.wd, b1c = k.b1c, beta2 = k.beta2, b2c = k.b2c, bc2 = k.bc2, eps = k.eps, stepSize = k.stepSize;
  for (int64_t i = lo; i < hi; i++) {
    float p = p0[i];
    float g = kMaximize ? -g0[i] : g0[i];
    if (kDecay) {
      if (kDecoupled) {
        p = p * decay;
      } else {
        float pw = p * wd;
        g = g + pw;
      }
    }
    const float dm = g - m0[i];
    const float dmw = dm * b1c;
    const float m = m0[i] + dmw;
    const float va = v0[i] * beta2;
    const float gg = g * g;
    const float vb = gg * b2c;
    const float v = va + vb;
    float vhat = v;
    if (kAms) {
      if (kHasMax) {
        // The oracle's Maximum: NaN wins.
        const float a = vmax0[i];
        float mx = a > v ? a : v;
        mx = a != a ? a : mx;
        vhat = v != v ? v : mx;
      }
      vmax1[i] = vhat;
    }
    const float root = std::sqrt(vhat);
    const float scaled = root / bc2;
    const float denom = scaled + eps;
    const float ratio = m / denom;
    const float upd = ratio * stepSize;
    out[i] = p - upd;
    m1[i] = m;
    v1[i] = v;
  }
}

using RangeFn = void (*)(const Scalars&, const float*, const float*, const float*, const float*, const float*, float*, float*, float*, float*, int64_t,
                         int64_t);

template <bool kDecay, bool kDecoupled, bool kMaximize>
RangeFn pick_ams(bool ams, bool hasMax) {
  if (!ams) return adam_range<kDecay, kDecoupled, kMaximize, false, false>;
  return hasMax ? adam_range<kDecay, kDecoupled, kMaximize, true, true> : adam_range<kDecay, kDecoupled, kMaximize, true, false>;
}

RangeFn pick(const Scalars& k, bool ams, bool hasMax) {
  if (!k.applyDecay) return k.maximize ? pick_ams<false, false, true>(ams, hasMax) : pick_ams<false, false, false>(ams, hasMax);
  if (k.decoupled) return k.maximize ? pick_ams<true, true, true>(ams, hasMax) : pick_ams<true, true, false>(ams, hasMax);
  return k.maximize ? pick_ams<true, false, true>(ams, hasMax) : pick_ams<true, false, false>(ams, hasMax);
}

// adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq|null, out, expAvg1, expAvgSq1, maxExpAvgSq1|null,
//          scalars Float64Array [decay, weightDecay, 1−β1, β2, 1−β2, √(1−β2^t), eps, stepSize], decoupled, maximize)
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  const char* op = "AdamStep";
  expect_args(info, 12, op);
  auto p = f32(info, 0, op, "param");
  auto g = f32(info, 1, op, "grad");
  auto m = f32(info, 2, op, "expAvg");
  auto v = f32(info, 3, op, "expAvgSq");
  auto vmax = optional_f32(info, 4, op, "maxExpAvgSq");
  auto out = f32(info, 5, op, "out");
  auto m1 = f32(info, 6, op, "expAvg out");
  auto v1 = f32(info, 7, op, "expAvgSq out");
  auto vmax1 = optional_f32(info, 8, op, "maxExpAvgSq out");
  if (!info[9].IsTypedArray() || info[9].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    fail(info.Env(), op, "scalars must be a Float64Array");
  }
  auto sc = info[9].As<Napi::Float64Array>();
  if (sc.ArrayBuffer().IsDetached()) fail(info.Env(), op, "scalars is a detached buffer");
  if (sc.ElementLength() != 8) fail(info.Env(), op, "scalars has " + std::to_string(sc.ElementLength()) + " elements, expected 8");
  const bool decoupled = boolean(info, 10, op, "decoupled"), maximize = boolean(info, 11, op, "maximize");
  const int64_t n = p.size;
  for (auto [view, what] : {std::pair{g, "grad"}, {m, "expAvg"}, {v, "expAvgSq"}, {out, "out"}, {m1, "expAvg out"}, {v1, "expAvgSq out"}}) {
    expect_size(info.Env(), view, n, op, what);
  }
  if (vmax.data) expect_size(info.Env(), vmax, n, op, "maxExpAvgSq");
  if (vmax1.data) expect_size(info.Env(), vmax1, n, op, "maxExpAvgSq out");
  // Without amsgrad (no maxExpAvgSq output) a given maxExpAvgSq is ignored, as the oracle ignores it.
  const double* s = sc.Data();
  Scalars k{static_cast<float>(s[0]), static_cast<float>(s[1]), static_cast<float>(s[2]), static_cast<float>(s[3]),
            static_cast<float>(s[4]), static_cast<float>(s[5]), static_cast<float>(s[6]), static_cast<float>(s[7]),
            s[1] != 0, decoupled, maximize};
  RangeFn fn = pick(k, vmax1.data != nullptr, vmax.data != nullptr && vmax1.data != nullptr);
  parallel_for(n, kGrain, [&](int64_t lo, int64_t hi) { fn(k, p.data, g.data, m.data, v.data, vmax.data, out.data, m1.data, v1.data, vmax1.data, lo, hi); });
  return info.Env().Undefined();
}

}  // namespace

void register_adam(Napi::Env env, Napi::Object exports) { exports.Set("adamStep", Napi::Function::New(env, AdamStep, "adamStep")); }

}  // namespace cm
