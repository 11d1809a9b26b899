/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: telemetry must start before the libs load */
/**
 * The trace-chain fixture built from the Hearth libs instead of raw clients, for
 * `trace-chain-libs.int.test.ts`. Plain JavaScript on purpose: @hearth/messaging and @hearth/http
 * depend on @hearth/observability, so a TypeScript fixture here would make the project references
 * circular. It runs the built dist of each lib.
 *
 * It also shows the in-code start (no preload): `startTelemetry()` runs before anything requires
 * express, http or pg, and the libs are required after it.
 *
 * POST /v1/touchpoints (createApp, JWT) → span "record touchpoint" → event appended with
 * metadata.traceparent → createForwarder (subscribeToAll, checkpointed) → publish (JetStream,
 * traceparent header) → consume (durable pull consumer) → handler logs a line.
 *
 * Environment: DATABASE_URL, NATS_URL, FIXTURE_SCHEMA, FIXTURE_SERVICE (lower-kebab, unique),
 * FIXTURE_DLQ_STREAM, FIXTURE_DLQ_PREFIX, OTEL_*. Prints `{"fixture":"ready","port":…,"token":…}`.
 */
const { startTelemetry, createLogger, currentTraceHeaders, activeTraceIds, withSpan, HEARTH_ATTRIBUTES } = require('@hearth/observability');

const telemetry = startTelemetry({ serviceName: process.env.OTEL_SERVICE_NAME || 'trace-chain-libs-fixture', env: process.env });

// Only now: these load express, http and pg, which the instrumentations patch on load.
const { randomUUID } = require('node:crypto');
const { z } = require('zod');
const { defineEvent } = require('@hearth/contracts');
const { PostgresEventStore } = require('@hearth/event-store');
const { connectMessaging, createForwarder, envelopeFieldsOf, MemoryCheckpointStore } = require('@hearth/messaging');
const { createApp, route, signHs256Token, startHttpServer } = require('@hearth/http');

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main() {
  const logger = createLogger({ serviceName: telemetry.serviceName, level: process.env.LOG_LEVEL || 'info' });
  const service = required('FIXTURE_SERVICE');
  const category = 'touchpoint';
  const secret = 'trace-chain-fixture-secret-0123456789abcdef';

  const touchpointRecorded = defineEvent({
    type: `hearth.${service}.touchpoint-recorded`,
    version: 1,
    description: 'A guest touchpoint was recorded (trace-chain fixture).',
    data: z.object({ channel: z.string() }),
    example: { channel: 'web' },
  });

  const store = await PostgresEventStore.connect({ connectionString: required('DATABASE_URL'), schema: required('FIXTURE_SCHEMA'), idleRecheckMs: 500 });
  const messaging = await connectMessaging({
    servers: required('NATS_URL'),
    name: service,
    contracts: [touchpointRecorded],
    deadLetters: { stream: required('FIXTURE_DLQ_STREAM'), subjectPrefix: required('FIXTURE_DLQ_PREFIX') },
  });
  await messaging.ensureStream({ service, partitions: 1 });

  const subscription = await messaging.consume({
    stream: `HEARTH_${service.toUpperCase().replaceAll('-', '_')}`,
    durable: `${service}--trace`,
    contracts: [touchpointRecorded],
    async handle(event) {
      logger.info({ eventId: event.id }, 'touchpoint consumed');
    },
  });

  const forwarder = createForwarder({
    name: `${service}--integration-events`,
    store,
    categories: [category],
    publisher: messaging,
    checkpoints: new MemoryCheckpointStore(),
    map: (stored) => touchpointRecorded.create({ ...envelopeFieldsOf(stored), data: stored.data }),
    onError: (error) => logger.error({ err: error }, 'forwarder failed'),
  });
  forwarder.start();

  const app = createApp({
    serviceName: service,
    auth: { mode: 'hs256', secret },
    openapi: { title: 'trace-chain fixture', version: '0.0.0' },
    logger,
    routes: [
      route(
        {
          method: 'post',
          path: '/v1/touchpoints',
          body: z.object({ channel: z.string() }),
          responses: { 202: { description: 'Recorded', body: z.object({ eventId: z.string(), traceId: z.string() }) } },
        },
        async ({ body, actor, correlationId }) => {
          const eventId = randomUUID();
          const stream = `${category}-${randomUUID()}`;
          await withSpan('record touchpoint', { attributes: { [HEARTH_ATTRIBUTES.commandType]: 'RecordTouchpoint', [HEARTH_ATTRIBUTES.streamName]: stream } }, () =>
            store.appendToStream(stream, [
              {
                eventId,
                type: 'TouchpointRecorded',
                data: { channel: body.channel },
                metadata: {
                  tenantId: actor.tenantId,
                  actor: actor.userId,
                  correlationId,
                  causationId: eventId,
                  traceparent: currentTraceHeaders().traceparent,
                  occurredAt: new Date().toISOString(),
                  schemaVersion: 1,
                },
              },
            ]),
          );
          return { status: 202, body: { eventId, traceId: activeTraceIds()?.traceId ?? '' } };
        },
      ),
    ],
  });
  const http = await startHttpServer(app, { port: 0, host: '127.0.0.1', shutdownTimeoutMs: 2_000 });
  const token = await signHs256Token({ sub: 'agent-1', tenant: 'demo', roles: ['agent'], brands: '*' }, { secret, ttl: '1h' });
  process.stdout.write(`${JSON.stringify({ fixture: 'ready', port: http.port, token })}\n`);

  process.once('SIGTERM', () => {
    (async () => {
      await http.close();
      await forwarder.stop();
      await subscription.stop({ timeoutMs: 2_000 });
      await messaging.drain({ timeoutMs: 2_000 });
      await store.close();
      await telemetry.shutdown();
      process.exit(0);
    })().catch((error) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  });
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(1);
});
