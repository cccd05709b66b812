// The addon's entry: thread settings, a description of the build, and every kernel family.
#include <cblas.h>

#include "common.h"

namespace cm {
namespace {

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  expect_args(info, 1, "setThreads");
  int64_t n = integer(info, 0, "setThreads", "threads");
  if (n < 1 || n > 1024) fail(info.Env(), "setThreads", "threads must be in [1, 1024], got " + std::to_string(n));
  set_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), threads()); }

/** What the build and the CPU offer: the BLAS config string and whether the AVX2/FMA clones run. */
Napi::Value Info(const Napi::CallbackInfo& info) {
  auto o = Napi::Object::New(info.Env());
  o.Set("blas", Napi::String::New(info.Env(), openblas_get_config()));
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  o.Set("simd", Napi::String::New(info.Env(), __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? "avx2+fma" : "baseline"));
#else
  o.Set("simd", Napi::String::New(info.Env(), "baseline"));
#endif
  o.Set("threads", Napi::Number::New(info.Env(), threads()));
  return o;
}

}  // namespace
}  // namespace cm

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Join the pool's workers when the environment is torn down (process exit, worker exit), before
  // the runtime and other native libraries unload: idle workers left blocked at exit crashed Deno's
  // teardown now and then ("corrupted size vs. prev_size") when its WebGPU stack was loaded too.
  napi_add_env_cleanup_hook(env, [](void*) { cm::shutdown_threads(); }, nullptr);
  exports.Set("setThreads", Napi::Function::New(env, cm::SetThreads, "setThreads"));
  exports.Set("getThreads", Napi::Function::New(env, cm::GetThreads, "getThreads"));
  exports.Set("info", Napi::Function::New(env, cm::Info, "info"));
  cm::register_matmul(env, exports);
  cm::register_elementwise(env, exports);
  cm::register_reduce(env, exports);
  cm::register_layout(env, exports);
  cm::register_indexing(env, exports);
  cm::register_softmax(env, exports);
  cm::register_layernorm(env, exports);
  cm::register_attention(env, exports);
  cm::register_adam(env, exports);
  return exports;
}

NODE_API_MODULE(crossmodal_native, Init)
