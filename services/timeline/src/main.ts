import { createCustomerProfileClient, createTenantDirectoryCache } from '@hearth/customer-profile-client';
import { loadConfig } from '@hearth/config';
import { CryptoShreddingEventStore, MasterKey, PostgresEventStore, PostgresSubjectKeyStore } from '@hearth/event-store';
import { authOptionsFromEnv, startHttpServer } from '@hearth/http';
import { connectMessaging } from '@hearth/messaging';
import { createLogger, type Telemetry } from '@hearth/observability';
import { PostgresDocumentStore } from '@hearth/read-models';
import pg from 'pg';
import { createTimelineFeed, createTimelineHttpApp } from './adapters/http';
import { createIngestHandler, startIngestConsumers } from './adapters/nats';
import { createTimelineProjection, createTimelineReadModel, TIMELINE_COLLECTIONS } from './adapters/read-models';
import { createTimelineContext } from './app/timeline-context';
import { configSchema } from './config';
import { rpcSubjects } from '@hearth/contracts';
import { TIMELINE_PERSONAL_DATA } from './domain/timeline.types';

const SERVICE = 'timeline';
const DEVELOPMENT_DEFAULTS = ['ENCRYPTION_MASTER_KEY'] as const;

/**
 * config → stores (event store with crypto-shredding, read models) → projection → messaging (customer-profile
 * client, ingest consumers) → HTTP (with the live feed); SIGTERM/SIGINT stop it in reverse.
 */
export async function main(telemetry: Telemetry): Promise<void> {
  const config = loadConfig(configSchema, { serviceName: SERVICE });
  const logger = createLogger({ serviceName: SERVICE, level: config.LOG_LEVEL });
  if (config.STRICT_PRODUCTION_CONFIG) {
    const defaults = configSchema.shape;
    for (const name of DEVELOPMENT_DEFAULTS) {
      if (config[name] === defaults[name].parse(undefined)) throw new Error(`${name} still has its development default`);
    }
  }

  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: config.DATABASE_POOL_SIZE });
  const schema = config.DATABASE_SCHEMA;
  const events = await PostgresEventStore.connect({ pool, schema });
  const keys = await PostgresSubjectKeyStore.connect({ pool, schema, masterKey: MasterKey.from(config.ENCRYPTION_MASTER_KEY_ID, config.ENCRYPTION_MASTER_KEY) });
  // one cached data key per active guest: a miss costs a key read and unwrap
  const store = new CryptoShreddingEventStore(events, { keys, personalData: TIMELINE_PERSONAL_DATA, keyCache: { size: 200_000 } });
  const readModels = await PostgresDocumentStore.connect({ pool, schema });
  await readModels.ensureCollections(TIMELINE_COLLECTIONS);

  const messaging = await connectMessaging({ servers: config.NATS_URL, name: SERVICE });
  await messaging.ensureDeadLetterStream();
  const profile = createCustomerProfileClient(messaging, {
    timeoutMs: config.CUSTOMER_PROFILE_RPC_TIMEOUT,
    subjects: rpcSubjects(config.CUSTOMER_PROFILE_RPC_PREFIX),
  });
  const ctx = createTimelineContext({
    store,
    rawStore: events,
    profile,
    directory: createTenantDirectoryCache(profile, { ttlMs: config.TENANT_DIRECTORY_CACHE }),
    readModel: createTimelineReadModel(readModels),
  });

  // The read models need clear text (views, entries): the projection reads the decrypting store.
  const projection = createTimelineProjection({
    events: store,
    store: readModels,
    onError: (error, context) => logger.warn({ err: error, position: context.position, attempt: context.attempt }, 'timeline projection retrying'),
  });
  await projection.start();
  const feed = createTimelineFeed({
    store,
    startPosition: () => projection.status().position,
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
  });
  const http = await startHttpServer(app, { port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_GRACE });
  logger.info({ port: http.port }, 'timeline listening');

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

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // live streams never finish by themselves: end them so the server can drain
    streams.endAll();
    await feed.close();
    await http.close();
    await consumers.stop({ timeoutMs: config.SHUTDOWN_GRACE });
    await projection.stop();
    await messaging.drain({ timeoutMs: config.SHUTDOWN_GRACE });
    await events.close();
    await readModels.close();
    await pool.end();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
