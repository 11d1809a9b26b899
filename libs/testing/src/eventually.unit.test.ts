import { eventually } from './eventually';
import { uniqueName } from './unique';

describe('eventually', () => {
  it('retries until the assertion passes and returns its value', async () => {
    let calls = 0;
    const value = await eventually(() => {
      calls++;
      if (calls < 3) throw new Error('not yet');
      return 'done';
    }, { intervalMs: 1 });
    expect(value).toBe('done');
    expect(calls).toBe(3);
  });

  it('rethrows the last failure after the timeout, saying it gave up', async () => {
    await expect(eventually(() => expect(1).toBe(2), { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(/gave up after 30 ms/);
  });
});

describe('uniqueName', () => {
  it('gives distinct identifier-safe names', () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName('es')));
    expect(names.size).toBe(1000);
    for (const n of names) expect(n).toMatch(/^es_[0-9a-f]{12}$/);
  });
});
