import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunFolder } from '../../lib/run/runFolder';

const pidFile = (dir: string) => path.join(dir, 'train.pid');
const marked = (dir: string, mark: string) => {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(pidFile(dir), mark);
  return dir;
};

test('a run folder is trained by one process at a time; a mark left by an ended process is taken over', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'claim-'));
  const sleeper = spawn('sleep', ['30']);
  t.after(() => {
    sleeper.kill();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const mine = path.join(root, 'mine');
  new RunFolder(mine).claim();
  assert.equal(fs.readFileSync(pidFile(mine), 'utf8'), String(process.pid));
  new RunFolder(mine).claim();                                  // this process again: still its own
  assert.deepEqual(fs.readdirSync(mine), ['train.pid'], 'no draft or stale file left beside it');

  // A live Node.js process (the one that started this test file) holds it: refused, and its mark kept.
  const held = marked(path.join(root, 'held'), String(process.ppid));
  assert.throws(() => new RunFolder(held).claim(), new RegExp(`held appears to be trained by process ${process.ppid} .*kill -TERM ${process.ppid}`));
  assert.equal(fs.readFileSync(pidFile(held), 'utf8'), String(process.ppid));

  // Taken over: a process that has ended, an id reused by a process that is not Node.js (on Linux), or no id.
  const takenOver = [String(2 ** 31 - 2), ...(fs.existsSync('/proc/self/cmdline') ? [String(sleeper.pid)] : []), '', '0', 'x'];
  for (const [i, mark] of takenOver.entries()) {
    const dir = marked(path.join(root, `stale${i}`), mark);
    new RunFolder(dir).claim();
    assert.equal(fs.readFileSync(pidFile(dir), 'utf8'), String(process.pid), `a mark of '${mark}' is taken over`);
    assert.deepEqual(fs.readdirSync(dir), ['train.pid']);
  }

  // The mark is there while its process runs, and goes when it exits.
  const child = path.join(root, 'child');
  const lib = JSON.stringify(path.resolve(__dirname, '../../lib/run/runFolder'));
  const code = `new (require(${lib}).RunFolder)(${JSON.stringify(child)}).claim(); console.log(require('fs').readFileSync(${JSON.stringify(pidFile(child))}, 'utf8'))`;
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), String(r.pid), 'held while it ran');
  assert.equal(fs.existsSync(pidFile(child)), false, 'and removed at its exit');
});
