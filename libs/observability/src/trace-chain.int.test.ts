import { join } from 'node:path';
import { dropSchema, eventually, testDatabaseUrl, uniqueName } from '@hearth/testing';
import pg from 'pg';
import type { ChildService } from './child-service.test-helper';
import { buildProjects, OBSERVABILITY_DIST, startChildService } from './child-service.test-helper';
import type { OtlpReceiver, ReceivedSpan } from './otlp-receiver.test-helper';
import { ancestorsOf, OTLP_SPAN_KIND, startOtlpReceiver } from './otlp-receiver.test-helper';

/**
 * End to end, in a real Node process (http/express/pg auto-instrumentation does not work inside
 * Jest): HTTP request → span → event metadata.traceparent in PostgreSQL → forwarder (subscribeToAll)
 * → NATS headers → consumer. Spans arrive on an in-test OTLP/HTTP JSON receiver.
 */
jest.setTimeout(30_000);

const FIXTURE = join(OBSERVABILITY_DIST, '__fixtures__', 'trace-chain.service.js');
const PRELOAD = ['--require', join(OBSERVABILITY_DIST, 'register.js')];
const fixtureEnv = (schema: string, subject: string): Record<string, string> => ({
  DATABASE_URL: testDatabaseUrl(),
  NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  FIXTURE_SCHEMA: schema,
  FIXTURE_SUBJECT: subject,
});

describe('trace context flows HTTP → event store → forwarder → NATS → consumer', () => {
  const schema = uniqueName('obs_trace');
  const subject = `hearth.${uniqueName('obs')}.touchpoint-recorded.v1`;
  const serviceName = uniqueName('trace_fixture');
  let receiver: OtlpReceiver;
  let service: ChildService;
  let pool: pg.Pool;

  beforeAll(async () => {
    await buildProjects('libs/observability');
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
    receiver = await startOtlpReceiver();
    service = await startChildService(FIXTURE, PRELOAD, {
      ...fixtureEnv(schema, subject),
      OTEL_SERVICE_NAME: serviceName,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
  }, 60_000);

  afterAll(async () => {
    const exitCode = await service?.stop();
    await receiver?.close();
    if (pool) {
      await dropSchema(pool, schema);
      await pool.end();
    }
    expect(exitCode).toBe(0);
  }, 30_000);

  async function recordTouchpoint(headers: Record<string, string> = {}): Promise<{ eventId: string; traceId: string }> {
    const response = await fetch(`http://127.0.0.1:${service.port}/touchpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ channel: 'front-desk' }),
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { eventId: string; traceId: string };
  }

  /** Waits until the trace's last span (the NATS consumer's) has arrived, then returns the whole trace. */
  async function traceOf(traceId: string): Promise<{ spans: ReceivedSpan[]; consumer: ReceivedSpan }> {
    return eventually(
      () => {
        const spans = receiver.spans.filter((s) => s.traceId === traceId);
        const consumer = spans.find((s) => s.name === 'process TouchpointRecorded');
        if (!consumer) throw new Error(`consumer span not received yet; trace has: ${spans.map((s) => s.name).join(', ')}`);
        return { spans, consumer };
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
  }

  const one = (spans: ReceivedSpan[], predicate: (s: ReceivedSpan) => boolean, what: string): ReceivedSpan => {
    const found = spans.filter(predicate);
    if (found.length !== 1) throw new Error(`expected exactly one ${what}, got ${found.length}: ${spans.map((s) => s.name).join(', ')}`);
    return found[0]!;
  };

  it('gives the consumer span the trace id of the HTTP request, through an unbroken parent chain', async () => {
    const { eventId, traceId } = await recordTouchpoint();
    const { spans, consumer } = await traceOf(traceId);

    const server = one(spans, (s) => s.kind === OTLP_SPAN_KIND.server, 'server span');
    expect(server.parentSpanId).toBeUndefined(); // the request came without trace context: a new trace
    expect(server.name).toBe('POST /touchpoints'); // named by its route (setHttpRoute)
    expect(server.serviceName).toBe(serviceName);
    expect(server.traceId).toBe(traceId);

    const record = one(spans, (s) => s.name === 'record touchpoint', 'command span');
    const forward = one(spans, (s) => s.name === 'forward TouchpointRecorded', 'forwarder span');
    const publish = one(spans, (s) => s.name === `publish ${subject}`, 'publish span');
    expect(ancestorsOf(record, spans)).toContainEqual(server);
    // The traceparent written into the event metadata is the command span's: the forwarder continues it.
    expect(forward.parentSpanId).toBe(record.spanId);
    expect(forward.kind).toBe(OTLP_SPAN_KIND.consumer);
    expect(publish.parentSpanId).toBe(forward.spanId);
    expect(publish.kind).toBe(OTLP_SPAN_KIND.producer);
    expect(consumer.parentSpanId).toBe(publish.spanId);
    expect(consumer.kind).toBe(OTLP_SPAN_KIND.consumer);
    expect(consumer.traceId).toBe(server.traceId);
    expect(consumer.attributes['hearth.event.id']).toBe(eventId);
    expect(ancestorsOf(consumer, spans).map((s) => s.spanId)).toEqual(
      expect.arrayContaining([publish.spanId, forward.spanId, record.spanId, server.spanId]),
    );

    // pg auto-instrumentation: the append's queries are spans inside the command span.
    const queries = spans.filter((s) => s.kind === OTLP_SPAN_KIND.client && ancestorsOf(s, spans).some((a) => a.spanId === record.spanId));
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.every((q) => q.attributes['db.system.name'] === 'postgresql' || q.attributes['db.system'] === 'postgresql')).toBe(true);
    expect(receiver.contentTypes.every((c) => c.startsWith('application/json'))).toBe(true);
  });

  it('logs JSON lines carrying the trace and span ids of the active span, with secrets redacted', async () => {
    const { eventId, traceId } = await recordTouchpoint();
    const { spans, consumer } = await traceOf(traceId);
    const record = one(spans, (s) => s.name === 'record touchpoint', 'command span');
    const server = one(spans, (s) => s.kind === OTLP_SPAN_KIND.server, 'server span');

    const consumed = await eventually(() => {
      const line = service.lines.find((l) => l.msg === 'touchpoint consumed' && l.eventId === eventId);
      if (!line) throw new Error('consumer log line not seen yet');
      return line;
    });
    expect(consumed).toMatchObject({ level: 'info', service: serviceName, trace_id: traceId, span_id: consumer.spanId });

    const recorded = service.lines.find((l) => l.msg === 'touchpoint recorded' && l.eventId === eventId);
    // Logged in the route handler, after the command span ended: the active span is an HTTP/express one.
    expect(recorded).toMatchObject({ trace_id: traceId, authorization: '[REDACTED]' });
    expect(ancestorsOf(record, spans).map((s) => s.spanId)).toContain(server.spanId);
    expect(JSON.stringify(service.lines)).not.toContain('Bearer secret');
  });

  it('continues the trace of an incoming W3C traceparent header', async () => {
    const callerTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpanId = '00f067aa0ba902b7';
    const { traceId } = await recordTouchpoint({ traceparent: `00-${callerTraceId}-${callerSpanId}-01` });
    expect(traceId).toBe(callerTraceId);

    const { spans, consumer } = await traceOf(callerTraceId);
    const server = one(spans, (s) => s.kind === OTLP_SPAN_KIND.server, 'server span');
    expect(server.parentSpanId).toBe(callerSpanId);
    expect(consumer.traceId).toBe(callerTraceId);
    expect(ancestorsOf(consumer, spans)).toContainEqual(server);
  });

  it('does not trace health probes', async () => {
    const probe = await fetch(`http://127.0.0.1:${service.port}/healthz`);
    expect(probe.status).toBe(200);
    // A traced request sent after the probe: once its spans are in, the probe's would be too.
    const { traceId } = await recordTouchpoint();
    await traceOf(traceId);
    expect(receiver.spans.filter((s) => s.name.includes('/healthz') || s.attributes['url.path'] === '/healthz')).toEqual([]);
  });

  it('does not trace its own span exports', async () => {
    const { traceId } = await recordTouchpoint();
    await traceOf(traceId);
    // The fixture makes no outgoing HTTP calls besides the exports themselves (pg and NATS are not HTTP).
    const httpClientSpans = receiver.spans.filter((s) => s.kind === OTLP_SPAN_KIND.client && s.attributes['http.request.method'] !== undefined);
    expect(httpClientSpans).toEqual([]);
    // The receiver saw several export requests by now, so an unsuppressed exporter would have shown up.
    expect(receiver.contentTypes.length).toBeGreaterThan(1);
  });
});

describe('without an OTLP endpoint (the local default)', () => {
  const schema = uniqueName('obs_local');
  const subject = `hearth.${uniqueName('obs')}.touchpoint-recorded.v1`;
  let service: ChildService;
  let pool: pg.Pool;

  beforeAll(async () => {
    await buildProjects('libs/observability');
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
    // No OTEL_* at all: spans are recorded but not exported, metrics are served on /metrics.
    const env = fixtureEnv(schema, subject);
    for (const key of Object.keys(process.env)) if (key.startsWith('OTEL_')) env[key] = '';
    service = await startChildService(FIXTURE, PRELOAD, env);
  }, 60_000);

  afterAll(async () => {
    const exitCode = await service?.stop();
    if (pool) {
      await dropSchema(pool, schema);
      await pool.end();
    }
    expect(exitCode).toBe(0);
  }, 30_000);

  it('still carries the request trace id to the consumer log lines, and serves Prometheus metrics', async () => {
    const response = await fetch(`http://127.0.0.1:${service.port}/touchpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'web' }),
    });
    expect(response.status).toBe(202);
    const { eventId, traceId } = (await response.json()) as { eventId: string; traceId: string };
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const consumed = await eventually(() => {
      const line = service.lines.find((l) => l.msg === 'touchpoint consumed' && l.eventId === eventId);
      if (!line) throw new Error('consumer log line not seen yet');
      return line;
    });
    expect(consumed.trace_id).toBe(traceId);
    expect(consumed.service).toBe('unknown_service:node'); // preloaded without OTEL_SERVICE_NAME

    const metrics = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
    expect(metrics).toMatch(/^hearth_messages_processed_total\{[^}]*hearth_consumer="fixture--all"[^}]*\} 1$/m);
    // The http instrumentation's own metric: the POST above (and not the /metrics scrape, which is untraced).
    expect(metrics).toMatch(/^http_server_request_duration_count\{[^}]*http_route="\/touchpoints"[^}]*\} 1$/m);
  });
});
