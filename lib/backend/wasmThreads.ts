import * as fs from 'node:fs';
// The raw module object: the emscripten glue reads `require('os').cpus` from it, and a namespace import is a frozen copy.
import os = require('node:os');
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/**
 * The stock wasm backend runs single-threaded in Node: its feature probe turns threads off there, and its
 * threaded build hands emscripten the pthread worker as a `blob:` URL, which Node's worker_threads cannot load.
 * Here the threaded SIMD build is started with the worker written to a real file, and `BackendWasm` is
 * registered under the name `wasm` so every stock wasm kernel (and ours) applies to it.
 */

/** The package's build folder, looked up when wasm starts (a bundle for GPU machines carries no wasm files). */
const wasmOut = (file: string): string => path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out', file);

/** emscripten's worker loader, shipped as a JS string; Node needs it as a file. */
function workerFile(): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { wasmWorkerContents } = require(wasmOut('tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // The template literal turned the source's "\\n" escapes into real newlines inside string literals.
  const source = wasmWorkerContents.replace(/\n/g, '\\n');
  const digest = createHash('sha1').update(source).digest('hex').slice(0, 12);
  const file = path.join(os.tmpdir(), `biggan-ts-wasm-worker-${digest}.js`);
  if (!fs.existsSync(file)) {
    // Written under a temporary name and renamed, so a concurrent start never reads half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, source);
    fs.renameSync(tmp, file);
  }
  return file;
}

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...args: unknown[]) => unknown;
  [key: string]: unknown;
}

/** Loads the threaded SIMD module with worker and binary located as files. */
async function loadThreadedModule(): Promise<EmscriptenModule> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const factory = require(wasmOut('tfjs-backend-wasm-threaded-simd.js')) as (config: object) => Promise<EmscriptenModule>;
  const worker = workerFile();
  const module = await withDoubledCoreCount(() => factory({
    locateFile: (file: string) => (file.endsWith('.worker.js') ? worker : file.endsWith('.wasm') ? wasmOut('tfjs-backend-wasm-threaded-simd.wasm') : file),
    mainScriptUrlOrBlob: wasmOut('tfjs-backend-wasm-threaded-simd.js'),
    // emscripten prints a pthread warning when a worker ends with the process; nothing is lost.
    printErr: (text: string) => {
      if (!/pthread|Assertion/.test(text)) console.error(text);
    },
  }));
  // The bridge functions the package's own init() installs; BackendWasm calls them.
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}

/**
 * backend.cc caps the thread pool at half of `emscripten_num_logical_cores()`, which in Node is
 * `os.cpus().length`, assuming hyper-threads; on a 2-core machine that leaves one thread. The cap is read while
 * the module starts and while the backend is constructed, so the core list is doubled for exactly those calls.
 */
async function withDoubledCoreCount<T>(construct: () => T | Promise<T>): Promise<T> {
  const cpus = os.cpus;
  os.cpus = () => [...cpus(), ...cpus()];
  try {
    return await construct();
  } finally {
    os.cpus = cpus;
  }
}

/**
 * The pool's threads wait on atomics between kernels; as referenced worker_threads they would keep Node alive
 * after a script's last line. Unreferenced, they still run every kernel and end with the process.
 */
function releaseWorkers(module: EmscriptenModule): void {
  const pthread = module.PThread as { runningWorkers: { unref(): void }[]; unusedWorkers: { unref(): void }[] };
  for (const worker of [...pthread.runningWorkers, ...pthread.unusedWorkers]) worker.unref();
}

/**
 * Registers the threaded wasm backend as `wasm` and makes it current. Returns the threads XNNPACK runs with.
 * `threads` defaults to every logical core (the stock backend takes half).
 */
export async function startThreadedWasm(threads = os.cpus().length): Promise<number> {
  const module = await loadThreadedModule();
  setThreadsCount(threads);
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => withDoubledCoreCount(() => new BackendWasm(module as never)), 2);
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('the threaded wasm module loaded but the backend did not initialise');
  const backend = tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number } } };
  releaseWorkers(module);
  return backend.wasm.tfjs.getThreadsCount();
}

/** The stock single-threaded start, used where the threaded one fails (old Node without SharedArrayBuffer). */
export async function startStockWasm(): Promise<number> {
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('tf.setBackend("wasm") returned false');
  return 1;
}
