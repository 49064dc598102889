import * as tf from '@tensorflow/tfjs';
import type { Module } from '../nn/module';
import type { NamedArray } from './safetensors';

/**
 * Weight interop with BigGAN-PyTorch (Brock's reference code, whose G/D state dicts its pretrained checkpoints
 * use). The module trees match block for block; what differs is naming and memory layout:
 *
 * | this library                         | BigGAN-PyTorch                      |
 * |--------------------------------------|-------------------------------------|
 * | blocks.i.…, attention.i.…            | blocks.i.0.…, blocks.i.1.…          |
 * | ….bn1.bn.running_mean / running_var  | ….bn1.stored_mean / stored_var      |
 * | output_layer.0.weight                | output_layer.0.gain                 |
 * | ….sn.u0 [out], ….sn.sv0 []           | ….u0 [1, out], ….sv0 [1]            |
 * | conv weight [kh, kw, in, out] (NHWC) | [out, in, kh, kw] (NCHW)            |
 * | linear weight [in, out]              | [out, in]                           |
 * | G's linear output (h, w, c) order    | (c, h, w) order (a view to NCHW)    |
 */
export type Role = 'G' | 'D';

/** The BigGAN-PyTorch state-dict key of one of this library's parameter or buffer names (block nesting, stored statistics, gain, u0/sv0). */
export function toPytorchName(name: string): string {
  return name
    .replace(/^blocks\.(\d+)\./, 'blocks.$1.0.')
    .replace(/^attention\.(\d+)\./, 'blocks.$1.1.')
    .replace(/\.bn\.running_(mean|var)$/, '.stored_$1')
    .replace(/^output_layer\.0\.running_(mean|var)$/, 'output_layer.0.stored_$1')
    .replace(/^output_layer\.0\.weight$/, 'output_layer.0.gain')
    .replace(/\.sn\.(u0|sv0)$/, '.$1');
}

/** BigGAN-PyTorch buffers with no counterpart here (statistics bookkeeping); skipped on import. */
const IGNORED = /(^|\.)accumulation_counter$|(^|\.)num_batches_tracked$/;

const isEmbedding = (name: string) => /^(shared|embed)\.weight$/.test(name);

/** Index maps of G's first linear layer: our output (h·4 + w)·C + c ↔ PyTorch's c·16 + (h·4 + w). */
function linearOrder(outFeatures: number): { toPt: Int32Array; fromPt: Int32Array } {
  const channels = outFeatures / 16;
  const fromPt = new Int32Array(outFeatures);
  const toPt = new Int32Array(outFeatures);
  for (let p = 0; p < outFeatures; p++) {
    const o = (p % 16) * channels + Math.floor(p / 16);
    fromPt[p] = o;
    toPt[o] = p;
  }
  return { toPt, fromPt };
}

/**
 * G.linear's weight (in PyTorch's [out, in] layout), bias and u are indexed by the output: reorders them to
 * PyTorch's output order or back to ours. Every other tensor passes through.
 */
function reorderLinearOutputs(role: Role, name: string, x: tf.Tensor, to: 'pytorch' | 'ours'): tf.Tensor {
  if (role !== 'G' || !/^linear\./.test(name) || /sv0$/.test(name)) return x;
  const rows = name.endsWith('weight') ? x : x.reshape([-1]);
  const { toPt, fromPt } = linearOrder(rows.shape[0]);
  return tf.gather(rows, tf.tensor1d(to === 'pytorch' ? fromPt : toPt, 'int32')).reshape(x.shape);
}

/** One tensor from our layout to PyTorch's (shape and values). */
function toPt(role: Role, name: string, t: tf.Tensor): NamedArray {
  return tf.tidy(() => {
    let x = t;
    if (/\.sv0$/.test(name)) x = x.reshape([1]);
    else if (/\.u0$/.test(name)) x = x.reshape([1, -1]);
    else if (x.rank === 4) x = tf.transpose(x, [3, 2, 0, 1]);
    else if (x.rank === 2 && !isEmbedding(name)) x = tf.transpose(x);
    x = reorderLinearOutputs(role, name, x, 'pytorch');
    const data = x.dtype === 'int32' ? Int32Array.from(x.dataSync()) : Float32Array.from(x.dataSync());
    return { shape: x.shape, data } as unknown as tf.TensorContainer;
  }) as unknown as NamedArray;
}

/** A module's state in BigGAN-PyTorch names and layouts (what its `load_state_dict` takes). */
export function toPytorchState(m: Module, role: Role): Map<string, NamedArray> {
  const out = new Map<string, NamedArray>();
  for (const [name, v] of m.stateDict()) out.set(toPytorchName(name), toPt(role, name, v));
  return out;
}

/**
 * Loads a BigGAN-PyTorch state dict (G or D) into a module of the same configuration. Names, shapes and counts are
 * checked, and an error lists what is missing or left over (e.g. a checkpoint of another resolution or width).
 */
export function loadPytorchState(m: Module, role: Role, state: Map<string, NamedArray>, source = 'the PyTorch state dict'): void {
  const own = m.stateDict();
  const wanted = new Map([...own.keys()].map((k) => [toPytorchName(k), k]));
  const missing = [...wanted.keys()].filter((k) => !state.has(k));
  const extra = [...state.keys()].filter((k) => !wanted.has(k) && !IGNORED.test(k));
  if (missing.length || extra.length) {
    throw new Error(
      `${source} does not match this ${role} (${m.constructor.name}): ` +
        (missing.length ? `missing ${missing.length} (${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ', …' : ''}) ` : '') +
        (extra.length ? `unexpected ${extra.length} (${extra.slice(0, 4).join(', ')}${extra.length > 4 ? ', …' : ''})` : '') +
        '. Build the model with the checkpoint\'s resolution, ch, zDim, classes and attention.',
    );
  }
  const converted = new Map<string, tf.Tensor>();
  try {
    for (const [ptName, ours] of wanted) {
      const target = own.get(ours)!;
      const a = state.get(ptName)!;
      converted.set(
        ours,
        tf.tidy(() => {
          let x = reorderLinearOutputs(role, ours, tf.tensor(a.data, a.shape, a.data instanceof Int32Array ? 'int32' : 'float32'), 'ours');
          if (/\.(u0|sv0)$/.test(ours)) x = x.reshape(target.shape);
          else if (x.rank === 4) x = tf.transpose(x, [2, 3, 1, 0]);
          else if (x.rank === 2 && !isEmbedding(ours)) x = tf.transpose(x);
          if (x.shape.join() !== target.shape.join()) throw new Error(`${source}: '${ptName}' is [${a.shape}], which does not fit '${ours}' [${target.shape}]`);
          return x;
        }),
      );
    }
    m.loadStateDict(converted, { source });
  } finally {
    tf.dispose([...converted.values()]);
  }
}
