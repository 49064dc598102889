import * as tf from '@tensorflow/tfjs';
import { DatasetError } from './errors';
import { rng } from './random';

export interface BatchOptions {
  batchSize: number;
  /** Shuffle every epoch (default true), reproducibly for a seed. */
  shuffle?: boolean;
  seed?: number;
  /** Drop a last, smaller batch (default true: GAN losses and batch norm prefer equal batches). */
  dropLast?: boolean;
  /** Passes over the data (default 1; Infinity for an endless stream). */
  epochs?: number;
  /** Gather the next batch while the current one is in use (default true). */
  prefetch?: boolean;
}

export interface Batch {
  x: tf.Tensor;
  /** Labels, when the data has them. */
  y?: tf.Tensor1D;
  epoch: number;
  /** Batch number within the epoch. */
  index: number;
}

/**
 * Batches of a data set. A batch's tensors belong to the iterator: they are freed when the next batch is taken or
 * the loop ends (break included), so a training loop leaks nothing; `tf.keep` or clone what must outlive that.
 */
export function* batches(data: { images: tf.Tensor; labels?: Int32Array }, o: BatchOptions): Generator<Batch, void, undefined> {
  const n = data.images.shape[0];
  const size = o.batchSize;
  if (!Number.isInteger(size) || size < 1) throw new DatasetError(`batchSize must be a whole number ≥ 1, got ${size}`);
  if (data.labels && data.labels.length !== n) throw new DatasetError(`${n} images but ${data.labels.length} labels`);
  const dropLast = o.dropLast ?? true;
  const perEpoch = dropLast ? Math.floor(n / size) : Math.ceil(n / size);
  if (perEpoch === 0) throw new DatasetError(`batchSize ${size} is larger than the ${n} examples and dropLast is on: no batch can be formed`);
  const epochs = o.epochs ?? 1;

  function* plan(): Generator<{ epoch: number; index: number; ids: Int32Array }> {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = Int32Array.from({ length: n }, (_, i) => i);
      if (o.shuffle ?? true) {
        const u = rng((o.seed ?? 0) * 1000003 + epoch);
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(u() * (i + 1));
          [order[i], order[j]] = [order[j], order[i]];
        }
      }
      for (let index = 0; index < perEpoch; index++) yield { epoch, index, ids: order.subarray(index * size, Math.min(n, (index + 1) * size)) };
    }
  }

  const make = (p: { epoch: number; index: number; ids: Int32Array }): Batch =>
    tf.tidy(() => {
      const ids = tf.tensor1d(p.ids, 'int32');
      const x = tf.gather(data.images, ids);
      const y = data.labels ? tf.tensor1d(Int32Array.from(p.ids, (i) => data.labels![i]), 'int32') : undefined;
      return { x, y, epoch: p.epoch, index: p.index } as unknown as tf.TensorContainerObject;
    }) as unknown as Batch;
  const free = (b: Batch | null) => b && tf.dispose([b.x, ...(b.y ? [b.y] : [])]);

  const it = plan();
  let next: Batch | null = null;
  let current: Batch | null = null;
  try {
    let step = it.next();
    if (!step.done) next = make(step.value);
    while (next) {
      free(current);
      current = next;
      next = null;
      step = it.next();
      if (!step.done && (o.prefetch ?? true)) next = make(step.value);
      yield current;
      if (!step.done && next == null) next = make(step.value);
    }
  } finally {
    free(current);
    free(next);
  }
}

/**
 * Batches as a function of their position in training — (step, D step, micro-batch) → {x, y} — drawn at random
 * with a seed, which is what `Trainer` asks for: a run resumed from a checkpoint sees exactly the batches an
 * uninterrupted run would have. The tensors are created inside the trainer's step and freed with it.
 */
export function batchSource(
  data: { images: tf.Tensor; labels?: Int32Array },
  o: { batchSize: number; seed?: number },
): (step: number, dStep: number, micro: number) => { x: tf.Tensor; y?: tf.Tensor1D } {
  const n = data.images.shape[0];
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1 || o.batchSize > n) {
    throw new DatasetError(`batchSize must be a whole number from 1 to the ${n} examples, got ${o.batchSize}`);
  }
  return (step, dStep, micro) => {
    const u = rng(((o.seed ?? 0) * 7919 + step * 104729 + (dStep + 1) * 131 + micro) >>> 0);
    const ids = Int32Array.from({ length: o.batchSize }, () => Math.floor(u() * n));
    const x = tf.gather(data.images, tf.tensor1d(ids, 'int32'));
    const y = data.labels ? tf.tensor1d(Int32Array.from(ids, (i) => data.labels![i]), 'int32') : undefined;
    return { x, y };
  };
}
