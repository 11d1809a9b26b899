/**
 * The timeline's HTTP API against the real PostgreSQL (own schema: event store with crypto-shredding,
 * read models filled by the projection) and NATS (a fake customer-profile answers the rpc contracts on
 * subjects of its own). Each test uses its own tenant.
 */
import { createCustomerProfileClient, createTenantDirectoryCache } from '@hearth/customer-profile-client';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { guestRegisteredV1 } from '@hearth/contracts';
import { ingestIntegrationEvent } from '../../app/ingest-use-cases';
import { problemDetailsSchema } from '@hearth/http';
import { eventually } from '@hearth/testing';
import request from 'supertest';
import { openEventStream } from '../testing/sse-client.test-helper';
import { bearer, correlation, newGuestId, startHarness, type Harness } from '../testing/timeline-harness.test-helper';
import { createTimelineHttpApp } from './create-timeline-app';

type Problem = Record<string, unknown> & { errors?: { path: string; message: string }[] };

function expectProblem(res: request.Response, status: number, code: string): Problem {
  if (res.status !== status) throw new Error(`expected ${status} ${code}, got ${res.status}: ${res.text}`);
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  const body = JSON.parse(res.text) as Problem;
  expect(body).toMatchObject({ status, code });
  if (status >= 400) expect(problemDetailsSchema.safeParse(body).success).toBe(true);
  return body;
}

const paths = (problem: Problem) => (problem.errors ?? []).map((e) => e.path).sort();

const stay = (guestId: string, overrides: Record<string, unknown> = {}) => ({
  guestId,
  type: 'stay',
  brandId: 'hotels',
  propertyId: 'lisbon-1',
  channel: 'front-desk',
  occurredAt: '2026-06-03T11:00:00Z',
  amount: { amount: '240.00', currency: 'EUR' },
  payload: { arrivalDate: '2026-06-01', departureDate: '2026-06-03' },
  ...overrides,
});

const note = (guestId: string, text: string, overrides: Record<string, unknown> = {}) => ({
  guestId,
  type: 'note',
  brandId: 'hotels',
  channel: 'front-desk',
  occurredAt: '2026-06-02T09:00:00Z',
  payload: { text },
  ...overrides,
});

describe('timeline HTTP API on PostgreSQL and NATS', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ heartbeatMs: 150 });
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(() => {
    expect(h.logged).toEqual([]);
  });

  /** A tenant with one known guest. */
  function tenantWithGuest(extra: Parameters<Harness['fake']['addGuest']>[2] = {}) {
    const tenant = h.newTenant();
    const guestId = newGuestId();
    h.fake.addGuest(tenant, guestId, extra);
    return { tenant, guestId };
  }

  const view = async (tenant: string, guestId: string, claims: Partial<Parameters<typeof bearer>[0]> = {}, headers: Record<string, string> = {}) =>
    request(h.app).get(`/v1/guests/${guestId}/view`).set(await bearer({ tenant, ...claims })).set(headers);

  const timeline = async (tenant: string, guestId: string, query: Record<string, string | number> = {}, claims: Partial<Parameters<typeof bearer>[0]> = {}) =>
    request(h.app).get(`/v1/guests/${guestId}/timeline`).query(query).set(await bearer({ tenant, ...claims }));

  it('authenticates every endpoint and checks roles and brands', async () => {
    const { tenant, guestId } = tenantWithGuest();
    expectProblem(await request(h.app).post('/v1/touchpoints').send(stay(guestId)), 401, 'AUTHENTICATION_REQUIRED');
    expectProblem(await request(h.app).get(`/v1/guests/${guestId}/view`), 401, 'AUTHENTICATION_REQUIRED');
    expectProblem(await request(h.app).get(`/v1/guests/${guestId}/timeline/stream`), 401, 'AUTHENTICATION_REQUIRED');
    expectProblem(await request(h.app).get('/v1/properties/lisbon-1/arrivals?date=2026-06-01').set('Authorization', 'Bearer not-a-jwt'), 401, 'INVALID_TOKEN');
    const marketer = await bearer({ tenant, roles: ['marketer'], brands: '*' });
    expectProblem(await request(h.app).post('/v1/touchpoints').set(marketer).send(stay(guestId)), 403, 'ROLE_REQUIRED');
    expectProblem(await request(h.app).get(`/v1/guests/${guestId}/timeline`).set(marketer), 403, 'ROLE_REQUIRED');
    // a hotels agent cannot record for the outlet brand
    expectProblem(await request(h.app).post('/v1/touchpoints').set(await bearer({ tenant })).send(stay(guestId, { brandId: 'outlet' })), 403, 'BRAND_NOT_ALLOWED');
    // nor act for it
    expectProblem(await view(tenant, guestId, {}, { 'X-Brand-Id': 'outlet' }), 403, 'BRAND_NOT_ALLOWED');
    // a chain-wide caller naming a brand the tenant does not have
    expectProblem(await view(tenant, guestId, { roles: ['admin'], brands: '*' }, { 'X-Brand-Id': 'nowhere' }), 400, 'UNKNOWN_BRAND');
  });

  it('answers the view of a guest the projection just changed from its write-through cache: no database read', async () => {
    const { tenant, guestId } = tenantWithGuest();
    const integration = await bearer({ tenant, roles: ['integration'], brands: '*' });
    await request(h.app).post('/v1/touchpoints').set(integration).send(stay(guestId, { occurredAt: '2026-01-01T10:00:00Z' }));
    await eventually(async () => expect((await view(tenant, guestId)).body.totals?.stays).toBe(1));
    const before = h.viewCache.stats();
    await request(h.app).post('/v1/touchpoints').set(integration).send(stay(guestId, { occurredAt: '2026-02-01T10:00:00Z' }));
    await eventually(async () => expect((await view(tenant, guestId)).body.totals.stays).toBe(2));
    const after = h.viewCache.stats();
    expect(after.writtenThrough).toBeGreaterThan(before.writtenThrough);
    expect(after.hits).toBeGreaterThan(before.hits);
    expect(after.misses).toBe(before.misses);
  });

  it('records a touchpoint by guest id; the view and the timeline show it', async () => {
    const { tenant, guestId } = tenantWithGuest();
    const created = await request(h.app).post('/v1/touchpoints').set(await bearer({ tenant, roles: ['integration'], brands: '*' })).send(stay(guestId));
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ entryId: expect.any(String), guestId, resolution: 'id', duplicate: false });

    const shown = await eventually(async () => {
      const res = await view(tenant, guestId);
      expect(res.status).toBe(200);
      expect(res.body.totals).toMatchObject({ stays: 1, nights: 2, visits: 1, spend: [{ amount: '240.00', currency: 'EUR' }] });
      return res;
    });
    expect(shown.headers.etag).toMatch(/^"\d+"$/);
    expect(shown.body).toMatchObject({ guestId, brandId: 'hotels', identity: null, loyalty: { available: false }, analytics: { available: false } });
    expect(shown.body.brands).toEqual([expect.objectContaining({ brandId: 'hotels', stays: 1, nights: 2 })]);
    // never been to the hotels brand before this stay? it has one visit now: no first-visit cue
    expect(shown.body.cues.map((c: { code: string }) => c.code)).not.toContain('first-visit-to-brand');
    const bistro = await view(tenant, guestId, { brands: ['bistro'] });
    expect(bistro.body.cues.map((c: { code: string }) => c.code)).toContain('first-visit-to-brand');

    const page = await timeline(tenant, guestId);
    expect(page.status).toBe(200);
    expect(page.body.items).toEqual([
      expect.objectContaining({ entryId: created.body.entryId, guestId, kind: 'touchpoint', type: 'stay', amount: { amount: '240.00', currency: 'EUR' }, facts: expect.objectContaining({ nights: 2 }), actor: 'user:desk-1' }),
    ]);
  });

  it('answers 404 for unknown guests, on writes and reads', async () => {
    const tenant = h.newTenant();
    const ghost = newGuestId();
    const res = expectProblem(await request(h.app).post('/v1/touchpoints').set(await bearer({ tenant })).send(stay(ghost)), 404, 'GUEST_NOT_FOUND');
    expect(res.detail).toContain(ghost);
    expectProblem(await view(tenant, ghost), 404, 'GUEST_NOT_FOUND');
    expectProblem(await timeline(tenant, ghost), 404, 'GUEST_NOT_FOUND');
    // a guest of another tenant is unknown too
    const other = tenantWithGuest();
    expectProblem(await request(h.app).post('/v1/touchpoints').set(await bearer({ tenant })).send(stay(other.guestId)), 404, 'GUEST_NOT_FOUND');
    expectProblem(await request(h.app).get('/v1/guests/not%20an%20id/view').set(await bearer({ tenant })), 400, 'VALIDATION_FAILED');
  });

  it('rejects invalid touchpoints with field errors', async () => {
    const { tenant, guestId } = tenantWithGuest();
    const desk = await bearer({ tenant });
    const none = expectProblem(await request(h.app).post('/v1/touchpoints').set(desk).send({ ...stay(guestId), guestId: undefined }), 400, 'VALIDATION_FAILED');
    expect(paths(none)).toEqual(['body.guestId']);
    const bad = expectProblem(
      await request(h.app)
        .post('/v1/touchpoints')
        .set(desk)
        .send({ guestId, type: 'dining-visit', brandId: 'hotels', channel: 'Front Desk', occurredAt: 'yesterday', amount: { amount: '12.345', currency: 'EUR' }, payload: { covers: 0, extra: 1 } }),
      400,
      'VALIDATION_FAILED',
    );
    expect(paths(bad)).toEqual(expect.arrayContaining(['body.channel', 'body.occurredAt', 'body.payload.covers', 'body.payload.extra', 'body.amount.amount']));
    expect(paths(expectProblem(await request(h.app).post('/v1/touchpoints').set(desk).send({ ...stay(guestId), type: 'teleport' }), 400, 'VALIDATION_FAILED'))).toEqual(['body.type']);
    expectProblem(await request(h.app).post('/v1/touchpoints').set(desk).set('Content-Type', 'application/json').send('{"guestId":'), 400, 'MALFORMED_JSON');
    expectProblem(await timeline(tenant, guestId, { limit: 101 }), 400, 'VALIDATION_FAILED');
  });

  it('resolves identifiers through customer-profile: created, matched, ambiguous (422), invalid (400)', async () => {
    const tenant = h.newTenant();
    const desk = await bearer({ tenant, roles: ['integration'], brands: '*' });
    const byEmail = (email: string) => ({ ...stay('x'), guestId: undefined, identifiers: [{ type: 'email', value: email }] });
    const created = await request(h.app).post('/v1/touchpoints').set(desk).send(byEmail('ana@example.com'));
    expect(created.status).toBe(201);
    expect(created.body.resolution).toBe('created');
    const matched = await request(h.app).post('/v1/touchpoints').set(desk).send(byEmail('Ana@Example.com'));
    expect(matched.body).toMatchObject({ resolution: 'matched', guestId: created.body.guestId, duplicate: false });

    h.fake.addGuest(tenant, 'g-phone-holder', { identifiers: [{ type: 'phone', value: '+351912345678' }] });
    const ambiguous = expectProblem(
      await request(h.app).post('/v1/touchpoints').set(desk).send({ ...byEmail('ana@example.com'), identifiers: [{ type: 'email', value: 'ana@example.com' }, { type: 'phone', value: '+351912345678' }] }),
      422,
      'AMBIGUOUS_GUEST',
    );
    expect(ambiguous.proposalId).toEqual(expect.any(String));
    expect((ambiguous.candidates as { guestId: string }[]).map((c) => c.guestId).sort()).toEqual([created.body.guestId, 'g-phone-holder'].sort());

    const invalid = expectProblem(await request(h.app).post('/v1/touchpoints').set(desk).send(byEmail('not-an-email')), 400, 'INVALID_IDENTIFIER');
    expect(paths(invalid)).toEqual(['body.identifiers']);
    const both = expectProblem(await request(h.app).post('/v1/touchpoints').set(desk).send({ ...byEmail('ana@example.com'), guestId: created.body.guestId }), 400, 'VALIDATION_FAILED');
    expect(paths(both)).toEqual(['body.identifiers']);
  });

  it('records a retried touchpoint once (Idempotency-Key or sourceEventId): 200 duplicate', async () => {
    const { tenant, guestId } = tenantWithGuest();
    const desk = await bearer({ tenant });
    const first = await request(h.app).post('/v1/touchpoints').set(desk).set('Idempotency-Key', 'pms-42').send(stay(guestId));
    expect(first.status).toBe(201);
    const retry = await request(h.app).post('/v1/touchpoints').set(desk).set('Idempotency-Key', 'pms-42').send(stay(guestId));
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ ...first.body, duplicate: true });

    const sourced = stay(guestId, { sourceEventId: 'opera:folio:9', occurredAt: '2026-07-03T11:00:00Z' });
    const a = await request(h.app).post('/v1/touchpoints').set(desk).send(sourced);
    const b = await request(h.app).post('/v1/touchpoints').set(desk).send(sourced);
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(b.body.entryId).toBe(a.body.entryId);
    // the same key in another tenant is another entry
    const other = tenantWithGuest();
    const elsewhere = await request(h.app).post('/v1/touchpoints').set(await bearer({ tenant: other.tenant })).set('Idempotency-Key', 'pms-42').send(stay(other.guestId));
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.entryId).not.toBe(first.body.entryId);

    await eventually(async () => expect((await view(tenant, guestId)).body.totals).toMatchObject({ stays: 2, nights: 4 }));
    expect((await timeline(tenant, guestId)).body.items).toHaveLength(2);
    expect(await h.ctx.rawStore.streamVersion(`timeline-${guestId}`)).toBe(1);
  });

  it('shows entries newest first by occurredAt whatever order they arrived in; pages and filters', async () => {
    const { tenant, guestId } = tenantWithGuest();
    const desk = await bearer({ tenant });
    const post = (body: object) => request(h.app).post('/v1/touchpoints').set(desk).send(body);
    const mid = await post(note(guestId, 'mid', { occurredAt: '2026-05-02T12:00:00+02:00' })); // 10:00Z
    const newest = await post(stay(guestId, { occurredAt: '2026-05-03T09:00:00Z' }));
    const oldest = await post(note(guestId, 'old', { occurredAt: '2026-05-02T11:00:00+03:00' })); // 08:00Z: earlier than mid
    const late = await post(note(guestId, 'late', { occurredAt: '2026-05-02T09:30:00Z' }));

    await eventually(async () => expect((await timeline(tenant, guestId)).body.items).toHaveLength(4));
    const ids = (res: request.Response) => res.body.items.map((e: { entryId: string }) => e.entryId);
    const first = await timeline(tenant, guestId, { limit: 2 });
    expect(ids(first)).toEqual([newest.body.entryId, mid.body.entryId]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await timeline(tenant, guestId, { limit: 2, cursor: first.body.nextCursor });
    expect(ids(second)).toEqual([late.body.entryId, oldest.body.entryId]);
    expect(second.body.nextCursor).toBeUndefined();

    expect(ids(await timeline(tenant, guestId, { types: 'stay' }))).toEqual([newest.body.entryId]);
    expect(ids(await timeline(tenant, guestId, { types: 'note,complaint', from: '2026-05-02T09:00:00Z', to: '2026-05-02T10:00:00Z' }))).toEqual([late.body.entryId]);
    expect(ids(await timeline(tenant, guestId, { brands: 'bistro' }))).toEqual([]);
    expectProblem(await timeline(tenant, guestId, { types: 'bogus type' }), 400, 'VALIDATION_FAILED');
    expectProblem(await timeline(tenant, guestId, { cursor: 'bogus' }), 400, 'INVALID_CURSOR');
    // a cursor of another query is refused too
    expectProblem(await timeline(tenant, guestId, { limit: 2, types: 'note', cursor: first.body.nextCursor }), 400, 'INVALID_CURSOR');
    // the view's recent entries follow the same order
    const shown = await view(tenant, guestId);
    expect(shown.body.timeline.map((e: { entryId: string }) => e.entryId)).toEqual([newest.body.entryId, mid.body.entryId, late.body.entryId, oldest.body.entryId]);
    expect(shown.body.timeline[1].personal).toEqual({ text: 'mid' });
  });

  it('records a batch item by item: 207 with per-item results, good items stored, retry safe', async () => {
    const { tenant, guestId } = tenantWithGuest();
    const desk = await bearer({ tenant, roles: ['integration'], brands: '*' });
    const items = [
      stay(guestId),
      { ...stay(guestId), type: 'dining-visit', payload: { covers: 0 } },
      stay(newGuestId()),
      note(guestId, 'prefers the quiet side', { sourceEventId: 'crm-note-1' }),
    ];
    const res = await request(h.app).post('/v1/touchpoints:batch').set(desk).set('Idempotency-Key', 'batch-1').send({ items });
    expect(res.status).toBe(207);
    expect(res.body.results.map((r: { status: number }) => r.status)).toEqual([201, 400, 404, 201]);
    expect(res.body.results[0]).toMatchObject({ index: 0, guestId, duplicate: false, entryId: expect.any(String) });
    expect(res.body.results[1].problem).toMatchObject({ code: 'VALIDATION_FAILED', errors: [expect.objectContaining({ path: 'body.items.1.payload.covers' })] });
    expect(res.body.results[2].problem).toMatchObject({ status: 404, code: 'GUEST_NOT_FOUND' });

    const again = await request(h.app).post('/v1/touchpoints:batch').set(desk).set('Idempotency-Key', 'batch-1').send({ items });
    expect(again.body.results.map((r: { status: number; duplicate?: boolean }) => [r.status, r.duplicate])).toEqual([
      [200, true],
      [400, undefined],
      [404, undefined],
      [200, true],
    ]);
    await eventually(async () => expect((await timeline(tenant, guestId)).body.items).toHaveLength(2));
    expectProblem(await request(h.app).post('/v1/touchpoints:batch').set(desk).send({ items: [] }), 400, 'VALIDATION_FAILED');
    expectProblem(await request(h.app).post('/v1/touchpoints:batch').set(desk).send({ items: Array.from({ length: 501 }, () => stay(guestId)) }), 400, 'VALIDATION_FAILED');

    const openapi = await request(h.app).get('/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining(['/v1/touchpoints', '/v1/touchpoints:batch', '/v1/guests/{guestId}/view', '/v1/guests/{guestId}/timeline', '/v1/properties/{propertyId}/arrivals']),
    );
  });

  it('scopes views and timelines by brand: shared data, the acting brand’s private data, nothing of private brands', async () => {
    const { tenant, guestId } = tenantWithGuest();
    const admin = await bearer({ tenant, roles: ['admin'], brands: '*' });
    const post = (body: object) => request(h.app).post('/v1/touchpoints').set(admin).send(body);
    await post(stay(guestId)); // hotels, shared, 240 EUR
    await post(note(guestId, 'hotels-only remark', { visibility: 'brand' }));
    await post({ guestId, type: 'dining-visit', brandId: 'bistro', channel: 'pos', occurredAt: '2026-06-04T20:00:00Z', amount: { amount: '80.00', currency: 'EUR' }, payload: { covers: 2 } });
    await post(stay(guestId, { brandId: 'outlet', propertyId: 'porto-1', occurredAt: '2026-06-10T11:00:00Z', amount: { amount: '99.00', currency: 'EUR' } }));
    await eventually(async () => expect((await view(tenant, guestId, { roles: ['admin'], brands: '*' })).body.totals.visits).toBe(3));

    const summary = (res: request.Response) => ({
      visits: res.body.totals.visits,
      brands: res.body.brands.map((b: { brandId: string }) => b.brandId).sort(),
      texts: res.body.timeline.filter((e: { type: string }) => e.type === 'note').map((e: { personal: { text: string } }) => e.personal.text),
    });
    expect(summary(await view(tenant, guestId, { roles: ['admin'], brands: '*' }))).toEqual({ visits: 3, brands: ['bistro', 'hotels', 'outlet'], texts: ['hotels-only remark'] });
    expect(summary(await view(tenant, guestId))).toEqual({ visits: 2, brands: ['bistro', 'hotels'], texts: ['hotels-only remark'] });
    expect(summary(await view(tenant, guestId, { brands: ['bistro'] }))).toEqual({ visits: 2, brands: ['bistro', 'hotels'], texts: [] });
    expect(summary(await view(tenant, guestId, { brands: ['outlet'] }))).toEqual({ visits: 1, brands: ['outlet'], texts: [] });
    // a token with two brands acts for the one named in X-Brand-Id
    const both = { brands: ['hotels', 'outlet'] };
    expect(summary(await view(tenant, guestId, both, { 'X-Brand-Id': 'outlet' }))).toEqual({ visits: 1, brands: ['outlet'], texts: [] });
    expect(summary(await view(tenant, guestId, both, { 'X-Brand-Id': 'hotels' }))).toEqual({ visits: 2, brands: ['bistro', 'hotels'], texts: ['hotels-only remark'] });
    // without it: shared data of every visible brand, no brand-private entries
    expect(summary(await view(tenant, guestId, both))).toEqual({ visits: 3, brands: ['bistro', 'hotels', 'outlet'], texts: [] });

    const types = async (claims: Partial<Parameters<typeof bearer>[0]>) => (await timeline(tenant, guestId, {}, claims)).body.items.map((e: { type: string; brandId: string }) => `${e.type}@${e.brandId}`).sort();
    expect(await types({ brands: ['bistro'] })).toEqual(['dining-visit@bistro', 'stay@hotels']);
    expect(await types({ brands: ['hotels'] })).toEqual(['dining-visit@bistro', 'note@hotels', 'stay@hotels']);
    expect(await types({ brands: ['outlet'] })).toEqual(['stay@outlet']);
  });

  it('shows the view as it was at a past moment (asOf), folded from the event store', async () => {
    const { tenant, guestId } = tenantWithGuest();
    const desk = await bearer({ tenant });
    expect((await request(h.app).post('/v1/touchpoints').set(desk).send(stay(guestId))).status).toBe(201);
    const between = new Date(Date.now() + 5).toISOString();
    await eventually(async () => expect(Date.now()).toBeGreaterThan(Date.parse(between) + 5), { intervalMs: 5 });
    expect((await request(h.app).post('/v1/touchpoints').set(desk).send(stay(guestId, { occurredAt: '2026-08-03T11:00:00Z' }))).status).toBe(201);
    await eventually(async () => expect((await view(tenant, guestId)).body.totals.stays).toBe(2));

    const past = await request(h.app).get(`/v1/guests/${guestId}/view`).query({ asOf: between }).set(desk);
    expect(past.status).toBe(200);
    expect(past.body).toMatchObject({ asOf: between, totals: { stays: 1, nights: 2 } });
    expect(past.body.timeline).toHaveLength(1);
    const before = await request(h.app).get(`/v1/guests/${guestId}/view`).query({ asOf: '2020-01-01T00:00:00Z' }).set(desk);
    expectProblem(before, 404, 'GUEST_NOT_FOUND');
    expectProblem(await request(h.app).get(`/v1/guests/${guestId}/view`).query({ asOf: 'last tuesday' }).set(desk), 400, 'VALIDATION_FAILED');
  });

  it('briefs a property on the day’s arrivals: name, tier, preferences, special requests, open issues, past failures', async () => {
    const { tenant, guestId } = tenantWithGuest({
      name: { given: 'Zoë', family: 'Quintanilha' },
      preferences: [
        { key: 'pillow', kind: 'preference', scope: 'shared', brandId: null, value: 'firm', setAt: '2026-01-01T00:00:00Z' },
        { key: 'late-checkout', kind: 'special-request', scope: 'shared', brandId: null, value: true, setAt: '2026-01-01T00:00:00Z' },
      ],
    });
    const cancelled = tenantWithGuestIn(tenant);
    // the profile snapshot and the tier arrive as integration events (applied here directly)
    await ingestIntegrationEvent(h.ctx, guestRegisteredV1.create({ tenantId: tenant, guestId, correlationId: correlation(), data: { guestId, registeredAt: '2026-01-01T00:00:00Z' } }));
    await ingestIntegrationEvent(h.ctx, {
      id: correlation(),
      type: 'hearth.loyalty.tier-changed',
      version: 1,
      source: 'loyalty',
      tenantId: tenant,
      guestId,
      occurredAt: '2026-02-01T00:00:00Z',
      correlationId: correlation(),
      data: { tier: 'platinum', pointsBalance: 12000 },
    });
    const desk = await bearer({ tenant, roles: ['integration'], brands: '*' });
    const reservation = (g: string, id: string, extra: Record<string, unknown> = {}) => ({
      guestId: g,
      type: 'reservation-made',
      brandId: 'hotels',
      propertyId: 'lisbon-1',
      channel: 'web',
      occurredAt: '2026-05-01T10:00:00Z',
      payload: { reservationId: id, arrivalDate: '2026-12-24', departureDate: '2026-12-27', roomType: 'suite', adults: 2, specialRequests: 'Crib in the room', ...extra },
    });
    await request(h.app).post('/v1/touchpoints').set(desk).send(reservation(guestId, 'R-1'));
    await request(h.app).post('/v1/touchpoints').set(desk).send({ guestId, type: 'complaint', brandId: 'hotels', propertyId: 'lisbon-1', channel: 'phone', occurredAt: new Date(Date.now() - 86_400_000).toISOString(), payload: { complaintId: 'C-1', category: 'noise', severity: 'high' } });
    // a cancellation that arrives before its booking still cancels it
    await request(h.app).post('/v1/touchpoints').set(desk).send({ guestId: cancelled, type: 'reservation-cancelled', brandId: 'hotels', channel: 'web', occurredAt: '2026-05-02T10:00:00Z', payload: { reservationId: 'R-2' } });
    await request(h.app).post('/v1/touchpoints').set(desk).send(reservation(cancelled, 'R-2', { specialRequests: undefined }));

    const res = await eventually(async () => {
      const r = await request(h.app).get('/v1/properties/lisbon-1/arrivals').query({ date: '2026-12-24' }).set(await bearer({ tenant }));
      expect(r.status).toBe(200);
      expect(r.body.arrivals).toHaveLength(1);
      expect(r.body.arrivals[0].name).toBe('Zoë Quintanilha');
      expect(r.body.arrivals[0].openIssues.complaints).toHaveLength(1);
      return r;
    });
    const arrival = res.body.arrivals[0];
    expect(arrival).toMatchObject({ reservationId: 'R-1', guestId, bookedAs: guestId, arrivalDate: '2026-12-24', departureDate: '2026-12-27', tier: 'platinum', vip: true });
    expect(arrival.preferences).toEqual([expect.objectContaining({ key: 'pillow', value: 'firm' })]);
    expect(arrival.specialRequests.map((s: { value: unknown }) => s.value)).toEqual([true, 'Crib in the room']);
    expect(arrival.openIssues.complaints[0]).toMatchObject({ complaintId: 'C-1', status: 'open', category: 'noise' });
    expect(arrival.cues.map((c: { code: string }) => c.code)).toEqual(expect.arrayContaining(['vip', 'open-complaint', 'service-failure-without-recovery']));

    expect((await request(h.app).get('/v1/properties/lisbon-1/arrivals').query({ date: '2026-12-25' }).set(await bearer({ tenant }))).body.arrivals).toEqual([]);
    expectProblem(await request(h.app).get('/v1/properties/lisbon-1/arrivals').query({ date: '2026-12-24' }).set(await bearer({ tenant, brands: ['outlet'] })), 403, 'BRAND_NOT_ALLOWED');
    expectProblem(await request(h.app).get('/v1/properties/lisbon-1/arrivals').query({ date: '24/12/2026' }).set(await bearer({ tenant })), 400, 'VALIDATION_FAILED');
  });

  function tenantWithGuestIn(tenant: string): string {
    const guestId = newGuestId();
    h.fake.addGuest(tenant, guestId);
    return guestId;
  }

  describe('live timeline (Server-Sent Events)', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = h.app.listen(0);
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      h.streams.endAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('streams new visible entries and resumes after Last-Event-ID', async () => {
      const { tenant, guestId } = tenantWithGuest();
      const admin = await bearer({ tenant, roles: ['admin'], brands: '*' });
      const bistro = (await bearer({ tenant, brands: ['bistro'] })).Authorization;
      // the guest needs a timeline before it can be watched
      await request(h.app).post('/v1/touchpoints').set(admin).send(stay(guestId, { occurredAt: '2026-01-01T10:00:00Z' }));
      await eventually(async () => expect((await view(tenant, guestId)).status).toBe(200));

      const first = await openEventStream(`${base}/v1/guests/${guestId}/timeline/stream`, { Authorization: bistro });
      expect(first.status).toBe(200);
      expect(first.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      await request(h.app).post('/v1/touchpoints').set(admin).send(note(guestId, 'not for bistro', { visibility: 'brand' }));
      const shared = await request(h.app).post('/v1/touchpoints').set(admin).send(note(guestId, 'for everyone'));
      await eventually(() => expect(first.events).toHaveLength(1));
      const [event] = first.events;
      expect(event).toMatchObject({ event: 'entry', id: expect.stringMatching(/^\d+$/) });
      expect(JSON.parse(event!.data)).toMatchObject({ entryId: shared.body.entryId, guestId, personal: { text: 'for everyone' } });
      await eventually(() => expect(first.comments).toContain('heartbeat'));
      first.close();

      const missed = await request(h.app).post('/v1/touchpoints').set(admin).send(note(guestId, 'while away'));
      const resumed = await openEventStream(`${base}/v1/guests/${guestId}/timeline/stream`, { Authorization: bistro, 'Last-Event-ID': event!.id! });
      await eventually(() => expect(resumed.events.map((e) => JSON.parse(e.data).entryId)).toEqual([missed.body.entryId]));
      const live = await request(h.app).post('/v1/touchpoints').set(admin).send(note(guestId, 'live again'));
      await eventually(() => expect(resumed.events.map((e) => JSON.parse(e.data).entryId)).toEqual([missed.body.entryId, live.body.entryId]));
      expect(Number(resumed.events[1]!.id)).toBeGreaterThan(Number(resumed.events[0]!.id));
      resumed.close();
      await eventually(() => expect(h.feed.size()).toBe(0));
    });

    it('answers problems before the stream starts (404, 400)', async () => {
      const tenant = h.newTenant();
      const auth = (await bearer({ tenant })).Authorization;
      const unknown = await openEventStream(`${base}/v1/guests/${newGuestId()}/timeline/stream`, { Authorization: auth });
      expect(unknown.status).toBe(404);
      await eventually(() => expect(JSON.parse(unknown.body)).toMatchObject({ code: 'GUEST_NOT_FOUND' }));
      const badId = await openEventStream(`${base}/v1/guests/${newGuestId()}/timeline/stream`, { Authorization: auth, 'Last-Event-ID': 'yesterday' });
      expect(badId.status).toBe(400);
      await eventually(() => expect(JSON.parse(badId.body).errors).toEqual([expect.objectContaining({ path: 'header.last-event-id' })]));
    });
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE when customer-profile does not answer', async () => {
    const { tenant, guestId } = tenantWithGuest();
    await request(h.app).post('/v1/touchpoints').set(await bearer({ tenant })).send(stay(guestId));
    await eventually(async () => expect((await view(tenant, guestId)).status).toBe(200));
    // the same stores, but customer-profile is nowhere to be found
    const dead = createCustomerProfileClient(h.messaging, { subjects: { resolve: 'rpc.nobody-here.resolve', guestSummary: 'rpc.nobody-here.summary', tenantDirectory: 'rpc.nobody-here.directory' }, timeoutMs: 300 });
    const logged: unknown[] = [];
    const { app } = createTimelineHttpApp({
      ctx: { ...h.ctx, profile: dead, directory: createTenantDirectoryCache(dead) },
      feed: h.feed,
      auth: { mode: 'hs256', secret: 'timeline-integration-test-secret-0123456789' },
      logger: { error: (fields) => void logged.push(fields), warn: () => undefined },
    });
    const res = expectProblem(await request(app).post('/v1/touchpoints').set(await bearer({ tenant })).send({ ...stay('x'), guestId: undefined, identifiers: [{ type: 'email', value: 'a@example.com' }] }), 503, 'DEPENDENCY_UNAVAILABLE');
    expect(res.dependency).toBe('customer-profile');
    expectProblem(await request(app).get(`/v1/guests/${guestId}/view`).set(await bearer({ tenant })), 503, 'DEPENDENCY_UNAVAILABLE');
    // chain-wide callers need no directory, and known guests no resolution
    expect((await request(app).get(`/v1/guests/${guestId}/view`).set(await bearer({ tenant, roles: ['admin'], brands: '*' }))).status).toBe(200);
    expect((await request(app).post('/v1/touchpoints').set(await bearer({ tenant, roles: ['admin'], brands: '*' })).send(stay(guestId, { occurredAt: '2026-09-01T00:00:00Z' }))).status).toBe(201);
    expect(logged).toHaveLength(2);
  });
});
