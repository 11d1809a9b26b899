/** @jest-environment ./libs/http/src/testing/native-jose.environment.ts */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { z } from 'zod';
import { createApp } from '../create-app';
import { route } from '../route';
import { recordingLogger, TEST_SECRET, testToken } from '../testing/fixtures';
import type { IdempotencyStore } from './idempotency-store';
import { MemoryIdempotencyStore } from './memory-idempotency-store';
import { PostgresIdempotencyStore } from './postgres-idempotency-store';

jest.mock('jose', () => (globalThis as { __hearthNativeJose?: unknown }).__hearthNativeJose);

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A create route whose side effects are counted, with hooks to hold or fail a request. */
function ticketsApp(store: IdempotencyStore) {
  const created: string[] = [];
  let gate: Promise<void> | undefined;
  let onEntered: (() => void) | undefined;
  let failNext: 'crash' | 'conflict' | undefined;
  const logger = recordingLogger();
  const app = createApp({
    serviceName: 'idempotency-test',
    auth: { mode: 'hs256', secret: TEST_SECRET },
    openapi: { title: 't', version: '1' },
    idempotencyStore: store,
    logger,
    errorMappings: { GUEST_BLOCKED: 422 },
    routes: [
      route(
        {
          method: 'post',
          path: '/v1/tickets',
          idempotency: 'optional',
          body: z.object({ subject: z.string() }),
          responses: { 201: { description: 'Opened', body: z.object({ id: z.string(), subject: z.string() }) } },
        },
        async ({ body }) => {
          onEntered?.();
          if (gate) await gate;
          if (failNext === 'crash') {
            failNext = undefined;
            throw new Error('database connection lost');
          }
          if (failNext === 'conflict') {
            failNext = undefined;
            throw Object.assign(new Error('The guest is blocked.'), { code: 'GUEST_BLOCKED' });
          }
          const id = `t-${created.length + 1}`;
          created.push(id);
          return { status: 201, body: { id, subject: body.subject }, version: 0, location: `/v1/tickets/${id}`, headers: { 'X-Ticket-Shard': '3' } };
        },
      ),
      route(
        { method: 'post', path: '/v1/guests/:guestId/notes', idempotency: 'required', params: z.object({ guestId: z.string() }), body: z.object({ text: z.string() }), responses: { 204: { description: 'Added' } } },
        () => {
          created.push('note');
          return { status: 204 };
        },
      ),
    ],
  });
  return {
    app,
    logger,
    created,
    /** Holds handlers at their start; `entered` resolves when one is there (it has claimed its key by then). */
    hold: () => {
      let release!: () => void;
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const entered = new Promise<void>((resolve) => {
        onEntered = resolve;
      });
      return {
        entered,
        release: () => {
          gate = undefined;
          onEntered = undefined;
          release();
        },
      };
    },
    failNextWith: (kind: 'crash' | 'conflict') => {
      failNext = kind;
    },
  };
}

function describeIdempotentCreates(name: string, makeStore: () => Promise<{ store: IdempotencyStore; cleanup: () => Promise<void> }>) {
  describe(`Idempotency-Key on creates (${name} store)`, () => {
    let store: IdempotencyStore;
    let cleanup: () => Promise<void>;
    let token: string;
    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
      token = await testToken({ tenant: `tenant-${randomUUID()}` });
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it('replays the first response for a repeat with the same key and body, without creating twice', async () => {
      const { app, created } = ticketsApp(store);
      const key = randomUUID();
      const first = await request(app).post('/v1/tickets').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key).send({ subject: 'Noisy room' });
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      // Key order and whitespace do not make it another request.
      const repeat = await request(app).post('/v1/tickets').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key).set('Content-Type', 'application/json').send('{ "subject" : "Noisy room" }');
      expect(repeat.status).toBe(201);
      expect(repeat.text).toBe(first.text);
      expect(repeat.headers).toMatchObject({ etag: '"0"', location: first.headers.location, 'x-ticket-shard': '3', 'idempotent-replayed': 'true', 'content-type': 'application/json; charset=utf-8' });
      expect(repeat.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
      expect(created).toEqual(['t-1']);
    });

    it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body', async () => {
      const { app, created } = ticketsApp(store);
      const key = randomUUID();
      await request(app).post('/v1/tickets').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key).send({ subject: 'Noisy room' });
      const reused = await request(app).post('/v1/tickets').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key).send({ subject: 'Broken shower' });
      expect(reused.status).toBe(422);
      expect(reused.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(created).toEqual(['t-1']);
    });

    it('answers 409 while the first request with the key is still in flight, then replays', async () => {
      const { app, created, hold } = ticketsApp(store);
      const key = randomUUID();
      const { entered, release } = hold();
      const firstDone = request(app).post('/v1/tickets').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key).send({ subject: 'Late checkout' }).then((res) => res);
      await entered;
      const concurrent = await request(app).post('/v1/tickets').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key).send({ subject: 'Late checkout' });
      expect(concurrent.status).toBe(409);
      expect(concurrent.body.code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
      expect(concurrent.headers['retry-after']).toBe('1');
      release();
      expect((await firstDone).status).toBe(201);
      const after = await request(app).post('/v1/tickets').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key).send({ subject: 'Late checkout' });
      expect(after.headers['idempotent-replayed']).toBe('true');
      expect(created).toEqual(['t-1']);
    });

    it('keeps keys apart per tenant', async () => {
      const { app, created } = ticketsApp(store);
      const key = randomUUID();
      const other = await testToken({ tenant: `tenant-${randomUUID()}` });
      await request(app).post('/v1/tickets').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key).send({ subject: 's' });
      const res = await request(app).post('/v1/tickets').set('Authorization', `Bearer ${other}`).set('Idempotency-Key', key).send({ subject: 's' });
      expect(res.status).toBe(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expect(created).toEqual(['t-1', 't-2']);
    });

    it('replays a business rejection, but lets a retry run again after a server failure', async () => {
      const { app, created, failNextWith, logger } = ticketsApp(store);
      const rejectedKey = randomUUID();
      failNextWith('conflict');
      const rejected = await request(app).post('/v1/tickets').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', rejectedKey).send({ subject: 's' });
      expect(rejected.status).toBe(422);
      const replayedRejection = await request(app).post('/v1/tickets').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', rejectedKey).send({ subject: 's' });
      expect(replayedRejection.status).toBe(422);
      expect(replayedRejection.headers['idempotent-replayed']).toBe('true');
      expect(replayedRejection.headers['content-type']).toBe('application/problem+json; charset=utf-8');

      const crashedKey = randomUUID();
      failNextWith('crash');
      const crashed = await request(app).post('/v1/tickets').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', crashedKey).send({ subject: 's' });
      expect(crashed.status).toBe(500);
      expect(crashed.text).not.toContain('database connection lost');
      expect(logger.entries.some((e) => e.level === 'error')).toBe(true);
      const retried = await request(app).post('/v1/tickets').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', crashedKey).send({ subject: 's' });
      expect(retried.status).toBe(201);
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
      expect(created).toEqual(['t-1']);
    });

    it('treats a key reused on another resource of the same route as another request', async () => {
      const { app } = ticketsApp(store);
      const key = randomUUID();
      expect((await request(app).post('/v1/guests/g-1/notes').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key).send({ text: 'hi' })).status).toBe(204);
      const replay = await request(app).post('/v1/guests/g-1/notes').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key).send({ text: 'hi' });
      expect(replay.status).toBe(204);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      const elsewhere = await request(app).post('/v1/guests/g-2/notes').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', key).send({ text: 'hi' });
      expect(elsewhere.status).toBe(422);
    });
  });
}

describeIdempotentCreates('memory', async () => ({ store: new MemoryIdempotencyStore(), cleanup: async () => undefined }));

describeIdempotentCreates('postgres', async () => {
  const schema = `http_idem_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  const store = await PostgresIdempotencyStore.connect({ pool, schema });
  return {
    store,
    cleanup: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
});

describe('Idempotency-Key validation', () => {
  it('is optional where declared so, required where declared so, and must be well-formed', async () => {
    const { app, created } = ticketsApp(new MemoryIdempotencyStore());
    const token = await testToken();
    expect((await request(app).post('/v1/tickets').set('Authorization', `Bearer ${token}`).send({ subject: 's' })).status).toBe(201);
    expect((await request(app).post('/v1/tickets').set('Authorization', `Bearer ${token}`).send({ subject: 's' })).status).toBe(201);
    expect(created).toEqual(['t-1', 't-2']);
    const missing = await request(app).post('/v1/guests/g-1/notes').set('Authorization', `Bearer ${token}`).send({ text: 'hi' });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    const tooLong = await request(app).post('/v1/tickets').set('Authorization', `Bearer ${token}`).set('Idempotency-Key', 'k'.repeat(256)).send({ subject: 's' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.code).toBe('INVALID_IDEMPOTENCY_KEY');
  });
});
