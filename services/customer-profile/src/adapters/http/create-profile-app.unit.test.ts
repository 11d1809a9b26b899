import http from 'node:http';
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import request from 'supertest';
import { as, expectProblem, newGuest, profileTestApp, type ProfileTestApp } from './profile-app.test-helper';

type Auth = Record<string, string>;
type Expectation = { status: number; code?: string; check?: (res: request.Response) => void };
type Case = { method: 'get' | 'post' | 'put' | 'patch' | 'delete'; path: string; body?: object; wrongRole: () => Promise<Auth>; otherTenant: Expectation };

const guestGone: Expectation = { status: 404, code: 'GUEST_NOT_FOUND' };
const proposalGone: Expectation = { status: 404, code: 'PROPOSAL_NOT_FOUND' };
const noItemsOfT1: Expectation = { status: 200, check: (res) => expect(JSON.stringify(res.body)).not.toMatch(/hotels|lisbon-1|vip|g1/) };

/** Every endpoint: no token → 401, a role it does not grant → 403, another tenant's token → never tenant t1's data. */
const CASES: Case[] = [
  { method: 'post', path: '/v1/guests', body: newGuest('Ana', { identities: [{ type: 'email', value: 'ana@example.com' }] }), wrongRole: as.marketer, otherTenant: { status: 201, check: (res) => expect(res.body.guestId).not.toBe('g1') } },
  { method: 'get', path: '/v1/guests?identifier=email:ana@example.com', wrongRole: as.marketer, otherTenant: { status: 200, check: (res) => expect(res.body).toEqual({ items: [] }) } },
  { method: 'get', path: '/v1/guests/g1', wrongRole: as.marketer, otherTenant: guestGone },
  { method: 'patch', path: '/v1/guests/g1', body: { language: 'en' }, wrongRole: as.marketer, otherTenant: guestGone },
  { method: 'post', path: '/v1/guests/g1/identities', body: { type: 'member', value: 'M-1' }, wrongRole: as.marketer, otherTenant: guestGone },
  { method: 'delete', path: '/v1/guests/g1/identities/email/ana%40example.com', wrongRole: as.marketer, otherTenant: guestGone },
  { method: 'put', path: '/v1/guests/g1/preferences/pillow', body: { value: 'soft' }, wrongRole: as.marketer, otherTenant: guestGone },
  { method: 'delete', path: '/v1/guests/g1/preferences/pillow', wrongRole: as.marketer, otherTenant: guestGone },
  { method: 'post', path: '/v1/guests/g1/consents', body: { brandId: 'hotels', purpose: 'marketing', channel: 'email', granted: true, source: 'web' }, wrongRole: as.marketer, otherTenant: { status: 400, code: 'VALIDATION_FAILED' } },
  { method: 'post', path: '/v1/guests/resolve', body: { identifiers: [{ type: 'email', value: 'ana@example.com' }] }, wrongRole: as.marketer, otherTenant: { status: 200, check: (res) => expect(res.body.outcome).toBe('created') } },
  { method: 'post', path: '/v1/guests/g1/merge', body: { mergedId: 'g2' }, wrongRole: as.hotelsAgent, otherTenant: guestGone },
  { method: 'post', path: '/v1/guests/g1/unmerge', body: { mergeId: 'm-1' }, wrongRole: as.hotelsAgent, otherTenant: guestGone },
  { method: 'get', path: '/v1/guests/g1/export', wrongRole: as.hotelsAgent, otherTenant: guestGone },
  { method: 'post', path: '/v1/guests/g1/erase', body: { reason: 'request' }, wrongRole: as.steward, otherTenant: guestGone },
  { method: 'get', path: '/v1/merge-proposals/g1~g2', wrongRole: as.hotelsAgent, otherTenant: proposalGone },
  { method: 'post', path: '/v1/merge-proposals/g1~g2/accept', body: { survivorId: 'g1' }, wrongRole: as.hotelsAgent, otherTenant: proposalGone },
  { method: 'post', path: '/v1/merge-proposals/g1~g2/reject', body: { reason: 'no' }, wrongRole: as.hotelsAgent, otherTenant: proposalGone },
  { method: 'get', path: '/v1/brands', wrongRole: as.hotelsAgent, otherTenant: noItemsOfT1 },
  { method: 'post', path: '/v1/brands', body: { brandId: 'spa', name: 'Spa', sharing: 'private' }, wrongRole: as.manager, otherTenant: { status: 201 } },
  { method: 'patch', path: '/v1/brands/hotels', body: { name: 'Renamed' }, wrongRole: as.manager, otherTenant: { status: 404, code: 'BRAND_NOT_FOUND' } },
  { method: 'get', path: '/v1/properties', wrongRole: as.hotelsAgent, otherTenant: noItemsOfT1 },
  {
    method: 'post',
    path: '/v1/properties',
    body: { propertyId: 'p-2', brandId: 'hotels', name: 'P2', kind: 'hotel', country: 'PT', timeZone: 'Europe/Lisbon' },
    wrongRole: as.manager,
    otherTenant: { status: 404, code: 'BRAND_NOT_FOUND' },
  },
  { method: 'put', path: '/v1/properties/lisbon-1', body: { brandId: 'hotels', name: 'P', kind: 'hotel', country: 'PT', timeZone: 'Europe/Lisbon' }, wrongRole: as.manager, otherTenant: { status: 404, code: 'PROPERTY_NOT_FOUND' } },
  { method: 'get', path: '/v1/attributes', wrongRole: as.hotelsAgent, otherTenant: noItemsOfT1 },
  { method: 'post', path: '/v1/attributes', body: { key: 'tier', type: 'string' }, wrongRole: as.manager, otherTenant: { status: 201 } },
];

describe('createProfileHttpApp', () => {
  let t: ProfileTestApp;
  beforeEach(async () => {
    t = await profileTestApp();
    await request(t.app).post('/v1/guests').set(await as.hotelsAgent()).send(newGuest('Ana', { identities: [{ type: 'email', value: 'ana@example.com' }] }));
    await request(t.app).post('/v1/guests').set(await as.bistroAgent()).send(newGuest('Ana M', { identities: [{ type: 'phone', value: '+351912345678' }] }));
    await request(t.app).post('/v1/guests/resolve').set(await as.integration()).send({ identifiers: [{ type: 'email', value: 'ana@example.com' }, { type: 'phone', value: '+351912345678' }] });
  });
  afterEach(() => expect(t.logged).toEqual([]));

  const send = (c: Case, auth?: Auth) => {
    let req = request(t.app)[c.method](c.path);
    if (auth) req = req.set(auth);
    if (c.path === '/v1/guests/g1' && c.method === 'patch') req = req.set('If-Match', '"0"');
    return c.body ? req.send(c.body) : req;
  };

  it.each(CASES.map((c) => [`${c.method.toUpperCase()} ${c.path}`, c] as const))('%s: 401 without a token, 403 for another role, another tenant sees none of t1', async (_name, c) => {
    const anonymous = expectProblem(await send(c), 401, 'AUTHENTICATION_REQUIRED');
    expect(anonymous).not.toHaveProperty('errors');
    expectProblem(await send(c, await c.wrongRole()), 403, 'ROLE_REQUIRED');
    const other = await send(c, await as.otherTenantAdmin());
    if (other.status !== c.otherTenant.status) throw new Error(`other tenant: expected ${c.otherTenant.status}, got ${other.status}: ${other.text}`);
    if (c.otherTenant.code) expectProblem(other, c.otherTenant.status, c.otherTenant.code);
    c.otherTenant.check?.(other);
    // nothing of tenant t1 changed because of the foreign calls
    expect((await t.ctx.store.readStream('guest-g1')).length).toBe(1);
  });

  it('stamps the caller on every event: tenant, user, brand, channel, correlation, causation', async () => {
    const res = await request(t.app)
      .put('/v1/guests/g1/preferences/pillow')
      .set(await as.hotelsAgent())
      .set('X-Channel', 'phone')
      .set('X-Correlation-Id', 'journey-42')
      .set('X-Request-Id', 'req-7')
      .send({ value: 'feather-free' });
    expect(res.status).toBe(200);
    const [event] = await t.ctx.store.readStream('guest-g1', { fromVersion: 1 });
    expect(event!.metadata).toMatchObject({ tenantId: 't1', actor: 'user:desk-1', brandId: 'hotels', channel: 'phone', correlationId: 'journey-42', causationId: 'req-7', guestId: 'g1' });
    expect(event!.metadata.traceparent).toBeUndefined();
    expect(paths400(await request(t.app).put('/v1/guests/g1/preferences/pillow').set(await as.hotelsAgent()).set('X-Channel', 'Front Desk!').send({ value: 'x' }))).toEqual(['header.x-channel']);
  });

  describe('with an active trace', () => {
    const contextManager = new AsyncLocalStorageContextManager();
    beforeAll(() => {
      contextManager.enable();
      context.setGlobalContextManager(contextManager);
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    });
    afterAll(() => {
      propagation.disable();
      context.disable();
    });

    it('records the request’s traceparent on the events it causes', async () => {
      const span = trace.wrapSpanContext({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
      // what the OpenTelemetry HTTP instrumentation does: run the handler inside the server span
      const server = http.createServer((req, res) => context.with(trace.setSpan(context.active(), span), () => t.app(req, res)));
      const res = await request(server).patch('/v1/guests/g1').set(await as.hotelsAgent()).set('If-Match', '"0"').send({ language: 'en' });
      expect(res.status).toBe(200);
      const [event] = await t.ctx.store.readStream('guest-g1', { fromVersion: 1 });
      expect(event!.metadata.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    });
  });

  it('serves an OpenAPI document covering every endpoint with roles', async () => {
    const res = await request(t.app).get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as { paths: Record<string, Record<string, { 'x-hearth-roles'?: string[]; responses: Record<string, unknown>; parameters?: { name: string }[] }>> };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(
      [
        'POST /v1/guests',
        'GET /v1/guests',
        'GET /v1/guests/{guestId}',
        'PATCH /v1/guests/{guestId}',
        'POST /v1/guests/{guestId}/identities',
        'DELETE /v1/guests/{guestId}/identities/{type}/{value}',
        'PUT /v1/guests/{guestId}/preferences/{key}',
        'DELETE /v1/guests/{guestId}/preferences/{key}',
        'POST /v1/guests/{guestId}/consents',
        'POST /v1/guests/resolve',
        'POST /v1/guests/{survivorId}/merge',
        'POST /v1/guests/{survivorId}/unmerge',
        'GET /v1/guests/{guestId}/export',
        'POST /v1/guests/{guestId}/erase',
        'GET /v1/merge-proposals',
        'GET /v1/merge-proposals/{proposalId}',
        'POST /v1/merge-proposals/{proposalId}/accept',
        'POST /v1/merge-proposals/{proposalId}/reject',
        'GET /v1/brands',
        'POST /v1/brands',
        'PATCH /v1/brands/{brandId}',
        'GET /v1/properties',
        'POST /v1/properties',
        'PUT /v1/properties/{propertyId}',
        'GET /v1/attributes',
        'POST /v1/attributes',
      ].sort(),
    );
    const getGuest = doc.paths['/v1/guests/{guestId}']!.get!;
    expect(Object.keys(getGuest.responses)).toEqual(expect.arrayContaining(['200', '301', '404', '410']));
    expect(getGuest.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['guestId', 'x-brand-id', 'x-channel']));
    expect(doc.paths['/v1/guests/{guestId}/erase']!.post!['x-hearth-roles']).toEqual(['admin']);
  });

  it('answers health and readiness without a token', async () => {
    expect((await request(t.app).get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await request(t.app).get('/readyz')).status).toBe(200);
  });
});

function paths400(res: request.Response): string[] {
  return (expectProblem(res, 400, 'VALIDATION_FAILED').errors ?? []).map((e) => e.path);
}
