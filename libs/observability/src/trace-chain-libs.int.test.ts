import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { dropSchema, eventually, testDatabaseUrl, uniqueName } from '@hearth/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import type { ChildService } from './child-service.test-helper';
import { buildProjects, startChildService } from './child-service.test-helper';
import type { OtlpReceiver, ReceivedSpan } from './otlp-receiver.test-helper';
import { ancestorsOf, OTLP_SPAN_KIND, startOtlpReceiver } from './otlp-receiver.test-helper';

jest.setTimeout(30_000);

/**
 * The issue's chain with the Hearth libs themselves, in a real Node process that starts telemetry
 * in code (no preload): createApp route → event metadata.traceparent → createForwarder → publish
 * (NATS headers) → consume → handler. The fixture is plain JS running the libs' dist (see the fixture).
 */
describe('trace context through @hearth/http, the forwarder and @hearth/messaging', () => {
  const nats = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const service = `obs-${randomBytes(5).toString('hex')}`;
  const streamName = `HEARTH_${service.toUpperCase().replaceAll('-', '_')}`;
  const dlqStream = `OBS_DLQ_${randomBytes(5).toString('hex').toUpperCase()}`;
  const schema = uniqueName('obs_libs');
  const serviceName = uniqueName('trace_libs_fixture');
  const subject = `hearth.${service}.touchpoint-recorded.v1`;
  let receiver: OtlpReceiver;
  let child: ChildService;
  let pool: pg.Pool;

  beforeAll(async () => {
    await buildProjects('libs/observability', 'libs/contracts', 'libs/event-store', 'libs/messaging', 'libs/http');
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
    receiver = await startOtlpReceiver();
    child = await startChildService(join(__dirname, '__fixtures__', 'trace-chain-libs.service.js'), [], {
      OTEL_SERVICE_NAME: serviceName,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_BSP_SCHEDULE_DELAY: '50',
      DATABASE_URL: testDatabaseUrl(),
      NATS_URL: nats,
      FIXTURE_SCHEMA: schema,
      FIXTURE_SERVICE: service,
      FIXTURE_DLQ_STREAM: dlqStream,
      FIXTURE_DLQ_PREFIX: `obs_dlq_${randomBytes(5).toString('hex')}`,
    });
  }, 120_000);

  afterAll(async () => {
    const exitCode = await child?.stop();
    await receiver?.close();
    const nc = await connect({ servers: nats });
    try {
      const jsm = await jetstreamManager(nc);
      for (const stream of [streamName, dlqStream]) await jsm.streams.delete(stream).catch(() => false);
    } finally {
      await nc.close();
    }
    if (pool) {
      await dropSchema(pool, schema);
      await pool.end();
    }
    expect(exitCode).toBe(0);
  }, 30_000);

  it('gives the consumer span the trace id of the HTTP request, through an unbroken parent chain', async () => {
    const response = await fetch(`http://127.0.0.1:${child.port}/v1/touchpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${String(child.lines.find((l) => l.fixture === 'ready')?.token)}` },
      body: JSON.stringify({ channel: 'front-desk' }),
    });
    expect(response.status).toBe(202);
    const { eventId, traceId } = (await response.json()) as { eventId: string; traceId: string };
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const { spans, consumer } = await eventually(
      () => {
        const inTrace = receiver.spans.filter((s) => s.traceId === traceId);
        const found = inTrace.find((s) => s.name === `process ${subject}`);
        if (!found) throw new Error(`consumer span not received yet; trace has: ${inTrace.map((s) => s.name).join(', ')}`);
        return { spans: inTrace, consumer: found };
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    const one = (predicate: (s: ReceivedSpan) => boolean, what: string): ReceivedSpan => {
      const found = spans.filter(predicate);
      if (found.length !== 1) throw new Error(`expected exactly one ${what}, got ${found.length}: ${spans.map((s) => s.name).join(', ')}`);
      return found[0]!;
    };

    const server = one((s) => s.kind === OTLP_SPAN_KIND.server, 'server span');
    const record = one((s) => s.name === 'record touchpoint', 'command span');
    const publish = one((s) => s.name === `publish ${subject}`, 'publish span');
    expect(server).toMatchObject({ name: 'POST /v1/touchpoints', parentSpanId: undefined, serviceName });
    expect(ancestorsOf(record, spans)).toContainEqual(server);
    // The forwarder publishes under the traceparent stored in the event's metadata: the command span.
    expect(publish).toMatchObject({ kind: OTLP_SPAN_KIND.producer, parentSpanId: record.spanId });
    expect(consumer).toMatchObject({ kind: OTLP_SPAN_KIND.consumer, parentSpanId: publish.spanId, traceId: server.traceId });
    expect(consumer.attributes['hearth.event.id']).toBe(eventId);

    const consumed = await eventually(() => {
      const line = child.lines.find((l) => l.msg === 'touchpoint consumed' && l.eventId === eventId);
      if (!line) throw new Error('consumer log line not seen yet');
      return line;
    });
    expect(consumed).toMatchObject({ trace_id: traceId, span_id: consumer.spanId, service: serviceName });
  });
});
