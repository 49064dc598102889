import { backend_util } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { composite, type KernelScope, type WasmBackend } from './compose';

/**
 * The input gradient of a convolution — also the forward pass of every transposed convolution — which the
 * stock wasm backend computes in a naive loop. For stride s, the input rows i ≡ r (mod s) only meet filter taps
 * kh ≡ r + pad (mod s), so each of the s² phases is an exact stride-1 convolution of dy with a flipped,
 * channel-swapped sub-filter, run on XNNPACK; the phases are then interleaved. No multiply by an inserted zero.
 *
 * For phase r with first tap k0 = (r + p) mod s, J = ⌈(k − k0)/s⌉ taps and c = (r + p − k0)/s:
 *   dx[q·s + r] = Σ_{j<J} dy[q + c − j] · W[k0 + s·j]
 */
interface Phase {
  /** First filter tap, tap count and dy offset along one axis. */
  k0: number;
  taps: number;
  offset: number;
  /** Output rows of this phase. */
  count: number;
}

function phase(r: number, pad: number, stride: number, kernel: number, size: number): Phase {
  const k0 = (r + pad) % stride;
  const taps = k0 < kernel ? Math.ceil((kernel - k0) / stride) : 0;
  return { k0, taps, offset: (r + pad - k0) / stride, count: Math.max(0, Math.ceil((size - r) / stride)) };
}

/**
 * Sub-filters of recent filters, by the filter's data. A weight is typically used twice before it changes — G's
 * transposed convs in the D step and again in the G step, D's input gradients in the G step and again in the next
 * D step — and reusing the same sub-filter tensors also reuses XNNPACK's packed operator (measured: creating one
 * costs 25–35% of a 2×2 phase convolution). Entries go when their filter's data is freed.
 */
const subFilterCache = new Map<object, Map<string, TensorInfo>>();

function cachedSubFilter(s: KernelScope, filter: TensorInfo, ph: Phase, pw: Phase, sh: number, sw: number): TensorInfo {
  const backend = s.backend;
  for (const [dataId, entries] of subFilterCache) {
    if (backend.dataIdMap.has(dataId)) continue;
    for (const t of entries.values()) backend.disposeData(t.dataId);
    subFilterCache.delete(dataId);
  }
  const key = `${sh},${sw},${ph.k0},${ph.taps},${pw.k0},${pw.taps}`;
  let entries = subFilterCache.get(filter.dataId);
  if (entries == null) subFilterCache.set(filter.dataId, (entries = new Map()));
  let sub = entries.get(key);
  if (sub == null) {
    sub = subFilter(s, filter, ph, pw, sh, sw);
    entries.set(key, sub);
  }
  return sub;
}

/** The sub-filter F[mh,mw,co,ci] = W[k0h + s·(Jh−1−mh), k0w + s·(Jw−1−mw), ci, co]; owned by the cache. */
function subFilter(s: KernelScope, filter: TensorInfo, ph: Phase, pw: Phase, sh: number, sw: number): TensorInfo {
  const [, kw, ci, co] = filter.shape;
  const out = s.backend.makeOutput([ph.taps, pw.taps, co, ci], 'float32');
  const heap = s.heap();
  const w = s.at(filter);
  const f = s.at(out);
  for (let mh = 0; mh < ph.taps; mh++) {
    const h = ph.k0 + sh * (ph.taps - 1 - mh);
    for (let mw = 0; mw < pw.taps; mw++) {
      const x = pw.k0 + sw * (pw.taps - 1 - mw);
      const src = w + (h * kw + x) * ci * co;
      const dst = f + (mh * pw.taps + mw) * co * ci;
      for (let i = 0; i < ci; i++) {
        for (let o = 0; o < co; o++) heap[dst + o * ci + i] = heap[src + i * co + o];
      }
    }
  }
  return out;
}

/** One phase's output [n, count_h, count_w, ci] as a stride-1 convolution of a cropped dy. */
function phaseConv(s: KernelScope, dy: TensorInfo, filter: TensorInfo, ph: Phase, pw: Phase, sh: number, sw: number): TensorInfo {
  const [n, outH, outW, co] = dy.shape;
  // dy rows read: from count-independent start (offset − taps + 1) to (count − 1 + offset).
  let top = ph.taps - 1 - ph.offset;
  let bottom = ph.count + ph.offset - outH;
  let left = pw.taps - 1 - pw.offset;
  let right = pw.count + pw.offset - outW;
  const beginH = Math.max(0, -top);
  const beginW = Math.max(0, -left);
  const endH = outH + Math.min(0, bottom);
  const endW = outW + Math.min(0, right);
  [top, bottom, left, right] = [Math.max(top, 0), Math.max(bottom, 0), Math.max(left, 0), Math.max(right, 0)];
  const f = cachedSubFilter(s, filter, ph, pw, sh, sw);
  let input = dy;
  if (beginH > 0 || beginW > 0 || endH < outH || endW < outW) {
    input = s.run('Slice', { x: dy }, { begin: [0, beginH, beginW, 0], size: [n, endH - beginH, endW - beginW, co] });
  }
  return s.run(
    'Conv2D',
    { x: input, filter: f },
    { strides: [1, 1], dilations: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dimRoundingMode: undefined as never },
  );
}

function conv2DBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackend;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  if (dataFormat !== 'NHWC') {
    throw new Error(`Conv2DBackpropInput on wasm supports dataFormat 'NHWC' only, got '${dataFormat}'; transpose to NHWC first.`);
  }
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
  const [n, height, width, ci] = inputShape;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;

  return composite(backend, (s) => {
    const phases: { rh: number; rw: number; out: TensorInfo | null; ph: Phase; pw: Phase }[] = [];
    for (let rh = 0; rh < sh; rh++) {
      for (let rw = 0; rw < sw; rw++) {
        const ph = phase(rh, top, sh, kh, height);
        const pw = phase(rw, left, sw, kw, width);
        if (ph.count === 0 || pw.count === 0) continue;
        const empty = ph.taps === 0 || pw.taps === 0;
        phases.push({ rh, rw, ph, pw, out: empty ? null : phaseConv(s, dy, filter, ph, pw, sh, sw) });
      }
    }
    if (sh === 1 && sw === 1 && phases[0].out != null) return phases[0].out;

    const out = s.alloc([n, height, width, ci]);
    const heap = s.heap();
    const dst = s.at(out);
    if (phases.some((p) => p.out == null)) s.f32(out).fill(0);
    for (const { rh, rw, ph, pw, out: phaseOut } of phases) {
      if (phaseOut == null) continue;
      const src = s.at(phaseOut);
      for (let b = 0; b < n; b++) {
        for (let q = 0; q < ph.count; q++) {
          const srcRow = src + (b * ph.count + q) * pw.count * ci;
          const dstRow = dst + ((b * height + q * sh + rh) * width + rw) * ci;
          for (let p = 0; p < pw.count; p++) {
            const from = srcRow + p * ci;
            heap.copyWithin(dstRow + p * sw * ci, from, from + ci);
          }
        }
      }
    }
    return out;
  });
}

/** Registers the phase-decomposed input gradient in place of the wasm backend's naive Conv2DBackpropInput. */
export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
