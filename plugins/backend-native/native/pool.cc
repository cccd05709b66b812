// The fork-join thread pool and the argument checks shared by every kernel.
#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "common.h"

namespace cm {

void fail(const Napi::Env& env, const std::string& op, const std::string& what) {
  throw Napi::Error::New(env, "native " + op + ": " + what);
}

void expect_args(const Napi::CallbackInfo& info, size_t n, const char* op) {
  if (info.Length() != n) {
    fail(info.Env(), op, "expected " + std::to_string(n) + " arguments, got " + std::to_string(info.Length()));
  }
}

template <typename T>
static View<T> typed(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what, napi_typedarray_type want,
                     const char* wantName) {
  if (i >= info.Length() || !info[i].IsTypedArray()) fail(info.Env(), op, std::string(what) + " must be a " + wantName);
  auto ta = info[i].As<Napi::TypedArray>();
  if (want != napi_uint32_array && ta.TypedArrayType() != want) {
    fail(info.Env(), op, std::string(what) + " must be a " + wantName);
  }
  if (want == napi_uint32_array && ta.TypedArrayType() != napi_float32_array && ta.TypedArrayType() != napi_int32_array) {
    fail(info.Env(), op, std::string(what) + " must be a Float32Array or Int32Array");
  }
  auto buf = ta.ArrayBuffer();
  if (buf.IsDetached()) fail(info.Env(), op, std::string(what) + " is a detached buffer");
  auto* base = static_cast<uint8_t*>(buf.Data());
  return View<T>{reinterpret_cast<T*>(base + ta.ByteOffset()), static_cast<int64_t>(ta.ElementLength())};
}

View<float> f32(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what) {
  return typed<float>(info, i, op, what, napi_float32_array, "Float32Array");
}
View<int32_t> i32(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what) {
  return typed<int32_t>(info, i, op, what, napi_int32_array, "Int32Array");
}
View<uint32_t> words(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what) {
  return typed<uint32_t>(info, i, op, what, napi_uint32_array, "Float32Array or Int32Array");
}

double number(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber()) fail(info.Env(), op, std::string(what) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

int64_t integer(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what) {
  double v = number(info, i, op, what);
  if (!(v == static_cast<double>(static_cast<int64_t>(v)))) {
    fail(info.Env(), op, std::string(what) + " must be an integer, got " + std::to_string(v));
  }
  return static_cast<int64_t>(v);
}

bool boolean(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what) {
  if (i >= info.Length() || !info[i].IsBoolean()) fail(info.Env(), op, std::string(what) + " must be a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

// ---- pool ------------------------------------------------------------------------------------

namespace {

struct Pool {
  std::vector<std::thread> workers;
  std::mutex mu;
  std::condition_variable wake, done;
  const std::function<void(int64_t)>* task = nullptr;  // task(i) for i in [0, tasks)
  int64_t tasks = 0;
  std::atomic<int64_t> next{0};
  int pending = 0;  // workers still running the current generation
  uint64_t generation = 0;
  bool stop = false;

  void start(int n) {
    // A new worker has seen every generation so far: it must not mistake the last finished
    // region for a new one (it would decrement `pending` of the next region too early).
    uint64_t now;
    {
      std::lock_guard<std::mutex> lk(mu);
      now = generation;
    }
    for (int w = 0; w < n; w++) workers.emplace_back([this, now] { loop(now); });
  }
  void shutdown() {
    {
      std::lock_guard<std::mutex> lk(mu);
      stop = true;
    }
    wake.notify_all();
    for (auto& t : workers) t.join();
    workers.clear();
    stop = false;
  }
  void drain() {
    for (int64_t i; (i = next.fetch_add(1)) < tasks;) (*task)(i);
  }
  void loop(uint64_t seen) {
    for (;;) {
      {
        std::unique_lock<std::mutex> lk(mu);
        wake.wait(lk, [&] { return stop || generation != seen; });
        if (stop) return;
        seen = generation;
      }
      drain();
      std::lock_guard<std::mutex> lk(mu);
      if (--pending == 0) done.notify_one();
    }
  }
  /** Runs fn(0..n-1) across the workers and the caller; returns when all are done. */
  void run(int64_t n, const std::function<void(int64_t)>& fn) {
    {
      std::lock_guard<std::mutex> lk(mu);
      task = &fn;
      tasks = n;
      next = 0;
      pending = static_cast<int>(workers.size());
      generation++;
    }
    wake.notify_all();
    drain();
    std::unique_lock<std::mutex> lk(mu);
    done.wait(lk, [&] { return pending == 0; });
    task = nullptr;
  }
};

// Never destroyed: at process exit, workers may still be blocked on `wake`, and a static Pool's
// destructor would wait on them forever (the process would never exit). exit() ends the threads.
Pool& pool = *new Pool;
int thread_count = 0;
thread_local bool inside_pool = false;
std::mutex run_mu;  // one parallel region at a time (kernels are called from the JS thread)

int default_threads() {
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

void ensure_started() {
  if (thread_count == 0) set_threads(default_threads());
}

}  // namespace

int threads() {
  ensure_started();
  return thread_count;
}

void set_threads(int n) {
  if (n < 1) n = 1;
  if (n == thread_count) return;
  pool.shutdown();
  thread_count = n;
  pool.start(n - 1);
  openblas_set_num_threads(n);
}

void shutdown_threads() {
  pool.shutdown();
  thread_count = 0;
}

static void run_tasks(int64_t tasks, const std::function<void(int64_t)>& fn) {
  ensure_started();
  if (tasks <= 1 || thread_count == 1 || inside_pool) {
    for (int64_t t = 0; t < tasks; t++) fn(t);
    return;
  }
  std::lock_guard<std::mutex> lk(run_mu);
  // A task that throws (std::bad_alloc from a scratch buffer, say) must not end the process on a
  // worker thread, nor unwind the caller while workers still run `fn`: the first exception is kept,
  // the tasks not yet started are skipped, and it is rethrown here once every worker has joined.
  std::exception_ptr error;
  std::mutex error_mu;
  std::atomic<bool> failed{false};
  std::function<void(int64_t)> wrapped = [&](int64_t t) {
    if (failed.load(std::memory_order_relaxed)) return;
    bool was = inside_pool;
    inside_pool = true;
    try {
      fn(t);
    } catch (...) {
      std::lock_guard<std::mutex> elk(error_mu);
      if (!error) error = std::current_exception();
      failed = true;
    }
    inside_pool = was;
  };
  pool.run(tasks, wrapped);
  if (error) std::rethrow_exception(error);
}

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  ensure_started();
  grain = std::max<int64_t>(grain, 1);
  // A few chunks per thread balance uneven rows without much scheduling overhead.
  int64_t chunks = std::min<int64_t>((n + grain - 1) / grain, static_cast<int64_t>(thread_count) * 4);
  if (chunks <= 1) return fn(0, n);
  int64_t step = (n + chunks - 1) / chunks;
  chunks = (n + step - 1) / step;
  run_tasks(chunks, [&](int64_t c) { fn(c * step, std::min(n, (c + 1) * step)); });
}

void fixed_chunks(int64_t n, int64_t chunk, const std::function<void(int64_t, int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  chunk = std::max<int64_t>(chunk, 1);
  int64_t chunks = (n + chunk - 1) / chunk;
  run_tasks(chunks, [&](int64_t c) { fn(c, c * chunk, std::min(n, (c + 1) * chunk)); });
}

}  // namespace cm
