import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { beginShutdown } from './app-runtime';

export type StartHttpServerOptions = {
  /** `0` picks a free port (tests). */
  port: number;
  /** Default `0.0.0.0`. */
  host?: string;
  /** After this long, connections still open are destroyed and `close()` resolves (default 10 s). */
  shutdownTimeoutMs?: number;
  /**
   * Time between "readyz says 503" and "stop accepting" (default 0). In Kubernetes set it a little above
   * the readiness probe period so the endpoint is removed before the listener closes.
   */
  drainDelayMs?: number;
  /** Idle keep-alive timeout; keep it above the load balancer's idle timeout (default 5 s, Node's). */
  keepAliveTimeoutMs?: number;
};

export type RunningHttpServer = {
  server: http.Server;
  /** The bound port (useful with `port: 0`). */
  port: number;
  /** `http://<host>:<port>` (`127.0.0.1` when bound to all interfaces). */
  url: string;
  /**
   * Graceful shutdown: `/readyz` turns 503, then (after `drainDelayMs`) the listener stops accepting,
   * idle keep-alive connections close at once, in-flight requests finish (their responses carry
   * `Connection: close`), and whatever remains after `shutdownTimeoutMs` is destroyed. Idempotent.
   */
  close(): Promise<void>;
};

/** Starts an app built by `createApp` and returns a handle for graceful shutdown. */
export async function startHttpServer(app: Express, options: StartHttpServerOptions): Promise<RunningHttpServer> {
  const server = http.createServer(app);
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = !options.host || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  let closing: Promise<void> | undefined;
  // A connection that finishes its last response during shutdown is idle from then on: close it at once
  // (apps not built by createApp do not send Connection: close while draining).
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });

  const close = (): Promise<void> => {
    closing ??= (async () => {
      beginShutdown(app);
      if (options.drainDelayMs) await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), options.shutdownTimeoutMs ?? 10_000);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
    })();
    return closing;
  };

  return { server, port: address.port, url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`, close };
}
