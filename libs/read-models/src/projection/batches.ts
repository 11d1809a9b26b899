const IDLE = Symbol('idle');

function nextTurn(): Promise<typeof IDLE> {
  return new Promise((resolve) => setImmediate(() => resolve(IDLE)));
}

/**
 * Groups an async iterable into batches of what is already available: after the first item of a batch,
 * items keep joining while the source yields them without waiting for I/O (a source draining a page
 * it already read resolves within microtasks, before `setImmediate` fires). So a catch-up applies
 * pages in bulk while a live tail is applied at once, one small batch at a time.
 */
export async function* availableBatches<T>(source: AsyncIterable<T>, maxSize: () => number): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  try {
    for (;;) {
      const first = await (pending ?? iterator.next());
      pending = undefined;
      if (first.done) return;
      const batch = [first.value];
      const limit = Math.max(1, maxSize());
      let done = false;
      while (batch.length < limit) {
        const next = iterator.next();
        const result = await Promise.race([next, nextTurn()]);
        if (result === IDLE) {
          pending = next; // carried into the next batch: never lost, never read twice
          break;
        }
        if (result.done) {
          done = true;
          break;
        }
        batch.push(result.value);
      }
      yield batch;
      if (done) return;
    }
  } finally {
    // Ends the source (e.g. an aborted subscription); a next() still in flight settles on its own.
    if (!pending) await iterator.return?.();
    else void pending.then(() => iterator.return?.()).catch(() => undefined);
  }
}
