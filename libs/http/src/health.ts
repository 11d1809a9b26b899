import type { RequestHandler } from 'express';
import { sendProblem, currentTraceId } from './error-mapping';
import type { HttpLogger } from './logger';
import { problemType } from './problem';

/** A dependency check for `/readyz`: resolves when the dependency is usable, throws (or returns `false`) when not. */
export type ReadinessCheck = () => unknown;

/** Named checks, e.g. `{ postgres: () => pool.query('SELECT 1'), nats: () => nc.flush() }`. */
export type ReadinessChecks = Readonly<Record<string, ReadinessCheck>>;

/** Per-check outcome as reported by `/readyz`. Error details are logged, never exposed on this unauthenticated endpoint. */
export type CheckStatus = 'up' | 'down' | 'timeout';

/** `/healthz`: the process is alive and its event loop answers. Never checks dependencies (a restart would not fix them). */
export function healthHandler(): RequestHandler {
  return (_req, res) => {
    res.status(200).json({ status: 'ok' });
  };
}

type CheckResult = { status: CheckStatus; error?: unknown };

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'timeout' }), timeoutMs);
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(check)
        .then(
          (result): CheckResult => (result === false ? { status: 'down', error: new Error('check returned false') } : { status: 'up' }),
          (error: unknown): CheckResult => ({ status: 'down', error }),
        ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/readyz`: runs every check in parallel (each bounded by `timeoutMs`). All up → 200 with the
 * statuses; otherwise 503 problem `NOT_READY` naming the failed dependencies. During shutdown it
 * answers 503 `SHUTTING_DOWN` at once so load balancers stop sending traffic.
 */
export function readinessHandler(options: { checks: ReadinessChecks; timeoutMs: number; logger: HttpLogger; isShuttingDown: () => boolean }): RequestHandler {
  return async (req, res) => {
    if (options.isShuttingDown()) {
      sendProblem(res, {
        problem: {
          type: problemType('SHUTTING_DOWN'),
          title: 'Service Unavailable',
          status: 503,
          detail: 'The service is shutting down.',
          code: 'SHUTTING_DOWN',
          traceId: currentTraceId(req),
        },
        headers: {},
      });
      return;
    }
    const names = Object.keys(options.checks);
    const results = await Promise.all(names.map((name) => runCheck(options.checks[name] as ReadinessCheck, options.timeoutMs)));
    const checks: Record<string, CheckStatus> = {};
    const failed: string[] = [];
    names.forEach((name, i) => {
      const result = results[i] as CheckResult;
      checks[name] = result.status;
      if (result.status !== 'up') {
        failed.push(`${name} (${result.status})`);
        options.logger.warn({ err: result.error, check: name, status: result.status, requestId: req.requestId }, 'readiness check failed');
      }
    });
    if (failed.length === 0) {
      res.status(200).json({ status: 'ready', checks });
      return;
    }
    sendProblem(res, {
      problem: {
        type: problemType('NOT_READY'),
        title: 'Service Unavailable',
        status: 503,
        detail: `Not ready: ${failed.join(', ')}.`,
        code: 'NOT_READY',
        checks,
        traceId: currentTraceId(req),
      },
      headers: {},
    });
  };
}
