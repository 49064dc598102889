/** Configures `runWorkQueue`. */
export interface WorkQueueOptions<T> {
  /** Items worked on at once (default 1; never more workers than items). */
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
 * the others, and once every worker has stopped the queue rejects: with the failure's error, or, where work in
 * flight failed too (or `onFailure` threw), an AggregateError naming each. With two runs at a time, one failing
 * must not leave the other going on alone after the command has failed.
 */
export async function runWorkQueue<T>(items: readonly T[], o: WorkQueueOptions<T>): Promise<void> {
  const jobs = o.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`runWorkQueue: jobs is ${jobs}; it must be a whole number ≥ 1`);
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (errors.length === 0 && next < items.length) {
      const item = items[next++];
      try {
        await o.work(item);
      } catch (e) {
        errors.push(e);
        if (errors.length > 1) continue;
        try {
          o.onFailure?.(e);
        } catch (stopError) {
          errors.push(stopError);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    const messages = errors.map((e) => (e instanceof Error ? e.message : String(e)));
    throw new AggregateError(errors, `${errors.length} failures: ${messages.join('\n')}`);
  }
}
