import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kitClassifier } from '../metrics/kitClassifier';
import { decodeGif } from '../viz/gifDecode';

const root = path.resolve(__dirname, '..', '..', '..');
const cli = (name: string) => path.join(root, 'build', 'lib', 'cli', `${name}.js`);
const env = { ...process.env, GAN_BACKEND: 'wasm' };
const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8' });
const checkpointStep = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint', 'checkpoint.json'), 'utf8')).step as number;
const csvRows = (dir: string) => fs.readFileSync(path.join(dir, 'log.csv'), 'utf8').trim().split('\n');

test('npm run train writes a run folder, refuses to overwrite it, resumes it, and npm run evaluate measures it', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'run-')), 'toy');
  const first = node([cli('train'), '--config', 'toy-ring', '--steps', '30', '--out', out]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /^backend +\w+/, 'the backend report comes first');
  for (const f of ['config.json', 'log.csv', 'log.jsonl', 'dashboard.html', 'samples/step-000030.png']) assert.ok(fs.existsSync(path.join(out, f)), f);
  assert.equal(checkpointStep(out), 30);
  assert.deepEqual(csvRows(out).slice(1).map((r) => Number(r.split(',')[0])), [10, 20, 30]);

  const again = node([cli('train'), '--config', 'toy-ring', '--steps', '30', '--out', out]);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /already holds a run's checkpoint: continue it with --resume/);
  assert.equal(checkpointStep(out), 30, 'the refused run changed nothing');

  // Another trainer on the folder (a suite's run, resumed by hand beside it; here this test's own process holds
  // the mark): refused before anything in the folder changes.
  const config = fs.readFileSync(path.join(out, 'config.json'), 'utf8');
  fs.writeFileSync(path.join(out, 'train.pid'), String(process.pid));
  const twice = node([cli('train'), '--out', out, '--resume', '--steps', '50']);
  assert.notEqual(twice.status, 0);
  assert.match(twice.stderr, new RegExp(`appears to be trained by process ${process.pid}`));
  assert.equal(checkpointStep(out), 30);
  assert.equal(fs.readFileSync(path.join(out, 'config.json'), 'utf8'), config);
  fs.rmSync(path.join(out, 'train.pid'));

  const resumed = node([cli('train'), '--out', out, '--resume', '--steps', '50', '--quiet']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stdout, /resumed .* at step 30/);
  assert.doesNotMatch(resumed.stdout, /^backend /m, '--quiet leaves out the backend report');
  assert.equal(checkpointStep(out), 50);
  assert.deepEqual(csvRows(out).slice(1).map((r) => Number(r.split(',')[0])), [10, 20, 30, 40, 50]);
  assert.equal(fs.existsSync(path.join(out, 'train.pid')), false, 'a finished run leaves no mark');

  const ev = node([cli('evaluate'), '--checkpoint', out]);
  assert.equal(ev.status, 0, ev.stderr);
  const r = JSON.parse(fs.readFileSync(path.join(out, 'eval.json'), 'utf8'));
  assert.equal(r.step, 50);
  assert.equal(r.toy.samples, 2500);
  assert.equal(r.toy.modes, 8);
  assert.match(ev.stdout, /modes covered +\d\/8/);

  const typo = node([cli('train'), '--config', 'toy-ring', '--stpes', '5']);
  assert.notEqual(typo.status, 0);
  assert.match(typo.stderr, /Unknown option '--stpes'[\s\S]*--steps VALUE/);
  const notRun = node([cli('evaluate'), '--checkpoint', path.dirname(out)]);
  assert.match(notRun.stderr, /is not a run folder \(no config\.json\)/);
});

test("PacGAN's protocol trains from its preset, and npm run sample writes a toy run's samples as JSON points", () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'run-')), 'pacgan');
  const r = node([cli('train'), '--config', 'toy-grid-pacgan4', '--steps', '4', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const saved = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.deepEqual([saved.batchSize, saved.beta1, saved.arch.d.pack, saved.arch.d.maxout, saved.arch.g.hidden], [400, 0.8, 4, 5, 400]);
  const curve = fs.readFileSync(path.join(out, 'coverage.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(curve.map((c) => [c.step, c.modes, c.samples]), [[4, 25, 2500]], "PacGAN's scores at the snapshot");
  const file = path.join(out, 'points.json');
  const s = node([cli('sample'), '--checkpoint', out, '--n', '2500', '--out', file]);
  assert.equal(s.status, 0, s.stderr);
  const points = JSON.parse(fs.readFileSync(file, 'utf8')) as number[][];
  assert.equal(points.length, 2500);
  assert.ok(points.every((p) => p.length === 2 && p.every(Number.isFinite)), 'pairs of finite numbers');
  assert.ok(new Set(points.map((p) => p.join())).size > 2000, 'distinct samples, not one point repeated');
  assert.match(node([cli('sample'), '--checkpoint', out, '--n', '0', '--out', file]).stderr, /--n must be a whole number ≥ 1, got 0/);
  // PacGAN's G has batch norm: evaluated with standing statistics, as BigGAN-PyTorch evaluates an EMA G.
  const ev = node([cli('evaluate'), '--checkpoint', out, '--standing', '4']);
  assert.equal(ev.status, 0, ev.stderr);
  assert.match(ev.stdout, /standing statistics over 4 batches/);
  const evaluation = JSON.parse(fs.readFileSync(path.join(out, 'eval.json'), 'utf8'));
  assert.deepEqual([evaluation.standingBatches, evaluation.toy.samples, evaluation.toy.modes], [4, 2500, 25]);
});

test('Ctrl-C during training finishes the step, writes a checkpoint and says how to resume', async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'run-')), 'toy');
  const p = spawn(process.execPath, [cli('train'), '--config', 'toy-ring', '--steps', '100000', '--out', out], { cwd: root, env });
  let stdout = '';
  p.stdout.on('data', (d) => (stdout += d));
  // Wait until training is under way (the first sample sheet and log lines are written at step 250).
  const started = Date.now();
  while (!fs.existsSync(path.join(out, 'log.csv')) && Date.now() - started < 120_000) await new Promise((r) => setTimeout(r, 200));
  p.kill('SIGINT');
  const code = await new Promise<number | null>((r) => p.on('exit', r));
  assert.equal(code, 130);
  assert.match(stdout, /stopped at step (\d+); checkpoint in .* Continue with: npm run train -- --out .* --resume/);
  const stoppedAt = Number(/stopped at step (\d+)/.exec(stdout)![1]);
  assert.ok(stoppedAt >= 250);
  assert.equal(checkpointStep(out), stoppedAt);
});

test('a conditional image run: npm run sample draws a class or an interpolation, npm run evaluate reports class accuracy', () => {
  kitClassifier();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-'));
  const config = path.join(dir, 'tiny.json');
  fs.writeFileSync(config, JSON.stringify({ extends: 'dcgan', arch: { ch: 4 }, conditional: true, dataLimit: 256, batchSize: 8, steps: 2, logEvery: 1 }));
  const out = path.join(dir, 'run');
  const t = node([cli('train'), '--config', config, '--out', out]);
  assert.equal(t.status, 0, t.stderr);
  const saved = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.deepEqual([saved.arch.resolution, saved.arch.channels, saved.arch.classes], [32, 1, 10], 'the data filled in the architecture');

  const png = path.join(dir, 'grid.png');
  const s = node([cli('sample'), '--checkpoint', out, '--class', '3', '--n', '8', '--truncation', '0.5', '--out', png]);
  assert.equal(s.status, 0, s.stderr);
  const bytes = fs.readFileSync(png);
  assert.equal(bytes.readUInt32BE(16), 8 * 64 + 9 * 2, 'eight 64-px cells and their padding in one row');
  assert.match(node([cli('sample'), '--checkpoint', out, '--class', '12']).stderr, /--class must be a whole number from 0 to 9, got 12/);
  assert.match(node([cli('sample'), '--checkpoint', out, '--out', path.join(dir, 'p.json')]).stderr, /samples as JSON points are for toy \(2-D\) runs; .* trained a dcgan model/);
  assert.match(node([cli('sample'), '--checkpoint', out, '--morph', '1,2']).stderr, /is a dcgan generator without a shared class embedding: --morph needs a conditional BigGAN/);
  assert.match(node([cli('sample'), '--checkpoint', out, '--morph', 'shirt']).stderr, /--morph takes two class ids, FROM,TO/);
  const frames = path.join(dir, 'frames');
  assert.equal(node([cli('sample'), '--checkpoint', out, '--interpolate', '4', '--out', frames]).status, 0);
  assert.deepEqual(fs.readdirSync(frames).sort(), ['frame-000.png', 'frame-001.png', 'frame-002.png', 'frame-003.png', 'strip.png', 'walk.gif']);
  const gif = decodeGif(fs.readFileSync(path.join(frames, 'walk.gif')));
  assert.equal(gif.frames.length, 6, 'there and back: 4 + 2 frames');
  assert.deepEqual([gif.width, gif.height], [128, 128]);
  assert.deepEqual(gif.frames[1], gif.frames[5], 'the walk returns through the same frames');

  const ev = node([cli('evaluate'), '--checkpoint', out, '--n', '200']);
  assert.equal(ev.status, 0, ev.stderr);
  const r = JSON.parse(fs.readFileSync(path.join(out, 'eval.json'), 'utf8'));
  assert.equal(r.images.nFake, 200);
  assert.equal(r.images.nReal, 10000);
  assert.match(r.images.reference, /fashion-mnist test split/);
  assert.equal(r.images.classAccuracy.perClass.length, 10);
  assert.ok(r.images.fid > 0 && Number.isFinite(r.images.fid));
  assert.match(ev.stdout, /class accuracy/);
});

test('an image run stopped and resumed trains into the same numbers as one that ran through', () => {
  // The first part ends with a sample sheet, drawn in training mode; it must not move G's buffers (batch-norm
  // statistics, spectral norm's u), or the resumed run would part from the uninterrupted one. Without an EMA the
  // sheet is drawn by the trained G itself.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-'));
  const config = path.join(dir, 'tiny.json');
  fs.writeFileSync(config, JSON.stringify({ extends: 'biggan32-cpu', arch: { ch: 4 }, emaDecay: 0, dataLimit: 256, batchSize: 8, steps: 6, logEvery: 1, sampleEvery: 1000 }));
  const through = path.join(dir, 'through');
  assert.equal(node([cli('train'), '--config', config, '--out', through]).status, 0);
  const parted = path.join(dir, 'parted');
  assert.equal(node([cli('train'), '--config', config, '--out', parted, '--steps', '3']).status, 0);
  assert.ok(fs.existsSync(path.join(parted, 'samples', 'step-000003.png')), 'the first part ended with a sample sheet');
  const resumed = node([cli('train'), '--out', parted, '--resume', '--steps', '6']);
  assert.equal(resumed.status, 0, resumed.stderr);
  // Every logged loss to the last digit (the timing column differs), and every stored tensor to the last bit:
  // batch norm's running statistics never enter a training-mode loss, but they are what G samples with later.
  const losses = (out: string) => csvRows(out).slice(1).map((r) => r.split(',').slice(0, -1).join());
  assert.equal(losses(through).length, 6);
  assert.deepEqual(losses(parted), losses(through));
  const tensors = (out: string) => fs.readFileSync(path.join(out, 'checkpoint', 'tensors.bin'));
  assert.ok(tensors(parted).equals(tensors(through)), 'the two checkpoints hold the same weights, moments and buffers');
});
