import request from 'supertest';
import { as, bearer, expectProblem, newGuest, paths, profileTestApp, type ProfileTestApp } from './profile-app.test-helper';

describe('guest routes: identities, preferences, consents', () => {
  let t: ProfileTestApp;
  beforeEach(async () => {
    t = await profileTestApp();
    // g1: hotels guest; g2: outlet (private) guest
    await request(t.app).post('/v1/guests').set(await as.hotelsAgent()).send(newGuest('Ana', { identities: [{ type: 'email', value: 'ana@example.com' }] }));
    await request(t.app).post('/v1/guests').set(await as.outletAgent()).send(newGuest('Olga', { identities: [{ type: 'email', value: 'olga@example.com' }] }));
  });
  afterEach(() => expect(t.logged).toEqual([]));

  describe('POST /v1/guests/:guestId/identities', () => {
    const add = async (body: unknown, auth?: Record<string, string>, guestId = 'g1') =>
      request(t.app).post(`/v1/guests/${guestId}/identities`).set(auth ?? (await as.hotelsAgent())).send(body as object);

    it('adds a normalised identifier; the guest is then found by it', async () => {
      const res = await add({ type: 'phone', value: '+351 912 345 678' });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body.identities).toEqual([{ type: 'email', value: 'ana@example.com' }, { type: 'phone', value: '+351912345678' }]);
      const found = await request(t.app).get('/v1/guests').query({ identifier: 'phone:+351912345678' }).set(await as.bistroAgent());
      expect(found.body.items.map((g: { guestId: string }) => g.guestId)).toEqual(['g1']);
    });

    it('400 with field errors for invalid identifiers', async () => {
      expect(paths(expectProblem(await add({ type: 'email', value: 'ana@' }), 400, 'INVALID_IDENTIFIER'))).toEqual(['body.value']);
      expect(paths(expectProblem(await add({ type: 'card', value: '4111111111111111' }), 400, 'INVALID_IDENTIFIER'))).toEqual(['body.value']);
      expect(paths(expectProblem(await add({ type: 'email' }), 400, 'VALIDATION_FAILED'))).toEqual(['body.value']);
    });

    it('409 IDENTITY_TAKEN naming the identifier, without the holder the caller may not see', async () => {
      const hidden = expectProblem(await add({ type: 'email', value: 'OLGA@example.com' }), 409, 'IDENTITY_TAKEN');
      expect(hidden.conflicts).toEqual([{ identifier: { type: 'email', value: 'olga@example.com' } }]);
      expect(hidden.detail).toContain('email:olga@example.com');
      expect(JSON.stringify(hidden)).not.toMatch(/"g2"|\(g2\)/);
      await request(t.app).post('/v1/guests').set(await as.hotelsAgent()).send(newGuest('Bea', { identities: [{ type: 'member', value: 'M-1' }] }));
      const visible = expectProblem(await add({ type: 'member', value: 'm-1' }), 409, 'IDENTITY_TAKEN');
      expect(visible.conflicts).toEqual([{ identifier: { type: 'member', value: 'M-1' }, guestId: 'g3' }]);
    });

    it('If-Match is optional but honoured (412)', async () => {
      const res = await request(t.app).post('/v1/guests/g1/identities').set(await as.hotelsAgent()).set('If-Match', '"5"').send({ type: 'member', value: 'M-2' });
      expectProblem(res, 412, 'WRONG_EXPECTED_VERSION');
      // the claim taken before the version check was given back
      expect((await request(t.app).post('/v1/guests/g1/identities').set(await as.hotelsAgent()).set('If-Match', '"0"').send({ type: 'member', value: 'M-2' })).status).toBe(200);
    });

    it('404 for a guest of a private brand; 410 for an erased guest', async () => {
      expectProblem(await add({ type: 'member', value: 'M-3' }, undefined, 'g2'), 404, 'GUEST_NOT_FOUND');
      await request(t.app).post('/v1/guests/g1/erase').set(await as.admin()).send({ reason: 'request' });
      expectProblem(await add({ type: 'member', value: 'M-3' }), 410, 'GUEST_ERASED');
    });
  });

  describe('DELETE /v1/guests/:guestId/identities/:type/:value', () => {
    it('removes an identifier (value URL-encoded), which then resolves to nobody and is free again', async () => {
      const auth = await as.hotelsAgent();
      await request(t.app).post('/v1/guests/g1/identities').set(auth).send({ type: 'phone', value: '+351912345678' });
      const res = await request(t.app).delete('/v1/guests/g1/identities/phone/%2B351912345678').set(auth);
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"2"');
      expect(res.body.identities).toEqual([{ type: 'email', value: 'ana@example.com' }]);
      expect((await request(t.app).get('/v1/guests').query({ identifier: 'phone:+351912345678' }).set(auth)).body).toEqual({ items: [] });
      expect((await request(t.app).post('/v1/guests').set(auth).send(newGuest('Bea', { identities: [{ type: 'phone', value: '+351912345678' }] }))).status).toBe(201);
    });

    it('external identifiers are addressed as <system>:<id>', async () => {
      const auth = await as.hotelsAgent();
      await request(t.app).post('/v1/guests/g1/identities').set(auth).send({ type: 'external', system: 'opera-pms', value: 'P/7' });
      const res = await request(t.app).delete('/v1/guests/g1/identities/external/opera-pms:P%2F7').set(auth);
      expect(res.status).toBe(200);
      expect(res.body.identities).toEqual([{ type: 'email', value: 'ana@example.com' }]);
      expect(paths(expectProblem(await request(t.app).delete('/v1/guests/g1/identities/external/P-7').set(auth), 400, 'INVALID_IDENTIFIER'))).toEqual(['path.value']);
    });

    it('400 for bad types or values, 412 on a stale If-Match, 404 for invisible guests', async () => {
      const auth = await as.hotelsAgent();
      expect(paths(expectProblem(await request(t.app).delete('/v1/guests/g1/identities/fax/123').set(auth), 400, 'VALIDATION_FAILED'))).toEqual(['path.type']);
      expect(paths(expectProblem(await request(t.app).delete('/v1/guests/g1/identities/email/nope').set(auth), 400, 'INVALID_IDENTIFIER'))).toEqual(['path.value']);
      expectProblem(await request(t.app).delete('/v1/guests/g1/identities/email/ana%40example.com').set(auth).set('If-Match', '"3"'), 412, 'WRONG_EXPECTED_VERSION');
      expectProblem(await request(t.app).delete('/v1/guests/g2/identities/email/olga%40example.com').set(auth), 404, 'GUEST_NOT_FOUND');
    });
  });

  describe('PUT /v1/guests/:guestId/preferences/:key', () => {
    it('a shared preference is seen by every brand of the shared view', async () => {
      const res = await request(t.app).put('/v1/guests/g1/preferences/pillow').set(await as.hotelsAgent()).set('X-Channel', 'front-desk').send({ value: 'feather-free' });
      expect(res.status).toBe(200);
      expect(res.body.preferences).toEqual([{ key: 'pillow', value: 'feather-free', kind: 'preference', scope: 'shared', source: 'front-desk' }]);
      const seen = await request(t.app).get('/v1/guests/g1').set(await as.bistroAgent());
      expect(seen.body.preferences.map((p: { key: string }) => p.key)).toEqual(['pillow']);
    });

    it('a brand-private preference is hidden from the other brands', async () => {
      const res = await request(t.app).put('/v1/guests/g1/preferences/table').set(await as.bistroAgent()).send({ value: 'window', kind: 'special-request', scope: 'brand', source: 'host' });
      expect(res.status).toBe(200);
      expect(res.body.preferences).toEqual([{ key: 'table', value: 'window', kind: 'special-request', scope: 'brand', brandId: 'bistro', source: 'host' }]);
      const hotels = await request(t.app).get('/v1/guests/g1').set(await as.hotelsAgent());
      expect(hotels.body.preferences).toEqual([]);
      expect(JSON.stringify(hotels.body)).not.toContain('window');
      const chain = await request(t.app).get('/v1/guests/g1').set(await as.steward());
      expect(chain.body.preferences).toHaveLength(1);
    });

    it('brandId must be one of the caller’s brands (403); a shared preference takes no brand (422)', async () => {
      expectProblem(await request(t.app).put('/v1/guests/g1/preferences/table').set(await as.hotelsAgent()).send({ value: 'window', scope: 'brand', brandId: 'bistro' }), 403, 'BRAND_NOT_ALLOWED');
      expectProblem(await request(t.app).put('/v1/guests/g1/preferences/table').set(await as.hotelsAgent()).send({ value: 'window', scope: 'shared', brandId: 'hotels' }), 422, 'INVALID_PREFERENCE');
      // a chain-wide caller without a brand must name one
      expectProblem(await request(t.app).put('/v1/guests/g1/preferences/table').set(await as.steward()).send({ value: 'window', scope: 'brand' }), 422, 'INVALID_PREFERENCE');
    });

    it('400 for bad input, 404 for invisible guests, 412 on a stale If-Match', async () => {
      const auth = await as.hotelsAgent();
      expect(paths(expectProblem(await request(t.app).put('/v1/guests/g1/preferences/pillow').set(auth).send({ value: '', scope: 'everyone' }), 400, 'VALIDATION_FAILED'))).toEqual(['body.scope', 'body.value']);
      expect(paths(expectProblem(await request(t.app).put('/v1/guests/g1/preferences/bad%20key').set(auth).send({ value: 'x' }), 400, 'VALIDATION_FAILED'))).toEqual(['path.key']);
      expectProblem(await request(t.app).put('/v1/guests/g2/preferences/pillow').set(auth).send({ value: 'x' }), 404, 'GUEST_NOT_FOUND');
      expectProblem(await request(t.app).put('/v1/guests/g1/preferences/pillow').set(auth).set('If-Match', '"9"').send({ value: 'x' }), 412, 'WRONG_EXPECTED_VERSION');
    });
  });

  describe('DELETE /v1/guests/:guestId/preferences/:key', () => {
    it('removes a shared or a brand preference', async () => {
      const bistro = await as.bistroAgent();
      await request(t.app).put('/v1/guests/g1/preferences/pillow').set(bistro).send({ value: 'feather-free' });
      await request(t.app).put('/v1/guests/g1/preferences/table').set(bistro).send({ value: 'window', scope: 'brand' });
      const shared = await request(t.app).delete('/v1/guests/g1/preferences/pillow').set(bistro);
      expect(shared.status).toBe(200);
      expect(shared.body.preferences.map((p: { key: string }) => p.key)).toEqual(['table']);
      const own = await request(t.app).delete('/v1/guests/g1/preferences/table').query({ scope: 'brand' }).set(bistro);
      expect(own.body.preferences).toEqual([]);
      expect(own.headers.etag).toBe('"4"');
    });

    it('403 for another brand’s preference, 400 for a bad scope, 404 for invisible guests', async () => {
      const hotels = await as.hotelsAgent();
      expectProblem(await request(t.app).delete('/v1/guests/g1/preferences/table').query({ scope: 'brand', brandId: 'bistro' }).set(hotels), 403, 'BRAND_NOT_ALLOWED');
      expect(paths(expectProblem(await request(t.app).delete('/v1/guests/g1/preferences/table').query({ scope: 'all' }).set(hotels), 400, 'VALIDATION_FAILED'))).toEqual(['query.scope']);
      expectProblem(await request(t.app).delete('/v1/guests/g2/preferences/table').set(hotels), 404, 'GUEST_NOT_FOUND');
    });
  });

  describe('POST /v1/guests/:guestId/consents', () => {
    it('records a consent change for the caller’s brand, with history in the export', async () => {
      const hotels = await as.hotelsAgent();
      const granted = await request(t.app).post('/v1/guests/g1/consents').set(hotels).send({ purpose: 'marketing', channel: 'email', granted: true, source: 'web-form' });
      expect(granted.status).toBe(200);
      expect(granted.body.consents).toEqual([{ brandId: 'hotels', purpose: 'marketing', channel: 'email', granted: true }]);
      await request(t.app).post('/v1/guests/g1/consents').set(hotels).send({ brandId: 'hotels', purpose: 'marketing', channel: 'email', granted: false, source: 'call-centre' });
      const exported = await request(t.app).get('/v1/guests/g1/export').set(await as.admin());
      expect(exported.body.consents.current).toEqual([{ brandId: 'hotels', purpose: 'marketing', channel: 'email', granted: false }]);
      expect(exported.body.consents.history.map((h: { data: { granted: boolean; source: string } }) => [h.data.granted, h.data.source])).toEqual([[true, 'web-form'], [false, 'call-centre']]);
    });

    it('403 for a brand outside the token, 400 for bad input or a missing brand', async () => {
      const hotels = await as.hotelsAgent();
      expectProblem(await request(t.app).post('/v1/guests/g1/consents').set(hotels).send({ brandId: 'outlet', purpose: 'marketing', channel: 'email', granted: true, source: 'x' }), 403, 'BRAND_NOT_ALLOWED');
      expect(paths(expectProblem(await request(t.app).post('/v1/guests/g1/consents').set(hotels).send({ purpose: 'spam', channel: 'pigeon', granted: 'yes' }), 400, 'VALIDATION_FAILED'))).toEqual([
        'body.channel',
        'body.granted',
        'body.purpose',
        'body.source',
      ]);
      expect(paths(expectProblem(await request(t.app).post('/v1/guests/g1/consents').set(await as.steward()).send({ purpose: 'marketing', channel: 'email', granted: true, source: 'x' }), 400, 'VALIDATION_FAILED'))).toEqual(['body.brandId']);
    });

    it('consents of brands outside the caller’s view are not shown', async () => {
      await request(t.app).post('/v1/guests/g1/consents').set(await bearer({ roles: ['agent'], brands: ['hotels', 'outlet'] })).set('X-Brand-Id', 'hotels').send({ brandId: 'outlet', purpose: 'profiling', channel: 'sms', granted: true, source: 'pos' });
      const hotels = await request(t.app).get('/v1/guests/g1').set(await as.hotelsAgent());
      expect(hotels.body.consents).toEqual([]);
      const outlet = await request(t.app).get('/v1/guests/g1').set(await as.outletAgent());
      expect(outlet.status).toBe(404); // the guest has no relationship with outlet: only hotels recorded changes
    });
  });
});
