/** Configures `runWorkQueue`. */
export interface WorkQueueOptions<T> {
  /** Items worked on at once (default 1). */
  jobs?: number;
  /** The work for one item; a rejection is a failure. */
  work: (item: T) => Promise<void>;
  /**
   * Called once, at the first failure, to stop the work still in flight (the suites send their other training
   * run SIGTERM, on which it writes a checkpoint); the queue waits for that work to settle before it rejects.
   */
  onFailure?: (error: unknown) => void;
}

/**
 * Works through `items` in order, `jobs` at a time. At the first failure no further item starts, `onFailure` stops
 * the others, and once every worker has stopped the first failure's error is thrown: with two runs at a time, one
 * failing must not leave the other going on alone after the command has failed.
 */
export async function runWorkQueue<T>(items: readonly T[], o: WorkQueueOptions<T>): Promise<void> {
  const queue = [...items];
  let failed = false;
  let failure: unknown;
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined && !failed; item = queue.shift()) {
      try {
        await o.work(item);
      } catch (e) {
        if (failed) continue;
        failed = true;
        failure = e;
        queue.length = 0;
        o.onFailure?.(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.jobs ?? 1) }, worker));
  if (failed) throw failure;
}
