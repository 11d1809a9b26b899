export {
  HEARTH_ATTRIBUTES,
  activeTraceIds,
  contextFromTraceHeaders,
  currentTraceHeaders,
  setHttpRoute,
  withSpan,
} from './trace-context';
export type { SpanOptions, TraceHeaders } from './trace-context';
export { startTelemetry, currentTelemetry, metricsHandler } from './telemetry';
export type { MetricsHandler, Telemetry, TelemetryOptions } from './telemetry';
export { resolveTelemetryPlan } from './telemetry-plan';
export type { MetricReaderKind, TelemetryEnv, TelemetryPlan } from './telemetry-plan';
export { createLogger, DEFAULT_REDACT_PATHS, LOG_LEVELS } from './logger';
export type { Logger, LoggerOptions, LogLevel } from './logger';
export {
  counter,
  DURATION_BUCKETS_SECONDS,
  getMeter,
  HEARTH_METRICS,
  histogram,
  METER_NAME,
  observableGauge,
  timed,
} from './metrics';
export type { Counter, GaugeObservation, GaugeObserver, Histogram, ObservableGauge } from './metrics';
export { ObservabilityError, InvalidTelemetrySettingError } from './errors';
