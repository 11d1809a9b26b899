import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidTelemetrySettingError } from './errors';
import { resolveTelemetryPlan } from './telemetry-plan';
import type { TelemetryEnv, TelemetryPlan } from './telemetry-plan';
import type * as TelemetrySdkModule from './telemetry-sdk';

/** A plain Node request handler; mount it on any server (Express: `app.get('/metrics', metricsHandler)`). */
export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

export type TelemetryOptions = {
  /** `service.name` of every span and metric, e.g. `timeline`. */
  serviceName: string;
  /** `service.version`, e.g. the package version or a git sha. */
  serviceVersion?: string;
  /**
   * Variables Hearth decides from (exporter choice, Prometheus port); defaults to `process.env`.
   * The OpenTelemetry SDK itself still reads the finer `OTEL_*` settings (protocol, headers, batch
   * delays, sampler, resource attributes) from `process.env`.
   */
  env?: TelemetryEnv;
  /** Request paths that never get a server span (probes and scrapes). Default `/healthz`, `/readyz`, `/metrics`. */
  untracedPaths?: readonly string[];
};

/** A running telemetry setup. */
export type Telemetry = {
  readonly serviceName: string;
  /** What was started (see `resolveTelemetryPlan`). */
  readonly plan: TelemetryPlan;
  /** Serves the Prometheus text format when Prometheus metrics are enabled, 404 otherwise. */
  readonly metricsHandler: MetricsHandler;
  /**
   * Flushes pending spans and metrics, stops instrumentations and unregisters the global providers.
   * Idempotent. Never waits longer than `timeoutMs` (default 5000): an unreachable collector must not
   * hold a pod past its termination grace period.
   */
  shutdown(options?: { timeoutMs?: number }): Promise<void>;
};

// One SDK per process, even if this module is loaded twice (preload + app): the OpenTelemetry API
// keeps its own globals the same way.
const STATE = Symbol.for('@hearth/observability.telemetry');
type GlobalWithTelemetry = typeof globalThis & { [STATE]?: Telemetry };
const globalState = globalThis as GlobalWithTelemetry;

/**
 * Starts OpenTelemetry for this process: traces and metrics, W3C trace-context propagation, and
 * auto-instrumentation of `http`, `express` and `pg`. **Call it before anything requires express,
 * http or pg** (first statement of the composition root, before it requires the app; or preload
 * `@hearth/observability/dist/register.js` with `node --require`): instrumentation patches modules as
 * they are loaded and cannot patch a module that was loaded earlier.
 *
 * Exporters follow `resolveTelemetryPlan`: OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set; otherwise
 * spans are recorded (trace ids reach logs and outgoing messages) but not exported, and metrics are
 * served in Prometheus text format by `metricsHandler`. `OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER`
 * and `OTEL_LOGS_EXPORTER` are respected as the SDK does. Throws `InvalidTelemetrySettingError` for an
 * empty service name or unknown exporter names.
 *
 * A second call returns the telemetry already running (a preloaded one, typically).
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const running = globalState[STATE];
  if (running) {
    if (running.serviceName !== options.serviceName) {
      process.emitWarning(
        `startTelemetry('${options.serviceName}'): telemetry already runs as '${running.serviceName}' (preloaded without OTEL_SERVICE_NAME?); keeping it`,
        { code: 'HEARTH_TELEMETRY_ALREADY_STARTED' },
      );
    }
    return running;
  }
  if (typeof options.serviceName !== 'string' || options.serviceName.trim() === '') {
    throw new InvalidTelemetrySettingError('serviceName', 'must be a non-empty string');
  }
  const plan = resolveTelemetryPlan(options.env ?? process.env);
  if (plan.disabled) return disabledTelemetry(options.serviceName, plan);

  // Loaded on demand: the SDK, exporters and instrumentations take ~0.3-0.5 s to load, which libs
  // that only need `withSpan`/`currentTraceHeaders` (and their tests) should not pay.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startSdk } = require('./telemetry-sdk') as typeof TelemetrySdkModule;
  const telemetry = startSdk(options, plan, () => {
    if (globalState[STATE] === telemetry) delete globalState[STATE];
  });
  globalState[STATE] = telemetry;
  return telemetry;
}

/** The running telemetry, if `startTelemetry()` was called (directly or by the preload). */
export function currentTelemetry(): Telemetry | undefined {
  return globalState[STATE];
}

/**
 * Serves `/metrics` in Prometheus text format from whichever telemetry is running (404 when none is,
 * or when metrics go to OTLP). A plain Node handler: Express, `node:http` or any framework can mount it.
 */
export const metricsHandler: MetricsHandler = (req, res) => {
  const running = globalState[STATE];
  if (running) {
    running.metricsHandler(req, res);
    return;
  }
  notFound(res, 'telemetry is not started');
};

/** Answers a scrape that has nothing to serve. */
export function notFound(res: ServerResponse, reason: string): void {
  res.statusCode = 404;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`${reason}\n`);
}

function disabledTelemetry(serviceName: string, plan: TelemetryPlan): Telemetry {
  return {
    serviceName,
    plan,
    metricsHandler: (_req, res) => notFound(res, 'telemetry is disabled (OTEL_SDK_DISABLED)'),
    shutdown: () => Promise.resolve(),
  };
}
