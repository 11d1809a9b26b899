/**
 * The knowledge-base API as the service wires it (`createKnowledgeBase` → routes on `createApp`),
 * against the real PostgreSQL (own schema: event store, idempotency keys, search table and its
 * projection) and NATS (a fake customer-profile answers the tenant-directory request on subjects of
 * its own, read through the real client and cache). Each test uses its own tenant.
 */
import { randomBytes } from 'node:crypto';
import { tenantDirectoryRequestSchema, type TenantDirectory } from '@hearth/contracts';
import { createCustomerProfileClient, createTenantDirectoryCache } from '@hearth/customer-profile-client';
import { PostgresEventStore } from '@hearth/event-store';
import { createApp, PostgresIdempotencyStore, problemDetailsSchema, signHs256Token, type HttpLogger, type Role } from '@hearth/http';
import { connectMessaging, type Messaging, type Responder } from '@hearth/messaging';
import { dropSchema, eventually, testDatabaseUrl, uniqueName } from '@hearth/testing';
import type { Express } from 'express';
import pg from 'pg';
import request from 'supertest';
import type { ResolvedTicket } from '../../app/kb-use-cases';
import { createKnowledgeBase, type KnowledgeBase } from '../../kb';

jest.setTimeout(60_000);
const WAIT = { timeoutMs: 30_000 };
const SECRET = 'service-tickets-kb-test-secret-0123456789';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const hex = () => randomBytes(4).toString('hex');

type Problem = Record<string, unknown> & { errors?: { path: string; message: string }[] };

function expectProblem(res: request.Response, status: number, code: string): Problem {
  if (res.status !== status) throw new Error(`expected ${status} ${code}, got ${res.status}: ${res.text}`);
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  const body = JSON.parse(res.text) as Problem;
  expect(body).toMatchObject({ status, code });
  expect(problemDetailsSchema.safeParse(body).success).toBe(true);
  return body;
}
const paths = (problem: Problem) => (problem.errors ?? []).map((e) => e.path).sort();

/** hotels and bistro share data; outlet keeps to itself. */
const chainDirectory = (tenantId: string): TenantDirectory => ({
  tenantId,
  brands: [
    { brandId: 'hotels', name: 'Hearth Hotels', sharing: 'shared' },
    { brandId: 'bistro', name: 'Hearth Bistro', sharing: 'shared' },
    { brandId: 'outlet', name: 'Hearth Outlet', sharing: 'private' },
  ],
  properties: [],
  visibleBrands: { hotels: ['hotels', 'bistro'], bistro: ['bistro', 'hotels'], outlet: ['outlet'] },
});

describe('knowledge-base HTTP API on PostgreSQL and NATS', () => {
  const schema = uniqueName('kb_api');
  const rpcPrefix = `rpc.kb-test-${hex()}`;
  let pool: pg.Pool;
  let events: PostgresEventStore;
  let messaging: Messaging;
  let responder: Responder | undefined;
  let kb: KnowledgeBase;
  let app: Express;
  const tickets = new Map<string, ResolvedTicket & { tenantId: string }>();
  const logged: unknown[] = [];

  const startDirectory = () => {
    responder = messaging.createResponder<{ tenantId: string }, TenantDirectory>({
      subject: `${rpcPrefix}.tenant-directory`,
      requestSchema: tenantDirectoryRequestSchema,
      handle: async ({ tenantId }) => chainDirectory(tenantId),
    });
  };

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 8 });
    events = await PostgresEventStore.connect({ pool, schema });
    messaging = await connectMessaging({ servers: NATS_URL, name: `kb-test-${hex()}` });
    startDirectory();
    const profile = createCustomerProfileClient(messaging, { subjects: { resolve: `${rpcPrefix}.resolve`, guestSummary: `${rpcPrefix}.guest-summary`, tenantDirectory: `${rpcPrefix}.tenant-directory` }, timeoutMs: 1_000 });
    kb = createKnowledgeBase({
      store: events,
      pool,
      schema,
      directory: createTenantDirectoryCache(profile, { ttlMs: 60_000 }),
      ticketLookup: { resolvedTicket: async (tenantId, ticketId) => (tickets.get(ticketId)?.tenantId === tenantId ? tickets.get(ticketId) : undefined) },
    });
    await kb.ensureSchema();
    await kb.projection.start();
    const logger: HttpLogger = { error: (fields) => void logged.push(fields), warn: () => undefined };
    app = createApp({
      serviceName: 'service-tickets',
      routes: kb.routes,
      auth: { mode: 'hs256', secret: SECRET },
      openapi: { title: 'Service tickets (knowledge base)', version: '1.0.0' },
      idempotencyStore: await PostgresIdempotencyStore.connect({ pool, schema }),
      logger,
    });
  });
  afterAll(async () => {
    await kb.projection.stop();
    await responder?.stop({ timeoutMs: 1_000 });
    await messaging.drain({ timeoutMs: 2_000 });
    await events.close();
    await dropSchema(pool, schema);
    await pool.end();
  });
  afterEach(() => {
    expect(logged).toEqual([]); // no 5xx
  });

  const newTenant = () => `t-${hex()}`;
  const bearer = async (tenant: string, roles: Role[] = ['agent'], brands: string[] | '*' = ['hotels'], sub = 'desk-1') =>
    ({ Authorization: `Bearer ${await signHs256Token({ sub, tenant, roles, brands }, { secret: SECRET, ttl: '1h' })}` });
  const admin = (tenant: string) => bearer(tenant, ['admin'], '*', 'root');

  const draft = (overrides: Record<string, unknown> = {}) => ({ title: 'Late check-out', body: 'Until two when the room is free.', tags: ['rooms'], brandId: 'hotels', ...overrides });
  const create = async (tenant: string, body: Record<string, unknown>, auth?: Record<string, string>) => {
    const res = await request(app).post('/v1/kb/articles').set(auth ?? (await admin(tenant))).send(body);
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
    return res.body as { articleId: string; version: number };
  };
  const search = async (tenant: string, query: Record<string, string | number>, auth?: Record<string, string>) =>
    request(app).get('/v1/kb/search').query(query).set(auth ?? (await admin(tenant)));
  const faq = async (tenant: string, query: Record<string, string | number>, auth: Record<string, string>) => request(app).get('/v1/kb/faq').query(query).set(auth);
  const searchIds = async (tenant: string, query: Record<string, string | number>, auth?: Record<string, string>) => {
    const res = await search(tenant, query, auth);
    expect(res.status).toBe(200);
    return (res.body.items as { articleId: string }[]).map((i) => i.articleId);
  };

  it('needs a token everywhere and the right role', async () => {
    const tenant = newTenant();
    const endpoints = [
      request(app).post('/v1/kb/articles').send(draft()),
      request(app).post('/v1/kb/articles:from-ticket').send({ ticketId: 't-1' }),
      request(app).get('/v1/kb/articles/a-1'),
      request(app).patch('/v1/kb/articles/a-1').send({ title: 'x' }),
      request(app).post('/v1/kb/articles/a-1/archive'),
      request(app).post('/v1/kb/articles/a-1/restore'),
      request(app).get('/v1/kb/search?q=late'),
      request(app).get('/v1/kb/faq?q=late'),
    ];
    for (const res of await Promise.all(endpoints)) expectProblem(res, 401, 'AUTHENTICATION_REQUIRED');

    const marketer = await bearer(tenant, ['marketer'], '*');
    expectProblem(await request(app).get('/v1/kb/faq').set(marketer), 403, 'ROLE_REQUIRED');
    expectProblem(await request(app).get('/v1/kb/search').set(marketer), 403, 'ROLE_REQUIRED');
    // FAQ roles do not open the staff endpoints
    for (const role of ['integration', 'portal'] as const) {
      const token = await bearer(tenant, [role], '*');
      expectProblem(await request(app).post('/v1/kb/articles').set(token).send(draft()), 403, 'ROLE_REQUIRED');
      expectProblem(await request(app).get('/v1/kb/search').set(token), 403, 'ROLE_REQUIRED');
      expectProblem(await request(app).get('/v1/kb/articles/a-1').set(token), 403, 'ROLE_REQUIRED');
      expect((await request(app).get('/v1/kb/faq').set(token)).status).toBe(200);
    }
  });

  it('creates an article (Idempotency-Key honoured) and reads it with its ETag', async () => {
    const tenant = newTenant();
    const agent = await bearer(tenant);
    const key = `create-${hex()}`;
    const first = await request(app).post('/v1/kb/articles').set(agent).set('Idempotency-Key', key).send(draft({ tags: ['Rooms', 'check-out'], language: 'en-gb' }));
    expect(first.status).toBe(201);
    expect(first.headers.etag).toBe('"0"');
    expect(first.headers.location).toBe(`/v1/kb/articles/${first.body.articleId}`);
    expect(first.body).toMatchObject({ title: 'Late check-out', tags: ['rooms', 'check-out'], brandId: 'hotels', visibility: 'internal', language: 'en-GB', status: 'published', createdBy: 'user:desk-1', version: 0 });

    const again = await request(app).post('/v1/kb/articles').set(agent).set('Idempotency-Key', key).send(draft({ tags: ['Rooms', 'check-out'], language: 'en-gb' }));
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);

    const read = await request(app).get(first.headers.location!).set(await bearer(tenant, ['manager'], ['bistro']));
    expect(read.status).toBe(200);
    expect(read.headers.etag).toBe('"0"');
    expect(read.body).toEqual(first.body);
    await eventually(async () => expect(await searchIds(tenant, { q: 'check-out' })).toEqual([first.body.articleId]), WAIT);
  });

  it('answers bad input with field errors and brand rules with 403', async () => {
    const tenant = newTenant();
    const agent = await bearer(tenant);
    const bad = expectProblem(await request(app).post('/v1/kb/articles').set(agent).send({ body: '', tags: ['no spaces'], brandId: 'hotels', visibility: 'secret', extra: 1 }), 400, 'VALIDATION_FAILED');
    expect(paths(bad)).toEqual(expect.arrayContaining(['body.title', 'body.body', 'body.tags.0', 'body.visibility']));
    expectProblem(await request(app).post('/v1/kb/articles').set(agent).send(draft({ language: 'klingon' })), 400, 'VALIDATION_FAILED');
    expectProblem(await request(app).post('/v1/kb/articles').set(agent).send(draft({ brandId: null })), 403, 'BRAND_NOT_ALLOWED');
    expectProblem(await request(app).post('/v1/kb/articles').set(agent).send(draft({ brandId: 'outlet' })), 403, 'BRAND_NOT_ALLOWED');
    expectProblem(await request(app).post('/v1/kb/articles').set(agent).set('X-Brand-Id', 'outlet').send(draft()), 403, 'BRAND_NOT_ALLOWED');
    expectProblem(await request(app).get('/v1/kb/search').set(await admin(tenant)).set('X-Brand-Id', 'nowhere'), 400, 'UNKNOWN_BRAND');
    const limit = expectProblem(await search(tenant, { limit: 500 }), 400, 'VALIDATION_FAILED');
    expect(paths(limit)).toEqual(['query.limit']);
    const cursor = expectProblem(await search(tenant, { cursor: 'garbage' }), 400, 'INVALID_CURSOR');
    expect(paths(cursor)).toEqual(['query.cursor']);
  });

  it('hides other brands’ and tenants’ articles (404)', async () => {
    const tenant = newTenant();
    const { articleId } = await create(tenant, draft());
    expectProblem(await request(app).get(`/v1/kb/articles/${articleId}`).set(await bearer(tenant, ['agent'], ['outlet'])), 404, 'ARTICLE_NOT_FOUND');
    expectProblem(await request(app).get(`/v1/kb/articles/${articleId}`).set(await admin(newTenant())), 404, 'ARTICLE_NOT_FOUND');
    expectProblem(await request(app).get('/v1/kb/articles/no-such-article').set(await admin(tenant)), 404, 'ARTICLE_NOT_FOUND');
    expectProblem(await request(app).get('/v1/kb/articles/bad%20id').set(await admin(tenant)), 400, 'VALIDATION_FAILED');
  });

  it('edits with If-Match: 428 without, 412 when stale, 409 when archived', async () => {
    const tenant = newTenant();
    const agent = await bearer(tenant);
    const { articleId } = await create(tenant, draft(), agent);
    const url = `/v1/kb/articles/${articleId}`;
    expectProblem(await request(app).patch(url).set(agent).send({ title: 'Checking out late' }), 428, 'PRECONDITION_REQUIRED');
    const ok = await request(app).patch(url).set(agent).set('If-Match', '"0"').send({ title: 'Checking out late', visibility: 'public' });
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe('"1"');
    expect(ok.body).toMatchObject({ title: 'Checking out late', visibility: 'public', version: 1 });
    const stale = expectProblem(await request(app).patch(url).set(agent).set('If-Match', '"0"').send({ title: 'Lost update' }), 412, 'WRONG_EXPECTED_VERSION');
    expect(stale.currentVersion).toBe(1);
    expectProblem(await request(app).patch(url).set(agent).set('If-Match', '"1"').send({}), 400, 'VALIDATION_FAILED');
    expectProblem(await request(app).patch(url).set(await bearer(tenant, ['agent'], ['bistro'])).set('If-Match', '"1"').send({ title: 'x' }), 403, 'BRAND_NOT_ALLOWED');
    expectProblem(await request(app).patch('/v1/kb/articles/nope').set(agent).set('If-Match', '"0"').send({ title: 'x' }), 404, 'ARTICLE_NOT_FOUND');

    const archived = await request(app).post(`${url}/archive`).set(agent).set('If-Match', '"1"').send({ reason: 'replaced' });
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ status: 'archived', version: 2 });
    expectProblem(await request(app).patch(url).set(agent).set('If-Match', '"2"').send({ title: 'x' }), 409, 'ARTICLE_ARCHIVED');
    expect((await request(app).post(`${url}/archive`).set(agent)).body.version).toBe(2); // repeat: no-op
    expectProblem(await request(app).post(`${url}/restore`).set(agent).set('If-Match', '"1"'), 412, 'WRONG_EXPECTED_VERSION');
    const restored = await request(app).post(`${url}/restore`).set(agent);
    expect(restored.body).toMatchObject({ status: 'published', version: 3 });
  });

  it('archived articles leave search and the FAQ', async () => {
    const tenant = newTenant();
    const { articleId } = await create(tenant, draft({ title: 'Sauna hours', body: 'Open from four.', visibility: 'public' }));
    const integration = await bearer(tenant, ['integration'], '*');
    await eventually(async () => expect(await searchIds(tenant, { q: 'sauna' })).toEqual([articleId]), WAIT);
    expect((await faq(tenant, { q: 'sauna' }, integration)).body.items).toHaveLength(1);
    expect((await request(app).post(`/v1/kb/articles/${articleId}/archive`).set(await admin(tenant))).status).toBe(200);
    await eventually(async () => expect(await searchIds(tenant, { q: 'sauna' })).toEqual([]), WAIT);
    expect((await faq(tenant, { q: 'sauna' }, integration)).body.items).toEqual([]);
  });

  it('drafts an internal article from a resolved ticket', async () => {
    const tenant = newTenant();
    const agent = await bearer(tenant);
    tickets.set(`${tenant}-1`, {
      tenantId: tenant,
      ticketId: `${tenant}-1`,
      brandId: 'hotels',
      subject: 'Wi-Fi keeps dropping',
      resolutionSummary: 'Reset the access point on floor 3; told the guest at guest@example.com.',
      category: 'wifi',
      status: 'resolved',
    });
    tickets.set(`${tenant}-2`, { tenantId: tenant, ticketId: `${tenant}-2`, brandId: 'hotels', subject: 'Still open', status: 'in-progress' });
    tickets.set(`${tenant}-3`, { tenantId: tenant, ticketId: `${tenant}-3`, brandId: 'hotels', subject: 'No summary', status: 'closed' });

    const drafted = await request(app).post('/v1/kb/articles:from-ticket').set(agent).send({ ticketId: `${tenant}-1` });
    expect(drafted.status).toBe(201);
    expect(drafted.body).toMatchObject({
      title: 'Wi-Fi keeps dropping',
      body: 'Reset the access point on floor 3; told the guest at [email removed].',
      tags: ['wifi'],
      brandId: 'hotels',
      visibility: 'internal',
      sourceTicketId: `${tenant}-1`,
      version: 0,
    });
    expect(drafted.headers.location).toBe(`/v1/kb/articles/${drafted.body.articleId}`);

    expectProblem(await request(app).post('/v1/kb/articles:from-ticket').set(agent).send({ ticketId: `${tenant}-2` }), 409, 'TICKET_NOT_RESOLVED');
    expectProblem(await request(app).post('/v1/kb/articles:from-ticket').set(agent).send({ ticketId: 'unknown' }), 404, 'TICKET_NOT_FOUND');
    expectProblem(await request(app).post('/v1/kb/articles:from-ticket').set(await bearer(tenant, ['agent'], ['outlet'])).send({ ticketId: `${tenant}-1` }), 404, 'TICKET_NOT_FOUND');
    const noBody = expectProblem(await request(app).post('/v1/kb/articles:from-ticket').set(agent).send({ ticketId: `${tenant}-3` }), 422, 'INVALID_ARTICLE');
    expect(paths(noBody)).toEqual(['body.body']);
    const written = await request(app).post('/v1/kb/articles:from-ticket').set(agent).send({ ticketId: `${tenant}-3`, body: 'Check the router first.' });
    expect(written.status).toBe(201);
    expectProblem(await request(app).post('/v1/kb/articles:from-ticket').set(agent).send({}), 400, 'VALIDATION_FAILED');
  });

  it('staff search: ranked, brand-scoped (chain-wide for all), filtered and paged', async () => {
    const tenant = newTenant();
    const body = await create(tenant, draft({ title: 'Billing', body: 'A refund takes five days.' }));
    const title = await create(tenant, draft({ title: 'Refund policy', body: 'Back to the card.', visibility: 'public' }));
    const bistro = await create(tenant, draft({ title: 'Bistro refunds', body: 'Ask the manager.', brandId: 'bistro', tags: ['dining'] }));
    const outlet = await create(tenant, draft({ title: 'Outlet refunds', body: 'Within 30 days.', brandId: 'outlet', visibility: 'public' }));
    const chain = await create(tenant, draft({ title: 'Refunds everywhere', body: 'Chain rules.', brandId: null, visibility: 'public' }));
    await eventually(async () => expect(await searchIds(tenant, { q: 'refund' })).toHaveLength(5), WAIT);

    const hotelsAgent = await bearer(tenant);
    const seen = await searchIds(tenant, { q: 'refunded' }, hotelsAgent);
    expect(new Set(seen)).toEqual(new Set([body.articleId, title.articleId, bistro.articleId, chain.articleId]));
    expect(seen[seen.length - 1]).toBe(body.articleId); // the only body-only hit ranks last
    // outlet shares with nobody: its own articles and the chain-wide ones
    expect(new Set(await searchIds(tenant, { q: 'refund' }, await bearer(tenant, ['agent'], ['outlet'])))).toEqual(new Set([outlet.articleId, chain.articleId]));
    expect(await searchIds(tenant, { q: 'refund', tags: 'dining' }, hotelsAgent)).toEqual([bistro.articleId]);
    expect(new Set(await searchIds(tenant, { q: 'refund', visibility: 'public' }, hotelsAgent))).toEqual(new Set([title.articleId, chain.articleId]));
    expect(new Set(await searchIds(tenant, { q: 'refund', brand: 'bistro' }, hotelsAgent))).toEqual(new Set([bistro.articleId, chain.articleId]));
    expectProblem(await search(tenant, { q: 'refund', brand: 'outlet' }, hotelsAgent), 403, 'BRAND_NOT_ALLOWED');

    const first = await search(tenant, { q: 'refund', limit: 2 }, hotelsAgent);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).toEqual(expect.objectContaining({ excerpt: expect.any(String), score: expect.any(Number), version: 0 }));
    expect(first.body.items[0].body).toBeUndefined();
    const second = await search(tenant, { q: 'refund', limit: 2, cursor: first.body.nextCursor }, hotelsAgent);
    expect(second.body.nextCursor).toBeUndefined(); // 4 hits: two full pages
    expect([...first.body.items, ...second.body.items].map((i: { articleId: string }) => i.articleId)).toEqual(await searchIds(tenant, { q: 'refund' }, hotelsAgent));
    expectProblem(await search(tenant, { q: 'billing', limit: 2, cursor: first.body.nextCursor }, hotelsAgent), 400, 'INVALID_CURSOR');
  });

  it('FAQ: public articles only, for integration and portal tokens, scoped by brand', async () => {
    const tenant = newTenant();
    const hotelsPublic = await create(tenant, draft({ title: 'Check-in time', body: 'From three.', visibility: 'public' }));
    await create(tenant, draft({ title: 'Check-in tricks', body: 'Internal: upsell suites.', visibility: 'internal' }));
    const outletPublic = await create(tenant, draft({ title: 'Check-in for returns', body: 'At the counter.', brandId: 'outlet', visibility: 'public' }));
    const chainPublic = await create(tenant, draft({ title: 'Online check-in', body: 'In the app.', brandId: null, visibility: 'public' }));
    await eventually(async () => expect(await searchIds(tenant, { q: 'check-in' })).toHaveLength(4), WAIT);

    const integration = await bearer(tenant, ['integration'], '*');
    const all = await faq(tenant, { q: 'check-in' }, integration);
    expect(all.status).toBe(200);
    expect(new Set(all.body.items.map((i: { articleId: string }) => i.articleId))).toEqual(new Set([hotelsPublic.articleId, outletPublic.articleId, chainPublic.articleId]));
    expect(all.body.items.find((i: { articleId: string }) => i.articleId === hotelsPublic.articleId)).toEqual({
      articleId: hotelsPublic.articleId,
      title: 'Check-in time',
      body: 'From three.',
      tags: ['rooms'],
      brandId: 'hotels',
      language: 'en',
      updatedAt: expect.any(String),
      score: expect.any(Number),
    });
    const hotelsFaq = await faq(tenant, { brand: 'hotels' }, integration);
    expect(new Set(hotelsFaq.body.items.map((i: { articleId: string }) => i.articleId))).toEqual(new Set([hotelsPublic.articleId, chainPublic.articleId]));

    const outletPortal = await bearer(tenant, ['portal'], ['outlet'], 'portal-outlet');
    const portal = await faq(tenant, { q: 'check-in' }, outletPortal);
    expect(new Set(portal.body.items.map((i: { articleId: string }) => i.articleId))).toEqual(new Set([outletPublic.articleId, chainPublic.articleId]));
    expectProblem(await faq(tenant, { brand: 'hotels' }, outletPortal), 403, 'BRAND_NOT_ALLOWED');
    expectProblem(await request(app).get('/v1/kb/faq').set(outletPortal).set('X-Brand-Id', 'hotels'), 403, 'BRAND_NOT_ALLOWED');
    // staff may read the FAQ too; the internal article never shows
    const staff = await faq(tenant, { q: 'upsell' }, await bearer(tenant));
    expect(staff.body.items).toEqual([]);
  });

  it('documents the endpoints in the OpenAPI document', async () => {
    const doc = await request(app).get('/openapi.json');
    expect(doc.status).toBe(200);
    const paths = Object.keys(doc.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/v1/kb/articles', '/v1/kb/articles:from-ticket', '/v1/kb/articles/{articleId}', '/v1/kb/articles/{articleId}/archive', '/v1/kb/articles/{articleId}/restore', '/v1/kb/search', '/v1/kb/faq']),
    );
    expect(doc.body.paths['/v1/kb/faq'].get['x-hearth-roles']).toEqual(['integration', 'portal', 'agent', 'manager', 'admin']);
    expect(doc.body.components.schemas.KbArticle).toBeDefined();
  });

  it('answers 503 while customer-profile (the tenant directory) does not answer', async () => {
    const tenant = newTenant(); // not cached yet
    await responder?.stop({ timeoutMs: 1_000 });
    responder = undefined;
    try {
      const res = expectProblem(await search(tenant, { q: 'x' }, await bearer(tenant)), 503, 'DEPENDENCY_UNAVAILABLE');
      expect(res.dependency).toBe('customer-profile');
      expect(logged).toHaveLength(1); // a 503 is logged as a server-side problem
      logged.length = 0;
    } finally {
      startDirectory();
    }
    // chain-wide tokens need no directory
    expect((await search(newTenant(), { q: 'x' })).status).toBe(200);
  });
});
