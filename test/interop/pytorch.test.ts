import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tf, initBackend, BigGanGenerator } from '../../lib';
import { toPytorchName, toPytorchState, loadPytorchState } from '../../lib/interop/bigganPytorch';
import { readSafetensors, writeSafetensors } from '../../lib/interop/safetensors';
import { loadGenerator } from '../../lib/run/loadGenerator';
import { maxAbsDiff, seeded } from '../helpers';
import { ROOT } from '../export/tinyRun';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pt-'));
const ARCH = { resolution: 32 as const, ch: 4, classes: 3, attention: [16], zDim: 128, init: 'normal' as const, seed: 4 };

test('safetensors: round trip, F16 reading, and clear errors for damaged or non-safetensors files', () => {
  const dir = tmp();
  const file = path.join(dir, 'a.safetensors');
  writeSafetensors(file, new Map([['w', { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6.5]) }], ['step', { shape: [], data: Int32Array.from([7]) }]]));
  const bytes = fs.readFileSync(file);
  assert.equal(Number(bytes.readBigUInt64LE(0)) % 8, 0, 'data aligned to 8 bytes');
  const back = readSafetensors(file);
  assert.deepEqual(Array.from(back.get('w')!.data), [1, 2, 3, 4, 5, 6.5]);
  assert.deepEqual(back.get('w')!.shape, [2, 3]);
  assert.deepEqual(Array.from(back.get('step')!.data), [7]);
  // A hand-made F16 file: 1.0 = 0x3c00, -2.0 = 0xc000, 0.5 = 0x3800.
  const header = Buffer.from(JSON.stringify({ h: { dtype: 'F16', shape: [3], data_offsets: [0, 6] } }));
  const half = Buffer.alloc(6);
  [0x3c00, 0xc000, 0x3800].forEach((h, i) => half.writeUInt16LE(h, 2 * i));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  fs.writeFileSync(path.join(dir, 'h.safetensors'), Buffer.concat([len, header, half]));
  assert.deepEqual(Array.from(readSafetensors(path.join(dir, 'h.safetensors')).get('h')!.data), [1, -2, 0.5]);
  fs.writeFileSync(path.join(dir, 'cut.safetensors'), bytes.subarray(0, bytes.length - 4));
  assert.throws(() => readSafetensors(path.join(dir, 'cut.safetensors')), /is truncated: tensor/);
  fs.writeFileSync(path.join(dir, 'model.pth'), Buffer.from('PK\x03\x04 a zip-based torch.save file, not safetensors'));
  assert.throws(() => readSafetensors(path.join(dir, 'model.pth')), /not a safetensors file.*must be converted first/);
});

test('BigGAN-PyTorch names and layouts: block nesting, stored statistics, NCHW conv weights, the (c, h, w) order of G.linear', async () => {
  await initBackend({ backend: 'wasm' });
  assert.equal(toPytorchName('blocks.2.bn1.bn.running_mean'), 'blocks.2.0.bn1.stored_mean');
  assert.equal(toPytorchName('blocks.0.bn1.gain.sn.u0'), 'blocks.0.0.bn1.gain.u0');
  assert.equal(toPytorchName('attention.1.theta.weight'), 'blocks.1.1.theta.weight');
  assert.equal(toPytorchName('output_layer.0.weight'), 'output_layer.0.gain');
  assert.equal(toPytorchName('output_layer.0.running_var'), 'output_layer.0.stored_var');
  assert.equal(toPytorchName('shared.weight'), 'shared.weight');

  const g = new BigGanGenerator(ARCH);
  const own = g.stateDict();
  const pt = toPytorchState(g, 'G');
  // G.linear in PyTorch: h = z·Wᵀ + b, viewed as [n, C, 4, 4]; ours: z·W + b viewed as [n, 4, 4, C].
  const z = tf.tensor2d(seeded(2 * 32, 1), [2, 32]);
  const w = pt.get('linear.weight')!;
  const b = pt.get('linear.bias')!;
  const theirs = tf.tidy(() => tf.add(tf.matMul(z, tf.tensor2d(w.data, w.shape as [number, number]), false, true), tf.tensor1d(b.data as Float32Array)).reshape([2, 16, 4, 4]).transpose([0, 2, 3, 1]));
  const ours = tf.tidy(() => tf.add(tf.matMul(z, own.get('linear.weight')! as tf.Tensor2D), own.get('linear.bias')!).reshape([2, 4, 4, 16]));
  assert.ok(maxAbsDiff(theirs.dataSync(), ours.dataSync()) < 1e-6);
  // A conv weight [out, in, kh, kw]: one output element by the PyTorch definition vs tf.conv2d with ours.
  const wc = pt.get('blocks.0.0.conv1.weight')!;
  assert.deepEqual(wc.shape, [16, 16, 3, 3]);
  const x = tf.tensor4d(seeded(5 * 5 * 16, 2), [1, 5, 5, 16]);
  const y = tf.conv2d(x, own.get('blocks.0.conv1.weight') as tf.Tensor4D, 1, 'same').dataSync();
  const xv = x.dataSync();
  const [o, yy, xx] = [5, 2, 3];
  let ref = 0;
  for (let i = 0; i < 16; i++) for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) ref += wc.data[((o * 16 + i) * 3 + ky) * 3 + kx] * xv[((yy + ky - 1) * 5 + (xx + kx - 1)) * 16 + i];
  assert.ok(Math.abs(y[(yy * 5 + xx) * 16 + o] - ref) < 1e-5);
  assert.deepEqual(pt.get('linear.u0')!.shape, [1, 256]);
  assert.deepEqual(pt.get('blocks.1.1.gamma')!.shape, []);

  // A wrong architecture is refused with the names that do not fit.
  const wide = new BigGanGenerator({ ...ARCH, ch: 8 });
  assert.throws(() => loadPytorchState(wide, 'G', pt, 'G.safetensors'), /'linear\.weight' is \[256,32\], which does not fit 'linear\.weight' \[32,512\]/);
  const flat = new BigGanGenerator({ ...ARCH, attention: [] });
  assert.throws(() => loadPytorchState(flat, 'G', pt, 'G.safetensors'), /unexpected 13 \(blocks\.1\.1\.gamma/);
  tf.dispose([z, theirs, ours, x]);
});

test('import reads a state dict laid out by PyTorch (built here by index, not by the exporter) into our layouts', async () => {
  await initBackend({ backend: 'wasm' });
  const g = new BigGanGenerator(ARCH);
  const own = [...g.stateDict()];
  // Every tensor in PyTorch's layout, each element the code 1000·(tensor number) + (its flat PyTorch index).
  const ptShape = (name: string, shape: number[]): number[] => {
    if (/\.sv0$/.test(name)) return [1];
    if (/\.u0$/.test(name)) return [1, shape[0]];
    if (shape.length === 4) return [shape[3], shape[2], shape[0], shape[1]];
    if (shape.length === 2 && !/^(shared|embed)\.weight$/.test(name)) return [shape[1], shape[0]];
    return shape;
  };
  const state = new Map(
    own.map(([name, t], j) => {
      const shape = ptShape(name, t.shape);
      const data = Float32Array.from({ length: t.size }, (_, k) => 1000 * j + k);
      return [toPytorchName(name), { shape, data }];
    }),
  );
  assert.ok(state.has('blocks.0.0.conv1.weight') && state.has('blocks.1.1.gamma') && state.has('output_layer.0.stored_mean'));
  loadPytorchState(g, 'G', state, 'hand-built state');
  const loaded = g.stateDict();
  // G.linear's output o = (h·4 + w)·C + c is PyTorch's row c·16 + h·4 + w.
  const C = 16;
  const ptRow = (o: number) => (o % C) * 16 + Math.floor(o / C);
  let checked = 0;
  own.forEach(([name, t], j) => {
    const v = loaded.get(name)!.dataSync();
    const s = t.shape;
    const linear = /^linear\./.test(name);
    for (let e = 0; e < v.length; e++) {
      let k = e;
      if (s.length === 4) {
        const [kh, kw, ci, co] = s;
        const o = e % co;
        const i = Math.floor(e / co) % ci;
        const x = Math.floor(e / (co * ci)) % kw;
        const y = Math.floor(e / (co * ci * kw));
        k = ((o * ci + i) * kh + y) * kw + x;
      } else if (s.length === 2 && !/^(shared|embed)\.weight$/.test(name)) {
        const [rows, cols] = s;
        const a = Math.floor(e / cols);
        const b = e % cols;
        k = (linear ? ptRow(b) : b) * rows + a;
      } else if (linear && /(bias|u0)$/.test(name)) {
        k = ptRow(e);
      }
      assert.equal(v[e], 1000 * j + k, `${name}[${e}]`);
      checked++;
    }
  });
  assert.ok(checked > 10_000, `${checked} values checked`);
});

test('npm run pytorch: import makes a run that samples exactly like the source model; export writes the same state back', async () => {
  await initBackend({ backend: 'wasm' });
  const dir = tmp();
  const g = new BigGanGenerator(ARCH);
  // Non-trivial statistics and attention, so a dropped or misplaced tensor would show.
  for (const [name, v] of g.stateDict()) if (/running_var|gamma/.test(name)) v.assign(tf.fill(v.shape, name.endsWith('gamma') ? 0.7 : 1.3));
  const file = path.join(dir, 'G_ema.safetensors');
  writeSafetensors(file, toPytorchState(g, 'G'));
  const out = path.join(dir, 'run');
  const node = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'build', 'lib', 'cli', 'pytorch.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  const r = node(['import', '--G', file, '--G-ema', file, '--preset', 'biggan32', '--ch', '4', '--classes', '3', '--attention', '16', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const loaded = loadGenerator(out);
  assert.equal(loaded.which, 'ema');
  g.eval();
  const zz = tf.randomNormal([3, 128], 0, 1, 'float32', 5) as tf.Tensor2D;
  const yy = tf.tensor1d([0, 1, 2], 'int32');
  assert.ok(maxAbsDiff(loaded.g.apply(zz, yy).dataSync(), g.apply(zz, yy).dataSync()) < 1e-6);

  // An imported BigGAN morphs between classes from the command line (npm run sample -- --morph).
  const morphDir = path.join(dir, 'morph');
  const m = spawnSync(process.execPath, [path.join(ROOT, 'build', 'lib', 'cli', 'sample.js'), '--checkpoint', out, '--morph', '0,2', '--frames', '4', '--rows', '2', '--out', morphDir], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(m.status, 0, m.stderr);
  assert.deepEqual(fs.readdirSync(morphDir).sort(), ['frame-000.png', 'frame-001.png', 'frame-002.png', 'frame-003.png', 'sheet.png', 'strip.png', 'walk.gif']);
  const sheet = fs.readFileSync(path.join(morphDir, 'sheet.png'));
  assert.deepEqual([sheet.readUInt32BE(16), sheet.readUInt32BE(20)], [4 * 64 + 5 * 2, 2 * 64 + 3 * 2], 'two rows of four frames');

  const back = path.join(dir, 'back');
  const e = node(['export', '--checkpoint', out, '--out', back]);
  assert.equal(e.status, 0, e.stderr);
  assert.match(e.stdout, /BigGAN\.Generator\(G_ch=4, dim_z=128, bottom_width=4, resolution=32, n_classes=3, G_attn='16'/);
  const a = readSafetensors(file);
  const c = readSafetensors(path.join(back, 'G_ema.safetensors'));
  assert.deepEqual([...c.keys()].sort(), [...a.keys()].sort());
  for (const [k, t] of a) assert.ok(maxAbsDiff(t.data, c.get(k)!.data) === 0, k);

  const wrong = node(['import', '--G', file, '--preset', 'biggan32', '--ch', '8', '--classes', '3', '--attention', '16', '--out', path.join(dir, 'x')]);
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, /does not fit/);
  assert.equal(fs.existsSync(path.join(dir, 'x', 'checkpoint')), false, 'a failed import leaves no run behind');
  tf.dispose([zz, yy]);
});
