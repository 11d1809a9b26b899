import type { MergeProposalList } from '../read-models/merge-proposals.read-model';
import { CryptoShreddingEventStore, MemoryEventStore, MemorySubjectKeyStore } from '@hearth/event-store';
import { problemDetailsSchema, signHs256Token } from '@hearth/http';
import type { HttpLogger, Role } from '@hearth/http';
import type { Express } from 'express';
import type request from 'supertest';
import { createProfileContext, type Caller, type ProfileContext } from '../../app/profile-context';
import { configureTenant } from '../../app/tenant-use-cases';
import { GUEST_PERSONAL_DATA } from '../../domain/guest.events';
import { createProfileHttpApp } from './create-profile-app';
import type { GuestSearch } from './guest-search';

/** HS256 secret of these tests (at least 32 characters). */
export const TEST_SECRET = 'customer-profile-http-test-secret-0123456789';
export const TENANT = 't1';

export type TokenClaims = { sub?: string; tenant?: string; roles?: Role[]; brands?: string[] | '*' };

/** A signed token; defaults: agent of brand `hotels` in tenant `t1`. */
export function token(claims: TokenClaims = {}): Promise<string> {
  return signHs256Token(
    { sub: claims.sub ?? 'desk-1', tenant: claims.tenant ?? TENANT, roles: claims.roles ?? ['agent'], brands: claims.brands ?? ['hotels'] },
    { secret: TEST_SECRET, ttl: '1h' },
  );
}

export async function bearer(claims: TokenClaims = {}): Promise<{ Authorization: string }> {
  return { Authorization: `Bearer ${await token(claims)}` };
}

/** Tokens used across the tests. */
export const as = {
  /** Front desk of the hotels brand (shared view with bistro). */
  hotelsAgent: () => bearer({ sub: 'desk-1', roles: ['agent'], brands: ['hotels'] }),
  /** Host of the bistro brand (shared view with hotels). */
  bistroAgent: () => bearer({ sub: 'host-1', roles: ['agent'], brands: ['bistro'] }),
  /** Clerk of the outlet brand, which keeps its guests private. */
  outletAgent: () => bearer({ sub: 'clerk-1', roles: ['agent'], brands: ['outlet'] }),
  steward: () => bearer({ sub: 'steward-1', roles: ['steward'], brands: '*' }),
  admin: () => bearer({ sub: 'admin-1', roles: ['admin'], brands: '*' }),
  manager: () => bearer({ sub: 'manager-1', roles: ['manager'], brands: ['hotels'] }),
  integration: () => bearer({ sub: 'pms-sync', roles: ['integration'], brands: '*' }),
  marketer: () => bearer({ sub: 'marketer-1', roles: ['marketer'], brands: '*' }),
  otherTenantAdmin: () => bearer({ sub: 'admin-9', tenant: 't2', roles: ['admin', 'steward', 'agent'], brands: '*' }),
};

const silentLogger = (): HttpLogger & { errors: unknown[] } => {
  const errors: unknown[] = [];
  return { errors, error: (fields) => void errors.push(fields), warn: () => undefined };
};

export type ProfileTestApp = {
  app: Express;
  ctx: ProfileContext;
  /** The raw store under the encryption: what is really kept. */
  inner: MemoryEventStore;
  store: CryptoShreddingEventStore;
  /** Errors the app logged (5xx): tests assert there are none. */
  logged: unknown[];
};

/**
 * An app over in-memory stores with the tenant configured: brands `hotels` and `bistro` share the
 * guest view, `outlet` keeps its guests private; attributes `vip` (boolean), `roomType` (string),
 * `anniversary` (date).
 */
export async function profileTestApp(options: { search?: GuestSearch; defaultCountry?: string; proposals?: MergeProposalList } = {}): Promise<ProfileTestApp> {
  const inner = new MemoryEventStore();
  const store = new CryptoShreddingEventStore(inner, { keys: new MemorySubjectKeyStore(), personalData: GUEST_PERSONAL_DATA });
  let ids = 0;
  const ctx = createProfileContext({ store, destroyGuestKey: (guestId) => store.erase(guestId), identityPepper: 'test-pepper', newId: () => `g${++ids}` });
  const setup: Caller = { tenantId: TENANT, actor: 'user:setup', correlationId: 'setup' };
  const commands = [
    { type: 'AddBrand', brand: { brandId: 'hotels', name: 'Hearth Hotels', sharing: 'shared' } },
    { type: 'AddBrand', brand: { brandId: 'bistro', name: 'Hearth Bistro', sharing: 'shared' } },
    { type: 'AddBrand', brand: { brandId: 'outlet', name: 'Hearth Outlet', sharing: 'private' } },
    { type: 'AddProperty', property: { propertyId: 'lisbon-1', brandId: 'hotels', name: 'Hearth Lisbon', kind: 'hotel', country: 'PT', timeZone: 'Europe/Lisbon' } },
    { type: 'DefineAttribute', attribute: { key: 'vip', type: 'boolean', description: 'VIP treatment' } },
    { type: 'DefineAttribute', attribute: { key: 'roomType', type: 'string', description: 'Preferred room type' } },
    { type: 'DefineAttribute', attribute: { key: 'anniversary', type: 'date', description: 'Wedding anniversary' } },
  ] as const;
  for (const command of commands) await configureTenant(ctx, setup, command);
  const logger = silentLogger();
  const app = createProfileHttpApp({ ctx, auth: { mode: 'hs256', secret: TEST_SECRET }, logger, ...options });
  return { app, ctx, inner, store, logged: logger.errors };
}

/** Asserts a well-formed problem+json response and returns its body. */
export function expectProblem(res: request.Response, status: number, code: string): Record<string, unknown> & { errors?: { path: string; message: string; code?: string }[] } {
  if (res.status !== status) throw new Error(`expected ${status} ${code}, got ${res.status}: ${res.text}`);
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  const body = JSON.parse(res.text) as Record<string, unknown> & { errors?: { path: string; message: string; code?: string }[] };
  expect(body).toMatchObject({ status, code });
  if (status >= 400) expect(problemDetailsSchema.safeParse(body).success).toBe(true);
  return body;
}

/** Field error paths of a problem. */
export const paths = (problem: { errors?: { path: string }[] }) => (problem.errors ?? []).map((e) => e.path).sort();

/** A registration body with sensible defaults. */
export const newGuest = (given: string, extra: Record<string, unknown> = {}) => ({ name: { given, family: 'Lopes' }, ...extra });
