import { createCustomerProfileClient, createTenantDirectoryCache } from '@hearth/customer-profile-client';
import { loadConfig, refuseDevelopmentDefaults, validatesResponses } from '@hearth/config';
import { CryptoShreddingEventStore, MasterKey, PostgresEventStore, PostgresSubjectKeyStore } from '@hearth/event-store';
import { authOptionsFromEnv, runService, startHttpServer, type Stop } from '@hearth/http';
import { connectMessaging } from '@hearth/messaging';
import { createLogger, type Logger, type Telemetry } from '@hearth/observability';
import { PostgresDocumentStore } from '@hearth/read-models';
import { createServicePool, servicePoolOptions } from '@hearth/postgres';
import { createTimelineFeed, createTimelineHttpApp } from './adapters/http';
import { createIngestHandler, startIngestConsumers } from './adapters/nats';
import { cachedGuestViews, createTimelineProjection, createTimelineReadModel, guestViews, TIMELINE_COLLECTIONS, TIMELINE_PROJECTION } from './adapters/read-models';
import { RenderedViewCache } from './app/rendered-views';
import { createTimelineContext } from './app/timeline-context';
import { configSchema, type TimelineConfig } from './config';
import { rpcSubjects } from '@hearth/contracts';
import { TIMELINE_PERSONAL_DATA } from './domain/timeline.types';

const SERVICE = 'timeline';
const DEVELOPMENT_DEFAULTS = ['ENCRYPTION_MASTER_KEY'] as const;

type Clients = Awaited<ReturnType<typeof connectClients>>;

/**
 * config → clients (event store with crypto-shredding, read models, messaging, customer-profile client) →
 * background work (the read-model projection, the ingest consumers) → request side (HTTP with the live
 * feed), all in one process, or the request side in HTTP_WORKERS forked workers (`runService`).
 */
export async function main(telemetry: Telemetry): Promise<void> {
  const config = loadConfig(configSchema, { serviceName: SERVICE });
  const logger = createLogger({ serviceName: SERVICE, level: config.LOG_LEVEL });
  refuseDevelopmentDefaults(configSchema, config, DEVELOPMENT_DEFAULTS, config.STRICT_PRODUCTION_CONFIG);
  await runService({
    httpWorkers: config.HTTP_WORKERS,
    logger,
    telemetry,
    connect: ({ provision }) => connectClients(config, { provision }),
    background: (clients) => startBackgroundWork(clients, config, logger),
    requests: (clients) => serveRequests(clients, config, telemetry, logger),
  });
}

async function connectClients(config: TimelineConfig, { provision }: { provision: boolean }) {
  const pool = createServicePool(servicePoolOptions(config));
  const schema = config.DATABASE_SCHEMA;
  const events = await PostgresEventStore.connect({ pool, schema });
  const keys = await PostgresSubjectKeyStore.connect({ pool, schema, masterKey: MasterKey.from(config.ENCRYPTION_MASTER_KEY_ID, config.ENCRYPTION_MASTER_KEY) });
  // one cached data key per active guest: a miss costs a key read and unwrap
  const store = new CryptoShreddingEventStore(events, { keys, personalData: TIMELINE_PERSONAL_DATA, keyCache: { size: 200_000 } });
  // guest views are announced when the projection changes them, so every process may cache them exactly
  const readModels = await PostgresDocumentStore.connect({ pool, schema, changeFeed: { collections: [guestViews] } });
  if (provision) await readModels.ensureCollections(TIMELINE_COLLECTIONS);

  const messaging = await connectMessaging({ servers: config.NATS_URL, name: SERVICE });
  if (provision) await messaging.ensureDeadLetterStream();
  const profile = createCustomerProfileClient(messaging, {
    timeoutMs: config.CUSTOMER_PROFILE_RPC_TIMEOUT,
    subjects: rpcSubjects(config.CUSTOMER_PROFILE_RPC_PREFIX),
  });
  const ctx = createTimelineContext({
    store,
    rawStore: events,
    profile,
    directory: createTenantDirectoryCache(profile, { ttlMs: config.TENANT_DIRECTORY_CACHE }),
    readModel: createTimelineReadModel(readModels, config.VIEW_CACHE_SIZE > 0 ? { viewCache: cachedGuestViews(readModels, { maxEntries: config.VIEW_CACHE_SIZE, maxMiB: config.VIEW_CACHE_MB }) } : {}),
    ...(config.VIEW_RENDER_CACHE_MB > 0 ? { renderedViews: new RenderedViewCache({ maxChars: config.VIEW_RENDER_CACHE_MB * 1024 * 1024, maxAgeMs: config.VIEW_RENDER_MAX_AGE }) } : {}),
  });
  const close = async () => {
    await messaging.drain({ timeoutMs: config.SHUTDOWN_GRACE });
    await events.close();
    await readModels.close();
    await pool.end();
  };
  return { pool, store, readModels, messaging, ctx, close };
}

/** Work that must run in exactly one process: the read-model projection and the ingest consumers. */
async function startBackgroundWork({ store, readModels, messaging, ctx }: Clients, config: TimelineConfig, logger: Logger): Promise<Stop[]> {
  // The read models need clear text (views, entries): the projection reads the decrypting store.
  const projection = createTimelineProjection({
    events: store,
    store: readModels,
    onError: (error, context) => logger.warn({ err: error, position: context.position, attempt: context.attempt }, 'timeline projection retrying'),
  });
  await projection.start();
  const consumers = startIngestConsumers({
    messaging,
    services: config.TIMELINE_SOURCE_SERVICES,
    durable: config.TIMELINE_INGEST_DURABLE,
    deliverPolicy: config.TIMELINE_INGEST_DELIVER_POLICY,
    handle: createIngestHandler(ctx),
    retryMs: config.TIMELINE_SOURCE_RETRY,
    maxDeliver: config.NATS_MAX_DELIVER,
    logger,
  });
  return [() => projection.stop(), () => consumers.stop({ timeoutMs: config.SHUTDOWN_GRACE })];
}

/** The request side: the HTTP API with the live feed (in every HTTP worker). */
async function serveRequests({ pool, store, readModels, messaging, ctx }: Clients, config: TimelineConfig, telemetry: Telemetry, logger: Logger): Promise<Stop[]> {
  const feed = createTimelineFeed({
    store,
    // the projection may run in another process: its checkpoint is where the read models are
    startPosition: async () => (await readModels.checkpoints.load(TIMELINE_PROJECTION))?.position,
    onError: (error) => logger.warn({ err: error }, 'timeline feed retrying'),
  });
  const { app, streams } = createTimelineHttpApp({
    ctx,
    feed,
    auth: authOptionsFromEnv({ JWT_SECRET: config.JWT_SECRET, JWT_JWKS_URL: config.JWT_JWKS_URL, JWT_ISSUER: config.JWT_ISSUER, JWT_AUDIENCE: config.JWT_AUDIENCE, NODE_ENV: config.NODE_ENV }),
    logger,
    heartbeatMs: config.SSE_HEARTBEAT,
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
  logger.info({ port: http.port }, 'timeline listening');
  return [
    // live streams never finish by themselves: end them so the server can drain
    async () => {
      streams.endAll();
      await feed.close();
    },
    () => http.close(),
  ];
}
