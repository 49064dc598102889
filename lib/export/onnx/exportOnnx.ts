import * as tf from '@tensorflow/tfjs';
import type { Generator } from '../../models/registry';
import { KERNEL_EMITTERS, type KernelCall } from './kernelEmitters';
import { OnnxGraph, type OnnxValueInfo } from './onnxGraph';

/** Configures `generatorToOnnx`. */
export interface OnnxExportOptions {
  /** The batch size of the traced forward pass (default 5; a second pass runs at one more). */
  traceBatch?: number;
  /** A note stored in the model (where it came from). */
  docString?: string;
}

/** Graph inputs `z` (float32 [batch, zDim]) and, for a conditional generator, `y` (int32 class ids [batch]). */
function conditional(g: Generator): number {
  return Number((g.cfg as { classes?: number }).classes ?? 0);
}

/** One traced forward pass at `batch`: the graph it wrote and the output shape of every traced kernel call. */
function trace(g: Generator, batch: number, classes: number, previous: number[][] | null): { graph: OnnxGraph; shapes: number[][]; outShape: number[] } {
  const graph = new OnnxGraph();
  const shapes: number[][] = [];
  const names = new Map<tf.Tensor, string>();
  const engine = tf.engine() as unknown as { runKernel: (k: string, i: Record<string, tf.Tensor>, a: Record<string, unknown>) => tf.Tensor | tf.Tensor[] };
  const dispatch = engine.runKernel;
  const ownProperty = Object.prototype.hasOwnProperty.call(engine, 'runKernel');
  let depth = 0;
  engine.runKernel = function (kernel, inputs, attrs) {
    // Only the model's own kernel calls are traced, not the calls a kernel (or an emitter) makes in turn.
    if (depth > 0) return dispatch.call(this, kernel, inputs, attrs);
    depth++;
    try {
      const result = dispatch.call(this, kernel, inputs, attrs);
      const keys = Object.keys(inputs);
      if (keys.some((k) => names.has(inputs[k]))) {
        const outs = Array.isArray(result) ? result : [result];
        const emit = KERNEL_EMITTERS[kernel];
        if (!emit) throw new Error(`ONNX export: TF.js kernel '${kernel}' has no ONNX mapping yet (add one to KERNEL_EMITTERS in lib/export/onnx/kernelEmitters.ts)`);
        const outShape = outs[0].shape;
        const before = previous?.[shapes.length];
        shapes.push(outShape);
        const call: KernelCall = {
          graph,
          kernel,
          attrs: attrs ?? {},
          outShapes: outs.map((t) => t.shape),
          varies: outShape.map((d, i) => before != null && before[i] !== d),
          keys,
          input: (k) => names.get(inputs[k]) ?? graph.constant(inputs[k].dataSync(), inputs[k].shape, inputs[k].dtype === 'int32' ? 'int32' : 'float32'),
          constant: (k) => (names.has(inputs[k]) ? null : inputs[k]),
          shape: (k) => inputs[k].shape,
        };
        emit(call).forEach((name, i) => names.set(outs[i], name));
      }
      return result;
    } finally {
      depth--;
    }
  };
  try {
    let outShape: number[] = [];
    tf.tidy(() => {
      const z = tf.randomNormal([batch, g.cfg.zDim], 0, 1, 'float32', 1) as tf.Tensor2D;
      const y = classes > 0 ? (tf.tensor1d(Array.from({ length: batch }, (_, i) => i % classes), 'int32') as tf.Tensor1D) : undefined;
      names.set(z, 'z');
      if (y) names.set(y, 'y');
      const out = g.apply(z, y);
      const name = names.get(out);
      if (name == null) throw new Error('ONNX export: the generator output does not depend on z (nothing to export)');
      graph.node('Identity', [name], {}, ['samples']);
      outShape = out.shape;
    });
    return { graph, shapes, outShape };
  } finally {
    if (ownProperty) engine.runKernel = dispatch;
    else delete (engine as { runKernel?: unknown }).runKernel;
  }
}

/**
 * A generator as an ONNX model (opset 13), written by tracing: a forward pass in evaluation mode runs with TF.js's
 * kernel dispatch watched, every kernel whose result depends on z or y becomes ONNX nodes, and everything else —
 * weights, spectral norm's division, batch norm's running statistics — is folded into constants. So any model of
 * the kit exports without per-layer code; a kernel with no ONNX mapping stops the export with its name. It traces
 * twice, at two batch sizes, to learn which dimensions follow the batch: the model takes any batch.
 *
 * Inputs: `z` float32 [batch, zDim], and `y` int32 [batch] for a conditional G. Output: `samples`, the G's output
 * in TF.js's layout (images NHWC in [-1, 1]).
 */
export function generatorToOnnx(g: Generator, o: OnnxExportOptions = {}): Uint8Array {
  const batch = o.traceBatch ?? 5;
  const classes = conditional(g);
  const wasTraining = g.isTraining;
  g.eval();
  try {
    const first = trace(g, batch + 1, classes, null);
    const { graph, outShape } = trace(g, batch, classes, first.shapes);
    const inputs: OnnxValueInfo[] = [{ name: 'z', dtype: 'float32', shape: ['batch', g.cfg.zDim] }];
    if (classes > 0) inputs.push({ name: 'y', dtype: 'int32', shape: ['batch'] });
    const outputs: OnnxValueInfo[] = [{ name: 'samples', dtype: 'float32', shape: ['batch', ...outShape.slice(1)] }];
    return graph.encode({ inputs, outputs, opset: 13, name: 'generator', docString: o.docString });
  } finally {
    if (wasTraining) g.train();
  }
}
