import { hearthContracts, rpcSubjects } from '@hearth/contracts';
import { loadConfig, refuseDevelopmentDefaults, validatesResponses } from '@hearth/config';
import { CryptoShreddingEventStore, MasterKey, PostgresEventStore, PostgresSubjectKeyStore } from '@hearth/event-store';
import { authOptionsFromEnv, PostgresIdempotencyStore, runService, startHttpServer, type Stop } from '@hearth/http';
import { connectMessaging, createForwarder, PostgresCheckpointStore } from '@hearth/messaging';
import { createLogger, type Logger, type Telemetry } from '@hearth/observability';
import { PostgresDocumentStore } from '@hearth/read-models';
import { createServicePool, servicePoolOptions } from '@hearth/postgres';
import { createProfileHttpApp } from './adapters/http';
import { createDirectoryResponders } from './adapters/nats/directory.responders';
import { createResolveResponder } from './adapters/nats/resolve.responder';
import {
  createGuestLookupProjection,
  createGuestSearch,
  createGuestSearchProjection,
  createMergeProposalList,
  createMergeProposalsProjection,
  guestLookupErasureHook,
  guestSearchErasureHook,
  postgresGuestLookup,
} from './adapters/read-models';
import { toIntegrationEvent } from './app/integration-events.mapper';
import { createProfileContext } from './app/profile-context';
import { configSchema, type ProfileConfig } from './config';
import { GUEST_PERSONAL_DATA } from './domain/guest.events';

const SERVICE = 'customer-profile';
const DEVELOPMENT_DEFAULTS = ['ENCRYPTION_MASTER_KEY', 'IDENTITY_PEPPER'] as const;


type Clients = Awaited<ReturnType<typeof connectClients>>;

/**
 * config → clients → background work (forwarder, projections, purges) → request side (NATS responders,
 * HTTP), all in one process, or the request side in HTTP_WORKERS forked workers (`runService`).
 */
export async function main(telemetry: Telemetry): Promise<void> {
  const config = loadConfig(configSchema, { serviceName: SERVICE });
  const logger = createLogger({ serviceName: SERVICE });
  refuseDevelopmentDefaults(configSchema, config, DEVELOPMENT_DEFAULTS, config.STRICT_PRODUCTION_CONFIG);
  await runService({
    httpWorkers: config.HTTP_WORKERS,
    logger,
    telemetry,
    connect: ({ provision }) => connectClients(config, { ensureStreams: provision }),
    background: (clients) => startBackgroundWork(clients, config, logger),
    requests: (clients) => serveRequests(clients, config, telemetry, logger),
  });
}

async function connectClients(config: ProfileConfig, { ensureStreams }: { ensureStreams: boolean }) {
  const pool = createServicePool(servicePoolOptions(config));
  const schema = config.DATABASE_SCHEMA;
  const events = await PostgresEventStore.connect({ pool, schema });
  const keys = await PostgresSubjectKeyStore.connect({ pool, schema, masterKey: MasterKey.from(config.ENCRYPTION_MASTER_KEY_ID, config.ENCRYPTION_MASTER_KEY) });
  // one cached data key per active guest: a miss costs a key read and unwrap on the lookup path
  const store = new CryptoShreddingEventStore(events, { keys, personalData: GUEST_PERSONAL_DATA, keyCache: { size: 200_000 } });
  const idempotencyStore = await PostgresIdempotencyStore.connect({ pool, schema });
  const readModels = await PostgresDocumentStore.connect({ pool, schema });
  const messaging = await connectMessaging({ servers: config.NATS_URL, name: SERVICE, contracts: hearthContracts });
  if (ensureStreams) {
    await messaging.ensureStream({ service: SERVICE });
    await messaging.ensureDeadLetterStream();
  }
  const close = async () => {
    await messaging.drain({ timeoutMs: config.SHUTDOWN_GRACE });
    await events.close();
    await readModels.close();
    await pool.end();
  };
  return { pool, events, store, idempotencyStore, readModels, messaging, close };
}

/** Work that must run in exactly one process: projections, the integration-event forwarder, purges. */
async function startBackgroundWork({ pool, events, store, idempotencyStore, readModels, messaging }: Clients, config: ProfileConfig, logger: Logger): Promise<Stop[]> {
  // Search needs clear names: the projection reads the decrypting store (and keeps its checkpoint with the documents).
  const searchProjection = createGuestSearchProjection({
    events: store,
    store: readModels,
    onError: (error, context) => logger.warn({ err: error, position: context.position, attempt: context.attempt }, 'guest-search projection retrying'),
  });
  await searchProjection.start();
  // Lookups by identifier: each guest's state, decrypted, and its identifiers (ids only), read in one query.
  const lookupProjection = createGuestLookupProjection({
    events: store,
    store: readModels,
    identityPepper: config.IDENTITY_PEPPER,
    onError: (error, context) => logger.warn({ err: error, position: context.position, attempt: context.attempt }, 'guest-lookup projection retrying'),
  });
  await lookupProjection.start();
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
    checkpoints: await PostgresCheckpointStore.connect({ pool, schema: events.schema }),
    onError: (error) => logger.warn({ err: error }, 'forwarder retrying'),
  });
  forwarder.start();

  const purgeTimer = setInterval(() => void idempotencyStore.purgeExpired().catch((error: unknown) => logger.warn({ err: error }, 'idempotency purge failed')), 60 * 60 * 1000);
  purgeTimer.unref();
  return [() => searchProjection.stop(), () => lookupProjection.stop(), () => proposalsProjection.stop(), () => forwarder.stop(), async () => clearInterval(purgeTimer)];
}

/** The request side: NATS responders and the HTTP API (in every HTTP worker). */
async function serveRequests({ pool, events, store, idempotencyStore, readModels, messaging }: Clients, config: ProfileConfig, telemetry: Telemetry, logger: Logger): Promise<Stop[]> {
  const ctx = createProfileContext({
    store,
    prefetchGuestKey: (guestId) => store.prefetchKeys([guestId]),
    destroyGuestKey: (guestId) => store.erase(guestId),
    identityPepper: config.IDENTITY_PEPPER,
    // answers lookups when current (checked against the stream head in the same query), else the event store does
    lookupReadModel: postgresGuestLookup(pool, { readModels: readModels.schema, events: events.schema }),
    // the projections purge on GuestErased too; the hooks make the read models forget the guest before they catch up
    erasureHooks: [guestSearchErasureHook(readModels), guestLookupErasureHook(readModels)],
  });
  const countryOption = config.DEFAULT_COUNTRY ? { defaultCountry: config.DEFAULT_COUNTRY } : {};

  const subjects = rpcSubjects(config.CUSTOMER_PROFILE_RPC_PREFIX);
  const responders = [createResolveResponder(messaging, ctx, { ...countryOption, subject: subjects.resolve }), ...createDirectoryResponders(messaging, ctx, { subjects })];

  const app = createProfileHttpApp({
    ctx,
    auth: authOptionsFromEnv({ JWT_SECRET: config.JWT_SECRET, JWT_JWKS_URL: config.JWT_JWKS_URL, JWT_ISSUER: config.JWT_ISSUER, JWT_AUDIENCE: config.JWT_AUDIENCE, NODE_ENV: config.NODE_ENV }),
    idempotencyStore,
    proposals: createMergeProposalList(readModels),
    search: createGuestSearch(readModels, countryOption),
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
    ...countryOption,
  });
  const http = await startHttpServer(app, { port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_GRACE });
  logger.info({ port: http.port }, 'customer-profile listening');
  return [async () => { for (const responder of responders) await responder.stop({ timeoutMs: config.SHUTDOWN_GRACE }); }, () => http.close()];
}
