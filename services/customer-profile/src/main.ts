import { hearthContracts } from '@hearth/contracts';
import { loadConfig } from '@hearth/config';
import { CryptoShreddingEventStore, MasterKey, PostgresEventStore, PostgresSubjectKeyStore } from '@hearth/event-store';
import { authOptionsFromEnv, PostgresIdempotencyStore, startHttpServer } from '@hearth/http';
import { connectMessaging, createForwarder, PostgresCheckpointStore } from '@hearth/messaging';
import { createLogger, type Telemetry } from '@hearth/observability';
import { PostgresDocumentStore } from '@hearth/read-models';
import pg from 'pg';
import { createProfileHttpApp } from './adapters/http';
import { createDirectoryResponders } from './adapters/nats/directory.responders';
import { createResolveResponder } from './adapters/nats/resolve.responder';
import { createGuestSearch, createGuestSearchProjection, createMergeProposalList, createMergeProposalsProjection, guestSearchErasureHook } from './adapters/read-models';
import { toIntegrationEvent } from './app/integration-events.mapper';
import { createProfileContext } from './app/profile-context';
import { configSchema } from './config';
import { GUEST_PERSONAL_DATA } from './domain/guest.events';

const SERVICE = 'customer-profile';
const DEVELOPMENT_DEFAULTS = ['ENCRYPTION_MASTER_KEY', 'IDENTITY_PEPPER'] as const;

/** config → clients → stores → messaging → forwarder → responder → HTTP; SIGTERM/SIGINT stop it in reverse. */
export async function main(telemetry: Telemetry): Promise<void> {
  const config = loadConfig(configSchema, { serviceName: SERVICE });
  const logger = createLogger({ serviceName: SERVICE });
  if (config.STRICT_PRODUCTION_CONFIG) {
    const defaults = configSchema.shape;
    for (const name of DEVELOPMENT_DEFAULTS) {
      if (config[name] === defaults[name].parse(undefined)) throw new Error(`${name} still has its development default`);
    }
  }

  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 20 });
  const schema = config.DATABASE_SCHEMA;
  const events = await PostgresEventStore.connect({ pool, schema });
  const keys = await PostgresSubjectKeyStore.connect({ pool, schema, masterKey: MasterKey.from(config.ENCRYPTION_MASTER_KEY_ID, config.ENCRYPTION_MASTER_KEY) });
  // one cached data key per active guest: a miss costs a key read and unwrap on the lookup path
  const store = new CryptoShreddingEventStore(events, { keys, personalData: GUEST_PERSONAL_DATA, keyCache: { size: 200_000 } });
  const idempotencyStore = await PostgresIdempotencyStore.connect({ pool, schema });
  const readModels = await PostgresDocumentStore.connect({ pool, schema });

  const messaging = await connectMessaging({ servers: config.NATS_URL, name: SERVICE, contracts: hearthContracts });
  await messaging.ensureStream({ service: SERVICE });
  await messaging.ensureDeadLetterStream();

  const ctx = createProfileContext({
    store,
    destroyGuestKey: (guestId) => store.erase(guestId),
    identityPepper: config.IDENTITY_PEPPER,
    // the projection purges on GuestErased too; the hook makes search forget the guest before it catches up
    erasureHooks: [guestSearchErasureHook(readModels)],
  });

  // Search needs clear names: the projection reads the decrypting store (and keeps its checkpoint with the documents).
  const searchProjection = createGuestSearchProjection({
    events: store,
    store: readModels,
    onError: (error, context) => logger.warn({ err: error, position: context.position, attempt: context.attempt }, 'guest-search projection retrying'),
  });
  await searchProjection.start();
  // The steward's work list: merge proposals by status (ids only; reads the raw store).
  const proposalsProjection = createMergeProposalsProjection({
    events,
    store: readModels,
    onError: (error) => logger.warn({ err: error }, 'merge-proposals projection retrying'),
  });
  await proposalsProjection.start();

  // No dual writes: the forwarder relays the raw (encrypted) store's guest events from a durable checkpoint.
  const forwarder = createForwarder({
    name: `${SERVICE}--integration-events`,
    store: events,
    categories: ['guest'],
    map: toIntegrationEvent,
    publisher: messaging.createPublisher(),
    checkpoints: await PostgresCheckpointStore.connect({ pool, schema }),
    onError: (error) => logger.warn({ err: error }, 'forwarder retrying'),
  });
  forwarder.start();

  const responders = [
    createResolveResponder(messaging, ctx, config.DEFAULT_COUNTRY ? { defaultCountry: config.DEFAULT_COUNTRY } : {}),
    ...createDirectoryResponders(messaging, ctx),
  ];

  const app = createProfileHttpApp({
    ctx,
    auth: authOptionsFromEnv({ JWT_SECRET: config.JWT_SECRET, JWT_JWKS_URL: config.JWT_JWKS_URL, JWT_ISSUER: config.JWT_ISSUER, JWT_AUDIENCE: config.JWT_AUDIENCE, NODE_ENV: config.NODE_ENV }),
    idempotencyStore,
    proposals: createMergeProposalList(readModels),
    search: createGuestSearch(readModels, config.DEFAULT_COUNTRY ? { defaultCountry: config.DEFAULT_COUNTRY } : {}),
    logger,
    readiness: {
      postgres: async () => void (await pool.query('SELECT 1')),
      nats: async () => {
        if (messaging.connection.isClosed()) throw new Error('NATS connection closed');
        await messaging.connection.flush();
      },
    },
    configure: (express) => express.get('/metrics', (req, res) => telemetry.metricsHandler(req, res)),
    ...(config.DEFAULT_COUNTRY ? { defaultCountry: config.DEFAULT_COUNTRY } : {}),
  });
  const http = await startHttpServer(app, { port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_GRACE });
  logger.info({ port: http.port }, 'customer-profile listening');
  const purgeTimer = setInterval(() => void idempotencyStore.purgeExpired().catch((error: unknown) => logger.warn({ err: error }, 'idempotency purge failed')), 60 * 60 * 1000);
  purgeTimer.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    clearInterval(purgeTimer);
    await http.close();
    for (const responder of responders) await responder.stop({ timeoutMs: config.SHUTDOWN_GRACE });
    await forwarder.stop();
    await searchProjection.stop();
    await proposalsProjection.stop();
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
