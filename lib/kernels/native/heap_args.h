// How every kernel of the addon is called: the wasm memory as a Float32Array and an Int32Array of sizes then
// element offsets into it. These checks turn a wrong call into a JS error instead of a write over other tensors.
#pragma once

#include <node_api.h>

#include <cstdint>
#include <initializer_list>
#include <string>

namespace heap_args {

inline napi_value fail(napi_env env, const std::string &message) {
  napi_throw_error(env, nullptr, message.c_str());
  return nullptr;
}

// Reads a call's arguments into args[0 … count − 1]; false, with a JS error naming `usage`, for another count.
inline bool readArgs(napi_env env, napi_callback_info info, size_t count, napi_value *args, const std::string &usage) {
  size_t argc = count;
  napi_get_cb_info(env, info, &argc, args, nullptr, nullptr);
  if (argc != count) {
    fail(env, usage + " takes " + std::to_string(count) + " arguments");
    return false;
  }
  return true;
}

// The data of a Float64Array of `length` values; nullptr, with the JS error `message`, for anything else.
inline const double *readFloat64s(napi_env env, napi_value value, size_t length, const std::string &message) {
  napi_typedarray_type type;
  size_t got;
  void *data;
  if (napi_get_typedarray_info(env, value, &type, &got, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float64_array || got != length) {
    fail(env, message);
    return nullptr;
  }
  return static_cast<const double *>(data);
}

struct HeapArgs {
  float *heap;
  int64_t heapLength;
  const int32_t *params;
};

// Reads a call's (heap, params); false, with a JS error thrown, unless heap is a Float32Array and params an
// Int32Array of `count` values (`layout` says what they are, for the message).
inline bool readHeapArgs(napi_env env, const std::string &name, napi_value heap, napi_value params, size_t count,
                         const std::string &layout, HeapArgs &out) {
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, heap, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_float32_array) {
    fail(env, name + ": heap must be a Float32Array over the wasm memory");
    return false;
  }
  out.heap = static_cast<float *>(data);
  out.heapLength = (int64_t)length;
  if (napi_get_typedarray_info(env, params, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_int32_array || length != count) {
    fail(env, name + ": params must be an Int32Array of " + layout);
    return false;
  }
  out.params = static_cast<const int32_t *>(data);
  return true;
}

// The product of sizes read from a call (each ≥ 0), or −1 when it would exceed `limit` (the heap's length): a product
// of four int32 fields can wrap int64 to a small number that would pass the bounds check below.
inline int64_t checkedProduct(std::initializer_list<int64_t> factors, int64_t limit) {
  int64_t product = 1;
  for (int64_t f : factors) {
    if (f < 0 || (f != 0 && product > limit / f)) return -1;
    product *= f;
  }
  return product;
}

// Every tensor must lie inside the heap: the `count` offsets start at params[first], and sizes are the tensors'
// element counts in the same order.
inline bool tensorsInHeap(napi_env env, const std::string &name, const HeapArgs &a, int first, const int64_t *sizes,
                          int count = 3) {
  for (int i = 0; i < count; i++) {
    const int64_t offset = a.params[first + i];
    if (offset < 0 || sizes[i] < 0 || offset + sizes[i] > a.heapLength) {
      fail(env, name + ": a tensor lies outside the wasm heap (offset " + std::to_string(offset) + ")");
      return false;
    }
  }
  return true;
}

}  // namespace heap_args
