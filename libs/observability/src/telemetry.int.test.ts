import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metrics as metricsApi } from '@opentelemetry/api';
import { counter, HEARTH_METRICS } from './metrics';
import { currentTelemetry, metricsHandler, startTelemetry } from './telemetry';
import type { Telemetry } from './telemetry';
import { activeTraceIds, currentTraceHeaders, withSpan } from './trace-context';

/**
 * startTelemetry() in-process: SDK registration, propagation, Prometheus text over a real HTTP server,
 * shutdown and restart. (Auto-instrumentation needs a real process: see trace-chain.int.test.ts.)
 */
describe('startTelemetry', () => {
  let server: Server | undefined;
  let telemetry: Telemetry | undefined;

  afterEach(async () => {
    await telemetry?.shutdown();
    telemetry = undefined;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function scrape(handler = metricsHandler): Promise<{ status: number; contentType: string | null; body: string }> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
    return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
  }

  it('without an OTLP endpoint: spans get real ids that propagate as W3C traceparent, and metrics are served as Prometheus text', async () => {
    telemetry = startTelemetry({ serviceName: 'telemetry-test', serviceVersion: '1.2.3', env: {} });
    expect(telemetry.plan).toMatchObject({ traces: 'local', metrics: ['prometheus'] });
    expect(currentTelemetry()).toBe(telemetry);

    const seen = await withSpan('work', {}, async () => ({ ids: activeTraceIds(), headers: currentTraceHeaders() }));
    expect(seen.ids?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(seen.ids?.traceId).not.toBe('0'.repeat(32));
    expect(seen.headers.traceparent).toBe(`00-${seen.ids!.traceId}-${seen.ids!.spanId}-01`);
    expect(activeTraceIds()).toBeUndefined(); // nothing active outside the span

    counter(HEARTH_METRICS.messagesProcessed).add(3, { 'hearth.consumer': 'test--all', 'hearth.outcome': 'ok' });
    const { status, contentType, body } = await scrape();
    expect(status).toBe(200);
    expect(contentType).toContain('text/plain');
    expect(body).toMatch(/^hearth_messages_processed_total\{[^}]*hearth_consumer="test--all"[^}]*\} 3$/m);
    expect(body).toMatch(/^target_info\{[^}]*service_name="telemetry-test"[^}]*service_version="1\.2\.3"/m);
  });

  it('continues a remote trace given as headers', async () => {
    telemetry = startTelemetry({ serviceName: 'telemetry-test', env: { OTEL_METRICS_EXPORTER: 'none' } });
    const parent = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    const ids = await withSpan('consume', { kind: 'consumer', parent }, async () => activeTraceIds());
    expect(ids?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(ids?.spanId).not.toBe('00f067aa0ba902b7');
  });

  it('returns the running telemetry on a second call and warns when the service name differs', async () => {
    telemetry = startTelemetry({ serviceName: 'first', env: { OTEL_METRICS_EXPORTER: 'none' } });
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(startTelemetry({ serviceName: 'first' })).toBe(telemetry);
      expect(warn).not.toHaveBeenCalled();
      expect(startTelemetry({ serviceName: 'second' })).toBe(telemetry);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining("already runs as 'first'"), expect.objectContaining({ code: 'HEARTH_TELEMETRY_ALREADY_STARTED' }));
    } finally {
      warn.mockRestore();
    }
  });

  it('answers 404 on /metrics when metrics are off or telemetry is not started', async () => {
    telemetry = startTelemetry({ serviceName: 'telemetry-test', env: { OTEL_METRICS_EXPORTER: 'none' } });
    expect(telemetry.plan.metrics).toEqual([]);
    expect((await scrape()).status).toBe(404);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    await telemetry.shutdown();
    expect(currentTelemetry()).toBeUndefined();
    const afterShutdown = await scrape();
    expect(afterShutdown).toMatchObject({ status: 404, body: 'telemetry is not started\n' });
  });

  it('shuts down idempotently, unregisters the globals and can start again', async () => {
    const first = startTelemetry({ serviceName: 'telemetry-test', env: { OTEL_METRICS_EXPORTER: 'none' } });
    await Promise.all([first.shutdown(), first.shutdown()]);
    expect(await withSpan('after', {}, async () => activeTraceIds())).toBeUndefined(); // no-op API again
    expect(metricsApi.getMeterProvider().constructor.name).toBe('NoopMeterProvider');

    telemetry = startTelemetry({ serviceName: 'telemetry-test', env: {} });
    expect(telemetry).not.toBe(first);
    expect(await withSpan('again', {}, async () => activeTraceIds())).toBeDefined();
    expect((await scrape()).status).toBe(200);
  });

  it('does nothing when OTEL_SDK_DISABLED=true', async () => {
    telemetry = startTelemetry({ serviceName: 'telemetry-test', env: { OTEL_SDK_DISABLED: 'true' } });
    expect(telemetry.plan.disabled).toBe(true);
    expect(currentTelemetry()).toBeUndefined();
    expect(await withSpan('noop', {}, async () => activeTraceIds())).toBeUndefined();
    expect((await scrape(telemetry.metricsHandler)).status).toBe(404);
  });

  it('rejects an empty service name', () => {
    expect(() => startTelemetry({ serviceName: ' ' })).toThrow(expect.objectContaining({ code: 'INVALID_TELEMETRY_SETTING', setting: 'serviceName' }));
  });
});
