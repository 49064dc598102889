import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelScope, type WasmBackend } from './compose';

/**
 * Batch norm in training mode as one kernel: the batch's per-channel mean and (biased) variance, and
 * y = γ(x − μ)/√(σ² + ε) + β, over a channels-last tensor seen as [rows, channels]. TF.js computes this as
 * `moments` then `batchNorm`, some twenty small kernels with their gradients; on the wasm backend they took 12 of a
 * PacGAN4 toy step's 51 ms (`npm run bench:loops`). Inputs: x, gamma and beta (ones and zeros for a norm without an
 * affine). Outputs: [y, mean, variance].
 */
export const BATCH_NORM_TRAIN = 'GanBatchNormTrain';

/**
 * The gradient of `GanBatchNormTrain` with respect to x (and γ, β), in one kernel. Inputs: dy, x, mean, variance
 * (the forward kernel's outputs) and gamma. Outputs: [dx, dgamma, dbeta]. No gradient flows through the mean and
 * variance outputs: they are the statistics for the running averages, and their effect on y is already in dx.
 */
export const BATCH_NORM_TRAIN_GRAD = 'GanBatchNormTrainGrad';

/** The attribute of both kernels: ε, added to the variance. */
export interface BatchNormTrainAttrs extends NamedAttrMap {
  epsilon: number;
}

let fused = true;

/**
 * Turns the fused kernels on or off (tests and benchmarks compare them with TF.js's ops); returns the previous
 * setting.
 */
export function setFusedBatchNorm(on: boolean): boolean {
  const previous = fused;
  fused = on;
  return previous;
}

/** Whether `batchNormTraining` should run the fused kernel on the current backend. */
export function fusedBatchNormAvailable(): boolean {
  return fused && tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend()) != null;
}

/** Rows and channels of a channels-last tensor. */
export function rowsAndChannels(shape: number[]): [number, number] {
  const channels = shape[shape.length - 1];
  const size = shape.reduce((a, b) => a * b, 1);
  return [channels > 0 ? size / channels : 0, channels];
}

/**
 * The forward kernel's arithmetic, in double precision with every sum taken over the rows in order, as the addon's
 * compiled loops (lib/kernels/native/loops.cc) compute it: the two give the same bits. Per-channel coefficients
 * first, so that the pass over the elements is one multiply and one add per element.
 */
export function batchNormForward(
  heap: Float32Array,
  rows: number,
  channels: number,
  at: { x: number; gamma: number; beta: number; y: number; mean: number; variance: number },
  epsilon: number,
): void {
  const sum = new Float64Array(channels);
  for (let r = 0; r < rows; r++) {
    const row = at.x + r * channels;
    for (let c = 0; c < channels; c++) sum[c] += heap[row + c];
  }
  const mean = sum.map((s) => s / rows);
  const squares = new Float64Array(channels);
  for (let r = 0; r < rows; r++) {
    const row = at.x + r * channels;
    for (let c = 0; c < channels; c++) {
      const d = heap[row + c] - mean[c];
      squares[c] += d * d;
    }
  }
  const scale = new Float64Array(channels);
  const shift = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const variance = squares[c] / rows;
    scale[c] = heap[at.gamma + c] / Math.sqrt(variance + epsilon);
    shift[c] = heap[at.beta + c] - mean[c] * scale[c];
    heap[at.mean + c] = mean[c];
    heap[at.variance + c] = variance;
  }
  for (let r = 0; r < rows; r++) {
    const i = r * channels;
    for (let c = 0; c < channels; c++) heap[at.y + i + c] = heap[at.x + i + c] * scale[c] + shift[c];
  }
}

/** The gradient's arithmetic (see `batchNormForward`). */
export function batchNormBackward(
  heap: Float32Array,
  rows: number,
  channels: number,
  at: { dy: number; x: number; mean: number; variance: number; gamma: number; dx: number; dgamma: number; dbeta: number },
  epsilon: number,
): void {
  const sumDy = new Float64Array(channels);
  const sumDyX = new Float64Array(channels);
  for (let r = 0; r < rows; r++) {
    const i = r * channels;
    for (let c = 0; c < channels; c++) {
      const dy = heap[at.dy + i + c];
      sumDy[c] += dy;
      sumDyX[c] += dy * (heap[at.x + i + c] - heap[at.mean + c]);
    }
  }
  // dx = γr·dy − γr·Σdy/N − (x − μ)·γr³·Σdy(x − μ)/N, with r = 1/√(σ² + ε): x's own path and its paths through
  // μ and σ², as coefficients per channel.
  const a = new Float64Array(channels);
  const b = new Float64Array(channels);
  const k = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    const inv = 1 / Math.sqrt(heap[at.variance + c] + epsilon);
    a[c] = heap[at.gamma + c] * inv;
    b[c] = (a[c] * inv * inv * sumDyX[c]) / rows;
    k[c] = (a[c] * sumDy[c]) / rows;
    heap[at.dgamma + c] = sumDyX[c] * inv;
    heap[at.dbeta + c] = sumDy[c];
  }
  for (let r = 0; r < rows; r++) {
    const i = r * channels;
    for (let c = 0; c < channels; c++) {
      heap[at.dx + i + c] = a[c] * heap[at.dy + i + c] - b[c] * (heap[at.x + i + c] - heap[at.mean + c]) - k[c];
    }
  }
}

/** Whether the inputs are what the kernels take: float32, channels last with every size ≥ 1, [C] statistics. */
export function batchNormInputsValid(x: TensorInfo, perChannel: TensorInfo[]): boolean {
  const [rows, channels] = rowsAndChannels(x.shape);
  return (
    x.dtype === 'float32' &&
    x.shape.length >= 1 &&
    rows >= 1 &&
    channels >= 1 &&
    perChannel.every((t) => t.dtype === 'float32' && t.shape.length === 1 && t.shape[0] === channels)
  );
}

type ForwardInputs = { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
type BackwardInputs = { dy: TensorInfo; x: TensorInfo; mean: TensorInfo; variance: TensorInfo; gamma: TensorInfo };

function checkInputs(name: string, x: TensorInfo, perChannel: TensorInfo[]): void {
  if (!batchNormInputsValid(x, perChannel)) {
    throw new Error(`${name}: x must be float32 channels-last with every size ≥ 1 and each statistic or parameter float32 of shape [${x.shape[x.shape.length - 1]}]; got x ${x.dtype} [${x.shape}]`);
  }
}

function forward(args: { inputs: ForwardInputs; backend: WasmBackend; attrs: BatchNormTrainAttrs }): TensorInfo[] {
  const { inputs: { x, gamma, beta }, backend, attrs } = args;
  checkInputs(BATCH_NORM_TRAIN, x, [gamma, beta]);
  const [rows, channels] = rowsAndChannels(x.shape);
  const s = new KernelScope(backend);
  try {
    const outs = [s.alloc(x.shape), s.alloc([channels]), s.alloc([channels])];
    batchNormForward(s.heap(), rows, channels, {
      x: s.at(x),
      gamma: s.at(gamma),
      beta: s.at(beta),
      y: s.at(outs[0]),
      mean: s.at(outs[1]),
      variance: s.at(outs[2]),
    }, attrs.epsilon);
    return outs.map((t) => s.keep(t));
  } finally {
    s.dispose();
  }
}

function backward(args: { inputs: BackwardInputs; backend: WasmBackend; attrs: BatchNormTrainAttrs }): TensorInfo[] {
  const { inputs: { dy, x, mean, variance, gamma }, backend, attrs } = args;
  checkInputs(BATCH_NORM_TRAIN_GRAD, x, [mean, variance, gamma]);
  if (dy.shape.length !== x.shape.length || dy.shape.some((d, i) => d !== x.shape[i]) || dy.dtype !== 'float32') {
    throw new Error(`${BATCH_NORM_TRAIN_GRAD}: dy must be float32 of x's shape [${x.shape}]; got [${dy.shape}]`);
  }
  const [rows, channels] = rowsAndChannels(x.shape);
  const s = new KernelScope(backend);
  try {
    const outs = [s.alloc(x.shape), s.alloc([channels]), s.alloc([channels])];
    batchNormBackward(s.heap(), rows, channels, {
      dy: s.at(dy),
      x: s.at(x),
      mean: s.at(mean),
      variance: s.at(variance),
      gamma: s.at(gamma),
      dx: s.at(outs[0]),
      dgamma: s.at(outs[1]),
      dbeta: s.at(outs[2]),
    }, attrs.epsilon);
    return outs.map((t) => s.keep(t));
  } finally {
    s.dispose();
  }
}

/**
 * Both kernels for the wasm backend in JS: the native addon's fallback while `setNativeKernels(false)`, and the
 * reference its loops are tested against. Registered only with the addon (lib/kernels/native/loops.ts): these JS
 * loops alone are no faster than TF.js's composed ops.
 */
export const batchNormTrainConfigs: KernelConfig[] = [
  { kernelName: BATCH_NORM_TRAIN, backendName: 'wasm', kernelFunc: forward as unknown as KernelFunc },
  { kernelName: BATCH_NORM_TRAIN_GRAD, backendName: 'wasm', kernelFunc: backward as unknown as KernelFunc },
];
