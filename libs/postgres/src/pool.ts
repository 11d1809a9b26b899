import pg from 'pg';

export type ServicePoolOptions = {
  connectionString: string;
  /** Most connections of this process (its share of `DATABASE_POOL_SIZE`, see `servicePoolOptions`). */
  max: number;
  /** Connections opened at once and kept open when idle (`DATABASE_POOL_MIN`, default 2). */
  min?: number;
  /** Idle connections above `min` close after this long (`DATABASE_POOL_IDLE_TIMEOUT`, default 60 s). */
  idleTimeoutMs?: number;
};

/**
 * A service's connection pool. pg's default closes idle connections after 10 s, so a service under a
 * steady load keeps opening new ones: each costs a backend start (a process on the server) and its
 * first statements are planned on cold caches, tens of milliseconds that show up as latency spikes.
 * Keeping `min` warm connections and a longer idle timeout removes that churn, while `max` still bounds
 * what one process may hold (mind PostgreSQL's `max_connections` across processes and HTTP workers).
 * The `min` connections are opened right away (pg would open them one by one as the first burst of
 * requests needs them, each request waiting for a backend start); a failure there is left to the
 * first query, which reports it.
 */
export function createServicePool(options: ServicePoolOptions): pg.Pool {
  const min = Math.min(options.min ?? 2, options.max);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    min,
    idleTimeoutMillis: options.idleTimeoutMs ?? 60_000,
  });
  void openConnections(pool, min);
  return pool;
}

/** Opens `count` connections of `pool` (each answers one query) and returns them to it, idle. */
async function openConnections(pool: pg.Pool, count: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: count }, () => pool.connect().catch(() => undefined)));
  await Promise.all(clients.map((client) => client?.query('SELECT 1').catch(() => undefined)));
  for (const client of clients) {
    try {
      client?.release();
    } catch {
      // the pool was ended meanwhile
    }
  }
}

/** The pool settings of a service's configuration (`serviceConfigShape` in @hearth/config). */
export type ServicePoolConfig = {
  DATABASE_URL: string;
  DATABASE_POOL_SIZE: number;
  DATABASE_POOL_MIN: number;
  DATABASE_POOL_IDLE_TIMEOUT: number;
  HTTP_WORKERS: number;
};

/**
 * Pool options of one process of a service instance. `DATABASE_POOL_SIZE` is the instance's budget:
 * with HTTP workers (`HTTP_WORKERS` > 1, each worker plus the primary a process with a pool of its own)
 * every process gets an equal share, at least 2, so adding workers does not multiply the connections an
 * instance may open (a 2-worker timeline and a 2-worker customer-profile at 20 each would otherwise ask
 * for 120 of PostgreSQL's default 100 and be refused "too many clients" under load).
 */
export function servicePoolOptions(config: ServicePoolConfig): ServicePoolOptions {
  const processes = config.HTTP_WORKERS > 1 ? config.HTTP_WORKERS + 1 : 1;
  return {
    connectionString: config.DATABASE_URL,
    max: Math.max(2, Math.ceil(config.DATABASE_POOL_SIZE / processes)),
    min: config.DATABASE_POOL_MIN,
    idleTimeoutMs: config.DATABASE_POOL_IDLE_TIMEOUT,
  };
}
