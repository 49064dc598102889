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
      // Item 2 runs until it is stopped, like a training run sent SIGTERM, takes a while to write its checkpoint,
      // and then exits cleanly.
      await new Promise<void>((r) => (release = r));
      await new Promise((r) => setTimeout(r, 20));
      secondSettled = true;
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

test('failures of work in flight are not lost: every one is in the error', async () => {
  const both = runWorkQueue(['a', 'b', 'c'], {
    jobs: 2,
    work: async (i) => {
      await new Promise((r) => setTimeout(r, i === 'a' ? 1 : 10));
      throw new Error(`run ${i} failed`);
    },
  });
  await assert.rejects(both, (e: AggregateError) => e.errors.length === 2 && /run a failed\nrun b failed/.test(e.message));
  await assert.rejects(runWorkQueue([1], { jobs: 0, work: async () => {} }), /jobs is 0; it must be a whole number ≥ 1/);
  let ran = 0;
  await runWorkQueue([1], { jobs: 4, work: async () => void ran++ });
  assert.equal(ran, 1, 'more jobs than items');
});
