import { createServicePool, servicePoolOptions } from './pool';

describe('createServicePool', () => {
  it('keeps a warm minimum and a long idle timeout instead of pg’s 10 s churn, never above max', async () => {
    const pool = createServicePool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', max: 20 });
    expect(pool.options).toMatchObject({ max: 20, min: 2, idleTimeoutMillis: 60_000 });
    const tiny = createServicePool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', max: 1, min: 5, idleTimeoutMs: 5_000 });
    expect(tiny.options).toMatchObject({ max: 1, min: 1, idleTimeoutMillis: 5_000 });
    await Promise.all([pool.end(), tiny.end()]);
  });
});

describe('servicePoolOptions', () => {
  const config = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', DATABASE_POOL_SIZE: 20, DATABASE_POOL_MIN: 2, DATABASE_POOL_IDLE_TIMEOUT: 30_000 };

  it('gives a single-process service the whole DATABASE_POOL_SIZE', () => {
    expect(servicePoolOptions({ ...config, HTTP_WORKERS: 1 })).toEqual({ connectionString: config.DATABASE_URL, max: 20, min: 2, idleTimeoutMs: 30_000 });
  });

  it('shares DATABASE_POOL_SIZE out among the primary and its HTTP workers, so workers do not multiply connections', () => {
    expect(servicePoolOptions({ ...config, HTTP_WORKERS: 2 }).max).toBe(7); // 3 processes: 21 in all, not 60
    expect(servicePoolOptions({ ...config, HTTP_WORKERS: 4 }).max).toBe(4);
  });

  it('leaves every process at least 2 connections', () => {
    expect(servicePoolOptions({ ...config, DATABASE_POOL_SIZE: 4, HTTP_WORKERS: 8 }).max).toBe(2);
  });
});
