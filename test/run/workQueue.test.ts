import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWorkQueue } from '../../lib/run/workQueue';

test('a work queue: items in order, jobs at a time', async () => {
  const started: number[] = [];
  let inFlight = 0;
  let most = 0;
  await runWorkQueue([1, 2, 3, 4, 5], {
    jobs: 2,
    work: async (i) => {
      started.push(i);
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
    },
  });
  assert.deepEqual(started, [1, 2, 3, 4, 5]);
  assert.equal(most, 2);
});

test('a failure starts nothing more, stops the work in flight, waits for it, and is the error', async () => {
  const started: number[] = [];
  let release = () => {};
  let secondSettled = false;
  const stops: unknown[] = [];
  const queue = runWorkQueue([1, 2, 3, 4], {
    jobs: 2,
    work: async (i) => {
      started.push(i);
      if (i === 1) {
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('run 1 failed');
      }
      // Item 2 runs until it is stopped, like a training run sent SIGTERM; then it fails too.
      await new Promise<void>((r) => (release = r));
      secondSettled = true;
      throw new Error('run 2 stopped');
    },
    onFailure: (e) => {
      stops.push(e);
      release();
    },
  });
  await assert.rejects(queue, /run 1 failed/);
  assert.ok(secondSettled, 'the queue waited for the stopped run');
  assert.deepEqual(started, [1, 2], 'nothing started after the failure');
  assert.equal(stops.length, 1, 'stopped once, for the first failure');
});
