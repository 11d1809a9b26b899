/** @jest-environment ./libs/http/src/testing/native-jose.environment.ts */
import request from 'supertest';
import { z } from 'zod';
import { createApp } from './create-app';
import { problemDetailsSchema } from './openapi';
import { route, serializeBody } from './route';
import { b64url, DEFAULT_DEVELOPMENT_JWT_SECRET, recordingLogger, TEST_SECRET, testToken } from './testing/fixtures';
import { testApp } from './testing/test-app';

jest.mock('jose', () => (globalThis as { __hearthNativeJose?: unknown }).__hearthNativeJose);

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Every error response must be a well-formed problem document without internals. */
function expectProblem(res: request.Response, status: number, code: string): Record<string, unknown> {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(problemDetailsSchema.safeParse(body).success).toBe(true);
  expect(body).toMatchObject({ status, code, type: `urn:hearth:problem:${code.toLowerCase().replace(/_/g, '-')}` });
  expect(res.text).not.toMatch(/at .+\.(ts|js):\d+/);
  return body;
}

describe('createApp: ids, headers, health', () => {
  it('generates a request id, uses it as correlation id and trace id, and echoes both', async () => {
    const { app } = testApp();
    const res = await request(app).get('/v1/tickets');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-correlation-id']).toBe(res.headers['x-request-id']);
    expect(expectProblem(res, 401, 'AUTHENTICATION_REQUIRED').traceId).toBe(res.headers['x-request-id']);
  });

  it('honours well-formed incoming ids and replaces ill-formed ones', async () => {
    const { app } = testApp();
    const res = await request(app).get('/healthz').set('X-Request-Id', 'req-123').set('X-Correlation-Id', 'corr-456');
    expect(res.headers['x-request-id']).toBe('req-123');
    expect(res.headers['x-correlation-id']).toBe('corr-456');
    const forged = await request(app).get('/healthz').set('X-Request-Id', 'x"}\t{"level":"fake').set('X-Correlation-Id', 'a'.repeat(500));
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(forged.headers['x-correlation-id']).toBe(forged.headers['x-request-id']);
  });

  it('sets security headers and no framework or body-hash headers', async () => {
    const { app } = testApp();
    const res = await request(app).get('/v1/tickets').set(bearer(await testToken()));
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers.etag).toBeUndefined();
  });

  it('/healthz answers without a token', async () => {
    const { app } = testApp();
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/readyz runs the dependency checks', async () => {
    const calls: string[] = [];
    const { app } = testApp({ readiness: { postgres: async () => void calls.push('postgres'), nats: () => void calls.push('nats') } });
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', checks: { postgres: 'up', nats: 'up' } });
    expect(calls.sort()).toEqual(['nats', 'postgres']);
  });

  it('/readyz is 503 naming the failed and timed-out dependencies, and logs why without exposing it', async () => {
    const { app, logger } = testApp({
      readinessTimeoutMs: 50,
      readiness: {
        postgres: async () => {
          throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
        },
        nats: () => new Promise(() => undefined),
        cache: () => false,
        config: () => true,
      },
    });
    const res = await request(app).get('/readyz');
    const body = expectProblem(res, 503, 'NOT_READY');
    expect(body.checks).toEqual({ postgres: 'down', nats: 'timeout', cache: 'down', config: 'up' });
    expect(body.detail).toBe('Not ready: postgres (down), nats (timeout), cache (down).');
    expect(res.text).not.toContain('ECONNREFUSED');
    expect(logger.entries.filter((e) => e.message === 'readiness check failed').map((e) => e.fields.check).sort()).toEqual(['cache', 'nats', 'postgres']);
  });

  it('/openapi.json is public and describes the routes', async () => {
    const { app } = testApp();
    const res = await request(app).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.info).toEqual({ title: 'Test service', version: '1.2.3' });
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/openapi.json', '/v1/tickets', '/v1/tickets/{ticketId}/escalate']));
  });

  it('answers unknown routes with 404 ROUTE_NOT_FOUND', async () => {
    const { app } = testApp();
    const body = expectProblem(await request(app).get('/v2/nothing?x=1'), 404, 'ROUTE_NOT_FOUND');
    expect(body.instance).toBe('/v2/nothing');
  });

  it('refuses configuration mistakes at start', () => {
    const r = route({ method: 'post', path: '/v1/x', idempotency: 'optional', responses: { 204: { description: 'ok' } } }, () => ({ status: 204 }));
    const base = { serviceName: 's', auth: { mode: 'hs256' as const, secret: TEST_SECRET }, openapi: { title: 't', version: '1' } };
    expect(() => createApp({ ...base, routes: [r] })).toThrow(/idempotencyStore/);
    const plain = route({ method: 'get', path: '/v1/y', responses: { 204: { description: 'ok' } } }, () => ({ status: 204 }));
    expect(() => createApp({ ...base, routes: [plain, plain] })).toThrow(/defined twice/);
    const badTenant = route({ method: 'get', path: '/v1/z', tenantParam: 'tenantId', responses: { 204: { description: 'ok' } } }, () => ({ status: 204 }));
    expect(() => createApp({ ...base, routes: [badTenant] })).toThrow(/tenantParam/);
    expect(() => createApp({ ...base, auth: { mode: 'hs256', secret: 'short' }, routes: [] })).toThrow(/at least 32/);
  });
});

describe('createApp: authentication and authorisation', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('rejects a missing token with 401 and a Bearer challenge', async () => {
    const { app } = testApp();
    const res = await request(app).get('/v1/tickets');
    expectProblem(res, 401, 'AUTHENTICATION_REQUIRED');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="hearth"');
  });

  it('rejects a malformed Authorization header', async () => {
    const { app } = testApp();
    expectProblem(await request(app).get('/v1/tickets').set('Authorization', 'Basic dXNlcjpwYXNz'), 401, 'INVALID_TOKEN');
    expectProblem(await request(app).get('/v1/tickets').set('Authorization', 'Bearer'), 401, 'INVALID_TOKEN');
    expectProblem(await request(app).get('/v1/tickets').set('Authorization', 'Bearer not.a.jwt'), 401, 'INVALID_TOKEN');
  });

  it('rejects expired, wrongly signed and unsigned tokens', async () => {
    const { app } = testApp();
    const expired = await testToken({}, { issuedAt: now() - 3600, ttl: '10m' });
    expectProblem(await request(app).get('/v1/tickets').set(bearer(expired)), 401, 'TOKEN_EXPIRED');
    const otherSecret = await testToken({}, { secret: DEFAULT_DEVELOPMENT_JWT_SECRET });
    expectProblem(await request(app).get('/v1/tickets').set(bearer(otherSecret)), 401, 'INVALID_TOKEN');
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'u', tenant: 'tenant-a', roles: ['admin'], brands: '*', exp: now() + 60 })}.`;
    const res = await request(app).get('/v1/tickets').set(bearer(none));
    expectProblem(res, 401, 'INVALID_TOKEN');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="hearth", error="invalid_token"');
  });

  it('exposes the actor to handlers', async () => {
    const { app } = testApp();
    const res = await request(app)
      .post('/v1/tickets')
      .set(bearer(await testToken({ sub: 'agent-7' })))
      .send({ guestId: 'g-1', subject: 'Noisy room' });
    expect(res.status).toBe(201);
    expect(res.body.openedBy).toBe('agent-7');
  });

  it('enforces route roles with 403 ROLE_REQUIRED', async () => {
    const { app } = testApp();
    const res = await request(app)
      .post('/v1/tickets')
      .set(bearer(await testToken({ roles: ['analyst', 'marketer'] })))
      .send({ guestId: 'g-1', subject: 'x' });
    const body = expectProblem(res, 403, 'ROLE_REQUIRED');
    expect(body.requiredRoles).toEqual(['agent']);
    const manager = await request(app).get('/v1/tenants/tenant-a/guests/g-123').set(bearer(await testToken({ roles: ['manager'] })));
    expect(manager.status).toBe(200);
  });

  it('rejects a token of another tenant than the path with 403 TENANT_MISMATCH', async () => {
    const { app } = testApp();
    const res = await request(app).get('/v1/tenants/tenant-b/guests/g-123').set(bearer(await testToken({ tenant: 'tenant-a' })));
    expectProblem(res, 403, 'TENANT_MISMATCH');
    const own = await request(app).get('/v1/tenants/tenant-a/guests/g-123').set(bearer(await testToken({ tenant: 'tenant-a' })));
    expect(own.status).toBe(200);
    expect(own.body.tenantId).toBe('tenant-a');
  });

  it('checks brands with assertBrand', async () => {
    const { app } = testApp();
    const token = await testToken({ brands: ['brand-a'] });
    expect((await request(app).get('/v1/brands/brand-a').set(bearer(token))).status).toBe(200);
    expectProblem(await request(app).get('/v1/brands/brand-b').set(bearer(token)), 403, 'BRAND_NOT_ALLOWED');
    expect((await request(app).get('/v1/brands/brand-b').set(bearer(await testToken({ brands: '*' })))).status).toBe(200);
  });

  it('lets public routes through without a token', async () => {
    const { app } = testApp();
    const res = await request(app).get('/v1/public/ping');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ actor: null });
  });

  it('does not read the body of an unauthenticated request', async () => {
    const { app } = testApp();
    const res = await request(app).post('/v1/tickets').set('Content-Type', 'application/json').send('{broken');
    expectProblem(res, 401, 'AUTHENTICATION_REQUIRED');
  });
});

describe('createApp: bodies and validation', () => {
  let token: string;
  beforeAll(async () => {
    token = await testToken();
  });

  it('returns 400 VALIDATION_FAILED with field errors from body, path, query and headers', async () => {
    const { app } = testApp();
    const body = expectProblem(
      await request(app).post('/v1/tickets').set(bearer(token)).send({ guestId: '', subject: 42, priority: 'urgent', tags: ['a', 'b', 'c', 'd'] }),
      400,
      'VALIDATION_FAILED',
    );
    expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['body.guestId', 'body.priority', 'body.subject', 'body.tags']);
    expect(body.errors).toContainEqual(expect.objectContaining({ path: 'body.subject', code: 'invalid_type', message: expect.any(String) }));

    const path = expectProblem(await request(app).get('/v1/tenants/tenant-a/guests/ab').set(bearer(token)), 400, 'VALIDATION_FAILED');
    expect(path.errors).toEqual([expect.objectContaining({ path: 'path.guestId', code: 'too_small' })]);

    const query = expectProblem(await request(app).get('/v1/tickets?limit=500&status=lost').set(bearer(token)), 400, 'VALIDATION_FAILED');
    expect((query.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['query.limit', 'query.status']);

    const headers = expectProblem(await request(app).get('/v1/echo-headers').set(bearer(token)), 400, 'VALIDATION_FAILED');
    expect(headers.errors).toEqual([expect.objectContaining({ path: 'header.x-brand-id' })]);
  });

  it('gives handlers parsed values: defaults, coercion, headers', async () => {
    const { app } = testApp();
    const created = await request(app).post('/v1/tickets').set(bearer(token)).send({ guestId: 'g-1', subject: 'Late checkout' });
    expect(created.body.priority).toBe('normal');
    const page = await request(app).get('/v1/tickets?limit=5&cursor=abc').set(bearer(token));
    expect(page.body).toEqual({ limit: 5, cursor: 'abc', status: null });
    const echoed = await request(app).get('/v1/echo-headers').set(bearer(token)).set('X-Brand-Id', 'brand-a');
    expect(echoed.body).toEqual({ brand: 'brand-a' });
  });

  it('requires a body where one is declared', async () => {
    const { app } = testApp();
    const body = expectProblem(await request(app).post('/v1/tickets').set(bearer(token)), 400, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([expect.objectContaining({ path: 'body' })]);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const { app } = testApp();
    expectProblem(await request(app).post('/v1/tickets').set(bearer(token)).set('Content-Type', 'application/json').send('{"guestId": '), 400, 'MALFORMED_JSON');
  });

  it('answers non-JSON bodies with 415 and accepts +json types', async () => {
    const { app } = testApp();
    expectProblem(await request(app).post('/v1/tickets').set(bearer(token)).set('Content-Type', 'text/plain').send('guestId=g-1'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await request(app).post('/v1/tickets').set(bearer(token)).type('form').send({ guestId: 'g-1', subject: 's' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const merge = await request(app).post('/v1/tickets').set(bearer(token)).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify({ guestId: 'g', subject: 's' }));
    expect(merge.status).toBe(201);
  });

  it('refuses bodies above 1 MiB with 413 and accepts just below', async () => {
    const { app } = testApp();
    const envelope = JSON.stringify({ guestId: 'g-1', subject: 's', pad: '' });
    const below = envelope.replace('"pad":""', `"pad":"${'x'.repeat(1024 * 1024 - envelope.length)}"`);
    expect(Buffer.byteLength(below)).toBe(1024 * 1024);
    expect((await request(app).post('/v1/tickets').set(bearer(token)).set('Content-Type', 'application/json').send(below)).status).toBe(201);
    const above = below.replace('"pad":"', '"pad":"x');
    expectProblem(await request(app).post('/v1/tickets').set(bearer(token)).set('Content-Type', 'application/json').send(above), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('strips undeclared fields from replies and sets ETag from the version', async () => {
    const { app } = testApp();
    const res = await request(app).get('/v1/tenants/tenant-a/guests/g-123').set(bearer(token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'g-123', tenantId: 'tenant-a', name: 'Zoë Martín' });
    expect(res.headers.etag).toBe('"4"');
  });

  it('sets Location and ETag on creates', async () => {
    const { app } = testApp();
    const res = await request(app).post('/v1/tickets').set(bearer(token)).send({ guestId: 'g-1', subject: 's' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/tickets/${res.body.id}`);
    expect(res.headers.etag).toBe('"0"');
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('lets a handler write the response itself', async () => {
    const { app } = testApp();
    const res = await request(app).get('/v1/raw').set(bearer(token));
    expect(res.status).toBe(200);
    expect(res.text).toBe('raw');
  });
});

describe('createApp: If-Match and version conflicts', () => {
  let token: string;
  beforeAll(async () => {
    token = await testToken();
  });

  it('passes the If-Match version to the handler', async () => {
    const { app } = testApp();
    const res = await request(app).post('/v1/tickets/t-1/escalate').set(bearer(token)).set('If-Match', '"3"');
    expect(res.status).toBe(204);
    expect(res.headers.etag).toBe('"4"');
  });

  it('maps WRONG_EXPECTED_VERSION to 412 when If-Match was sent', async () => {
    const { app } = testApp();
    const body = expectProblem(await request(app).post('/v1/tickets/t-1/escalate').set(bearer(token)).set('If-Match', '"2"'), 412, 'WRONG_EXPECTED_VERSION');
    expect(body.currentVersion).toBe(3);
    expect(JSON.stringify(body)).not.toContain('ticket-1');
  });

  it('maps WRONG_EXPECTED_VERSION to 409 without If-Match', async () => {
    const { app } = testApp();
    expectProblem(await request(app).put('/v1/tickets/t-1').set(bearer(token)), 409, 'WRONG_EXPECTED_VERSION');
    expectProblem(await request(app).put('/v1/tickets/t-1').set(bearer(token)).set('If-Match', '"1"'), 412, 'WRONG_EXPECTED_VERSION');
  });

  it('answers 428 when a required If-Match is missing and 400 when it is malformed', async () => {
    const { app } = testApp();
    expectProblem(await request(app).post('/v1/tickets/t-1/escalate').set(bearer(token)), 428, 'PRECONDITION_REQUIRED');
    for (const value of ['3', 'W/"3"', '"3", "4"', '"-1"', '"abc"']) {
      const body = expectProblem(await request(app).post('/v1/tickets/t-1/escalate').set(bearer(token)).set('If-Match', value), 400, 'INVALID_IF_MATCH');
      expect(body.errors).toEqual([expect.objectContaining({ path: 'header.if-match' })]);
    }
  });
});

describe('createApp: error mapping', () => {
  let token: string;
  beforeAll(async () => {
    token = await testToken();
  });

  it('maps registered domain codes with the error message as detail', async () => {
    const { app } = testApp();
    const res = await request(app).post('/v1/redeem').set(bearer(token)).send({ points: 500 });
    const body = expectProblem(res, 422, 'INSUFFICIENT_POINTS');
    expect(body).toMatchObject({ title: 'Unprocessable Content', detail: 'Only 100 points available, 500 requested.', instance: '/v1/redeem', traceId: res.headers['x-request-id'] });
    expect(expectProblem(await request(app).post('/v1/redeem').set(bearer(token)).send({ points: 0 }), 409, 'TICKET_CLOSED').title).toBe('Ticket closed');
  });

  it('maps HttpError helpers (404 with a precise code)', async () => {
    const { app } = testApp();
    const body = expectProblem(await request(app).get('/v1/tenants/tenant-a/guests/missing').set(bearer(token)), 404, 'GUEST_NOT_FOUND');
    expect(body.detail).toBe("Guest 'missing' does not exist.");
  });

  it('answers unknown errors and unmapped codes with a generic 500 and logs them', async () => {
    const { app, logger } = testApp();
    const res = await request(app).get('/v1/boom').set(bearer(token));
    const body = expectProblem(res, 500, 'INTERNAL_ERROR');
    expect(res.text).not.toMatch(/hunter2|db-7|stack/);
    expect(body.detail).toMatch(/unexpected error/);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ level: 'error', fields: expect.objectContaining({ requestId: res.headers['x-request-id'], status: 500, err: expect.objectContaining({ message: expect.stringContaining('hunter2') }) }) }),
    );

    const unmapped = await request(app).post('/v1/redeem').set(bearer(token)).send({ points: 1 });
    expectProblem(unmapped, 500, 'INTERNAL_ERROR');
    expect(unmapped.text).not.toContain('internal detail');
  });

  it('answers a reply that breaks its schema with 500 (and logs the mismatch)', async () => {
    const { app, logger } = testApp();
    expectProblem(await request(app).get('/v1/bad-reply').set(bearer(token)), 500, 'INTERNAL_ERROR');
    expect(logger.entries[0]?.fields.err).toMatchObject({ code: 'RESPONSE_VALIDATION_FAILED' });
  });

  it('says how long the service took in Server-Timing, on answers and problems alike', async () => {
    const { app } = testApp();
    for (const res of [await request(app).get('/v1/bad-reply').set(bearer(token)), await request(app).get('/healthz'), await request(app).get('/v1/nowhere')]) {
      expect(res.headers['server-timing']).toMatch(/^app;dur=\d+\.\d{2}$/);
    }
  });

  it('sends replies unchecked with validateResponses: false (production)', async () => {
    const { app, logger } = testApp({ validateResponses: false });
    const res = await request(app).get('/v1/bad-reply').set(bearer(token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ n: 'not a number' });
    expect(logger.entries).toHaveLength(0);
  });

  it('sends a body the handler serialized itself as it is, and checks it like any body when replies are validated', async () => {
    const counted = z.object({ n: z.number() });
    const appWith = (validateResponses: boolean) =>
      createApp({
        serviceName: 's',
        auth: { mode: 'hs256', secret: TEST_SECRET },
        openapi: { title: 't', version: '1' },
        logger: recordingLogger(),
        validateResponses,
        routes: [
          route({ method: 'get', path: '/v1/cached', responses: { 200: { description: 'n', body: counted } } }, () => ({ status: 200, json: serializeBody({ n: 7 }), version: 3 })),
          // a rendering that no longer matches the schema (typed as one, as a stale cache entry would be)
          route({ method: 'get', path: '/v1/stale', responses: { 200: { description: 'n', body: counted } } }, () => ({ status: 200, json: '{"n":"seven"}' as ReturnType<typeof serializeBody<{ n: number }>> })),
        ],
      });
    for (const validate of [true, false]) {
      const res = await request(appWith(validate)).get('/v1/cached').set(bearer(token));
      expect({ validate, status: res.status, type: res.headers['content-type'], etag: res.headers.etag, text: res.text }).toEqual({
        validate,
        status: 200,
        type: 'application/json; charset=utf-8',
        etag: '"3"',
        text: '{"n":7}',
      });
    }
    expectProblem(await request(appWith(true)).get('/v1/stale').set(bearer(token)), 500, 'INTERNAL_ERROR');
    expect((await request(appWith(false)).get('/v1/stale').set(bearer(token))).text).toBe('{"n":"seven"}');
  });

  it('lets services override default mappings', async () => {
    const logger = recordingLogger();
    const app = createApp({
      serviceName: 's',
      auth: { mode: 'hs256', secret: TEST_SECRET },
      openapi: { title: 't', version: '1' },
      logger,
      errorMappings: { NOT_FOUND: 410 },
      routes: [
        route({ method: 'get', path: '/v1/gone', responses: { 200: { description: 'never' } } }, () => {
          throw Object.assign(new Error('It is gone.'), { code: 'NOT_FOUND' });
        }),
      ],
    });
    expectProblem(await request(app).get('/v1/gone').set(bearer(token)), 410, 'NOT_FOUND');
  });

  it('answers 503 with Retry-After when PostgreSQL cannot take the request (too many clients, refused, restarting), 500 for its other errors', async () => {
    const pgError = (code: string) => Object.assign(new Error('sorry, too many clients already'), { code, severity: 'FATAL', routine: 'InitProcess' });
    const failures: Record<string, Error> = {
      '/v1/full': pgError('53300'),
      '/v1/refused': Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect' }),
      '/v1/restarting': pgError('57P03'),
      '/v1/bad-sql': pgError('42601'),
    };
    const app = createApp({
      serviceName: 's',
      auth: { mode: 'hs256', secret: TEST_SECRET },
      openapi: { title: 't', version: '1' },
      logger: recordingLogger(),
      routes: Object.entries(failures).map(([path, error]) =>
        route({ method: 'get', path, responses: { 200: { description: 'never' } } }, () => {
          throw error;
        }),
      ),
    });
    for (const path of ['/v1/full', '/v1/refused', '/v1/restarting']) {
      const res = await request(app).get(path).set(bearer(token));
      expectProblem(res, 503, 'DATABASE_UNAVAILABLE');
      expect(res.headers['retry-after']).toBe('1');
      expect(res.text).not.toContain('too many clients');
    }
    expectProblem(await request(app).get('/v1/bad-sql').set(bearer(token)), 500, 'INTERNAL_ERROR');
  });
});

describe('createApp: rate limiting', () => {
  it('limits per tenant with 429 and Retry-After', async () => {
    const clock = 1_000_000;
    const { app } = testApp({ rateLimit: { capacity: 2, refillPerSecond: 0.5, now: () => clock } });
    const a = await testToken({ tenant: 'tenant-a' });
    const b = await testToken({ tenant: 'tenant-b' });
    expect((await request(app).get('/v1/tickets').set(bearer(a))).status).toBe(200);
    expect((await request(app).get('/v1/tickets').set(bearer(a))).status).toBe(200);
    const limited = await request(app).get('/v1/tickets').set(bearer(a));
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(limited.headers['retry-after']).toBe('2');
    expect((await request(app).get('/v1/tickets').set(bearer(b))).status).toBe(200);
    expect((await request(app).get('/healthz')).status).toBe(200);
  });

  it('maps a RATE_LIMITED error code from a handler to 429 with Retry-After', async () => {
    const app = createApp({
      serviceName: 's',
      auth: { mode: 'hs256', secret: TEST_SECRET },
      openapi: { title: 't', version: '1' },
      logger: recordingLogger(),
      routes: [
        route({ method: 'get', path: '/v1/upstream', responses: { 200: { description: 'never', body: z.object({}) } } }, () => {
          throw Object.assign(new Error('The loyalty partner API is rate limited.'), { code: 'RATE_LIMITED' });
        }),
      ],
    });
    const res = await request(app).get('/v1/upstream').set(bearer(await testToken()));
    expectProblem(res, 429, 'RATE_LIMITED');
    expect(res.headers['retry-after']).toBe('1');
  });
});
