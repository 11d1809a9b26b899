import { resolveTelemetryPlan } from './telemetry-plan';

describe('resolveTelemetryPlan', () => {
  it('without an OTLP endpoint: records spans locally, serves Prometheus metrics, no OpenTelemetry logs, W3C propagation', () => {
    expect(resolveTelemetryPlan({})).toEqual({ disabled: false, traces: 'local', metrics: ['prometheus'], logs: 'off', propagators: 'w3c' });
  });

  it('with OTEL_EXPORTER_OTLP_ENDPOINT: leaves trace and metric export to the SDK (OTLP)', () => {
    const plan = resolveTelemetryPlan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' });
    expect(plan).toMatchObject({ traces: 'sdk', metrics: 'sdk', logs: 'off' });
  });

  it('honours signal-specific OTLP endpoints', () => {
    expect(resolveTelemetryPlan({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toMatchObject({ traces: 'sdk', metrics: ['prometheus'] });
    expect(resolveTelemetryPlan({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://c:4318/v1/metrics' })).toMatchObject({ traces: 'local', metrics: 'sdk' });
  });

  it('treats a blank endpoint as unset', () => {
    expect(resolveTelemetryPlan({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toMatchObject({ traces: 'local', metrics: ['prometheus'] });
  });

  it('respects OTEL_TRACES_EXPORTER as the SDK does: "none" first turns tracing off, otherwise the SDK exports', () => {
    expect(resolveTelemetryPlan({ OTEL_TRACES_EXPORTER: 'none' }).traces).toBe('off');
    expect(resolveTelemetryPlan({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).traces).toBe('off');
    expect(resolveTelemetryPlan({ OTEL_TRACES_EXPORTER: 'None, otlp' }).traces).toBe('off');
    expect(resolveTelemetryPlan({ OTEL_TRACES_EXPORTER: 'console' }).traces).toBe('sdk');
    expect(resolveTelemetryPlan({ OTEL_TRACES_EXPORTER: 'otlp,none' }).traces).toBe('sdk');
  });

  it('respects OTEL_METRICS_EXPORTER: none disables metrics, prometheus is served by Hearth, others go to the SDK', () => {
    expect(resolveTelemetryPlan({ OTEL_METRICS_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).metrics).toEqual([]);
    expect(resolveTelemetryPlan({ OTEL_METRICS_EXPORTER: 'otlp,none' }).metrics).toEqual([]);
    expect(resolveTelemetryPlan({ OTEL_METRICS_EXPORTER: 'otlp' }).metrics).toBe('sdk');
    expect(resolveTelemetryPlan({ OTEL_METRICS_EXPORTER: 'prometheus', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).metrics).toEqual(['prometheus']);
    expect(resolveTelemetryPlan({ OTEL_METRICS_EXPORTER: 'prometheus, otlp,console' }).metrics).toEqual(['prometheus', 'otlp-json', 'console']);
  });

  it('turns OpenTelemetry log export on only when OTEL_LOGS_EXPORTER asks (the SDK then handles it, none included)', () => {
    expect(resolveTelemetryPlan({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).logs).toBe('off');
    expect(resolveTelemetryPlan({ OTEL_LOGS_EXPORTER: 'otlp' }).logs).toBe('sdk');
    expect(resolveTelemetryPlan({ OTEL_LOGS_EXPORTER: 'none' }).logs).toBe('sdk');
  });

  it('reads OTEL_SDK_DISABLED, OTEL_PROPAGATORS and the Prometheus port and host', () => {
    expect(resolveTelemetryPlan({ OTEL_SDK_DISABLED: 'TRUE' }).disabled).toBe(true);
    expect(resolveTelemetryPlan({ OTEL_SDK_DISABLED: 'false' }).disabled).toBe(false);
    expect(resolveTelemetryPlan({ OTEL_PROPAGATORS: 'b3' }).propagators).toBe('sdk');
    expect(resolveTelemetryPlan({ OTEL_EXPORTER_PROMETHEUS_PORT: '9464', OTEL_EXPORTER_PROMETHEUS_HOST: '0.0.0.0' })).toMatchObject({
      prometheusPort: 9464,
      prometheusHost: '0.0.0.0',
    });
  });

  it('fails fast on unknown exporter names and bad ports instead of silently exporting nothing', () => {
    expect(() => resolveTelemetryPlan({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow(
      expect.objectContaining({ code: 'INVALID_TELEMETRY_SETTING', setting: 'OTEL_TRACES_EXPORTER', message: expect.stringContaining("'jaeger'") }),
    );
    expect(() => resolveTelemetryPlan({ OTEL_METRICS_EXPORTER: 'prometheus,statsd' })).toThrow(expect.objectContaining({ setting: 'OTEL_METRICS_EXPORTER' }));
    expect(() => resolveTelemetryPlan({ OTEL_LOGS_EXPORTER: 'zipkin' })).toThrow(expect.objectContaining({ setting: 'OTEL_LOGS_EXPORTER' }));
    expect(() => resolveTelemetryPlan({ OTEL_EXPORTER_PROMETHEUS_PORT: '70000' })).toThrow(expect.objectContaining({ setting: 'OTEL_EXPORTER_PROMETHEUS_PORT' }));
    expect(() => resolveTelemetryPlan({ OTEL_EXPORTER_PROMETHEUS_PORT: '94a' })).toThrow(expect.objectContaining({ code: 'INVALID_TELEMETRY_SETTING' }));
  });
});
