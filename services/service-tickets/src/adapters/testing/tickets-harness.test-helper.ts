/**
 * service-tickets wired as in main.ts against the real PostgreSQL (a schema of its own) and NATS, with
 * the fake customer-profile of `tickets.test-helper` answering the rpc contracts over NATS on subjects
 * of its own (test scaffolding of the neighbour service). Background parts start on demand.
 */
import { randomBytes } from 'node:crypto';
import { createCustomerProfileClient, createTenantDirectoryCache } from '@hearth/customer-profile-client';
import { guestSummaryRequestSchema, resolveGuestRequestSchema, rpcSubjects, tenantDirectoryRequestSchema } from '@hearth/contracts';
import { CryptoShreddingEventStore, MasterKey, PostgresEventStore, PostgresSubjectKeyStore } from '@hearth/event-store';
import { PostgresIdempotencyStore, type HttpLogger } from '@hearth/http';
import { connectMessaging, type Messaging, type Responder } from '@hearth/messaging';
import { PostgresDocumentStore, type ProjectionRunner } from '@hearth/read-models';
import { dropSchema, schemaTextSearch, testDatabaseUrl, uniqueName } from '@hearth/testing';
import { PostgresTimerStore, type TimerWorker } from '@hearth/timers';
import type { Express } from 'express';
import pg from 'pg';
import { configureTicketSettings } from '../../app/settings-use-cases';
import { createSlaBreachHandler, type SlaBreachOutcome } from '../../app/sla-breach';
import { createSlaScheduler } from '../../app/sla-scheduler';
import { createTicketsContext, systemCaller, type TicketsContext } from '../../app/tickets-context';
import type { TicketSettings } from '../../domain/settings.policy';
import { TICKET_PERSONAL_DATA } from '../../domain/ticket.events';
import { createGuestTicketIndex, createTicketGuestsProjection, TICKET_GUEST_COLLECTIONS } from '../erasure';
import { createTicketsHttpApp, idempotencyErasureHook } from '../http';
import { createTicketMetricsProjection, createTicketQueueProjection, TICKET_READ_MODEL_COLLECTIONS } from '../read-models';
import { createSlaSchedulerRunner, startSlaTimerWorker } from '../sla';
import { chainDirectory, fakeCustomerProfile, TEST_SECRET, TEST_SETTINGS, type FakeCustomerProfile } from './tickets.test-helper';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const hex = (bytes = 5) => randomBytes(bytes).toString('hex');

/** The fake customer-profile answering `<prefix>.resolve|guest-summary|tenant-directory` over NATS. */
export function serveFakeCustomerProfile(messaging: Messaging, fake: FakeCustomerProfile, prefix = `rpc.tickets-test-${hex()}`) {
  const subjects = rpcSubjects(prefix);
  const responders: Responder[] = [
    messaging.createResponder({ subject: subjects.resolve, requestSchema: resolveGuestRequestSchema, handle: (request) => fake.port.resolve(request) }),
    messaging.createResponder({ subject: subjects.guestSummary, requestSchema: guestSummaryRequestSchema, handle: ({ tenantId, guestId }) => fake.port.guestSummary(tenantId, guestId) }),
    messaging.createResponder({ subject: subjects.tenantDirectory, requestSchema: tenantDirectoryRequestSchema, handle: ({ tenantId }) => fake.port.tenantDirectory(tenantId) }),
  ];
  return { prefix, subjects, stop: () => Promise.all(responders.map((r) => r.stop({ timeoutMs: 1_000 }))) };
}

export type Harness = {
  id: string;
  schema: string;
  pool: pg.Pool;
  events: PostgresEventStore;
  keys: PostgresSubjectKeyStore;
  store: CryptoShreddingEventStore;
  readModels: PostgresDocumentStore;
  timers: PostgresTimerStore;
  idempotencyStore: PostgresIdempotencyStore;
  messaging: Messaging;
  deadLetters: { stream: string; subjectPrefix: string };
  fake: FakeCustomerProfile;
  rpcPrefix: string;
  ctx: TicketsContext;
  app: Express;
  logged: unknown[];
  /** A new tenant with the chain directory and `settings` (default TEST_SETTINGS). */
  newTenant(settings?: TicketSettings): Promise<string>;
  /** Starts the read-model and guest-index projections. */
  startProjections(): Promise<ProjectionRunner[]>;
  /** Starts the SLA scheduler follower (checkpointed) and `workers` timer workers, each on a store of its own pool (as separate instances). */
  startSla(options?: { workers?: number }): Promise<{ fired: { key: string; outcome: SlaBreachOutcome }[] }>;
  /** Tables of the harness schema whose rows contain `needle` (text search over every column). */
  textSearch(needle: string): Promise<string[]>;
  close(): Promise<void>;
};

export async function startHarness(): Promise<Harness> {
  const id = hex();
  const schema = uniqueName('st');
  const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 8 });
  const events = await PostgresEventStore.connect({ pool, schema });
  const keys = await PostgresSubjectKeyStore.connect({ pool, schema, masterKey: MasterKey.generate('tickets-test') });
  const store = new CryptoShreddingEventStore(events, { keys, personalData: TICKET_PERSONAL_DATA });
  const readModels = await PostgresDocumentStore.connect({ pool, schema });
  await readModels.ensureCollections([...TICKET_READ_MODEL_COLLECTIONS, ...TICKET_GUEST_COLLECTIONS]);
  const timers = await PostgresTimerStore.connect({ pool, schema });
  const idempotencyStore = await PostgresIdempotencyStore.connect({ pool, schema });
  const deadLetters = { stream: `HEARTH_DLQ_ST_${id.toUpperCase()}`, subjectPrefix: `hearth.dlq-st-${id}` };
  const messaging = await connectMessaging({ servers: NATS_URL, name: `tickets-test-${id}`, deadLetters, publisher: { ackTimeoutMs: 2_000 } });
  await messaging.ensureDeadLetterStream();
  const fake = fakeCustomerProfile();
  const served = serveFakeCustomerProfile(messaging, fake);
  const profile = createCustomerProfileClient(messaging, { subjects: served.subjects, timeoutMs: 2_000 });
  const ctx = createTicketsContext({
    store,
    rawStore: events,
    profile,
    directory: createTenantDirectoryCache(profile, { ttlMs: 1_000 }),
    settingsCacheMs: 0,
    erasureHooks: [idempotencyErasureHook(idempotencyStore)],
  });
  const logged: unknown[] = [];
  const logger: HttpLogger = { error: (fields) => void logged.push(fields), warn: () => undefined };
  const app = createTicketsHttpApp({ ctx, auth: { mode: 'hs256', secret: TEST_SECRET }, readModels, idempotencyStore, logger });

  const stops: (() => Promise<unknown>)[] = [];
  const extraPools: pg.Pool[] = [];
  return {
    id,
    schema,
    pool,
    events,
    keys,
    store,
    readModels,
    timers,
    idempotencyStore,
    messaging,
    deadLetters,
    fake,
    rpcPrefix: served.prefix,
    ctx,
    app,
    logged,
    async newTenant(settings = TEST_SETTINGS) {
      const tenantId = `t-${hex()}`;
      fake.setDirectory(chainDirectory(tenantId));
      await configureTicketSettings(ctx, systemCaller(tenantId, 'setup'), settings);
      return tenantId;
    },
    async startProjections() {
      const runners = [
        createTicketQueueProjection({ events, store: readModels }),
        createTicketMetricsProjection({ events, store: readModels }),
        createTicketGuestsProjection({ events, store: readModels, isGuestErased: (guestId) => keys.isErased(guestId), eraseSubject: (s) => store.erase(s) }),
      ];
      for (const runner of runners) {
        await runner.start();
        stops.push(() => runner.stop());
      }
      return runners;
    },
    async startSla({ workers = 1 } = {}) {
      const fired: { key: string; outcome: SlaBreachOutcome }[] = [];
      const runner = createSlaSchedulerRunner({ events, store: readModels, scheduler: createSlaScheduler(ctx, timers) });
      await runner.start();
      stops.push(() => runner.stop());
      for (let i = 0; i < workers; i++) {
        // each worker as another instance would run it: its own pool and timer store
        const workerPool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 3 });
        extraPools.push(workerPool);
        const workerTimers = await PostgresTimerStore.connect({ pool: workerPool, schema });
        const worker: TimerWorker = startSlaTimerWorker({ timers: workerTimers, handle: createSlaBreachHandler(ctx), pollIntervalMs: 200, onFired: (timer, outcome) => void fired.push({ key: timer.key, outcome }) });
        stops.push(async () => {
          await worker.stop();
          await workerTimers.close();
        });
      }
      return { fired };
    },
    textSearch: (needle) => schemaTextSearch(pool, schema, needle),
    async close() {
      for (const stop of stops.reverse()) await stop();
      await served.stop();
      await messaging.manager.streams.delete(deadLetters.stream).catch(() => undefined);
      await messaging.drain({ timeoutMs: 2_000 });
      await timers.close();
      await events.close();
      await readModels.close();
      for (const extra of extraPools) await extra.end();
      await dropSchema(pool, schema);
      await pool.end();
    },
  };
}

export { createGuestTicketIndex };
