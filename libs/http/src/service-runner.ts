import { forkHttpWorkers, processRole } from './http-workers';

/** A running part of a service and how to stop it; parts stop in reverse start order. */
export type Stop = () => Promise<unknown>;

export type ServiceRunOptions<C extends { close(): Promise<void> }> = {
  /** `HTTP_WORKERS`: 1 runs everything here; above 1 the background work stays here and requests go to forked workers. */
  httpWorkers: number;
  logger: { info(fields: Record<string, unknown>, message: string): void; error(fields: Record<string, unknown>, message: string): void };
  /** Flushed last, after the clients are closed. */
  telemetry: { shutdown(): Promise<void> };
  /** Opens the service's connections. `provision` is false in HTTP workers: the primary creates schemas and streams. */
  connect(options: { provision: boolean }): Promise<C>;
  /** Work that must run in exactly one process per instance: forwarders, projections, consumers, timers. */
  background(clients: C): Promise<Stop[]>;
  /** The request side (HTTP, request/reply responders), in every HTTP worker. */
  requests(clients: C): Promise<Stop[]>;
};

/**
 * The life cycle every Hearth service shares: connect → background work → request side, in one process
 * or with the request side in `httpWorkers` node:cluster workers; SIGTERM/SIGINT (or a worker that fails
 * to start) stop the parts in reverse, close the clients, flush telemetry and exit.
 */
export async function runService<C extends { close(): Promise<void> }>(options: ServiceRunOptions<C>): Promise<void> {
  const { logger } = options;
  const role = processRole(options.httpWorkers);
  const clients = await options.connect({ provision: role !== 'worker' });
  const stops: Stop[] = [];
  let stopping = false;
  const stop = async (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    for (const part of stops.reverse()) await part();
    await clients.close();
    await options.telemetry.shutdown();
    process.exit(exitCode);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  if (role !== 'worker') stops.push(...(await options.background(clients)));
  if (role !== 'primary') stops.push(...(await options.requests(clients)));
  if (role === 'primary') stops.push(forkHttpWorkers({ count: options.httpWorkers, logger, onStartFailure: () => void stop('an HTTP worker failed to start', 1) }));
}
