/**
 * A tiny service for `trace-chain.int.test.ts`, run as a child process with telemetry preloaded:
 *   node --require dist/register.js dist/__fixtures__/trace-chain.service.js
 * (Jest's module registry bypasses require hooks, so http/express/pg auto-instrumentation only works
 * in a real Node process.)
 *
 * POST /touchpoints → span "record touchpoint" → event appended to PostgreSQL with
 * `metadata.traceparent` → a forwarder reading `subscribeToAll` continues the trace from the metadata
 * ("forward …", consumer) → publishes to NATS with a `traceparent` header ("publish …", producer) → a
 * NATS subscriber continues it from the header ("process …", consumer) and logs a line.
 *
 * GET /metrics serves Prometheus text when no OTLP endpoint is set.
 *
 * Environment: DATABASE_URL, FIXTURE_SCHEMA, NATS_URL, FIXTURE_SUBJECT (plus the OTEL_* variables).
 * Prints `{"fixture":"ready","port":…}` on stdout once it serves; stops cleanly on SIGTERM.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { PostgresEventStore } from '@hearth/event-store';
import { connect, headers } from '@nats-io/transport-node';
import express from 'express';
import {
  activeTraceIds,
  counter,
  createLogger,
  currentTraceHeaders,
  HEARTH_ATTRIBUTES,
  HEARTH_METRICS,
  metricsHandler,
  setHttpRoute,
  startTelemetry,
  withSpan,
} from '../index';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  // Returns the telemetry the preload started; a plain `node` start would start it here instead.
  const telemetry = startTelemetry({ serviceName: process.env.OTEL_SERVICE_NAME ?? 'trace-chain-fixture', env: process.env });
  const logger = createLogger({ serviceName: telemetry.serviceName, level: process.env.LOG_LEVEL ?? 'info' });
  const schema = required('FIXTURE_SCHEMA');
  const subject = required('FIXTURE_SUBJECT');
  const category = 'touchpoint';

  const store = await PostgresEventStore.connect({ connectionString: required('DATABASE_URL'), schema, idleRecheckMs: 500 });
  const nc = await connect({ servers: required('NATS_URL'), name: 'trace-chain-fixture' });
  const stop = new AbortController();
  const processed = counter(HEARTH_METRICS.messagesProcessed, { description: 'Messages handled by a consumer' });

  // Consumer: continues the trace from the NATS headers.
  const subscription = nc.subscribe(subject);
  const consuming = (async () => {
    for await (const msg of subscription) {
      const envelope = msg.json<{ id: string; type: string }>();
      await withSpan(
        `process ${envelope.type}`,
        {
          kind: 'consumer',
          parent: { traceparent: msg.headers?.get('traceparent') || undefined, tracestate: msg.headers?.get('tracestate') || undefined },
          attributes: { [HEARTH_ATTRIBUTES.eventId]: envelope.id, [HEARTH_ATTRIBUTES.eventType]: envelope.type, [HEARTH_ATTRIBUTES.consumer]: 'fixture--all' },
        },
        async () => {
          logger.info({ eventId: envelope.id }, 'touchpoint consumed');
          processed.add(1, { [HEARTH_ATTRIBUTES.consumer]: 'fixture--all', [HEARTH_ATTRIBUTES.outcome]: 'ok' });
        },
      );
    }
  })();

  // Forwarder: continues the trace from the event's metadata, publishes with the trace in headers.
  const forwarding = (async () => {
    for await (const event of store.subscribeToAll({ categories: [category], signal: stop.signal })) {
      await withSpan(
        `forward ${event.type}`,
        {
          kind: 'consumer',
          parent: { traceparent: event.metadata.traceparent },
          attributes: { [HEARTH_ATTRIBUTES.eventId]: event.eventId, [HEARTH_ATTRIBUTES.streamName]: event.streamName },
        },
        () =>
          withSpan(`publish ${subject}`, { kind: 'producer', attributes: { [HEARTH_ATTRIBUTES.eventType]: event.type } }, async () => {
            const trace = currentTraceHeaders();
            const h = headers();
            if (trace.traceparent) h.set('traceparent', trace.traceparent);
            if (trace.tracestate) h.set('tracestate', trace.tracestate);
            nc.publish(subject, JSON.stringify({ id: event.eventId, type: event.type, data: event.data }), { headers: h });
            await nc.flush();
          }),
      );
    }
  })();

  const app = express();
  app.use(express.json());
  app.get('/metrics', metricsHandler);
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.post('/touchpoints', async (req, res) => {
    setHttpRoute('/touchpoints');
    const eventId = randomUUID();
    const stream = `${category}-${randomUUID()}`;
    await withSpan('record touchpoint', { attributes: { [HEARTH_ATTRIBUTES.commandType]: 'RecordTouchpoint', [HEARTH_ATTRIBUTES.streamName]: stream } }, async () => {
      await store.appendToStream(stream, [
        {
          eventId,
          type: 'TouchpointRecorded',
          data: { channel: String((req.body as { channel?: unknown }).channel ?? 'web') },
          metadata: {
            tenantId: 'demo',
            actor: 'service:fixture',
            correlationId: eventId,
            causationId: eventId,
            traceparent: currentTraceHeaders().traceparent,
            occurredAt: new Date().toISOString(),
            schemaVersion: 1,
          },
        },
      ]);
    });
    logger.info({ eventId, authorization: 'Bearer secret' }, 'touchpoint recorded');
    res.status(202).json({ eventId, traceId: activeTraceIds()?.traceId });
  });

  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ fixture: 'ready', port: (server.address() as AddressInfo).port })}\n`);
  });

  process.once('SIGTERM', () => {
    void (async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      stop.abort();
      await forwarding;
      await nc.drain();
      await consuming;
      await store.close();
      await telemetry.shutdown();
      process.exit(0);
    })().catch((error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
