import * as tf from '@tensorflow/tfjs';
import type { Generator } from '../../models/registry';
import { KERNEL_EMITTERS, type KernelCall } from './kernelEmitters';
import { OnnxGraph, type OnnxValueInfo } from './onnxGraph';
import { seededNormal } from '../../nn/seededNormal';

/** Configures `generatorToOnnx`. */
export interface OnnxExportOptions {
  /**
   * The batch size of the forward pass the graph is written from (default 2). A first pass at one more tells which
   * dimensions follow the batch.
   */
  traceBatch?: number;
  /** A note stored in the model (where it came from). */
  docString?: string;
  /** Key–value strings stored in the model's metadata (the CLI stores the class names as JSON under `classNames`). */
  metadata?: Record<string, string>;
}

/** The generator's number of classes (0: unconditional, no `y` input). */
function conditional(g: Generator): number {
  return Number((g.cfg as { classes?: number }).classes ?? 0);
}

/** What one traced kernel call looked like: compared between the two passes. */
interface CallRecord {
  kernel: string;
  outShape: number[];
  /** Shapes of its constant inputs, which must not change with the batch. */
  constants: string;
}

/** One traced forward pass at `batch`: the graph it wrote and a record of every traced kernel call. */
function trace(g: Generator, batch: number, classes: number, previous: CallRecord[] | null): { graph: OnnxGraph; calls: CallRecord[]; outShape: number[] } {
  const graph = new OnnxGraph();
  const calls: CallRecord[] = [];
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
      // An absent optional input (batch norm's scale, a fused op's bias) is a key with no tensor.
      const keys = Object.keys(inputs).filter((k) => inputs[k] != null);
      if (keys.some((k) => names.has(inputs[k]))) {
        const outs = Array.isArray(result) ? result : [result];
        const emit = KERNEL_EMITTERS[kernel];
        if (!emit) throw new Error(`ONNX export: TF.js kernel '${kernel}' has no ONNX mapping yet (add one to KERNEL_EMITTERS in lib/export/onnx/kernelEmitters.ts)`);
        const outShape = outs[0].shape;
        const record: CallRecord = { kernel, outShape, constants: JSON.stringify(keys.filter((k) => !names.has(inputs[k])).map((k) => inputs[k].shape)) };
        const before = previous?.[calls.length];
        if (previous && (before?.kernel !== kernel || before.constants !== record.constants)) {
          throw new Error(
            `ONNX export: the forward pass differs between batch sizes at traced call ${calls.length} (${kernel}): ` +
              (before?.kernel === kernel ? `a constant input's shape depends on the batch (${before.constants} vs ${record.constants}; build it from z's shape inside the graph, e.g. by broadcasting)` : `${before?.kernel ?? 'nothing'} at the other batch size`),
          );
        }
        calls.push(record);
        const call: KernelCall = {
          graph,
          kernel,
          attrs: attrs ?? {},
          outShapes: outs.map((t) => t.shape),
          varies: outShape.map((d, i) => before != null && before.outShape[i] !== d),
          keys,
          input: (k) => names.get(inputs[k]) ?? graph.constant(inputs[k].dataSync(), inputs[k].shape, inputs[k].dtype === 'int32' ? 'int32' : 'float32'),
          constant: (k) => (names.has(inputs[k]) ? null : inputs[k]),
          shape: (k) => inputs[k].shape,
        };
        const produced = emit(call);
        if (produced.length !== outs.length) throw new Error(`ONNX export: the ${kernel} mapping wrote ${produced.length} outputs for the kernel's ${outs.length}`);
        produced.forEach((name, i) => names.set(outs[i], name));
      }
      return result;
    } finally {
      depth--;
    }
  };
  try {
    let outShape: number[] = [];
    tf.tidy(() => {
      const z = seededNormal([batch, g.cfg.zDim], { seed: 1 }) as tf.Tensor2D;
      const y = classes > 0 ? (tf.tensor1d(Array.from({ length: batch }, (_, i) => i % classes), 'int32') as tf.Tensor1D) : undefined;
      names.set(z, 'z');
      if (y) names.set(y, 'y');
      const out = g.apply(z, y);
      const name = names.get(out);
      if (name == null) throw new Error('ONNX export: the generator output does not depend on z (nothing to export)');
      graph.node('Identity', [name], {}, ['samples']);
      outShape = out.shape;
    });
    if (previous && previous.length !== calls.length) throw new Error(`ONNX export: the forward pass made ${calls.length} traced calls at batch ${batch} and ${previous.length} at another`);
    return { graph, calls, outShape };
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
  const batch = o.traceBatch ?? 2;
  const classes = conditional(g);
  const wasTraining = g.isTraining;
  g.eval();
  try {
    const first = trace(g, batch + 1, classes, null);
    const { graph, outShape } = trace(g, batch, classes, first.calls);
    const inputs: OnnxValueInfo[] = [{ name: 'z', dtype: 'float32', shape: ['batch', g.cfg.zDim] }];
    if (classes > 0) inputs.push({ name: 'y', dtype: 'int32', shape: ['batch'] });
    const outputs: OnnxValueInfo[] = [{ name: 'samples', dtype: 'float32', shape: ['batch', ...outShape.slice(1)] }];
    return graph.encode({ inputs, outputs, opset: 13, name: 'generator', docString: o.docString, metadata: o.metadata });
  } finally {
    if (wasTraining) g.train();
  }
}
