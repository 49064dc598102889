// Convolutions and matrix products for the wasm backend, computed by oneDNN (the library PyTorch's CPU convolutions use) directly on
// the wasm heap: TF.js keeps every wasm tensor in one linear memory, so a kernel passes that memory and element
// offsets, and oneDNN reads and writes the tensors in place. No copy in or out; AVX2/AVX-512 with FMA instead of
// wasm's 128-bit SIMD.
//
// Activations stay NHWC (TF.js's layout, which oneDNN computes natively); filters are TF.js's HWIO, reordered to
// whatever blocked layout oneDNN picks for the shape (a filter is small next to the activations).

#include <node_api.h>

#include "heap_args.h"
#include "loops.h"

#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using heap_args::fail;
using heap_args::HeapArgs;
using heap_args::readHeapArgs;
using heap_args::tensorsInHeap;
using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

dnnl::engine &engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream &stream() {
  static dnnl::stream s(engine());
  return s;
}

enum Kind { kForward = 0, kBackwardData = 1, kBackwardWeights = 2 };

// One convolution's geometry, as TF.js's computeConv2DInfo gives it (pads top/left; the right pads follow).
struct Geometry {
  int n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl;

  // Input rows the last output row reaches past the input (positive: zero padding; negative: rows the
  // convolution never reads, which oneDNN does not accept as padding, so they are cropped by a strided view).
  int padBottom() const { return (oh - 1) * sh + (kh - 1) * dh + 1 - ih - pt; }
  int padRight() const { return (ow - 1) * sw + (kw - 1) * dw + 1 - iw - pl; }
  int usedH() const { return padBottom() < 0 ? ih + padBottom() : ih; }
  int usedW() const { return padRight() < 0 ? iw + padRight() : iw; }
  bool cropped() const { return padBottom() < 0 || padRight() < 0; }

  // The input as oneDNN sees it: the used rows and columns of an NHWC buffer of the full size.
  memory::desc input() const {
    return memory::desc({n, ic, usedH(), usedW()}, dt::f32,
                        memory::dims{(memory::dim)ih * iw * ic, 1, (memory::dim)iw * ic, ic});
  }
  memory::desc output() const { return memory::desc({n, oc, oh, ow}, dt::f32, tag::nhwc); }
  memory::desc filterHwio() const { return memory::desc({oc, ic, kh, kw}, dt::f32, tag::hwio); }
  memory::desc filterAny() const { return memory::desc({oc, ic, kh, kw}, dt::f32, tag::any); }
  memory::dims strides() const { return {sh, sw}; }
  // oneDNN counts dilation from 0 (no holes); TF.js from 1.
  memory::dims dilations() const { return {dh - 1, dw - 1}; }
  memory::dims padLeft() const { return {pt, pl}; }
  memory::dims padRightDims() const { return {padBottom() < 0 ? 0 : padBottom(), padRight() < 0 ? 0 : padRight()}; }

  std::string key(int kind) const {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%d:%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%d", kind, n, ih, iw, ic, oh, ow, oc,
                  kh, kw, sh, sw, dh, dw, pt, pl);
    return buf;
  }
};

#if DNNL_VERSION_MAJOR >= 3
dnnl::convolution_forward::primitive_desc forwardDesc(const Geometry &g) {
  return dnnl::convolution_forward::primitive_desc(engine(), dnnl::prop_kind::forward_training,
                                                   dnnl::algorithm::convolution_direct, g.input(), g.filterAny(),
                                                   g.output(), g.strides(), g.dilations(), g.padLeft(),
                                                   g.padRightDims());
}
#else
dnnl::convolution_forward::desc forwardOpDesc(const Geometry &g) {
  return dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                         g.input(), g.filterAny(), g.output(), g.strides(), g.dilations(),
                                         g.padLeft(), g.padRightDims());
}
dnnl::convolution_forward::primitive_desc forwardDesc(const Geometry &g) {
  return dnnl::convolution_forward::primitive_desc(forwardOpDesc(g), engine());
}
#endif

// A primitive for one geometry and direction, with the filter in oneDNN's chosen layout and the reorder between
// that layout and TF.js's HWIO (absent when oneDNN takes HWIO as it is).
struct Plan {
  dnnl::primitive conv;
  /** Bytes of the filter copy this plan owns (0 when oneDNN takes HWIO as it is). */
  size_t bytes = 0;
  memory::desc filterDesc;
  std::unique_ptr<memory> filterBuffer;
  std::unique_ptr<dnnl::reorder> filterReorder;
};

Plan makePlan(const Geometry &g, int kind) {
  Plan p;
  auto fwd = forwardDesc(g);
  memory::desc filter;
  if (kind == kForward) {
    p.conv = dnnl::convolution_forward(fwd);
    filter = fwd.weights_desc();
  } else if (kind == kBackwardData) {
#if DNNL_VERSION_MAJOR >= 3
    dnnl::convolution_backward_data::primitive_desc pd(engine(), dnnl::algorithm::convolution_direct, g.input(),
                                                       g.filterAny(), g.output(), g.strides(), g.dilations(),
                                                       g.padLeft(), g.padRightDims(), fwd);
#else
    dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, g.input(), g.filterAny(),
                                            g.output(), g.strides(), g.dilations(), g.padLeft(), g.padRightDims());
    dnnl::convolution_backward_data::primitive_desc pd(d, engine(), fwd);
#endif
    p.conv = dnnl::convolution_backward_data(pd);
    filter = pd.weights_desc();
  } else {
#if DNNL_VERSION_MAJOR >= 3
    dnnl::convolution_backward_weights::primitive_desc pd(engine(), dnnl::algorithm::convolution_direct, g.input(),
                                                          g.filterAny(), g.output(), g.strides(), g.dilations(),
                                                          g.padLeft(), g.padRightDims(), fwd);
#else
    dnnl::convolution_backward_weights::desc d(dnnl::algorithm::convolution_direct, g.input(), g.filterAny(),
                                               g.output(), g.strides(), g.dilations(), g.padLeft(),
                                               g.padRightDims());
    dnnl::convolution_backward_weights::primitive_desc pd(d, engine(), fwd);
#endif
    p.conv = dnnl::convolution_backward_weights(pd);
    filter = pd.diff_weights_desc();
  }
  p.filterDesc = filter;
  if (filter != g.filterHwio()) {
    p.filterBuffer = std::make_unique<memory>(filter, engine());
    p.bytes = filter.get_size();
    memory hwio(g.filterHwio(), engine(), DNNL_MEMORY_NONE);
    p.filterReorder = kind == kBackwardWeights ? std::make_unique<dnnl::reorder>(*p.filterBuffer, hwio)
                                               : std::make_unique<dnnl::reorder>(hwio, *p.filterBuffer);
  }
  return p;
}

// Plans by geometry: a training step meets the same few dozen shapes every step, and creating a primitive
// (choosing and JIT-compiling a kernel) costs far more than running a small one.
std::map<std::string, Plan> &plans() {
  static std::map<std::string, Plan> cache;
  return cache;
}

// a, b: the kernel's two inputs; out: its output (element offsets into the heap).
//   forward:          a = x,  b = filter, out = y
//   backward data:    a = dy, b = filter, out = dx
//   backward weights: a = x,  b = dy,     out = dfilter
void run(const Geometry &g, int kind, float *heap, int64_t a, int64_t b, int64_t out) {
  auto key = g.key(kind);
  auto found = plans().find(key);
  if (found == plans().end()) {
    // A long session that meets ever new shapes (batch sizes in evaluation, say) must not keep every kernel it
    // compiled, nor every filter copy: past a few hundred plans or 512 MB of copies, start over (a training step
    // needs a few dozen plans).
    size_t bytes = 0;
    for (const auto &entry : plans()) bytes += entry.second.bytes;
    if (plans().size() >= 512 || bytes > (size_t(512) << 20)) plans().clear();
    found = plans().emplace(key, makePlan(g, kind)).first;
  }
  Plan &p = found->second;
  auto &s = stream();
  auto &e = engine();
  // The filter is an input of the forward and backward-data passes and the output of the backward-weights one;
  // it goes through oneDNN's layout on the way in or on the way out.
  memory user(g.filterHwio(), e, heap + (kind == kBackwardWeights ? out : b));
  memory filter = p.filterBuffer ? *p.filterBuffer : user;
  if (p.filterReorder && kind != kBackwardWeights) p.filterReorder->execute(s, user, filter);
  if (kind == kForward) {
    memory x(g.input(), e, heap + a), y(g.output(), e, heap + out);
    p.conv.execute(s, {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, filter}, {DNNL_ARG_DST, y}});
  } else if (kind == kBackwardData) {
    // Rows the forward pass never read get no gradient: zero them, oneDNN writes only the used view.
    if (g.cropped()) std::memset(heap + out, 0, sizeof(float) * (size_t)g.n * g.ih * g.iw * g.ic);
    memory dy(g.output(), e, heap + a), dx(g.input(), e, heap + out);
    p.conv.execute(s, {{DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_WEIGHTS, filter}, {DNNL_ARG_DIFF_SRC, dx}});
  } else {
    memory x(g.input(), e, heap + a), dy(g.output(), e, heap + b);
    p.conv.execute(s, {{DNNL_ARG_SRC, x}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_WEIGHTS, filter}});
    if (p.filterReorder) p.filterReorder->execute(s, filter, user);
  }
  s.wait();
}

// A matrix product, or a batch of them C[i] = op(A[i]) · op(B[i]), for BatchMatMul: dense layers' products, and
// attention's, many small matrices (one per image), which one matmul primitive computes in a single call where a
// loop over the batch paid a call's fixed cost per image. Transposed operands are read through strides, without a
// copy.
struct Product {
  int batchA, batchB, m, k, n, transA, transB;
  int batch() const { return batchA > batchB ? batchA : batchB; }
  // A is stored [batchA, m, k], or [batchA, k, m] when transposed; B [batchB, k, n], or [batchB, n, k].
  memory::desc a() const {
    return memory::desc({batchA, m, k}, dt::f32,
                        transA ? memory::dims{(memory::dim)m * k, 1, m} : memory::dims{(memory::dim)m * k, k, 1});
  }
  memory::desc b() const {
    return memory::desc({batchB, k, n}, dt::f32,
                        transB ? memory::dims{(memory::dim)k * n, 1, k} : memory::dims{(memory::dim)k * n, n, 1});
  }
  memory::desc c() const { return memory::desc({batch(), m, n}, dt::f32, memory::dims{(memory::dim)m * n, n, 1}); }
  std::string key() const {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%d,%d,%d,%d,%d,%d,%d", batchA, batchB, m, k, n, transA, transB);
    return buf;
  }
};

std::map<std::string, dnnl::matmul> &products() {
  static std::map<std::string, dnnl::matmul> cache;
  return cache;
}

void multiply(const Product &p, float *heap, int64_t a, int64_t b, int64_t out) {
  auto key = p.key();
  auto found = products().find(key);
  if (found == products().end()) {
    if (products().size() >= 512) products().clear();
#if DNNL_VERSION_MAJOR >= 3
    dnnl::matmul::primitive_desc pd(engine(), p.a(), p.b(), p.c());
#else
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(p.a(), p.b(), p.c()), engine());
#endif
    found = products().emplace(key, dnnl::matmul(pd)).first;
  }
  auto &e = engine();
  memory ma(p.a(), e, heap + a), mb(p.b(), e, heap + b), mc(p.c(), e, heap + out);
  found->second.execute(stream(), {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
  stream().wait();
}

// matmul(heap: Float32Array over the wasm memory, params: Int32Array) — params: batchA, batchB, m, k, n,
// transposeA, transposeB (0 or 1), then the element offsets of A, B and the output. The batches are equal, or B's
// is 1 (one matrix for every A).
napi_value Matmul(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc != 2) return fail(env, "matmul(heap, params) takes 2 arguments");
  HeapArgs a;
  if (!readHeapArgs(env, "matmul", args[0], args[1], 10, "7 fields and 3 offsets", a)) return nullptr;
  const int32_t *q = a.params;
  Product p{q[0], q[1], q[2], q[3], q[4], q[5], q[6]};
  for (int i = 0; i < 5; i++) {
    if (q[i] < 1) return fail(env, "matmul: size field " + std::to_string(i) + " is " + std::to_string(q[i]) + ", not ≥ 1");
  }
  if ((p.transA != 0 && p.transA != 1) || (p.transB != 0 && p.transB != 1)) return fail(env, "matmul: transpose flags must be 0 or 1");
  if (p.batchA != p.batchB && p.batchB != 1) return fail(env, "matmul: B's batch must equal A's or be 1");
  const int64_t L = a.heapLength;
  const int64_t sizes[3] = {heap_args::checkedProduct({p.batchA, p.m, p.k}, L), heap_args::checkedProduct({p.batchB, p.k, p.n}, L),
                            heap_args::checkedProduct({p.batch(), p.m, p.n}, L)};
  if (!tensorsInHeap(env, "matmul", a, 7, sizes)) return nullptr;
  try {
    multiply(p, a.heap, q[7], q[8], q[9]);
  } catch (const dnnl::error &e) {
    return fail(env, std::string("oneDNN matmul failed: ") + e.what() + " (product " + p.key() + ")");
  }
  return nullptr;
}

// conv(kind, heap: Float32Array over the wasm memory, params: Int32Array) — params holds the 15 geometry fields
// in Geometry's order, then the element offsets a, b, out.
napi_value Conv(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc != 3) return fail(env, "conv(kind, heap, params) takes 3 arguments");
  int32_t kind;
  if (napi_get_value_int32(env, args[0], &kind) != napi_ok || kind < 0 || kind > 2) {
    return fail(env, "conv: kind must be 0 (forward), 1 (backward data) or 2 (backward weights)");
  }
  HeapArgs a;
  if (!readHeapArgs(env, "conv", args[1], args[2], 18, "15 geometry fields and 3 offsets", a)) return nullptr;
  const int32_t *q = a.params;
  Geometry g{q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8], q[9], q[10], q[11], q[12], q[13], q[14]};
  // Sizes, strides and dilations ≥ 1, pads ≥ 0, and a non-empty used view: anything else would make the sizes
  // below meaningless (and the bounds check with them).
  for (int i = 0; i < 13; i++) {
    if (q[i] < 1) return fail(env, "conv: geometry field " + std::to_string(i) + " is " + std::to_string(q[i]) + ", not ≥ 1");
  }
  if (g.pt < 0 || g.pl < 0 || g.usedH() < 1 || g.usedW() < 1) return fail(env, "conv: negative padding or an empty input view");
  // −1 where a product passes the heap's length (the bounds check then refuses it), not a wrapped small number.
  const int64_t L = a.heapLength;
  const int64_t inputSize = heap_args::checkedProduct({g.n, g.ih, g.iw, g.ic}, L),
                outputSize = heap_args::checkedProduct({g.n, g.oh, g.ow, g.oc}, L),
                filterSize = heap_args::checkedProduct({g.kh, g.kw, g.ic, g.oc}, L);
  const int64_t sizes[3][3] = {{inputSize, filterSize, outputSize},
                               {outputSize, filterSize, inputSize},
                               {inputSize, outputSize, filterSize}};
  if (!tensorsInHeap(env, "conv", a, 15, sizes[kind])) return nullptr;
  try {
    run(g, kind, a.heap, q[15], q[16], q[17]);
  } catch (const dnnl::error &e) {
    return fail(env, std::string("oneDNN convolution failed: ") + e.what() + " (geometry " + g.key(kind) + ")");
  }
  return nullptr;
}

// info() → { version: "2.6.3", isa: "avx512_core", threads: N }
napi_value Info(napi_env env, napi_callback_info) {
  const dnnl_version_t *v = dnnl_version();
  std::string version = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
  static const std::map<dnnl_cpu_isa_t, const char *> names = {
      {dnnl_cpu_isa_sse41, "sse41"},           {dnnl_cpu_isa_avx, "avx"},
      {dnnl_cpu_isa_avx2, "avx2"},             {dnnl_cpu_isa_avx512_core, "avx512_core"},
      {dnnl_cpu_isa_avx512_core_vnni, "avx512_core_vnni"}, {dnnl_cpu_isa_avx512_core_bf16, "avx512_core_bf16"},
  };
  auto isa = names.find(dnnl_get_effective_cpu_isa());
  napi_value result, versionValue, isaValue, threadsValue;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, version.c_str(), NAPI_AUTO_LENGTH, &versionValue);
  napi_create_string_utf8(env, isa == names.end() ? "other" : isa->second, NAPI_AUTO_LENGTH, &isaValue);
  napi_create_int32(env, omp_get_max_threads(), &threadsValue);
  napi_set_named_property(env, result, "version", versionValue);
  napi_set_named_property(env, result, "isa", isaValue);
  napi_set_named_property(env, result, "threads", threadsValue);
  return result;
}

// setThreads(n): OpenMP threads for the following calls.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  int32_t n;
  if (argc != 1 || napi_get_value_int32(env, arg, &n) != napi_ok || n < 1) {
    return fail(env, "setThreads(n) takes a whole number ≥ 1");
  }
  omp_set_num_threads(n);
  return nullptr;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"conv", nullptr, Conv, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"matmul", nullptr, Matmul, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"adam", nullptr, loops::Adam, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"maxPoolGrad", nullptr, loops::MaxPoolGrad, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"maxout", nullptr, loops::Maxout, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"batchNormTrain", nullptr, loops::BatchNormTrain, nullptr, nullptr, nullptr, napi_default_method, nullptr},
      {"batchNormTrainGrad", nullptr, loops::BatchNormTrainGrad, nullptr, nullptr, nullptr, napi_default_method,
       nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
