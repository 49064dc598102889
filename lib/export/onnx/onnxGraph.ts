import { onnx } from 'onnx-proto';

/** The element types the exporter writes (ONNX's TensorProto.DataType codes). */
export type OnnxDtype = 'float32' | 'int32' | 'int64';

const DTYPE_CODE: Record<OnnxDtype, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

/** An attribute value: a number is an int unless it is given as `{ f: x }`. */
export type OnnxAttr = number | { f: number } | number[] | string;

/** A graph input or output: its name, element type and shape (a string names a symbolic dimension). */
export interface OnnxValueInfo {
  name: string;
  dtype: OnnxDtype;
  shape: (number | string)[];
}

function attribute(name: string, v: OnnxAttr): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  return { name, type: T.FLOAT, f: v.f };
}

function valueInfo(v: OnnxValueInfo): onnx.IValueInfoProto {
  const dim = v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name: v.name, type: { tensorType: { elemType: DTYPE_CODE[v.dtype], shape: { dim } } } };
}

/**
 * An ONNX graph under construction: nodes in execution order and constant initialisers, with fresh names for
 * every value. `encode` writes the ModelProto bytes (onnx-proto's protobuf encoder).
 */
export class OnnxGraph {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private count = 0;

  /** A name not used before, readable in Netron: `prefix_N`. */
  fresh(prefix: string): string {
    return `${prefix}_${this.count++}`;
  }

  /** Adds a constant; returns its name. Values are written as raw bytes, little-endian as ONNX requires (x86, ARM). */
  constant(values: ArrayLike<number>, dims: number[], dtype: OnnxDtype = 'float32', prefix = 'const'): string {
    const name = this.fresh(prefix);
    const raw =
      dtype === 'float32'
        ? Float32Array.from(values)
        : dtype === 'int32'
          ? Int32Array.from(values)
          : BigInt64Array.from(Array.from(values, (x) => BigInt(Math.trunc(x))));
    const rawData = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    this.initializers.push({ name, dims, dataType: DTYPE_CODE[dtype], rawData });
    return name;
  }

  /** A 1-D int64 constant (shapes, axes, split sizes). */
  ints(values: number[]): string {
    return this.constant(values, [values.length], 'int64', 'ints');
  }

  /**
   * Appends a node `op(inputs)` and returns the names of its outputs: `outputs` fresh ones, or the names given
   * ('' in `inputs` skips an optional input).
   */
  node(op: string, inputs: string[], attrs: Record<string, OnnxAttr> = {}, outputs: number | string[] = 1): string[] {
    const names = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(op.toLowerCase())) : outputs;
    this.nodes.push({ opType: op, input: inputs, output: names, name: names[0], attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return names;
  }

  /** A single-output node: `node(...)[0]`. */
  op(op: string, inputs: string[], attrs: Record<string, OnnxAttr> = {}): string {
    return this.node(op, inputs, attrs)[0];
  }

  /** The serialised model: IR version 8, the default-domain opset given, graph inputs and outputs as declared, and
   * string metadata (ONNX Runtime's `session.metadata`/Netron show it). */
  encode(o: { inputs: OnnxValueInfo[]; outputs: OnnxValueInfo[]; opset: number; name: string; docString?: string; metadata?: Record<string, string> }): Uint8Array {
    const model: onnx.IModelProto = {
      irVersion: 8,
      producerName: 'biggan-ts',
      opsetImport: [{ domain: '', version: o.opset }],
      docString: o.docString,
      metadataProps: Object.entries(o.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: o.name,
        node: this.nodes,
        initializer: this.initializers,
        input: o.inputs.map(valueInfo),
        output: o.outputs.map(valueInfo),
      },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }
}
