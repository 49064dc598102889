import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunFolder } from '../../lib/run/runFolder';

const pidFile = (dir: string) => path.join(dir, 'train.pid');

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

  const held = path.join(root, 'held');
  fs.mkdirSync(held);
  fs.writeFileSync(pidFile(held), String(sleeper.pid));
  assert.throws(() => new RunFolder(held).claim(), new RegExp(`held is being trained by process ${sleeper.pid}: wait for it .*kill -TERM ${sleeper.pid}`));
  assert.equal(fs.readFileSync(pidFile(held), 'utf8'), String(sleeper.pid), 'the holder keeps its mark');

  // A process that has ended (killed before it could clean up) holds nothing.
  const ended = spawnSync('true').pid!;
  const stale = path.join(root, 'stale');
  fs.mkdirSync(stale);
  fs.writeFileSync(pidFile(stale), String(ended));
  new RunFolder(stale).claim();
  assert.equal(fs.readFileSync(pidFile(stale), 'utf8'), String(process.pid));

  // The mark goes when its process exits.
  const child = path.join(root, 'child');
  const code = `require(${JSON.stringify(path.resolve(__dirname, '../../lib/run/runFolder'))}).RunFolder.prototype.claim.call({ dir: ${JSON.stringify(child)} }); require('fs').writeFileSync(${JSON.stringify(path.join(root, 'seen'))}, require('fs').readFileSync(${JSON.stringify(pidFile(child))}, 'utf8'))`;
  const r = spawnSync(process.execPath, ['-e', code]);
  assert.equal(r.status, 0, String(r.stderr));
  assert.match(fs.readFileSync(path.join(root, 'seen'), 'utf8'), /^\d+$/, 'held while it ran');
  assert.equal(fs.existsSync(pidFile(child)), false, 'and removed at its exit');
});
