import * as tf from '@tensorflow/tfjs';

/**
 * A node in the parameter tree: named trainable parameters, named buffers (state that is not trained but is
 * carried by checkpoints, like batch-norm running statistics or spectral-norm vectors) and named children.
 * Names join with dots (`blocks.0.conv1.weight`), so G and D each own a separate variable list and EMA copies
 * or state dicts are a map over the tree.
 */
export class Module {
  protected training = true;
  private readonly params = new Map<string, tf.Variable>();
  private readonly bufs = new Map<string, tf.Variable>();
  private readonly kids = new Map<string, Module>();

  /** Registers a trainable parameter, taking ownership of `init`. */
  protected param(name: string, init: tf.Tensor): tf.Variable {
    return this.register(this.params, name, tf.variable(init, true));
  }

  /** Registers non-trainable state carried by checkpoints. */
  protected buffer(name: string, init: tf.Tensor): tf.Variable {
    return this.register(this.bufs, name, tf.variable(init, false));
  }

  protected child<T extends Module>(name: string, module: T): T {
    this.checkName(name);
    this.kids.set(name, module);
    return module;
  }

  private register(map: Map<string, tf.Variable>, name: string, v: tf.Variable): tf.Variable {
    this.checkName(name);
    map.set(name, v);
    return v;
  }

  private checkName(name: string): void {
    if (this.params.has(name) || this.bufs.has(name) || this.kids.has(name)) {
      throw new Error(`${this.constructor.name} already has a parameter, buffer or child named '${name}'`);
    }
  }

  namedParameters(prefix = ''): [string, tf.Variable][] {
    return this.collect(prefix, (m) => m.params);
  }

  namedBuffers(prefix = ''): [string, tf.Variable][] {
    return this.collect(prefix, (m) => m.bufs);
  }

  private collect(prefix: string, pick: (m: Module) => Map<string, tf.Variable>): [string, tf.Variable][] {
    const out: [string, tf.Variable][] = [...pick(this)].map(([k, v]) => [prefix + k, v]);
    for (const [name, kid] of this.kids) out.push(...kid.collect(`${prefix}${name}.`, pick));
    return out;
  }

  /** The trainable variables, in a stable order (what an optimizer's var list takes). */
  parameters(): tf.Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  numParameters(): number {
    return this.parameters().reduce((n, v) => n + v.size, 0);
  }

  /** Parameters and buffers by dotted name: what a checkpoint or a weight import reads and writes. */
  stateDict(): Map<string, tf.Variable> {
    return new Map([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /**
   * Copies tensors into this module's parameters and buffers by name. Every entry of the module must be present
   * with the same shape (a missing or mis-shaped name is an error naming it); extra entries are an error unless
   * `strict` is false.
   */
  loadStateDict(state: Map<string, tf.Tensor>, o: { strict?: boolean; source?: string } = {}): void {
    const own = this.stateDict();
    const where = o.source ?? 'the state dict';
    for (const [name, v] of own) {
      const t = state.get(name);
      if (t == null) throw new Error(`${where} has no '${name}': it was written for a different model or config`);
      if (t.shape.join() !== v.shape.join()) throw new Error(`${where}: '${name}' is [${t.shape}], the model wants [${v.shape}]`);
    }
    if (o.strict !== false) {
      const extra = [...state.keys()].filter((k) => !own.has(k));
      if (extra.length) throw new Error(`${where} has entries this model lacks: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}`);
    }
    for (const [name, v] of own) v.assign(state.get(name)!);
  }

  /** Parameter counts per child, and the total, as lines for printing. */
  summary(): string {
    const lines = [...this.kids].map(([name, kid]) => `  ${name.padEnd(24)} ${kid.numParameters().toLocaleString('en-US').padStart(12)}`);
    const own = [...this.params.values()].reduce((n, v) => n + v.size, 0);
    if (own) lines.unshift(`  ${'(own)'.padEnd(24)} ${own.toLocaleString('en-US').padStart(12)}`);
    return [`${this.constructor.name}: ${this.numParameters().toLocaleString('en-US')} parameters`, ...lines].join('\n');
  }

  /** This module and every module below it, depth first (to find, say, every batch norm of a generator). */
  modules(): Module[] {
    return [this, ...[...this.kids.values()].flatMap((kid) => kid.modules())];
  }

  /** Training mode (batch statistics, buffer updates) or evaluation mode, for the whole subtree. */
  train(on = true): this {
    this.training = on;
    for (const kid of this.kids.values()) kid.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  get isTraining(): boolean {
    return this.training;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    for (const v of this.bufs.values()) v.dispose();
    for (const kid of this.kids.values()) kid.dispose();
  }
}

/** A seed stream so that a model built twice with one seed has identical weights. */
export class SeedStream {
  constructor(private next: number) {}
  take(): number {
    this.next = (Math.imul(this.next ^ (this.next >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0;
    return this.next;
  }
}
