/**
 * The timeline wired as in main.ts against the real PostgreSQL (own schema) and NATS, with a FAKE
 * customer-profile answering the rpc contracts on subjects of its own (test scaffolding of the neighbour
 * service: the cross-service journey runs in the e2e suite). Every harness uses unique names.
 */
import { createCustomerProfileClient, createTenantDirectoryCache } from '@hearth/customer-profile-client';
import { randomBytes, randomUUID } from 'node:crypto';
import type { GuestSummary, GuestSummaryReply, ResolveGuestReply, ResolveGuestRequest, TenantDirectory } from '@hearth/contracts';
import { guestSummaryRequestSchema, resolveGuestRequestSchema, tenantDirectoryRequestSchema } from '@hearth/contracts';
import { CryptoShreddingEventStore, MasterKey, PostgresEventStore, PostgresSubjectKeyStore } from '@hearth/event-store';
import { signHs256Token, type HttpLogger, type Role } from '@hearth/http';
import { connectMessaging, type Messaging, type Responder } from '@hearth/messaging';
import { PostgresDocumentStore, type CachedDocumentReader, type ProjectionRunner } from '@hearth/read-models';
import { dropSchema, schemaTextSearch, testDatabaseUrl, uniqueName } from '@hearth/testing';
import type { Express } from 'express';
import pg from 'pg';
import type { StoredGuestView } from '../../app/read-model.port';
import { RenderedViewCache } from '../../app/rendered-views';
import { createTimelineContext, type TimelineContext } from '../../app/timeline-context';
import { TIMELINE_PERSONAL_DATA } from '../../domain/timeline.types';
import { createTimelineFeed, createTimelineHttpApp, type TimelineFeed } from '../http';
import type { OpenStreams } from '../http/timeline-stream';
import { anyContractRegistry } from '../nats/any-contract.registry';
import { cachedGuestViews, createTimelineProjection, createTimelineReadModel, guestViews, TIMELINE_COLLECTIONS } from '../read-models';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const TEST_SECRET = 'timeline-integration-test-secret-0123456789';

const hex = (bytes = 5) => randomBytes(bytes).toString('hex');

/** A guest the fake customer-profile knows. */
export type FakeGuest = Partial<Omit<GuestSummary, 'guestId' | 'identifiers'>> & { identifiers?: { type: string; value: string }[] };

/**
 * A fake customer-profile: guests per tenant (summary + identifiers), resolution by identifier (one match →
 * matched, none → a provisional guest, several → ambiguous), tenant directories, and a switch to stop
 * answering (dependency unavailable).
 */
export function startFakeCustomerProfile(messaging: Messaging) {
  const prefix = `rpc.timeline-test-${hex()}`;
  const subjects = { resolve: `${prefix}.resolve`, guestSummary: `${prefix}.guest-summary`, tenantDirectory: `${prefix}.tenant-directory` };
  const guests = new Map<string, { tenantId: string; summary: GuestSummary; identifiers: { type: string; value: string }[] }>();
  const directories = new Map<string, TenantDirectory>();
  const key = (tenantId: string, guestId: string) => `${tenantId}\n${guestId}`;
  const requests = { resolve: 0, guestSummary: 0, tenantDirectory: 0 };
  let responders: Responder[] = [];

  const summaryOf = (guestId: string, guest: FakeGuest): GuestSummary => ({
    guestId,
    status: guest.status ?? 'active',
    survivorId: guest.survivorId ?? null,
    provisional: guest.provisional ?? false,
    name: guest.name ?? null,
    dateOfBirth: guest.dateOfBirth ?? null,
    language: guest.language ?? null,
    customerType: guest.customerType ?? 'individual',
    lifecycleStage: guest.lifecycleStage ?? 'prospect',
    identifiers: (guest.identifiers ?? []).map((i) => ({ type: i.type, masked: `${i.value.slice(0, 1)}***` })),
    preferences: guest.preferences ?? [],
    consents: guest.consents ?? [],
    version: 0,
  });

  const start = () => {
    responders = [
      messaging.createResponder<ResolveGuestRequest, ResolveGuestReply>({
        subject: subjects.resolve,
        requestSchema: resolveGuestRequestSchema,
        handle: async (request) => {
          requests.resolve++;
          for (const identifier of request.identifiers) {
            if (identifier.type === 'email' && !identifier.value.includes('@')) {
              throw Object.assign(new Error(`'${identifier.value}' is not a valid e-mail address`), { code: 'INVALID_IDENTIFIER' });
            }
          }
          const wanted = new Set(request.identifiers.map((i) => `${i.type}:${i.value.toLowerCase()}`));
          const matches = [...guests.values()].filter(
            (g) => g.tenantId === request.tenantId && g.summary.status === 'active' && g.identifiers.some((i) => wanted.has(`${i.type}:${i.value.toLowerCase()}`)),
          );
          if (matches.length > 1) {
            return {
              outcome: 'ambiguous',
              candidates: matches.map((m) => ({ guestId: m.summary.guestId, matchedBy: m.identifiers.filter((i) => wanted.has(`${i.type}:${i.value.toLowerCase()}`)).map((i) => i.type) })),
              proposalId: `proposal-${hex(3)}`,
            };
          }
          if (matches.length === 1) return { outcome: 'matched', guestId: matches[0]!.summary.guestId };
          const guestId = `g-${hex()}`;
          fake.addGuest(request.tenantId, guestId, { provisional: true, identifiers: request.identifiers.map((i) => ({ type: i.type, value: i.value })) });
          return { outcome: 'created', guestId };
        },
      }),
      messaging.createResponder<{ tenantId: string; guestId: string }, GuestSummaryReply>({
        subject: subjects.guestSummary,
        requestSchema: guestSummaryRequestSchema,
        handle: async ({ tenantId, guestId }) => {
          requests.guestSummary++;
          const guest = guests.get(key(tenantId, guestId));
          return guest ? { found: true, guest: guest.summary } : { found: false };
        },
      }),
      messaging.createResponder<{ tenantId: string }, TenantDirectory>({
        subject: subjects.tenantDirectory,
        requestSchema: tenantDirectoryRequestSchema,
        handle: async ({ tenantId }) => {
          requests.tenantDirectory++;
          return directories.get(tenantId) ?? { tenantId, brands: [], properties: [], visibleBrands: {} };
        },
      }),
    ];
  };

  const fake = {
    subjects,
    requests,
    addGuest(tenantId: string, guestId: string, guest: FakeGuest = {}) {
      guests.set(key(tenantId, guestId), { tenantId, summary: summaryOf(guestId, guest), identifiers: guest.identifiers ?? [] });
    },
    updateGuest(tenantId: string, guestId: string, change: FakeGuest) {
      const current = guests.get(key(tenantId, guestId));
      if (!current) throw new Error(`no fake guest ${guestId}`);
      const { identifiers: _masked, ...summary } = current.summary;
      const identifiers = change.identifiers ?? current.identifiers;
      guests.set(key(tenantId, guestId), { tenantId, summary: { ...summaryOf(guestId, { ...summary, ...change, identifiers }), version: current.summary.version + 1 }, identifiers });
    },
    setDirectory(directory: TenantDirectory) {
      directories.set(directory.tenantId, directory);
    },
    /** Stops answering (requests then time out or find no responder). */
    async stop() {
      await Promise.all(responders.map((r) => r.stop({ timeoutMs: 1_000 })));
      responders = [];
    },
    start,
  };
  start();
  return fake;
}

export type FakeCustomerProfile = ReturnType<typeof startFakeCustomerProfile>;

/**
 * The directory of the test chain: `hotels` and `bistro` share the guest view, `outlet` keeps its data
 * private; property `lisbon-1` belongs to hotels, `porto-1` to outlet.
 */
export function chainDirectory(tenantId: string): TenantDirectory {
  return {
    tenantId,
    brands: [
      { brandId: 'hotels', name: 'Hearth Hotels', sharing: 'shared' },
      { brandId: 'bistro', name: 'Hearth Bistro', sharing: 'shared' },
      { brandId: 'outlet', name: 'Hearth Outlet', sharing: 'private' },
    ],
    properties: [
      { propertyId: 'lisbon-1', brandId: 'hotels', name: 'Hearth Lisbon', timeZone: 'Europe/Lisbon' },
      { propertyId: 'porto-1', brandId: 'outlet', name: 'Outlet Porto', timeZone: 'Europe/Lisbon' },
    ],
    visibleBrands: { hotels: ['hotels', 'bistro'], bistro: ['bistro', 'hotels'], outlet: ['outlet'] },
  };
}

export type Harness = {
  id: string;
  schema: string;
  pool: pg.Pool;
  events: PostgresEventStore;
  store: CryptoShreddingEventStore;
  documents: PostgresDocumentStore;
  messaging: Messaging;
  deadLetters: { stream: string; subjectPrefix: string };
  fake: FakeCustomerProfile;
  ctx: TimelineContext;
  /** The guest-view cache the read model uses (as in main: write-through of the projection's commits). */
  viewCache: CachedDocumentReader<StoredGuestView>;
  projection: ProjectionRunner;
  feed: TimelineFeed;
  app: Express;
  streams: OpenStreams;
  /** Errors the app logged (5xx): tests assert there are none. */
  logged: unknown[];
  /** A new tenant with the chain directory. */
  newTenant(): string;
  /** Tables of the harness schema whose rows contain `needle` (text search). */
  textSearch(needle: string): Promise<string[]>;
  close(): Promise<void>;
};

export async function startHarness(options: { rpcTimeoutMs?: number; heartbeatMs?: number } = {}): Promise<Harness> {
  const id = hex();
  const schema = uniqueName('tl');
  const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 8 });
  const events = await PostgresEventStore.connect({ pool, schema });
  const keys = await PostgresSubjectKeyStore.connect({ pool, schema, masterKey: MasterKey.generate('timeline-test') });
  const store = new CryptoShreddingEventStore(events, { keys, personalData: TIMELINE_PERSONAL_DATA });
  // as in main: guest views announced and cached, so the tests read through the cache the service uses
  const documents = await PostgresDocumentStore.connect({ pool, schema, changeFeed: { collections: [guestViews] } });
  await documents.ensureCollections(TIMELINE_COLLECTIONS);
  const deadLetters = { stream: `HEARTH_DLQ_TL_${id.toUpperCase()}`, subjectPrefix: `hearth.dlq-tl-${id}` };
  const messaging = await connectMessaging({ servers: NATS_URL, name: `timeline-test-${id}`, contracts: anyContractRegistry(), deadLetters, publisher: { ackTimeoutMs: 2_000 } });
  await messaging.ensureDeadLetterStream();
  const fake = startFakeCustomerProfile(messaging);
  const profile = createCustomerProfileClient(messaging, { subjects: fake.subjects, timeoutMs: options.rpcTimeoutMs ?? 2_000 });
  const viewCache = cachedGuestViews(documents);
  const ctx = createTimelineContext({
    store,
    rawStore: events,
    profile,
    directory: createTenantDirectoryCache(profile, { ttlMs: 5_000 }),
    readModel: createTimelineReadModel(documents, { viewCache }),
    // as the service runs: unchanged views are answered with their kept rendering
    renderedViews: new RenderedViewCache(),
  });
  const projection = createTimelineProjection({ events: store, store: documents });
  await projection.start();
  const feed = createTimelineFeed({ store, startPosition: () => projection.status().position });
  const logged: unknown[] = [];
  const logger: HttpLogger = { error: (fields) => void logged.push(fields), warn: () => undefined };
  const { app, streams } = createTimelineHttpApp({ ctx, feed, auth: { mode: 'hs256', secret: TEST_SECRET }, logger, heartbeatMs: options.heartbeatMs ?? 15_000 });

  return {
    id,
    schema,
    pool,
    events,
    store,
    documents,
    messaging,
    deadLetters,
    fake,
    ctx,
    viewCache,
    projection,
    feed,
    app,
    streams,
    logged,
    newTenant() {
      const tenantId = `t-${hex()}`;
      fake.setDirectory(chainDirectory(tenantId));
      return tenantId;
    },
    textSearch: (needle) => schemaTextSearch(pool, schema, needle),
    async close() {
      streams.endAll();
      await feed.close();
      await fake.stop();
      await projection.stop();
      await messaging.manager.streams.delete(deadLetters.stream).catch(() => undefined);
      await messaging.drain({ timeoutMs: 2_000 });
      await events.close();
      await documents.close();
      await dropSchema(pool, schema);
      await pool.end();
    },
  };
}

export type TokenClaims = { sub?: string; tenant: string; roles?: Role[]; brands?: string[] | '*' };

/** `Authorization: Bearer …` for these claims (default: an agent of hotels). */
export async function bearer(claims: TokenClaims): Promise<{ Authorization: string }> {
  const token = await signHs256Token(
    { sub: claims.sub ?? 'desk-1', tenant: claims.tenant, roles: claims.roles ?? ['agent'], brands: claims.brands ?? ['hotels'] },
    { secret: TEST_SECRET, ttl: '1h' },
  );
  return { Authorization: `Bearer ${token}` };
}

/** A guest id no other test uses. */
export const newGuestId = (): string => `g-${hex()}`;

/** A correlation id for integration events. */
export const correlation = (): string => randomUUID();
