import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
// The union package's CommonJS bundle registers every gradient and the cpu backend (tfjs-core alone does not).
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { NATIVE_HINT, registerGanKernels } from '../kernels';
import { loadNativeAddon } from '../kernels/native/load';
import { BackendUnavailableError } from './errors';
import { SOFTWARE_REFUSED, softwareGpuFromEnv, startTensorflow, startWebgpu } from './gpu';
import { BACKEND_NAMES, type BackendInfo, type BackendName, type InitBackendOptions } from './types';
import { startStockWasm, startThreadedWasm } from './wasmThreads';

/**
 * Importing the wasm package registers it above cpu, but it can only start asynchronously: until `initBackend`
 * runs, any op would throw "backend 'wasm' has not yet been initialized". Select cpu now (it starts
 * synchronously) so that code which never calls `initBackend` still runs, slowly.
 */
void tf.setBackend('cpu');
quietCpu();

/** The cpu backend's first write prints an advert for tfjs-node; the backend report says what is faster. */
function quietCpu(): void {
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu) cpu.firstUse = false;
}

const cpuModel = (): string => `${os.cpus()[0]?.model.trim() ?? 'CPU'} × ${os.cpus().length}`;

/** Reads `GAN_BACKEND`, rejecting typos with the list of valid names. */
export function backendFromEnv(env: NodeJS.ProcessEnv = process.env): BackendName | undefined {
  const value = env.GAN_BACKEND?.trim();
  if (!value) return undefined;
  if (!(BACKEND_NAMES as readonly string[]).includes(value)) {
    throw new Error(`GAN_BACKEND='${value}' is not a backend; use one of ${BACKEND_NAMES.join(', ')} (or unset it to pick the fastest).`);
  }
  return value as BackendName;
}

/** Reads `GAN_NATIVE`: 0/off turns the native kernels off, 1/on requires them; unset uses them where built. */
export function nativeFromEnv(env: NodeJS.ProcessEnv = process.env): 'off' | 'required' | undefined {
  const value = env.GAN_NATIVE?.trim().toLowerCase();
  if (!value) return undefined;
  if (['0', 'off', 'false', 'no'].includes(value)) return 'off';
  if (['1', 'on', 'true', 'yes', 'required'].includes(value)) return 'required';
  throw new Error(`GAN_NATIVE='${env.GAN_NATIVE}' is not understood; use 0 (wasm kernels only) or 1 (require the native kernels).`);
}

function threadsFromEnv(): number | undefined {
  const value = process.env.GAN_WASM_THREADS;
  if (value == null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`GAN_WASM_THREADS='${value}' must be a whole number ≥ 1.`);
  return n;
}

type Started = Omit<BackendInfo, 'patches' | 'reason'> & { note?: string; software?: boolean };

/** Backends started in this process: switching back to one re-selects it instead of loading it again. */
const started = new Map<BackendName, Started>();

async function start(name: BackendName, threads: number, softwareGpu: boolean): Promise<Started> {
  const previous = started.get(name);
  // A software adapter accepted once stays refused for callers that did not ask for one.
  if (previous?.software && !softwareGpu) throw new Error(SOFTWARE_REFUSED);
  if (previous && (await tf.setBackend(name))) return previous;
  const fresh = await startNew(name, threads, softwareGpu);
  started.set(name, fresh);
  return fresh;
}

async function startNew(name: BackendName, threads: number, softwareGpu: boolean): Promise<Started> {
  switch (name) {
    case 'tensorflow':
      return { backend: name, device: await startTensorflow() };
    case 'webgpu':
      return { backend: name, ...(await startWebgpu(softwareGpu)) };
    case 'wasm':
      try {
        return { backend: name, device: cpuModel(), threads: await startThreadedWasm(threads) };
      } catch (e) {
        return {
          backend: name,
          device: cpuModel(),
          threads: await startStockWasm(),
          note: `threaded wasm failed (${(e as Error).message}); running the stock single-threaded module`,
        };
      }
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") returned false');
      quietCpu();
      return { backend: name, device: `${cpuModel()} (pure JavaScript, single thread)`, threads: 1 };
  }
}

let current: BackendInfo | null = null;

/**
 * Whether wasm should use the native kernels, and when they are wanted but not built, the report line that says
 * what to install. Throws when they are required (`GAN_NATIVE=1`) and absent.
 */
function nativeChoice(options: InitBackendOptions): { native: boolean; note?: string } {
  const env = nativeFromEnv();
  const native = options.native ?? env !== 'off';
  if (!native) return { native };
  const addon = loadNativeAddon();
  if (!('error' in addon)) return { native };
  if (env === 'required') throw new Error(`GAN_NATIVE=1 but ${addon.error}; ${NATIVE_HINT}`);
  return { native, note: `native kernels off: ${addon.error}; ${NATIVE_HINT}` };
}

/**
 * Starts the fastest backend that works — tensorflow (tfjs-node-gpu) > webgpu with a hardware adapter > wasm
 * (threaded, XNNPACK) > cpu — or the one named by `options.backend` or `GAN_BACKEND`, which must then start.
 * Registers the kernels and gradients GAN training needs on it, and says what runs and why.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const requested = options.backend ?? backendFromEnv();
  if (requested != null && !(BACKEND_NAMES as readonly string[]).includes(requested)) {
    throw new Error(`backend '${requested}' is not a backend; use one of ${BACKEND_NAMES.join(', ')}.`);
  }
  const threads = options.threads ?? threadsFromEnv() ?? os.cpus().length;
  // A software adapter is accepted only for an explicitly requested webgpu, never in the search for the fastest.
  const softwareGpu = requested === 'webgpu' && (options.softwareGpu ?? softwareGpuFromEnv());
  const reusable = current && !(started.get(current.backend)?.software && !softwareGpu);
  if (current && reusable && current.backend === (requested ?? current.backend) && tf.getBackend() === current.backend) {
    if (options.verbose) console.log(describeBackend(current));
    return current;
  }
  const reason: string[] = [];
  const candidates = requested ? [requested] : BACKEND_NAMES;
  for (const name of candidates) {
    try {
      const { note, software: _software, ...rest } = await start(name, threads, softwareGpu);
      await tf.ready();
      reason.unshift(requested ? `requested by ${options.backend ? 'the backend option' : 'GAN_BACKEND'}` : 'the fastest backend that started');
      if (note) reason.push(note);
      const choice = name === 'wasm' ? nativeChoice(options) : { native: false };
      if (choice.note) reason.push(choice.note);
      current = { ...rest, patches: registerGanKernels(name, { native: choice.native, threads: rest.threads }), reason };
      if (options.verbose) console.log(describeBackend(current));
      return current;
    } catch (e) {
      const cause = (e as Error).message;
      if (requested) throw new BackendUnavailableError(name, cause);
      reason.push(`${name} skipped: ${cause}`);
    }
  }
  throw new Error(`no TF.js backend could start:\n  ${reason.join('\n  ')}`);
}

/** A few lines saying which backend runs, on what, and what the library patched. */
export function describeBackend(info: BackendInfo): string {
  const lines = [
    `backend  ${info.backend}`,
    `device   ${info.device}`,
    ...(info.threads != null ? [`threads  ${info.threads}`] : []),
    ...describePatches(info.patches),
    ...info.reason.map((r, i) => `${i === 0 ? 'why     ' : '        '} ${r}`),
  ];
  return lines.join('\n');
}

/** Groups `gradient: X` / `added: X` / `faster: X` patches onto one line per kind. */
function describePatches(patches: string[]): string[] {
  if (patches.length === 0) return ['patches  none'];
  const groups = new Map<string, string[]>();
  for (const p of patches) {
    const [kind, what] = p.includes(': ') ? (p.split(/: (.*)/s, 2) as [string, string]) : ['patched', p];
    groups.set(kind, [...(groups.get(kind) ?? []), what]);
  }
  const label: Record<string, string> = { gradient: 'gradients', added: 'kernels added', faster: 'kernels faster', native: 'kernels native', fixed: 'kernels fixed' };
  return [...groups].map(([kind, list], i) => `${i === 0 ? 'patches ' : '        '} ${(label[kind] ?? kind) + ':'} ${list.join(', ')}`);
}
