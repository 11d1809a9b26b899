import { createCustomerProfileClient, createTenantDirectoryCache } from '@hearth/customer-profile-client';
import { loadConfig, refuseDevelopmentDefaults, validatesResponses } from '@hearth/config';
import { rpcSubjects } from '@hearth/contracts';
import { CryptoShreddingEventStore, MasterKey, PostgresEventStore, PostgresSubjectKeyStore } from '@hearth/event-store';
import { authOptionsFromEnv, PostgresIdempotencyStore, runService, startHttpServer, type Stop } from '@hearth/http';
import { connectMessaging, createForwarder, PostgresCheckpointStore } from '@hearth/messaging';
import { createLogger, type Logger, type Telemetry } from '@hearth/observability';
import { PostgresDocumentStore } from '@hearth/read-models';
import { PostgresTimerStore } from '@hearth/timers';
import { createServicePool, servicePoolOptions } from '@hearth/postgres';
import { createGuestTicketIndex, createTicketGuestsProjection, TICKET_GUEST_COLLECTIONS } from './adapters/erasure';
import { createTicketsHttpApp, idempotencyErasureHook } from './adapters/http';
import { startGuestLifecycleConsumer } from './adapters/nats';
import { createTicketMetricsProjection, createTicketQueueProjection, TICKET_READ_MODEL_COLLECTIONS } from './adapters/read-models';
import { createSlaSchedulerRunner, startSlaTimerWorker } from './adapters/sla';
import { eraseGuestTickets } from './app/guest-erasure';
import { toIntegrationEvent } from './app/integration-events.mapper';
import { createResolvedTicketLookup } from './app/resolved-ticket-lookup';
import { createSlaBreachHandler } from './app/sla-breach';
import { createSlaScheduler } from './app/sla-scheduler';
import { TICKET_CATEGORY } from './app/ticket-stream';
import { createTicketsContext } from './app/tickets-context';
import { configSchema, type TicketsConfig } from './config';
import { TICKET_PERSONAL_DATA } from './domain/ticket.events';
import { createKnowledgeBase } from './kb';

const SERVICE = 'service-tickets';
const DEVELOPMENT_DEFAULTS = ['ENCRYPTION_MASTER_KEY'] as const;

type Clients = Awaited<ReturnType<typeof connectClients>>;

/**
 * config → clients (event store with crypto-shredding, read models, timers, idempotency, messaging,
 * customer-profile client, knowledge base) → background work (forwarder, projections, SLA scheduler and
 * timer worker, guest-event consumer) → request side (HTTP), all in one process, or the request side in
 * HTTP_WORKERS forked workers (`runService`).
 */
export async function main(telemetry: Telemetry): Promise<void> {
  const config = loadConfig(configSchema, { serviceName: SERVICE });
  const logger = createLogger({ serviceName: SERVICE, level: config.LOG_LEVEL });
  refuseDevelopmentDefaults(configSchema, config, DEVELOPMENT_DEFAULTS, config.STRICT_PRODUCTION_CONFIG);
  await runService({
    httpWorkers: config.HTTP_WORKERS,
    logger,
    telemetry,
    connect: ({ provision }) => connectClients(config, logger, { provision }),
    background: (clients) => startBackgroundWork(clients, config, logger),
    requests: (clients) => serveRequests(clients, config, telemetry, logger),
  });
}

async function connectClients(config: TicketsConfig, logger: Logger, { provision }: { provision: boolean }) {
  const pool = createServicePool(servicePoolOptions(config));
  const schema = config.DATABASE_SCHEMA;
  const events = await PostgresEventStore.connect({ pool, schema });
  const keys = await PostgresSubjectKeyStore.connect({ pool, schema, masterKey: MasterKey.from(config.ENCRYPTION_MASTER_KEY_ID, config.ENCRYPTION_MASTER_KEY) });
  const store = new CryptoShreddingEventStore(events, { keys, personalData: TICKET_PERSONAL_DATA, keyCache: { size: 100_000 } });
  const idempotencyStore = await PostgresIdempotencyStore.connect({ pool, schema });
  const readModels = await PostgresDocumentStore.connect({ pool, schema });
  if (provision) await readModels.ensureCollections([...TICKET_READ_MODEL_COLLECTIONS, ...TICKET_GUEST_COLLECTIONS]);
  const timers = await PostgresTimerStore.connect({ pool, schema });

  const messaging = await connectMessaging({ servers: config.NATS_URL, name: SERVICE });
  if (provision) {
    await messaging.ensureStream({ service: SERVICE });
    await messaging.ensureDeadLetterStream();
  }
  const profile = createCustomerProfileClient(messaging, { timeoutMs: config.CUSTOMER_PROFILE_RPC_TIMEOUT, subjects: rpcSubjects(config.CUSTOMER_PROFILE_RPC_PREFIX) });
  const directory = createTenantDirectoryCache(profile, { ttlMs: config.TENANT_DIRECTORY_CACHE });
  const ctx = createTicketsContext({
    store,
    rawStore: events,
    profile,
    directory,
    settingsCacheMs: config.TICKET_SETTINGS_CACHE,
    // replayable answers of POST /v1/tickets quote the ticket: they go with the guest's data
    erasureHooks: [idempotencyErasureHook(idempotencyStore)],
  });
  // Articles hold no personal data: the knowledge base appends to the raw store.
  const kb = createKnowledgeBase({
    store: events,
    pool,
    schema,
    directory,
    ticketLookup: createResolvedTicketLookup(ctx),
    documents: readModels,
    onProjectionError: (error, context) => logger.warn({ err: error, position: context.position, attempt: context.attempt }, 'knowledge-base projection retrying'),
  });
  if (provision) await kb.ensureSchema();

  const close = async () => {
    await messaging.drain({ timeoutMs: config.SHUTDOWN_GRACE });
    await timers.close();
    await events.close();
    await readModels.close();
    await pool.end();
  };
  return { pool, events, keys, store, idempotencyStore, readModels, timers, messaging, ctx, kb, close };
}

/** Work that must run in exactly one process per instance: projections, the forwarder, SLA scheduling and timers, guest events. */
async function startBackgroundWork(clients: Clients, config: TicketsConfig, logger: Logger): Promise<Stop[]> {
  const { pool, events, keys, store, idempotencyStore, readModels, timers, messaging, ctx, kb } = clients;
  const retrying = (name: string) => (error: unknown, context: { position: number | undefined; attempt: number }) =>
    logger.warn({ err: error, position: context.position, attempt: context.attempt }, `${name} retrying`);
  const stops: Stop[] = [];

  // Read models over the raw store: ids, statuses and times only, nothing personal.
  for (const projection of [
    createTicketQueueProjection({ events, store: readModels, onError: retrying('ticket-queue projection') }),
    createTicketMetricsProjection({ events, store: readModels, onError: retrying('ticket-metrics projection') }),
    createTicketGuestsProjection({ events, store: readModels, isGuestErased: (guestId) => keys.isErased(guestId), eraseSubject: (subject) => store.erase(subject), onError: retrying('ticket-guests projection') }),
  ]) {
    await projection.start();
    stops.push(() => projection.stop());
  }
  await kb.projection.start();
  stops.push(() => kb.projection.stop());

  // SLA: the scheduler follows ticket changes and arms durable timers; the worker fires them into breaches.
  const scheduler = createSlaSchedulerRunner({ events, store: readModels, scheduler: createSlaScheduler(ctx, timers), onError: retrying('SLA scheduler') });
  await scheduler.start();
  stops.push(() => scheduler.stop());
  const worker = startSlaTimerWorker({
    timers,
    handle: createSlaBreachHandler(ctx, { onDropped: (timer, reason) => logger.warn({ key: timer.key, tenantId: timer.tenantId, reason }, 'SLA timer dropped') }),
    pollIntervalMs: config.SLA_TIMER_POLL_INTERVAL,
    leaseMs: config.SLA_TIMER_LEASE,
    maxAttempts: config.SLA_TIMER_MAX_ATTEMPTS,
    onError: (error, timer) => logger.warn({ err: error, key: timer?.key, tenantId: timer?.tenantId }, 'SLA timer failed'),
  });
  stops.push(() => worker.stop());

  // No dual writes: the forwarder relays the raw (encrypted) store's ticket events from a durable checkpoint.
  if (config.FORWARD_INTEGRATION_EVENTS) {
    const forwarder = createForwarder({
      name: `${SERVICE}--integration-events`,
      store: events,
      categories: [TICKET_CATEGORY],
      map: toIntegrationEvent,
      publisher: messaging.createPublisher(),
      checkpoints: await PostgresCheckpointStore.connect({ pool, schema: events.schema }),
      onError: (error) => logger.warn({ err: error }, 'forwarder retrying'),
    });
    forwarder.start();
    stops.push(() => forwarder.stop());
  }

  const guestIndex = createGuestTicketIndex(readModels);
  const guestEvents = startGuestLifecycleConsumer({
    messaging,
    durable: config.GUEST_EVENTS_DURABLE,
    deliverPolicy: config.GUEST_EVENTS_DELIVER_POLICY,
    retryMs: config.GUEST_EVENTS_RETRY,
    maxDeliver: config.NATS_MAX_DELIVER,
    logger,
    onGuestErased: async (event) => {
      const { ticketIds } = await eraseGuestTickets(ctx, guestIndex, event.tenantId, event.data.guestId);
      // most erased guests never had a ticket: only those that had are worth an info line
      logger[ticketIds.length > 0 ? 'info' : 'debug']({ tenantId: event.tenantId, tickets: ticketIds.length }, 'guest erased from tickets');
    },
  });
  stops.push(() => guestEvents.stop({ timeoutMs: config.SHUTDOWN_GRACE }));

  const purge = setInterval(() => void idempotencyStore.purgeExpired().catch((error: unknown) => logger.warn({ err: error }, 'idempotency purge failed')), 60 * 60 * 1000);
  purge.unref();
  stops.push(async () => clearInterval(purge));
  return stops;
}

/** The request side: the HTTP API (in every HTTP worker). */
async function serveRequests({ pool, idempotencyStore, readModels, messaging, ctx, kb }: Clients, config: TicketsConfig, telemetry: Telemetry, logger: Logger): Promise<Stop[]> {
  const app = createTicketsHttpApp({
    ctx,
    auth: authOptionsFromEnv({ JWT_SECRET: config.JWT_SECRET, JWT_JWKS_URL: config.JWT_JWKS_URL, JWT_ISSUER: config.JWT_ISSUER, JWT_AUDIENCE: config.JWT_AUDIENCE, NODE_ENV: config.NODE_ENV }),
    readModels,
    idempotencyStore,
    extraRoutes: kb.routes,
    logger,
    readiness: {
      postgres: async () => void (await pool.query('SELECT 1')),
      nats: async () => {
        if (messaging.connection.isClosed()) throw new Error('NATS connection closed');
        await messaging.connection.flush();
      },
    },
    configure: (express) => express.get('/metrics', (req, res) => telemetry.metricsHandler(req, res)),
    validateResponses: validatesResponses(config),
  });
  const http = await startHttpServer(app, { port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_GRACE });
  logger.info({ port: http.port }, 'service-tickets listening');
  return [() => http.close()];
}
