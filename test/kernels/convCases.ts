import { tf } from '../../lib';
import { seeded, values } from '../helpers';

/** Convolution shapes the kernel tests run: strides 1-3, same/valid, kernels 1-5, odd and non-square sizes. */
export interface Case {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  k: number;
  kw?: number;
  stride: number | [number, number];
  pad: 'same' | 'valid';
}

export const cases: Case[] = [];
for (const stride of [1, 2, 3] as const) {
  for (const k of [1, 2, 3, 4, 5]) {
    for (const pad of ['same', 'valid'] as const) {
      if (pad === 'valid' && k > 5) continue;
      cases.push({ n: 2, h: 7 + stride, w: 9, ci: 3, co: 5, k, stride, pad });
    }
  }
}
cases.push({ n: 3, h: 8, w: 8, ci: 16, co: 8, k: 4, stride: 2, pad: 'same' });
cases.push({ n: 1, h: 11, w: 6, ci: 4, co: 7, k: 3, kw: 2, stride: [2, 1], pad: 'same' });
cases.push({ n: 2, h: 13, w: 10, ci: 5, co: 3, k: 5, kw: 3, stride: [3, 2], pad: 'valid' });

/** A case with an optional dilation, or explicit pads in place of `pad`. */
export interface ConvCase extends Case {
  dilation?: number;
  explicitPad?: [[number, number], [number, number], [number, number], [number, number]];
}

/**
 * One case on the current backend, as plain arrays: the forward output, and the filter and input gradients for
 * a seeded dy (null for dilated cases: TF.js's own gradient kernels take no dilation).
 */
export function convResults(c: ConvCase, seed: number) {
  const kw = c.kw ?? c.k;
  const pad = c.explicitPad ?? c.pad;
  const x = tf.tensor4d(seeded(c.n * c.h * c.w * c.ci, seed), [c.n, c.h, c.w, c.ci]);
  const filter = tf.tensor4d(seeded(c.k * kw * c.ci * c.co, seed + 1), [c.k, kw, c.ci, c.co]);
  const y = tf.conv2d(x, filter, c.stride, pad, 'NHWC', c.dilation ?? 1);
  const dy = tf.tensor4d(seeded(y.size, seed + 2), y.shape);
  let gradFilter: Float32Array | null = null;
  let gradInput: Float32Array | null = null;
  // TF.js's own gradient kernels take no dilation: dilated convolutions are checked forward only.
  if (c.dilation == null) {
    gradFilter = values(
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: c.stride,
        pad,
        dataFormat: 'NHWC',
        dimRoundingMode: undefined,
        filterShape: filter.shape,
      } as never) as tf.Tensor,
    );
    gradInput = values(tf.conv2dTranspose(dy, filter, x.shape, c.stride, pad as never));
  }
  const forward = values(y);
  tf.dispose([x, filter, dy]);
  return { forward, gradFilter, gradInput };
}
