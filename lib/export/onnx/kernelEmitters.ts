import * as tf from '@tensorflow/tfjs';
import type { OnnxGraph } from './onnxGraph';

/**
 * What an emitter sees of one traced TF.js kernel call whose result depends on the graph's inputs: its inputs by
 * TF.js's names, attributes and output shapes. Constant inputs (weights, folded subgraphs) are still live tensors.
 */
export interface KernelCall {
  graph: OnnxGraph;
  kernel: string;
  attrs: Record<string, unknown>;
  outShapes: number[][];
  /**
   * Per output dimension of output 0: whether it changed between two traces at different batch sizes (the
   * dimensions that must stay symbolic in the model).
   */
  varies: boolean[];
  /** The ONNX name of input `key`: the traced value's name, or a new initialiser holding the constant's data. */
  input(key: string): string;
  /** The live tensor behind a constant input, or null when the input depends on the graph's inputs. */
  constant(key: string): tf.Tensor | null;
  shape(key: string): number[];
  /** The input keys, in order (Concat's inputs are keyed '0', '1', …). */
  keys: string[];
}

type Emitter = (c: KernelCall) => string[];

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

function pair(v: unknown): [number, number] {
  return Array.isArray(v) ? [v[0], v[1]] : [v as number, v as number];
}

/** ONNX pads [top, left, bottom, right] for TF's padding of a window over `size` (TF's 'same' puts the odd one after). */
function noRounding(c: KernelCall): void {
  if (c.attrs.dimRoundingMode != null) throw new Error(`ONNX export: ${c.kernel} with dimRoundingMode '${String(c.attrs.dimRoundingMode)}' is not supported`);
}

function pads(pad: unknown, inSize: [number, number], kernel: [number, number], stride: [number, number], dilation: [number, number]): number[] {
  if (pad === 'valid') return [0, 0, 0, 0];
  if (typeof pad === 'number') return [pad, pad, pad, pad];
  if (Array.isArray(pad)) return [pad[1][0], pad[2][0], pad[1][1], pad[2][1]];
  if (pad !== 'same') throw new Error(`ONNX export: padding '${String(pad)}' is not supported (same, valid, a number or explicit)`);
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < 2; i++) {
    const out = Math.ceil(inSize[i] / stride[i]);
    const total = Math.max((out - 1) * stride[i] + (kernel[i] - 1) * dilation[i] + 1 - inSize[i], 0);
    before.push(Math.floor(total / 2));
    after.push(total - Math.floor(total / 2));
  }
  return [...before, ...after];
}

/** A constant filter [h, w, a, b] as an ONNX initialiser with axes `perm` (computed here, not in the graph). */
function permutedConstant(c: KernelCall, key: string, perm: number[]): string {
  const t = c.constant(key);
  if (!t) throw new Error(`ONNX export: ${c.kernel}'s ${key} depends on the inputs; only constant filters are supported`);
  const p = tf.tidy(() => tf.transpose(t, perm));
  const name = c.graph.constant(p.dataSync(), p.shape);
  p.dispose();
  return name;
}

/** Runs `inner` on the NCHW view of an NHWC value and returns the NHWC result: ONNX's convolutions are NCHW. */
function inNchw(c: KernelCall, x: string, inner: (nchw: string) => string): string[] {
  const y = inner(c.graph.op('Transpose', [x], { perm: NHWC_TO_NCHW }));
  return [c.graph.op('Transpose', [y], { perm: NCHW_TO_NHWC })];
}

/** The operand of a matrix product, transposed in its last two axes when asked (constants are transposed here). */
function matOperand(c: KernelCall, key: string, transpose: boolean): string {
  if (!transpose) return c.input(key);
  const rank = c.shape(key).length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return c.constant(key) ? permutedConstant(c, key, perm) : c.graph.op('Transpose', [c.input(key)], { perm });
}

const binary = (op: string): Emitter => (c) => [c.graph.op(op, [c.input('a'), c.input('b')])];
const unary = (op: string): Emitter => (c) => [c.graph.op(op, [c.input('x')])];

function reduce(op: string): Emitter {
  return (c) => {
    const rank = c.shape('x').length;
    // Sum and Mean name their axes `axis`; Max names them `reductionIndices`.
    const raw = c.attrs.axis ?? c.attrs.reductionIndices;
    const axes = (raw == null ? [...Array(rank).keys()] : Array.isArray(raw) ? raw : [raw]).map((a: number) => (a + rank) % rank);
    const keepdims = c.attrs.keepDims ? 1 : 0;
    // Opset 13: ReduceSum takes its axes as an input, the other reductions as an attribute.
    if (op === 'ReduceSum') return [c.graph.op(op, [c.input('x'), c.graph.ints(axes)], { keepdims })];
    return [c.graph.op(op, [c.input('x')], { axes, keepdims })];
  };
}

const ONNX_DTYPE: Record<string, number> = { float32: 1, int32: 6, bool: 9 };

/** TF.js kernel name → the ONNX nodes that compute it (opset 13), for the kernels the kit's generators use. */
export const KERNEL_EMITTERS: Record<string, Emitter> = {
  Add: binary('Add'),
  Sub: binary('Sub'),
  Multiply: binary('Mul'),
  RealDiv: binary('Div'),
  Maximum: binary('Max'),
  Minimum: binary('Min'),
  Pow: binary('Pow'),
  Relu: unary('Relu'),
  Tanh: unary('Tanh'),
  Sigmoid: unary('Sigmoid'),
  Exp: unary('Exp'),
  Log: unary('Log'),
  Sqrt: unary('Sqrt'),
  Abs: unary('Abs'),
  Neg: unary('Neg'),
  Elu: unary('Elu'),
  Identity: unary('Identity'),
  Rsqrt: (c) => [c.graph.op('Reciprocal', [c.graph.op('Sqrt', [c.input('x')])])],
  Square: (c) => [c.graph.op('Mul', [c.input('x'), c.input('x')])],
  LeakyRelu: (c) => [c.graph.op('LeakyRelu', [c.input('x')], { alpha: { f: c.attrs.alpha as number } })],
  Cast: (c) => {
    const to = ONNX_DTYPE[c.attrs.dtype as string];
    if (to == null) throw new Error(`ONNX export: Cast to ${String(c.attrs.dtype)} is not supported`);
    return [c.graph.op('Cast', [c.input('x')], { to })];
  },
  Softmax: (c) => [c.graph.op('Softmax', [c.input('logits')], { axis: c.attrs.dim as number })],
  Sum: reduce('ReduceSum'),
  Mean: reduce('ReduceMean'),
  Max: reduce('ReduceMax'),
  Transpose: (c) => [c.graph.op('Transpose', [c.input('x')], { perm: c.attrs.perm as number[] })],
  Reshape: (c) => {
    // The dimension that changes with the batch is left for ONNX to infer (-1), so the model takes any batch.
    const target = c.outShapes[0].map((d, i) => (c.varies[i] ? -1 : d));
    if (target.filter((d) => d === -1).length > 1) throw new Error(`ONNX export: a reshape to [${c.outShapes[0]}] has more than one batch-dependent dimension`);
    return [c.graph.op('Reshape', [c.input('x'), c.graph.ints(target)])];
  },
  Concat: (c) => {
    const rank = c.outShapes[0].length;
    return [c.graph.op('Concat', c.keys.map((k) => c.input(k)), { axis: ((c.attrs.axis as number) + rank) % rank })];
  },
  Pack: (c) => {
    // tf.stack: each input gains the new axis (opset 13's Unsqueeze takes it as an input), then one Concat.
    const rank = c.outShapes[0].length;
    const axis = (((c.attrs.axis as number) ?? 0) + rank) % rank;
    const axes = c.graph.ints([axis]);
    return [c.graph.op('Concat', c.keys.map((k) => c.graph.op('Unsqueeze', [c.input(k), axes])), { axis })];
  },
  SplitV: (c) => {
    const rank = c.shape('x').length;
    const axis = ((c.attrs.axis as number) + rank) % rank;
    const sizes = c.outShapes.map((s) => s[axis]);
    return c.graph.node('Split', [c.input('x'), c.graph.ints(sizes)], { axis }, sizes.length);
  },
  GatherV2: (c) => {
    if (c.attrs.batchDims) throw new Error('ONNX export: GatherV2 with batchDims is not supported');
    return [c.graph.op('Gather', [c.input('x'), c.input('indices')], { axis: c.attrs.axis as number })];
  },
  OneHot: (c) => {
    // Rows of a constant table, picked by the class ids: one Gather, no OneHot op needed.
    const depth = c.attrs.depth as number;
    const on = (c.attrs.onValue as number) ?? 1;
    const off = (c.attrs.offValue as number) ?? 0;
    const table = Array.from({ length: depth * depth }, (_, i) => (i % (depth + 1) === 0 ? on : off));
    const dtype = c.attrs.dtype === 'float32' ? 'float32' : 'int32';
    return [c.graph.op('Gather', [c.graph.constant(table, [depth, depth], dtype), c.input('indices')], { axis: 0 })];
  },
  BatchMatMul: (c) => [
    c.graph.op('MatMul', [matOperand(c, 'a', Boolean(c.attrs.transposeA)), matOperand(c, 'b', Boolean(c.attrs.transposeB))]),
  ],
  FusedBatchNorm: (c) => {
    // Evaluation-mode batch norm is an affine map per channel: folded to x·a + b with a and b computed here.
    for (const k of ['mean', 'variance', 'scale', 'offset']) {
      if (c.keys.includes(k) && !c.constant(k)) throw new Error(`ONNX export: batch norm's ${k} depends on the inputs (export the generator in evaluation mode)`);
    }
    const eps = (c.attrs.varianceEpsilon as number) ?? 1e-3;
    const [a, b] = tf.tidy(() => {
      const scale = c.constant('scale') ?? tf.scalar(1);
      const offset = c.constant('offset') ?? tf.scalar(0);
      const mul = tf.mul(scale, tf.rsqrt(tf.add(c.constant('variance')!, eps)));
      return [mul, tf.sub(offset, tf.mul(c.constant('mean')!, mul))];
    });
    const names = [a, b].map((t) => c.graph.constant(t.dataSync(), t.shape));
    tf.dispose([a, b]);
    return [c.graph.op('Add', [c.graph.op('Mul', [c.input('x'), names[0]]), names[1]])];
  },
  Conv2D: (c) => {
    noRounding(c);
    if (c.attrs.dataFormat !== 'NHWC') throw new Error('ONNX export: only NHWC convolutions are supported');
    const [kh, kw] = c.shape('filter');
    const [, h, w] = c.shape('x');
    const stride = pair(c.attrs.strides);
    const dilations = pair(c.attrs.dilations ?? 1);
    const filter = permutedConstant(c, 'filter', [3, 2, 0, 1]);
    const p = pads(c.attrs.pad, [h, w], [kh, kw], stride, dilations);
    return inNchw(c, c.input('x'), (x) => c.graph.op('Conv', [x, filter], { strides: stride, dilations, pads: p, kernel_shape: [kh, kw] }));
  },
  Conv2DBackpropInput: (c) => {
    noRounding(c);
    // conv2dTranspose: the adjoint of a convolution from the output's size down to dy's; its padding is that
    // convolution's, and any rows it leaves over become output padding.
    const [kh, kw] = c.shape('filter');
    const [, hd, wd] = c.shape('dy');
    const [, h, w] = c.attrs.inputShape as number[];
    const stride = pair(c.attrs.strides);
    const p = pads(c.attrs.pad, [h, w], [kh, kw], stride, [1, 1]);
    const extra = [h - (stride[0] * (hd - 1) + kh - p[0] - p[2]), w - (stride[1] * (wd - 1) + kw - p[1] - p[3])];
    const filter = permutedConstant(c, 'filter', [3, 2, 0, 1]);
    return inNchw(c, c.input('dy'), (x) => c.graph.op('ConvTranspose', [x, filter], { strides: stride, pads: p, kernel_shape: [kh, kw], output_padding: extra }));
  },
  MaxPool: (c) => {
    noRounding(c);
    const [, h, w] = c.shape('x');
    const k = pair(c.attrs.filterSize);
    const stride = pair(c.attrs.strides);
    const p = pads(c.attrs.pad, [h, w], k, stride, [1, 1]);
    return inNchw(c, c.input('x'), (x) => c.graph.op('MaxPool', [x], { kernel_shape: k, strides: stride, pads: p }));
  },
  ResizeNearestNeighbor: (c) => {
    if (c.attrs.alignCorners || c.attrs.halfPixelCenters) throw new Error('ONNX export: only the default nearest-neighbour resize (no align corners, no half-pixel centres) is supported');
    const [, h, w] = c.shape('images');
    const [, oh, ow] = c.outShapes[0];
    if (oh % h !== 0 || ow % w !== 0) throw new Error(`ONNX export: a resize from ${h}×${w} to ${oh}×${ow} is not by a whole factor (only those are supported)`);
    const scales = c.graph.constant([1, 1, oh / h, ow / w], [4]);
    return inNchw(c, c.input('images'), (x) =>
      c.graph.op('Resize', [x, '', scales], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }),
    );
  },
};
