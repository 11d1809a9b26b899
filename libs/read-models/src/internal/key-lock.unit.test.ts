import { KeyLock } from './key-lock';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyLock', () => {
  it('runs callers of one key one at a time, in arrival order, and callers of other keys concurrently', async () => {
    const lock = new KeyLock();
    const log: string[] = [];
    const job = (name: string, keys: string[]) =>
      lock.with(keys, async () => {
        log.push(`start ${name}`);
        await tick();
        await tick();
        log.push(`end ${name}`);
      });
    await Promise.all([job('a1', ['a']), job('a2', ['a']), job('b', ['b'])]);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('start b')).toBeLessThan(log.indexOf('end a1'));
  });

  it('never deadlocks on overlapping key sets, and releases after a failure', async () => {
    const lock = new KeyLock();
    const results = await Promise.all([
      lock.with(['x', 'y'], async () => 1),
      lock.with(['y', 'x'], async () => 2),
      lock.with(['y'], async () => {
        throw new Error('boom');
      }).catch(() => 3),
      lock.with(['x'], async () => 4),
    ]);
    expect(results).toEqual([1, 2, 3, 4]);
  });
});
