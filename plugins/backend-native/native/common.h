// Shared helpers of the native kernels: argument checking at the JS boundary, the thread pool, and
// the SIMD dispatch macro. Every kernel validates its arguments before touching memory, so bad input
// is a JS exception that names the op, never a segfault.
#pragma once
#include <napi.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>

namespace cm {

// Hot loops are compiled twice, for AVX2+FMA (x86-64-v3) and for the baseline ISA; the loader picks
// one at run time by the CPU's features (GCC's ifunc dispatch). Other compilers/architectures get
// the portable build only.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define CM_SIMD __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define CM_SIMD
#endif

/** A float32 or int32 view of a JS typed array, checked. */
template <typename T>
struct View {
  T* data;
  int64_t size;
};

/** Thrown for bad input; becomes a JS Error whose message names the op. */
[[noreturn]] void fail(const Napi::Env& env, const std::string& op, const std::string& what);

/** Argument i as a Float32Array (not detached); `what` names it in errors. */
View<float> f32(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what);
/** Argument i as an Int32Array (not detached). */
View<int32_t> i32(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what);
/** Argument i as a float32 or int32 array, viewed as raw 4-byte words (dtype-agnostic copies). */
View<uint32_t> words(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what);
/** Argument i as an integer (a JS number holding an integer within int64 range). */
int64_t integer(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what);
/** Argument i as a number. */
double number(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what);
/** Argument i as a boolean. */
bool boolean(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what);
/** Throws unless `view.size == expected`. */
template <typename T>
void expect_size(const Napi::Env& env, const View<T>& v, int64_t expected, const char* op, const char* what) {
  if (v.size != expected) {
    fail(env, op, std::string(what) + " has " + std::to_string(v.size) + " elements, expected " + std::to_string(expected));
  }
}
/**
 * product(dims), failing on a negative dim or an int64 overflow. expect_size(.., {dims}, ..) throws
 * unless `view.size` is the product of `dims`: each dim non-negative and the product within
 * int64 (a wrapped product could otherwise match a small array and let a kernel run past it).
 */
inline int64_t product(const Napi::Env& env, std::initializer_list<int64_t> dims, const char* op, const char* what) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) fail(env, op, std::string(what) + ": a dimension is negative (" + std::to_string(d) + ")");
    if (__builtin_mul_overflow(n, d, &n)) fail(env, op, std::string(what) + ": the product of its dimensions overflows int64");
  }
  return n;
}
template <typename T>
void expect_size(const Napi::Env& env, const View<T>& v, std::initializer_list<int64_t> dims, const char* op, const char* what) {
  expect_size(env, v, product(env, dims, op, what), op, what);
}
/** Throws unless info.Length() == n. */
void expect_args(const Napi::CallbackInfo& info, size_t n, const char* op);

// ---- threads ---------------------------------------------------------------------------------

/** Number of worker threads (including the caller) the kernels use; also OpenBLAS's thread count. */
int threads();
/** Sets the thread count (≥ 1). */
void set_threads(int n);
/** Joins the pool's workers (the addon's environment is going away); the next parallel region restarts them. */
void shutdown_threads();

/**
 * Runs fn(begin, end) over [0, n) in chunks of at least `grain` items, on the pool. Chunk boundaries
 * depend only on n, grain and the thread count, so a kernel whose chunks write disjoint outputs is
 * deterministic; a kernel that combines per-chunk partials must use fixed_chunks() instead.
 */
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

/**
 * Like parallel_for but with chunk boundaries fixed by n and `chunk` alone (independent of the
 * thread count): chunk c covers [c*chunk, min(n,(c+1)*chunk)). For reductions whose partial sums
 * must combine in the same order whatever the thread count.
 */
void fixed_chunks(int64_t n, int64_t chunk, const std::function<void(int64_t, int64_t, int64_t)>& fn);

// ---- registration ----------------------------------------------------------------------------

/** Each family file defines one of these; main.cc calls them all. */
void register_matmul(Napi::Env env, Napi::Object exports);
void register_elementwise(Napi::Env env, Napi::Object exports);
void register_reduce(Napi::Env env, Napi::Object exports);
void register_layout(Napi::Env env, Napi::Object exports);
void register_indexing(Napi::Env env, Napi::Object exports);
void register_softmax(Napi::Env env, Napi::Object exports);
void register_layernorm(Napi::Env env, Napi::Object exports);
void register_attention(Napi::Env env, Napi::Object exports);
void register_adam(Napi::Env env, Napi::Object exports);

}  // namespace cm
