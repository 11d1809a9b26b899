/**
 * Test scaffolding of service-tickets: a fake customer-profile behind the `CustomerProfile` port, the
 * test chain's tenant directory and settings, tokens, and the HTTP app over in-memory stores with a
 * controllable clock.
 */
import { createTenantDirectoryCache, DependencyUnavailableError, InvalidIdentifierError, type CustomerProfile } from '@hearth/customer-profile-client';
import type { GuestSummary, ResolveGuestRequest, TenantDirectory } from '@hearth/contracts';
import { CryptoShreddingEventStore, MemoryEventStore, MemorySubjectKeyStore } from '@hearth/event-store';
import { MemoryIdempotencyStore, signHs256Token, type HttpLogger, type Role } from '@hearth/http';
import { createMemoryDocumentStore, type DocumentStore } from '@hearth/read-models';
import type { Express } from 'express';
import { configureTicketSettings } from '../../app/settings-use-cases';
import { createTicketsContext, systemCaller, type TicketsContext } from '../../app/tickets-context';
import { DEFAULT_TICKET_SETTINGS, type TicketSettings } from '../../domain/settings.policy';
import { TICKET_PERSONAL_DATA } from '../../domain/ticket.events';
import { createTicketsHttpApp } from '../http/create-tickets-app';
import type { AssignedTickets } from '../../app/ticket-use-cases';

export const TEST_SECRET = 'service-tickets-test-secret-0123456789abcdef';
export const TENANT = 't1';
export const OTHER_TENANT = 't2';
/** Monday 2 March 2026, 10:00 UTC (10:00 in Lisbon). */
export const T0 = Date.parse('2026-03-02T10:00:00.000Z');

/**
 * The test chain: `hotels` and `bistro` share their data, `outlet` keeps its own; property `lisbon-1`
 * (hotels, Europe/Lisbon), `porto-1` (outlet, no zone in the directory).
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
      { propertyId: 'porto-1', brandId: 'outlet', name: 'Outlet Porto', timeZone: null },
    ],
    visibleBrands: { hotels: ['hotels', 'bistro'], bistro: ['bistro', 'hotels'], outlet: ['outlet'] },
  };
}

/**
 * The test chain's settings: front office (manager maria) takes every brand, housekeeping too, the spa
 * only hotels; SLA targets of the defaults; lisbon-1 open Mon–Fri 09:00–17:00 with a holiday.
 */
export const TEST_SETTINGS: TicketSettings = {
  ...DEFAULT_TICKET_SETTINGS,
  queues: [
    { queueId: 'front-office', name: 'Front office', managerId: 'manager-maria' },
    { queueId: 'housekeeping', name: 'Housekeeping', managerId: 'manager-hugo' },
    { queueId: 'spa', name: 'Spa', brandId: 'hotels' },
  ],
  defaultQueueId: 'front-office',
  calendars: [
    {
      propertyId: 'lisbon-1',
      weeklyHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '09:00', end: '17:00' }]])),
      holidays: ['2026-03-06'],
    },
  ],
};

type FakeGuest = { status?: GuestSummary['status']; survivorId?: string | null; identifiers?: { type: string; value: string }[] };

/** customer-profile behind its port: guests per tenant, resolution by identifier, directories, and an off switch. */
export function fakeCustomerProfile() {
  const guests = new Map<string, { tenantId: string; guestId: string; guest: FakeGuest }>();
  const directories = new Map<string, TenantDirectory>();
  const calls = { resolve: [] as ResolveGuestRequest[], guestSummary: 0, tenantDirectory: 0 };
  let available = true;
  let created = 0;
  const key = (tenantId: string, guestId: string) => `${tenantId}\n${guestId}`;
  const unavailable = () => new DependencyUnavailableError('customer-profile', 'switched off by the test');

  const port: CustomerProfile = {
    async resolve(request) {
      if (!available) throw unavailable();
      calls.resolve.push(request);
      if (request.identifiers.some((i) => i.type === 'email' && !i.value.includes('@'))) throw new InvalidIdentifierError('not an e-mail address');
      const wanted = new Set(request.identifiers.map((i) => `${i.type}:${i.value.toLowerCase()}`));
      const matches = [...guests.values()].filter(
        (g) => g.tenantId === request.tenantId && (g.guest.status ?? 'active') === 'active' && (g.guest.identifiers ?? []).some((i) => wanted.has(`${i.type}:${i.value.toLowerCase()}`)),
      );
      if (matches.length > 1) return { outcome: 'ambiguous', candidates: matches.map((m) => ({ guestId: m.guestId, matchedBy: ['email'] })), proposalId: 'proposal-1' };
      if (matches.length === 1) return { outcome: 'matched', guestId: matches[0]!.guestId };
      const guestId = `g-new-${++created}`;
      fake.addGuest(request.tenantId, guestId, { identifiers: request.identifiers });
      return { outcome: 'created', guestId };
    },
    async guestSummary(tenantId, guestId) {
      if (!available) throw unavailable();
      calls.guestSummary++;
      const found = guests.get(key(tenantId, guestId));
      if (!found) return { found: false };
      const g = found.guest;
      return {
        found: true,
        guest: {
          guestId,
          status: g.status ?? 'active',
          survivorId: g.survivorId ?? null,
          provisional: false,
          name: null,
          dateOfBirth: null,
          language: null,
          customerType: 'individual',
          lifecycleStage: 'repeat',
          identifiers: [],
          preferences: [],
          consents: [],
          version: 0,
        },
      };
    },
    async tenantDirectory(tenantId) {
      if (!available) throw unavailable();
      calls.tenantDirectory++;
      return directories.get(tenantId) ?? { tenantId, brands: [], properties: [], visibleBrands: {} };
    },
  };

  const fake = {
    port,
    calls,
    addGuest(tenantId: string, guestId: string, guest: FakeGuest = {}) {
      guests.set(key(tenantId, guestId), { tenantId, guestId, guest });
    },
    setDirectory(directory: TenantDirectory) {
      directories.set(directory.tenantId, directory);
    },
    setAvailable(value: boolean) {
      available = value;
    },
  };
  return fake;
}

export type FakeCustomerProfile = ReturnType<typeof fakeCustomerProfile>;

export type TokenClaims = { sub?: string; tenant?: string; roles?: Role[]; brands?: string[] | '*' };

export async function bearer(claims: TokenClaims = {}): Promise<{ Authorization: string }> {
  const token = await signHs256Token(
    { sub: claims.sub ?? 'agent-ana', tenant: claims.tenant ?? TENANT, roles: claims.roles ?? ['agent'], brands: claims.brands ?? ['hotels'] },
    { secret: TEST_SECRET, ttl: '1h' },
  );
  return { Authorization: `Bearer ${token}` };
}

/** Tokens used across the tests. */
export const as = {
  /** Front desk of hotels (sees bistro's tickets too: the brands share data). */
  hotelsAgent: () => bearer({ sub: 'agent-ana', roles: ['agent'], brands: ['hotels'] }),
  otherHotelsAgent: () => bearer({ sub: 'agent-bruno', roles: ['agent'], brands: ['hotels'] }),
  bistroAgent: () => bearer({ sub: 'host-carla', roles: ['agent'], brands: ['bistro'] }),
  outletAgent: () => bearer({ sub: 'clerk-dora', roles: ['agent'], brands: ['outlet'] }),
  manager: () => bearer({ sub: 'manager-maria', roles: ['manager'], brands: ['hotels', 'bistro'] }),
  admin: () => bearer({ sub: 'admin-1', roles: ['admin'], brands: '*' }),
  surveyTool: () => bearer({ sub: 'survey-tool', roles: ['integration'], brands: '*' }),
  marketer: () => bearer({ sub: 'marketer-1', roles: ['marketer'], brands: '*' }),
  otherTenantAdmin: () => bearer({ sub: 'admin-9', tenant: OTHER_TENANT, roles: ['admin', 'agent', 'manager'], brands: '*' }),
};

export type TicketsTestApp = {
  app: Express;
  ctx: TicketsContext;
  /** The raw store under the encryption: what is really kept. */
  inner: MemoryEventStore;
  store: CryptoShreddingEventStore;
  keys: MemorySubjectKeyStore;
  profile: FakeCustomerProfile;
  readModels: DocumentStore;
  idempotencyStore: MemoryIdempotencyStore;
  /** Errors the app logged (5xx): tests assert there are none. */
  logged: unknown[];
  /** Moves the clock forward. */
  advance(minutes: number): void;
  now(): Date;
};

/** The API over in-memory stores: tenant t1 with the chain directory and TEST_SETTINGS, t2 with the directory and defaults. */
export async function ticketsTestApp(options: { assignedTickets?: AssignedTickets; settings?: TicketSettings } = {}): Promise<TicketsTestApp> {
  const inner = new MemoryEventStore();
  const keys = new MemorySubjectKeyStore();
  const store = new CryptoShreddingEventStore(inner, { keys, personalData: TICKET_PERSONAL_DATA });
  const profile = fakeCustomerProfile();
  profile.setDirectory(chainDirectory(TENANT));
  profile.setDirectory(chainDirectory(OTHER_TENANT));
  let clock = T0;
  let ids = 0;
  const ctx = createTicketsContext({
    store,
    rawStore: inner,
    profile: profile.port,
    directory: createTenantDirectoryCache(profile.port, { ttlMs: 0 }),
    now: () => new Date(clock),
    newId: () => `id-${++ids}`,
    settingsCacheMs: 0,
  });
  await configureTicketSettings(ctx, systemCaller(TENANT, 'setup'), options.settings ?? TEST_SETTINGS);
  const readModels = createMemoryDocumentStore();
  const idempotencyStore = new MemoryIdempotencyStore();
  const logged: unknown[] = [];
  const logger: HttpLogger = { error: (fields) => void logged.push(fields), warn: () => undefined };
  const app = createTicketsHttpApp({
    ctx,
    auth: { mode: 'hs256', secret: TEST_SECRET },
    readModels,
    idempotencyStore,
    logger,
    ...(options.assignedTickets ? { assignedTickets: options.assignedTickets } : {}),
  });
  return {
    app,
    ctx,
    inner,
    store,
    keys,
    profile,
    readModels,
    idempotencyStore,
    logged,
    advance: (minutes) => void (clock += minutes * 60_000),
    now: () => new Date(clock),
  };
}

/** A complaint at lisbon-1 for guest g-1 (who exists), as the API takes it. */
export const complaintBody = (overrides: Record<string, unknown> = {}) => ({
  brandId: 'hotels',
  propertyId: 'lisbon-1',
  guestId: 'g-1',
  kind: 'complaint',
  channel: 'phone',
  priority: 'high',
  queueId: 'front-office',
  category: 'room',
  subject: 'Noise from room 214 all night',
  description: 'The guest in 215 could not sleep',
  complaint: { complaintType: 'noise', severity: 'high' },
  ...overrides,
});
