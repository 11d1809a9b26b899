import type { Application } from 'express';
import type { TokenVerifier } from './auth/token-verifier';
import type { ProblemContext } from './error-mapping';
import type { IdempotencyStore } from './idempotency/idempotency-store';
import type { RateLimiter } from './rate-limit';

/** Per-app state shared by the middleware (kept off `app.locals` so services cannot clobber it). */
export type AppRuntime = {
  readonly serviceName: string;
  readonly problems: ProblemContext;
  readonly verifier: TokenVerifier;
  readonly idempotencyStore: IdempotencyStore | undefined;
  readonly rateLimiter: RateLimiter | undefined;
  readonly bodyLimitBytes: number;
  /** Whether reply bodies are checked against the routes' response schemas. */
  readonly validateResponses: boolean;
  shuttingDown: boolean;
};

const runtimes = new WeakMap<Application, AppRuntime>();

export function registerRuntime(app: Application, runtime: AppRuntime): void {
  runtimes.set(app, runtime);
}

export function runtimeOf(app: Application): AppRuntime | undefined {
  return runtimes.get(app);
}

/**
 * Marks an app built by `createApp` as shutting down: `/readyz` answers 503 and responses carry
 * `Connection: close`. `startHttpServer().close()` calls it; call it yourself when you run the server another way.
 */
export function beginShutdown(app: Application): void {
  const runtime = runtimes.get(app);
  if (runtime) runtime.shuttingDown = true;
}

/** True after `beginShutdown(app)`. */
export function isShuttingDown(app: Application): boolean {
  return runtimes.get(app)?.shuttingDown ?? false;
}
