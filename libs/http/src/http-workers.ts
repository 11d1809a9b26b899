import cluster from 'node:cluster';

/** What a process of a service does when it may run HTTP workers. */
export type ProcessRole =
  /** One process does everything (HTTP_WORKERS=1). */
  | 'single'
  /** The background work (projections, forwarders, consumers) and the workers' supervisor; no HTTP. */
  | 'primary'
  /** The request side only (HTTP, request/reply responders), forked by the primary. */
  | 'worker';

/** The role of this process for `workers` HTTP workers (node:cluster: workers share the port). */
export function processRole(workers: number): ProcessRole {
  if (workers <= 1) return 'single';
  return cluster.isPrimary ? 'primary' : 'worker';
}

export type ForkHttpWorkersOptions = {
  count: number;
  logger: { error(fields: Record<string, unknown>, message: string): void };
  /** A worker died before it was listening: a start-up error that would only repeat. */
  onStartFailure: () => void;
};

/**
 * Forks `count` HTTP workers (node:cluster; the primary hands connections to them round-robin). A worker
 * that dies after it was listening is replaced; one that dies before calls `onStartFailure`. The returned
 * function stops them gracefully (SIGTERM, which their own shutdown handles) and resolves when all exited.
 */
export function forkHttpWorkers({ count, logger, onStartFailure }: ForkHttpWorkersOptions): () => Promise<void> {
  let stopping = false;
  const fork = () => {
    const worker = cluster.fork();
    let listening = false;
    worker.once('listening', () => (listening = true));
    worker.once('exit', (code, signal) => {
      if (stopping) return;
      logger.error({ pid: worker.process.pid, code, signal }, 'HTTP worker exited');
      if (listening) fork();
      else onStartFailure();
    });
  };
  for (let i = 0; i < count; i++) fork();
  return async () => {
    stopping = true;
    const running = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined && !worker.isDead());
    await Promise.all(running.map((worker) => new Promise((resolve) => worker!.once('exit', resolve).process.kill('SIGTERM'))));
  };
}
