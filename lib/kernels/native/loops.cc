// Adam's update, max pooling's gradient, maxout's forward pass and training-mode batch norm (forward and gradient) as
// compiled loops over the wasm heap. They compute what the JS kernels in lib/kernels/wasm compute, with the same
// arithmetic in the same order (Adam and batch norm in double precision, rounded to float on store, as JS does; the
// gradient goes to the first maximum of a window), so a run gives the same bits whichever computes it; maxout's
// values are XNNPACK's, up to which of two tied zeros ±0 it keeps. Built with -ffp-contract=off so that no
// multiply-add is fused.

#include "loops.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "heap_args.h"

namespace loops {

using heap_args::fail;
using heap_args::HeapArgs;
using heap_args::readHeapArgs;
using heap_args::tensorsInHeap;

namespace {

// On x86-64 Linux with glibc, compiled for AVX-512 and AVX2 too, picked when the library loads (an ifunc): without a
// fused multiply-add (the build's -ffp-contract=off) the wider vectors give the same bits as the baseline.
// Elsewhere (ARM, macOS, musl, where clones are not supported) the one build the compiler targets.
#if defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__) && defined(__GNUC__)
#define WIDEST_VECTORS __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define WIDEST_VECTORS
#endif

WIDEST_VECTORS void adamUpdate(int64_t n, const float *__restrict p, const float *__restrict g,
                               const float *__restrict m, const float *__restrict v, float *__restrict p2,
                               float *__restrict m2, float *__restrict v2, const double *h) {
  const double lr = h[0], beta1 = h[1], beta2 = h[2], epsilon = h[3], c1 = h[4], c2 = h[5];
  for (int64_t i = 0; i < n; i++) {
    const double gi = g[i];
    const double mi = beta1 * m[i] + (1 - beta1) * gi;
    const double vi = beta2 * v[i] + (1 - beta2) * gi * gi;
    m2[i] = (float)mi;
    v2[i] = (float)vi;
    p2[i] = (float)(p[i] - (lr * mi * c1) / (std::sqrt(vi * c2) + epsilon));
  }
}

// The batch-norm loops' per-channel sums and coefficients: five arrays of doubles, zeroed, in one allocation (the
// only allocation of the loops; it throws std::bad_alloc, which the N-API functions turn into a JS error).
class ChannelArrays {
 public:
  explicit ChannelArrays(int64_t channels) : storage_(5 * channels, 0.0), channels_(channels) {}
  double *operator[](int i) { return storage_.data() + i * channels_; }

 private:
  std::vector<double> storage_;
  int64_t channels_;
};

// Training-mode batch norm over [rows, channels], as batchNormForward in lib/kernels/wasm/batchNormTrain.ts: sums
// per channel over the rows in order (each channel its own accumulator, so vectorising across channels keeps the
// order), the biased variance from a second pass, then y = x·scale + shift.
WIDEST_VECTORS void batchNormForward(int64_t rows, int64_t channels, const float *__restrict x,
                                     const float *__restrict gamma, const float *__restrict beta, float *__restrict y,
                                     float *__restrict meanOut, float *__restrict varianceOut, double epsilon) {
  ChannelArrays arrays(channels);
  double *__restrict sum = arrays[0], *__restrict squares = arrays[1], *__restrict mean = arrays[2];
  double *__restrict scale = arrays[3], *__restrict shift = arrays[4];
  for (int64_t r = 0; r < rows; r++) {
    const float *row = x + r * channels;
    for (int64_t c = 0; c < channels; c++) sum[c] += row[c];
  }
  for (int64_t c = 0; c < channels; c++) mean[c] = sum[c] / (double)rows;
  for (int64_t r = 0; r < rows; r++) {
    const float *row = x + r * channels;
    for (int64_t c = 0; c < channels; c++) {
      const double d = row[c] - mean[c];
      squares[c] += d * d;
    }
  }
  for (int64_t c = 0; c < channels; c++) {
    const double variance = squares[c] / (double)rows;
    scale[c] = gamma[c] / std::sqrt(variance + epsilon);
    shift[c] = beta[c] - mean[c] * scale[c];
    meanOut[c] = (float)mean[c];
    varianceOut[c] = (float)variance;
  }
  for (int64_t r = 0; r < rows; r++) {
    const float *row = x + r * channels;
    float *out = y + r * channels;
    for (int64_t c = 0; c < channels; c++) out[c] = (float)(row[c] * scale[c] + shift[c]);
  }
}

// Its gradient, as batchNormBackward in batchNormTrain.ts: dx = a·dy − b·(x − μ) − k per channel, with x's paths
// through μ and σ² in b and k.
WIDEST_VECTORS void batchNormBackward(int64_t rows, int64_t channels, const float *__restrict dy,
                                      const float *__restrict x, const float *__restrict mean,
                                      const float *__restrict variance, const float *__restrict gamma,
                                      float *__restrict dx, float *__restrict dgamma, float *__restrict dbeta,
                                      double epsilon) {
  ChannelArrays arrays(channels);
  double *__restrict sumDy = arrays[0], *__restrict sumDyX = arrays[1];
  double *__restrict a = arrays[2], *__restrict b = arrays[3], *__restrict k = arrays[4];
  for (int64_t r = 0; r < rows; r++) {
    const float *g = dy + r * channels;
    const float *row = x + r * channels;
    for (int64_t c = 0; c < channels; c++) {
      const double d = g[c];
      sumDy[c] += d;
      sumDyX[c] += d * ((double)row[c] - (double)mean[c]);
    }
  }
  for (int64_t c = 0; c < channels; c++) {
    const double inv = 1 / std::sqrt(variance[c] + epsilon);
    a[c] = gamma[c] * inv;
    b[c] = (a[c] * inv * inv * sumDyX[c]) / (double)rows;
    k[c] = (a[c] * sumDy[c]) / (double)rows;
    dgamma[c] = (float)(sumDyX[c] * inv);
    dbeta[c] = (float)sumDy[c];
  }
  for (int64_t r = 0; r < rows; r++) {
    const float *g = dy + r * channels;
    const float *row = x + r * channels;
    float *out = dx + r * channels;
    for (int64_t c = 0; c < channels; c++) {
      out[c] = (float)(a[c] * g[c] - b[c] * ((double)row[c] - (double)mean[c]) - k[c]);
    }
  }
}

// The first maximum of x[0 … count − 1] by the JS kernel's rule: the first element, then any later one strictly
// greater (ties keep the earlier; a NaN first stays).
inline float runMax(const float *x, int count) {
  float best = x[0];
  for (int v = 1; v < count; v++) best = best < x[v] ? x[v] : best;
  return best;
}

// A max pooling over NHWC, as TF.js's computePool2DInfo gives it: windows fh × fw at strides sh, sw, the top and
// left pads (the right and bottom follow from the output size).
struct Pooling {
  int n, h, w, c, oh, ow, fh, fw, sh, sw, top, left;
  // −1 past `limit`, so that the bounds check refuses it.
  int64_t inputSize(int64_t limit) const { return heap_args::checkedProduct({n, h, w, c}, limit); }
  int64_t outputSize(int64_t limit) const { return heap_args::checkedProduct({n, oh, ow, c}, limit); }
  bool valid() const {
    return n > 0 && h > 0 && w > 0 && c > 0 && oh > 0 && ow > 0 && fh > 0 && fw > 0 && sh > 0 && sw > 0 && top >= 0 &&
           left >= 0;
  }
  bool contiguous() const {
    return c == 1 && fh == 1 && sh == 1 && oh == h && sw == fw && (int64_t)ow * fw == w && top == 0 && left == 0;
  }

  // The contiguous case of windows(): maxout's pooling (one channel, one row, windows side by side covering it) is
  // the maximum of each run of fw consecutive elements, where the general loop's index arithmetic dominated.
  template <typename Visit>
  void runs(const float *x, Visit visit) const {
    const int64_t count = (int64_t)n * oh * ow;
    for (int64_t out = 0; out < count; out++) {
      const float *run = x + out * fw;
      const float best = runMax(run, fw);
      int at = 0;
      for (int v = fw - 1; v >= 0; v--) at = run[v] == best ? v : at;
      visit(out, out * fw + at);
    }
  }

  // Calls visit(out, at) for each output element, at being the input offset of its window's first maximum (−1 for
  // a window wholly in the padding). The maximum is found first and its offset after, both without a branch on the
  // data: a search that branches on each comparison mispredicts on random activations.
  template <typename Visit>
  void windows(const float *x, Visit visit) const {
    if (contiguous()) return runs(x, visit);
    const int64_t rowStride = (int64_t)w * c;
    int64_t out = 0;
    for (int b = 0; b < n; b++) {
      const int64_t image = (int64_t)b * h * rowStride;
      for (int i = 0; i < oh; i++) {
        // In int64: a stride and a window from the call can make i·sh + fh pass int's range.
        const int64_t yStart = (int64_t)i * sh - top;
        const int y0 = (int)std::max<int64_t>(0, yStart), y1 = (int)std::min<int64_t>(h, yStart + fh);
        for (int j = 0; j < ow; j++) {
          const int64_t xStart = (int64_t)j * sw - left;
          const int x0 = (int)std::max<int64_t>(0, xStart), x1 = (int)std::min<int64_t>(w, xStart + fw);
          for (int k = 0; k < c; k++, out++) {
            if (y0 >= y1 || x0 >= x1) {
              visit(out, -1);
              continue;
            }
            const int64_t first = image + y0 * rowStride + (int64_t)x0 * c + k;
            // As the JS kernel: the first element, then any later one strictly greater (a NaN first stays).
            float best = x[first];
            for (int y = y0; y < y1; y++) {
              const float *row = x + image + y * rowStride + k;
              for (int xx = x0; xx < x1; xx++) best = best < row[(int64_t)xx * c] ? row[(int64_t)xx * c] : best;
            }
            int64_t at = first;
            for (int y = y1 - 1; y >= y0; y--) {
              const int64_t rowAt = image + y * rowStride + k;
              for (int xx = x1 - 1; xx >= x0; xx--) at = x[rowAt + (int64_t)xx * c] == best ? rowAt + (int64_t)xx * c : at;
            }
            visit(out, at);
          }
        }
      }
    }
  }
};

constexpr size_t kPoolingFields = 12;

// Reads maxPoolGrad's (heap, params): the 12 pooling fields, then the offsets of x, dy and dx.
bool readPooling(napi_env env, const char *name, napi_callback_info info, HeapArgs &a, Pooling &p) {
  napi_value args[2];
  if (!heap_args::readArgs(env, info, 2, args, std::string(name) + "(heap, params)")) return false;
  if (!readHeapArgs(env, name, args[0], args[1], kPoolingFields + 3, "12 pooling fields and 3 offsets", a)) return false;
  const int32_t *q = a.params;
  p = Pooling{q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9], q[10], q[11]};
  if (!p.valid()) {
    fail(env, std::string(name) + ": sizes, windows and strides must be ≥ 1 and pads ≥ 0");
    return false;
  }
  return true;
}

// Reads a batch-norm call's (heap, params, hyper): rows, channels, then `offsets` element offsets; hyper a
// Float64Array holding ε.
bool readBatchNorm(napi_env env, const char *name, napi_callback_info info, size_t offsets, HeapArgs &a,
                   double &epsilon) {
  napi_value args[3];
  if (!heap_args::readArgs(env, info, 3, args, std::string(name) + "(heap, params, hyper)")) return false;
  const std::string layout = "rows, channels and " + std::to_string(offsets) + " offsets";
  if (!readHeapArgs(env, name, args[0], args[1], 2 + offsets, layout, a)) return false;
  if (a.params[0] < 1 || a.params[1] < 1) {
    fail(env, std::string(name) + ": rows and channels must be ≥ 1");
    return false;
  }
  const double *hyper =
      heap_args::readFloat64s(env, args[2], 1, std::string(name) + ": hyper must be a Float64Array holding epsilon");
  if (hyper == nullptr) return false;
  epsilon = hyper[0];
  return true;
}

}  // namespace

// batchNormTrain(heap, params: rows, channels, then the offsets of x, gamma, beta, y, mean, variance; hyper: [ε]).
napi_value BatchNormTrain(napi_env env, napi_callback_info info) {
  HeapArgs a;
  double epsilon;
  if (!readBatchNorm(env, "batchNormTrain", info, 6, a, epsilon)) return nullptr;
  const int64_t rows = a.params[0], channels = a.params[1];
  const int64_t n = heap_args::checkedProduct({rows, channels}, a.heapLength);
  const int64_t sizes[6] = {n, channels, channels, n, channels, channels};
  if (!tensorsInHeap(env, "batchNormTrain", a, 2, sizes, 6)) return nullptr;
  const int32_t *q = a.params;
  float *heap = a.heap;
  // A failed allocation of the per-channel arrays is a JS error, not an abort of Node.
  try {
    batchNormForward(rows, channels, heap + q[2], heap + q[3], heap + q[4], heap + q[5], heap + q[6], heap + q[7],
                     epsilon);
  } catch (const std::bad_alloc &) {
    return fail(env, "batchNormTrain: out of memory for " + std::to_string(channels) + " channels' sums");
  }
  return nullptr;
}

// batchNormTrainGrad(heap, params: rows, channels, then the offsets of dy, x, mean, variance, gamma, dx, dgamma,
// dbeta; hyper: [ε]).
napi_value BatchNormTrainGrad(napi_env env, napi_callback_info info) {
  HeapArgs a;
  double epsilon;
  if (!readBatchNorm(env, "batchNormTrainGrad", info, 8, a, epsilon)) return nullptr;
  const int64_t rows = a.params[0], channels = a.params[1];
  const int64_t n = heap_args::checkedProduct({rows, channels}, a.heapLength);
  const int64_t sizes[8] = {n, n, channels, channels, channels, n, channels, channels};
  if (!tensorsInHeap(env, "batchNormTrainGrad", a, 2, sizes, 8)) return nullptr;
  const int32_t *q = a.params;
  float *heap = a.heap;
  try {
    batchNormBackward(rows, channels, heap + q[2], heap + q[3], heap + q[4], heap + q[5], heap + q[6], heap + q[7],
                      heap + q[8], heap + q[9], epsilon);
  } catch (const std::bad_alloc &) {
    return fail(env, "batchNormTrainGrad: out of memory for " + std::to_string(channels) + " channels' sums");
  }
  return nullptr;
}

napi_value Adam(napi_env env, napi_callback_info info) {
  napi_value args[3];
  if (!heap_args::readArgs(env, info, 3, args, "adam(heap, params, hyper)")) return nullptr;
  HeapArgs a;
  if (!readHeapArgs(env, "adam", args[0], args[1], 8, "a length and 7 offsets", a)) return nullptr;
  const int64_t n = a.params[0];
  const int64_t sizes[7] = {n, n, n, n, n, n, n};
  if (!tensorsInHeap(env, "adam", a, 1, sizes, 7)) return nullptr;
  const double *hyper =
      heap_args::readFloat64s(env, args[2], 6, "adam: hyper must be a Float64Array of lr, beta1, beta2, epsilon, c1, c2");
  if (hyper == nullptr) return nullptr;
  const int32_t *q = a.params;
  float *heap = a.heap;
  adamUpdate(n, heap + q[1], heap + q[2], heap + q[3], heap + q[4], heap + q[5], heap + q[6], heap + q[7], hyper);
  return nullptr;
}

napi_value MaxPoolGrad(napi_env env, napi_callback_info info) {
  HeapArgs a;
  Pooling p;
  if (!readPooling(env, "maxPoolGrad", info, a, p)) return nullptr;
  const int64_t sizes[3] = {p.inputSize(a.heapLength), p.outputSize(a.heapLength), p.inputSize(a.heapLength)};
  if (!tensorsInHeap(env, "maxPoolGrad", a, kPoolingFields, sizes, 3)) return nullptr;
  const float *x = a.heap + a.params[kPoolingFields];
  const float *dy = a.heap + a.params[kPoolingFields + 1];
  float *dx = a.heap + a.params[kPoolingFields + 2];
  std::memset(dx, 0, sizeof(float) * (size_t)sizes[0]);
  p.windows(x, [&](int64_t out, int64_t at) {
    if (at >= 0) dx[at] += dy[out];
  });
  return nullptr;
}

// Maxout's forward pass, the contiguous case of max pooling: y[i] = the maximum of x[i·pieces … i·pieces + pieces − 1].
// XNNPACK's pooling is slow on it in a training step (about 0.9 ms a call on 200 × 200 × 5 × 1, against 0.3 for
// the gradient here): with one channel it has nothing to vectorise across.
napi_value Maxout(napi_env env, napi_callback_info info) {
  napi_value args[2];
  if (!heap_args::readArgs(env, info, 2, args, "maxout(heap, params)")) return nullptr;
  HeapArgs a;
  if (!readHeapArgs(env, "maxout", args[0], args[1], 4, "count, pieces and 2 offsets", a)) return nullptr;
  const int32_t count = a.params[0], pieces = a.params[1];
  if (count < 1 || pieces < 1) return fail(env, "maxout: count and pieces must be ≥ 1");
  const int64_t sizes[2] = {heap_args::checkedProduct({count, pieces}, a.heapLength), count};
  if (!tensorsInHeap(env, "maxout", a, 2, sizes, 2)) return nullptr;
  const float *x = a.heap + a.params[2];
  float *y = a.heap + a.params[3];
  for (int64_t i = 0; i < count; i++) y[i] = runMax(x + i * pieces, pieces);
  return nullptr;
}

}  // namespace loops
