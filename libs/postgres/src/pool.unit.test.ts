import { createServicePool } from './pool';

describe('createServicePool', () => {
  it('keeps a warm minimum and a long idle timeout instead of pg’s 10 s churn, never above max', async () => {
    const pool = createServicePool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', max: 20 });
    expect(pool.options).toMatchObject({ max: 20, min: 2, idleTimeoutMillis: 60_000 });
    const tiny = createServicePool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', max: 1, min: 5, idleTimeoutMs: 5_000 });
    expect(tiny.options).toMatchObject({ max: 1, min: 1, idleTimeoutMillis: 5_000 });
    await Promise.all([pool.end(), tiny.end()]);
  });
});
