import pg from 'pg';

export type ServicePoolOptions = {
  connectionString: string;
  /** Most connections of this process (`DATABASE_POOL_SIZE`). */
  max: number;
  /** Connections kept open when idle (`DATABASE_POOL_MIN`, default 2). */
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
 */
export function createServicePool(options: ServicePoolOptions): pg.Pool {
  return new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    min: Math.min(options.min ?? 2, options.max),
    idleTimeoutMillis: options.idleTimeoutMs ?? 60_000,
  });
}
