// Layout ops (Permute, Expand, Slice, Pad, Concat) are all one primitive: a strided box copy of
// 4-byte words (so float32 and int32 alike), dst[dOff + Σ c·ds] = src[sOff + Σ c·ss] over the box.
// Permute reads with permuted strides, Expand with 0 strides on broadcast axes, Slice from an
// offset window, Pad and Concat write into a window of the output.
//
// The box is simplified first (size-1 axes dropped, axes that are contiguous together in both src
// and dst merged), so e.g. attention's head split [B,N,H,d] → [B,H,N,d] becomes a copy of d-word
// runs and a slice of whole rows becomes one run. Then, by the innermost axis: runs (memcpy), a
// broadcast (fill), a transpose (some other axis reads contiguously: 32×32 tiles, so both sides
// stay in cache), or a plain strided walk.
#include <algorithm>
#include <climits>
#include <cstring>
#include <vector>


#include "common.h"

namespace cm {

namespace {

struct Box {
  std::vector<int64_t> dims, ss, ds;
};

// Drops size-1 axes and merges an axis into the previous one where both strides allow it.
Box simplify(const Box& b) {
  Box r;
  for (size_t a = 0; a < b.dims.size(); a++) {
    if (b.dims[a] == 1) continue;
    if (!r.dims.empty() && r.ss.back() == b.ss[a] * b.dims[a] && r.ds.back() == b.ds[a] * b.dims[a]) {
      r.dims.back() *= b.dims[a];
      r.ss.back() = b.ss[a];
      r.ds.back() = b.ds[a];
    } else {
      r.dims.push_back(b.dims[a]);
      r.ss.push_back(b.ss[a]);
      r.ds.push_back(b.ds[a]);
    }
  }
  return r;
}

// Elements per task: a pool region pays off only for copies of a few hundred KB.
constexpr int64_t kGrain = 1 << 16;
constexpr int64_t kTile = 32;

// Offsets of row `row` over axes [0, axes) of the box (row-major over those axes).
void offsets_of(const Box& b, int axes, int64_t row, int64_t& so, int64_t& dOff, std::vector<int64_t>& coord) {
  so = 0, dOff = 0;
  for (int a = axes - 1; a >= 0; a--) {
    coord[a] = row % b.dims[a];
    row /= b.dims[a];
    so += coord[a] * b.ss[a];
    dOff += coord[a] * b.ds[a];
  }
}

// Steps the odometer over axes [0, axes) by one row.
inline void step(const Box& b, int axes, int64_t& so, int64_t& dOff, std::vector<int64_t>& coord) {
  for (int a = axes - 1; a >= 0; a--) {
    so += b.ss[a];
    dOff += b.ds[a];
    if (++coord[a] < b.dims[a]) return;
    so -= b.ss[a] * b.dims[a];
    dOff -= b.ds[a] * b.dims[a];
    coord[a] = 0;
  }
}

CM_SIMD void strided_run(uint32_t* __restrict d, const uint32_t* __restrict s, int64_t n, int64_t dStride, int64_t sStride) {
  for (int64_t j = 0; j < n; j++) d[j * dStride] = s[j * sStride];
}

// Every row of the innermost axis: runs, fills or strided walks.
void copy_rows(const Box& b, const uint32_t* src, uint32_t* dst) {
  const int last = static_cast<int>(b.dims.size()) - 1;
  const int64_t len = b.dims[last], sI = b.ss[last], dI = b.ds[last];
  int64_t rows = 1;
  for (int a = 0; a < last; a++) rows *= b.dims[a];
  parallel_for(rows, std::max<int64_t>(1, kGrain / len), [&](int64_t lo, int64_t hi) {
    std::vector<int64_t> coord(std::max(last, 1));
    int64_t so, dOff;
    offsets_of(b, last, lo, so, dOff, coord);
    for (int64_t r = lo; r < hi; r++) {
      if (sI == 1 && dI == 1) std::memcpy(dst + dOff, src + so, len * 4);
      else if (sI == 0 && dI == 1) std::fill(dst + dOff, dst + dOff + len, src[so]);
      else strided_run(dst + dOff, src + so, len, dI, sI);
      step(b, last, so, dOff, coord);
    }
  });
}

// A transpose: axis k reads contiguously (ss[k] == 1) while the innermost axis writes contiguously.
// The other axes are batch; each (batch, k-tile) task copies kTile × kTile blocks through a buffer.
void copy_tiled(const Box& b, int k, const uint32_t* src, uint32_t* dst) {
  const int last = static_cast<int>(b.dims.size()) - 1;
  Box batch;
  for (int a = 0; a < last; a++) {
    if (a == k) continue;
    batch.dims.push_back(b.dims[a]), batch.ss.push_back(b.ss[a]), batch.ds.push_back(b.ds[a]);
  }
  const int nb = static_cast<int>(batch.dims.size());
  int64_t batches = 1;
  for (int64_t d : batch.dims) batches *= d;
  const int64_t K = b.dims[k], L = b.dims[last], dk = b.ds[k], sl = b.ss[last];
  const int64_t kTiles = (K + kTile - 1) / kTile;
  parallel_for(batches * kTiles, std::max<int64_t>(1, kGrain / (kTile * L)), [&](int64_t lo, int64_t hi) {
    std::vector<int64_t> coord(std::max(nb, 1));
    uint32_t buf[kTile][kTile];
    for (int64_t t = lo; t < hi; t++) {
      int64_t so, dOff;
      offsets_of(batch, nb, t / kTiles, so, dOff, coord);
      const int64_t k0 = (t % kTiles) * kTile, k1 = std::min(K, k0 + kTile);
      for (int64_t l0 = 0; l0 < L; l0 += kTile) {
        const int64_t l1 = std::min(L, l0 + kTile);
        // Through a buffer, so both sides move along contiguous 128-byte runs: walking src with a
        // power-of-two stride directly would keep 32 lines of one cache set live at once.
        for (int64_t l = l0; l < l1; l++) {
          const uint32_t* s = src + so + k0 + l * sl;
          for (int64_t kk = 0; kk < k1 - k0; kk++) buf[kk][l - l0] = s[kk];
        }
        for (int64_t kk = 0; kk < k1 - k0; kk++) std::memcpy(dst + dOff + (k0 + kk) * dk + l0, buf[kk], (l1 - l0) * 4);
      }
    }
  });
}

void copy_box(const Box& box, const uint32_t* src, uint32_t* dst) {
  Box b = simplify(box);
  if (b.dims.empty()) {
    dst[0] = src[0];
    return;
  }
  const int last = static_cast<int>(b.dims.size()) - 1;
  if (b.ds[last] == 1 && b.ss[last] > 1) {
    for (int k = 0; k < last; k++) {
      if (b.ss[k] == 1 && b.ds[k] > 0) return copy_tiled(b, k, src, dst);
    }
  }
  copy_rows(b, src, dst);
}

std::vector<int64_t> read_i32s(const Napi::CallbackInfo& info, size_t i, const char* op, const char* what) {
  auto v = i32(info, i, op, what);
  return std::vector<int64_t>(v.data, v.data + v.size);
}

// The largest word index a box touches from `offset` with `strides` (offset itself when empty);
// INT64_MAX when that overflows int64 (so it is past any array).
int64_t reach(const std::vector<int64_t>& dims, const std::vector<int64_t>& strides, int64_t offset) {
  int64_t r = offset, step;
  for (size_t a = 0; a < dims.size(); a++) {
    if (__builtin_mul_overflow(dims[a] - 1, strides[a], &step) || __builtin_add_overflow(r, step, &r)) return INT64_MAX;
  }
  return r;
}

// copyStrided(src, dst, shape, srcStrides, dstStrides, srcOffset, dstOffset, op): the box copy above;
// `op` (a string) names the calling op in errors.
Napi::Value CopyStrided(const Napi::CallbackInfo& info) {
  std::string name = info.Length() == 8 && info[7].IsString() ? info[7].As<Napi::String>().Utf8Value() : "copyStrided";
  const char* op = name.c_str();
  expect_args(info, 8, op);
  auto src = words(info, 0, op, "src");
  auto dst = words(info, 1, op, "dst");
  if (info[0].As<Napi::TypedArray>().TypedArrayType() != info[1].As<Napi::TypedArray>().TypedArrayType()) {
    fail(info.Env(), op, "src and dst differ in dtype");
  }
  Box b{read_i32s(info, 2, op, "shape"), read_i32s(info, 3, op, "srcStrides"), read_i32s(info, 4, op, "dstStrides")};
  const int64_t sOff = integer(info, 5, op, "srcOffset"), dOff = integer(info, 6, op, "dstOffset");
  if (b.ss.size() != b.dims.size() || b.ds.size() != b.dims.size()) {
    fail(info.Env(), op, "shape, srcStrides and dstStrides differ in length (" + std::to_string(b.dims.size()) + ", " +
                             std::to_string(b.ss.size()) + ", " + std::to_string(b.ds.size()) + ")");
  }
  int64_t n = 1;
  for (size_t a = 0; a < b.dims.size(); a++) {
    if (b.dims[a] < 0 || b.ss[a] < 0 || b.ds[a] < 0) fail(info.Env(), op, "negative size or stride on axis " + std::to_string(a));
    if (__builtin_mul_overflow(n, b.dims[a], &n)) fail(info.Env(), op, "the box's element count overflows int64");
  }
  if (n == 0) return info.Env().Undefined();
  if (sOff < 0 || reach(b.dims, b.ss, sOff) >= src.size) {
    fail(info.Env(), op, "the box reads past src (" + std::to_string(src.size) + " elements) from offset " + std::to_string(sOff));
  }
  if (dOff < 0 || reach(b.dims, b.ds, dOff) >= dst.size) {
    fail(info.Env(), op, "the box writes past dst (" + std::to_string(dst.size) + " elements) from offset " + std::to_string(dOff));
  }
  copy_box(b, src.data + sOff, dst.data + dOff);
  return info.Env().Undefined();
}

}  // namespace

void register_layout(Napi::Env env, Napi::Object exports) {
  exports.Set("copyStrided", Napi::Function::New(env, CopyStrided, "copyStrided"));
}

}  // namespace cm
