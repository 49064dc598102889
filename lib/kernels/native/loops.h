// Kernels that are plain loops over the wasm heap, where wasm's JS kernels run one element at a time or TF.js runs
// a chain of small ones.
#pragma once

#include <node_api.h>

namespace loops {

// adam(heap, params: n then the offsets of p, g, m, v, p', m', v'; hyper: Float64Array lr, β₁, β₂, ε, c₁, c₂).
napi_value Adam(napi_env env, napi_callback_info info);
// maxPoolGrad(heap, params: the pooling geometry, then the offsets of x, dy and dx).
napi_value MaxPoolGrad(napi_env env, napi_callback_info info);
// maxout(heap, params: count, pieces, then the offsets of x and y): y[i] = max of x's i-th run of `pieces`.
napi_value Maxout(napi_env env, napi_callback_info info);
// batchNormTrain(heap, params: rows, channels, then the offsets of x, γ, β, y, mean, variance; hyper: Float64Array ε).
napi_value BatchNormTrain(napi_env env, napi_callback_info info);
// batchNormTrainGrad(heap, params: rows, channels, then the offsets of dy, x, mean, variance, γ, dx, dγ, dβ; hyper: ε).
napi_value BatchNormTrainGrad(napi_env env, napi_callback_info info);

}  // namespace loops
