// MatMul on OpenBLAS: one cblas_sgemm per batch matrix, transposes through BLAS flags (no copies),
// broadcast batch axes through per-batch offsets computed in TypeScript. Many small matrices (the
// attention-score shape) run one sgemm per pool thread with OpenBLAS single-threaded; large ones let
// OpenBLAS thread inside each sgemm.
#include <cblas.h>

#include <chrono>
#include <vector>

#include "common.h"

namespace cm {

namespace {

// Below this many multiply-adds per matrix, threading inside OpenBLAS costs more than it saves.
constexpr int64_t kSmallGemm = int64_t(1) << 22;

/**
 * Runs gemm(t) for every batch matrix t: many small matrices one single-threaded sgemm per pool
 * thread, otherwise one after another with OpenBLAS threading inside each.
 */
template <typename Gemm>
void run_gemms(int64_t batch, int64_t macs, const Gemm& gemm) {
  if (batch > 1 && macs < kSmallGemm && threads() > 1) {
    openblas_set_num_threads(1);
    parallel_for(batch, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t t = lo; t < hi; t++) gemm(t);
    });
    openblas_set_num_threads(threads());
  } else {
    for (int64_t t = 0; t < batch; t++) gemm(t);
  }
}

// matmul(a, b, out, offsA, offsB, m, n, k, transA, transB)
Napi::Value MatMul(const Napi::CallbackInfo& info) {
  const char* op = "MatMul";
  expect_args(info, 10, op);
  auto a = f32(info, 0, op, "a");
  auto b = f32(info, 1, op, "b");
  auto out = f32(info, 2, op, "out");
  auto offA = i32(info, 3, op, "offsA");
  auto offB = i32(info, 4, op, "offsB");
  int64_t m = integer(info, 5, op, "m"), n = integer(info, 6, op, "n"), k = integer(info, 7, op, "k");
  bool ta = boolean(info, 8, op, "transA"), tb = boolean(info, 9, op, "transB");
  if (m < 0 || n < 0 || k < 0) fail(info.Env(), op, "negative dimension");
  if (offA.size != offB.size) fail(info.Env(), op, "offsA and offsB differ in length");
  int64_t batch = offA.size;
  expect_size(info.Env(), out, {batch, m, n}, op, "out");
  const int64_t mk = product(info.Env(), {m, k}, op, "a"), kn = product(info.Env(), {k, n}, op, "b");
  for (int64_t t = 0; t < batch; t++) {
    if (offA.data[t] < 0 || offA.data[t] + mk > a.size) fail(info.Env(), op, "a is too small for batch " + std::to_string(t) + " of " + std::to_string(m) + "x" + std::to_string(k));
    if (offB.data[t] < 0 || offB.data[t] + kn > b.size) fail(info.Env(), op, "b is too small for batch " + std::to_string(t) + " of " + std::to_string(k) + "x" + std::to_string(n));
  }
  if (m == 0 || n == 0) return info.Env().Undefined();
  if (k == 0) {
    for (int64_t i = 0; i < out.size; i++) out.data[i] = 0;
    return info.Env().Undefined();
  }
  const auto opA = ta ? CblasTrans : CblasNoTrans;
  const auto opB = tb ? CblasTrans : CblasNoTrans;
  const int lda = static_cast<int>(ta ? m : k), ldb = static_cast<int>(tb ? k : n);
  auto gemm = [&](int64_t t) {
    cblas_sgemm(CblasRowMajor, opA, opB, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0f, a.data + offA.data[t], lda,
                b.data + offB.data[t], ldb, 0.0f, out.data + t * m * n, static_cast<int>(n));
  };
  run_gemms(batch, m * n * k, gemm);
  return info.Env().Undefined();
}

// sgemmReference(batch, m, n, k, reps) → ms per product: OpenBLAS called straight from C++ on
// buffers of its own, with the same batching policy as MatMul — the bench's "OpenBLAS from C"
// baseline, so the cost of the JS boundary and of the engine shows up as the ratio to it.
Napi::Value SgemmReference(const Napi::CallbackInfo& info) {
  const char* op = "sgemmReference";
  expect_args(info, 5, op);
  int64_t batch = integer(info, 0, op, "batch"), m = integer(info, 1, op, "m"), n = integer(info, 2, op, "n"), k = integer(info, 3, op, "k");
  int64_t reps = integer(info, 4, op, "reps");
  if (batch < 1 || m < 1 || n < 1 || k < 1 || reps < 1) fail(info.Env(), op, "every size must be ≥ 1");
  std::vector<float> a(batch * m * k, 0.5f), b(batch * k * n, 0.25f), c(batch * m * n);
  auto gemm = [&](int64_t t) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), 1.0f, a.data() + t * m * k,
                static_cast<int>(k), b.data() + t * k * n, static_cast<int>(n), 0.0f, c.data() + t * m * n, static_cast<int>(n));
  };
  auto once = [&] { run_gemms(batch, m * n * k, gemm); };
  once();  // warm-up: OpenBLAS allocates its buffers and starts its threads
  auto t0 = std::chrono::steady_clock::now();
  for (int64_t r = 0; r < reps; r++) once();
  std::chrono::duration<double, std::milli> ms = std::chrono::steady_clock::now() - t0;
  return Napi::Number::New(info.Env(), ms.count() / static_cast<double>(reps));
}

}  // namespace

void register_matmul(Napi::Env env, Napi::Object exports) {
  exports.Set("matmul", Napi::Function::New(env, MatMul, "matmul"));
  exports.Set("sgemmReference", Napi::Function::New(env, SgemmReference, "sgemmReference"));
}

}  // namespace cm
