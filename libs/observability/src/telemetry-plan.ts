import { InvalidTelemetrySettingError } from './errors';

/** Environment variables as `process.env` holds them. */
export type TelemetryEnv = Readonly<Record<string, string | undefined>>;

/** A metric reader Hearth builds itself (only when Prometheus is involved; see `resolveTelemetryPlan`). */
export type MetricReaderKind = 'prometheus' | 'otlp-json' | 'console';

/**
 * What `startTelemetry()` will set up, decided from the environment alone (pure, unit-tested).
 * `'sdk'` means "let `@opentelemetry/sdk-node` read its own `OTEL_*` variables", so exporter details
 * (protocol, headers, batch delays, sampler) keep their standard meaning.
 */
export type TelemetryPlan = {
  /** `OTEL_SDK_DISABLED=true`: nothing is started, every API call is a no-op. */
  disabled: boolean;
  /**
   * - `sdk`: exported as `OTEL_TRACES_EXPORTER` says (default `otlp` when an OTLP endpoint is set);
   * - `local`: spans are recorded (ids for logs and propagation) but never exported;
   * - `off`: `OTEL_TRACES_EXPORTER=none`: no tracer provider, incoming trace context is passed through untouched.
   */
  traces: 'sdk' | 'local' | 'off';
  /** `sdk`: readers from `OTEL_METRICS_EXPORTER` (default otlp); a list: built by Hearth (empty = no metrics). */
  metrics: 'sdk' | readonly MetricReaderKind[];
  /** Port of the Prometheus exporter's own HTTP server (`OTEL_EXPORTER_PROMETHEUS_PORT`); unset = only `metricsHandler`. */
  prometheusPort?: number;
  /** Host the Prometheus exporter's own server binds (`OTEL_EXPORTER_PROMETHEUS_HOST`). */
  prometheusHost?: string;
  /** `sdk`: OpenTelemetry log export as `OTEL_LOGS_EXPORTER` says; `off` (default): logs are pino lines on stdout only. */
  logs: 'sdk' | 'off';
  /** `sdk`: `OTEL_PROPAGATORS`; `w3c` (default): W3C trace context + baggage. */
  propagators: 'sdk' | 'w3c';
};

const TRACE_EXPORTERS = ['otlp', 'zipkin', 'console', 'none'] as const;
const METRIC_EXPORTERS = ['otlp', 'prometheus', 'console', 'none'] as const;
const LOG_EXPORTERS = ['otlp', 'console', 'none'] as const;

/** A comma-separated exporter list the way the SDK reads it (trimmed, lower-case, `null` ignored). */
function exporterList(env: TelemetryEnv, name: string, known: readonly string[]): string[] {
  const values = (env[name] ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '' && v !== 'null');
  const unknown = values.filter((v) => !known.includes(v));
  // The SDK only warns on unknown exporters and silently exports nothing; fail fast instead.
  if (unknown.length > 0) {
    throw new InvalidTelemetrySettingError(name, `unknown exporter ${unknown.map((u) => `'${u}'`).join(', ')}; use ${known.join(', ')}`);
  }
  return [...new Set(values)];
}

const isSet = (value: string | undefined): boolean => value !== undefined && value.trim() !== '';

/**
 * Decides what telemetry to start from `OTEL_*` variables:
 * - traces: OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `…_TRACES_ENDPOINT`) is set, `OTEL_TRACES_EXPORTER`
 *   when given, otherwise recorded locally without export;
 * - metrics: OTLP when an endpoint is set, `OTEL_METRICS_EXPORTER` when given, otherwise Prometheus text
 *   served by `metricsHandler`;
 * - logs: pino on stdout; OpenTelemetry log export only when `OTEL_LOGS_EXPORTER` asks for it.
 * Throws `InvalidTelemetrySettingError` for unknown exporter names or a bad Prometheus port.
 */
export function resolveTelemetryPlan(env: TelemetryEnv): TelemetryPlan {
  const disabled = (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true';
  const endpoint = isSet(env.OTEL_EXPORTER_OTLP_ENDPOINT);

  const traceExporters = exporterList(env, 'OTEL_TRACES_EXPORTER', TRACE_EXPORTERS);
  let traces: TelemetryPlan['traces'];
  // Same rule as the SDK: "none" first disables tracing; "none" later in the list is ignored.
  if (traceExporters[0] === 'none') traces = 'off';
  else if (traceExporters.length > 0) traces = 'sdk';
  else traces = endpoint || isSet(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ? 'sdk' : 'local';

  const metricExporters = exporterList(env, 'OTEL_METRICS_EXPORTER', METRIC_EXPORTERS);
  let metrics: TelemetryPlan['metrics'];
  if (metricExporters.includes('none')) metrics = [];
  else if (metricExporters.length === 0) metrics = endpoint || isSet(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) ? 'sdk' : ['prometheus'];
  else if (!metricExporters.includes('prometheus')) metrics = 'sdk';
  else {
    // The SDK would start Prometheus on its own port 9464; Hearth serves it on the service's /metrics.
    metrics = metricExporters.map((e): MetricReaderKind => (e === 'otlp' ? 'otlp-json' : (e as 'prometheus' | 'console')));
  }

  const plan: TelemetryPlan = {
    disabled,
    traces,
    metrics,
    logs: exporterList(env, 'OTEL_LOGS_EXPORTER', LOG_EXPORTERS).length > 0 ? 'sdk' : 'off',
    propagators: isSet(env.OTEL_PROPAGATORS) ? 'sdk' : 'w3c',
  };
  if (isSet(env.OTEL_EXPORTER_PROMETHEUS_PORT)) {
    const raw = env.OTEL_EXPORTER_PROMETHEUS_PORT!.trim();
    const port = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new InvalidTelemetrySettingError('OTEL_EXPORTER_PROMETHEUS_PORT', `'${raw}' is not a port number (0-65535)`);
    }
    plan.prometheusPort = port;
  }
  if (isSet(env.OTEL_EXPORTER_PROMETHEUS_HOST)) plan.prometheusHost = env.OTEL_EXPORTER_PROMETHEUS_HOST!.trim();
  return plan;
}
