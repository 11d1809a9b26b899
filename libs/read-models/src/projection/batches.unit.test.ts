import { availableBatches } from './batches';

async function* source(items: number[], pauseAfter: Set<number>): AsyncGenerator<number> {
  for (const item of items) {
    yield item;
    // a real I/O wait (a timer), as when a subscription reads its next page
    if (pauseAfter.has(item)) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('availableBatches', () => {
  it('groups what is available without I/O, cuts at I/O waits and at the size limit, loses and repeats nothing', async () => {
    const batches: number[][] = [];
    for await (const batch of availableBatches(source([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], new Set([3, 4])), () => 4)) batches.push(batch);
    expect(batches).toEqual([[1, 2, 3], [4], [5, 6, 7, 8], [9, 10]]);
  });

  it('ends the source when the consumer stops early', async () => {
    let finished = false;
    async function* endless(): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        finished = true;
      }
    }
    for await (const batch of availableBatches(endless(), () => 3)) {
      expect(batch).toEqual([0, 1, 2]);
      break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished).toBe(true);
  });
});
