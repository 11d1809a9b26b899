import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { ConsoleMetricExporter, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { notFound } from './telemetry';
import type { MetricsHandler, Telemetry, TelemetryOptions } from './telemetry';
import type { TelemetryPlan } from './telemetry-plan';

const DEFAULT_UNTRACED_PATHS = ['/healthz', '/readyz', '/metrics'] as const;

/** Builds and starts the NodeSDK for `plan` (called by `startTelemetry`, which owns the singleton). */
export function startSdk(options: TelemetryOptions, plan: TelemetryPlan, onStopped: () => void): Telemetry {
  const untraced = new Set<string>(options.untracedPaths ?? DEFAULT_UNTRACED_PATHS);
  const instrumentations = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => untraced.has((req.url ?? '').split('?')[0] ?? ''),
    }),
    // No Express instrumentation: its router and handler spans cost about 0.1 ms of CPU per request and
    // say nothing the server span does not; @hearth/http names the server span by route (setHttpRoute).
    // Subscriptions and pollers query without a parent span; as root spans they would flood the traces.
    // Every pool.query() checks a client out: a connect span each time would double the spans of a
    // request for nothing (the query span already covers the wait); pool metrics are still recorded.
    new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
  ];

  const metricReaders = buildMetricReaders(plan);
  const prometheus = metricReaders?.find((r): r is PrometheusExporter => r instanceof PrometheusExporter);
  const resourceAttributes: Record<string, string> = {};
  if (options.serviceVersion) resourceAttributes[ATTR_SERVICE_VERSION] = options.serviceVersion;

  const config: Partial<NodeSDKConfiguration> = {
    serviceName: options.serviceName,
    resource: defaultResource().merge(resourceFromAttributes(resourceAttributes)),
    instrumentations,
  };
  if (plan.propagators === 'w3c') {
    config.textMapPropagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
  }
  // Recorded but dropped: spans still get ids, so logs carry trace ids and traceparent flows onward.
  if (plan.traces === 'local') config.spanProcessors = [new NoopSpanProcessor()];
  if (metricReaders) config.metricReaders = metricReaders;
  // Hearth logs through pino to stdout; an OTLP log exporter nobody feeds only delays shutdown.
  if (plan.logs === 'off') config.logRecordProcessors = [];

  const sdk = new NodeSDK(config);
  sdk.start();

  const metricsHandler: MetricsHandler = (req, res) => {
    if (prometheus) prometheus.getMetricsRequestHandler(req, res);
    else notFound(res, 'Prometheus metrics are not enabled (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_METRICS_EXPORTER chose another exporter)');
  };

  let stopping: Promise<void> | undefined;
  return {
    serviceName: options.serviceName,
    plan,
    metricsHandler,
    shutdown({ timeoutMs = 5_000 } = {}) {
      stopping ??= (async () => {
        for (const instrumentation of instrumentations) instrumentation.disable();
        const flushed = sdk.shutdown().catch((error: unknown) => {
          process.emitWarning(`telemetry shutdown failed: ${error instanceof Error ? error.message : String(error)}`, {
            code: 'HEARTH_TELEMETRY_SHUTDOWN_FAILED',
          });
        });
        await withTimeout(flushed, timeoutMs);
        // Unregister the globals so a later startTelemetry() (tests, restarts) can register again.
        trace.disable();
        metrics.disable();
        propagation.disable();
        context.disable();
        onStopped();
      })();
      return stopping;
    },
  };
}

function buildMetricReaders(plan: TelemetryPlan): IMetricReader[] | undefined {
  if (plan.metrics === 'sdk') return undefined;
  return plan.metrics.map((kind): IMetricReader => {
    switch (kind) {
      case 'prometheus':
        return new PrometheusExporter({
          // Without an explicit port the service serves the text itself on /metrics (metricsHandler).
          preventServerStart: plan.prometheusPort === undefined,
          ...(plan.prometheusPort !== undefined ? { port: plan.prometheusPort } : {}),
          ...(plan.prometheusHost !== undefined ? { host: plan.prometheusHost } : {}),
        });
      case 'otlp-json':
        return new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() });
      case 'console':
        return new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter() });
    }
  });
}

async function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([work.then(() => 'done' as const), timedOut]);
    if (outcome === 'timeout') {
      process.emitWarning(`telemetry shutdown gave up after ${timeoutMs} ms; unexported spans or metrics are lost`, {
        code: 'HEARTH_TELEMETRY_SHUTDOWN_TIMEOUT',
      });
    }
  } finally {
    clearTimeout(timer);
  }
}
