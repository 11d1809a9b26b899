/**
 * The API journey against the real PostgreSQL (event store + key table + crypto-shredding): register,
 * recognise by phone, change with If-Match, erase — after which no personal value can be found by a
 * text search over the service's tables, the stream still replays, and the export shows nulls.
 */
import { CryptoShreddingEventStore, MasterKey, PostgresEventStore, PostgresSubjectKeyStore } from '@hearth/event-store';
import { dropSchema, schemaTextSearch, testDatabaseUrl, uniqueName } from '@hearth/testing';
import type { Express } from 'express';
import pg from 'pg';
import request from 'supertest';
import { createProfileContext, type Caller } from '../../app/profile-context';
import { configureTenant } from '../../app/tenant-use-cases';
import { GUEST_PERSONAL_DATA } from '../../domain/guest.events';
import { createProfileHttpApp } from './create-profile-app';
import { as, TEST_SECRET } from './profile-app.test-helper';

describe('customer-profile API on PostgreSQL', () => {
  let pool: pg.Pool;
  let schema: string;
  let events: PostgresEventStore;
  let app: Express;
  const logged: unknown[] = [];

  beforeEach(async () => {
    schema = uniqueName('cp_http');
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
    events = await PostgresEventStore.connect({ pool, schema });
    const keys = await PostgresSubjectKeyStore.connect({ pool, schema, masterKey: MasterKey.generate('int') });
    const store = new CryptoShreddingEventStore(events, { keys, personalData: GUEST_PERSONAL_DATA });
    const ctx = createProfileContext({ store, destroyGuestKey: (guestId) => store.erase(guestId), identityPepper: 'int-test-pepper' });
    const setup: Caller = { tenantId: 't1', actor: 'user:setup', correlationId: 'setup' };
    await configureTenant(ctx, setup, { type: 'AddBrand', brand: { brandId: 'hotels', name: 'Hearth Hotels', sharing: 'shared' } });
    await configureTenant(ctx, setup, { type: 'DefineAttribute', attribute: { key: 'roomType', type: 'string', description: 'Preferred room' } });
    app = createProfileHttpApp({
      ctx,
      auth: { mode: 'hs256', secret: TEST_SECRET },
      readiness: { postgres: () => pool.query('SELECT 1') },
      logger: { error: (fields) => void logged.push(fields), warn: () => undefined },
    });
  });

  afterEach(async () => {
    await events.close();
    await dropSchema(pool, schema);
    await pool.end();
    expect(logged).toEqual([]);
  });

  /** Tables of the test's schema whose rows contain `needle` in their text form. */
  const textSearch = (needle: string) => schemaTextSearch(pool, schema, needle);

  it('create → find by phone → change with If-Match → erase: nothing personal left, the export shows nulls', async () => {
    expect((await request(app).get('/readyz')).body).toEqual({ status: 'ready', checks: { postgres: 'up' } });
    const desk = await as.hotelsAgent();
    const created = await request(app)
      .post('/v1/guests')
      .set(desk)
      .send({
        name: { given: 'Zoë', family: 'Quintanilha' },
        dateOfBirth: '1987-03-14',
        attributes: { roomType: 'Quintanilha-suite' },
        identities: [
          { type: 'email', value: 'Zoe.Quintanilha@Example.org' },
          { type: 'phone', value: '+351 919 876 543' },
        ],
      });
    expect(created.status).toBe(201);
    const guestId = created.body.guestId as string;
    expect(created.headers.location).toBe(`/v1/guests/${guestId}`);

    const found = await request(app).get('/v1/guests').query({ identifier: 'phone:+351919876543' }).set(desk);
    expect(found.body.items.map((g: { guestId: string }) => g.guestId)).toEqual([guestId]);
    expect(found.body.items[0].profile.name).toEqual({ given: 'Zoë', family: 'Quintanilha' });

    const stale = await request(app).patch(`/v1/guests/${guestId}`).set(desk).set('If-Match', '"5"').send({ name: { given: 'Zoë', family: 'Quintanilha-Reis' } });
    expect(stale.status).toBe(412);
    const patched = await request(app).patch(`/v1/guests/${guestId}`).set(desk).set('If-Match', created.headers.etag as string).send({ name: { given: 'Zoë', family: 'Quintanilha-Reis' }, language: 'pt-PT' });
    expect(patched.status).toBe(200);
    expect(patched.headers.etag).toBe('"1"');

    const personal = ['Zoë', 'Quintanilha', 'zoe.quintanilha@example.org', '+351919876543', '919876543', '1987-03-14'];
    // encrypted at rest from the start
    for (const value of personal) expect(await textSearch(value)).toEqual([]);

    const erased = await request(app).post(`/v1/guests/${guestId}/erase`).set(await as.admin()).send({ reason: 'guest request #7' });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ guestId, version: 2 });
    expect((await request(app).get(`/v1/guests/${guestId}`).set(desk)).status).toBe(410);
    expect((await request(app).get('/v1/guests').query({ identifier: 'phone:+351919876543' }).set(desk)).body).toEqual({ items: [] });
    for (const value of personal) expect(await textSearch(value)).toEqual([]);

    const exported = await request(app).get(`/v1/guests/${guestId}/export`).set(await as.admin());
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({ guestId, status: 'erased', profile: null, identities: [], preferences: [] });
    expect(exported.body.audit.map((a: { type: string }) => a.type)).toEqual(['GuestRegistered', 'ProfileUpdated', 'GuestErased']);
    expect(exported.body.audit[0].data).toEqual({
      guestId,
      profile: { name: null, dateOfBirth: null, attributes: null, customerType: 'individual', lifecycleStage: 'prospect' },
      identities: [{ type: 'email', value: null }, { type: 'phone', value: null }],
      provisional: false,
    });
    expect(exported.body.audit[1].data).toEqual({ changes: { name: null, language: 'pt-PT' } });
    expect(JSON.stringify(exported.body)).not.toMatch(/Zoë|Quintanilha|919876543|1987-03-14/);
  });
});
