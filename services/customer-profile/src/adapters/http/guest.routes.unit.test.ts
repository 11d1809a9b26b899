import request from 'supertest';
import { as, bearer, expectProblem, newGuest, paths, profileTestApp, type ProfileTestApp } from './profile-app.test-helper';
import type { GuestSearch } from './guest-search';

describe('guest routes: register, get, find, change', () => {
  let t: ProfileTestApp;
  beforeEach(async () => {
    t = await profileTestApp();
  });
  afterEach(() => expect(t.logged).toEqual([]));

  const register = async (body: Record<string, unknown>, auth?: Record<string, string>) =>
    request(t.app).post('/v1/guests').set(auth ?? (await as.hotelsAgent())).send(body);

  describe('POST /v1/guests', () => {
    it('registers a guest with normalised identifiers: 201, Location, ETag, the guest as the caller sees it', async () => {
      const res = await register(
        newGuest('Ana', {
          dateOfBirth: '1990-05-01',
          language: 'pt-pt',
          attributes: { vip: true, roomType: 'suite' },
          identities: [
            { type: 'email', value: ' Ana@Example.COM ' },
            { type: 'phone', value: '+351 912 345 678' },
            { type: 'external', system: 'Opera-PMS', value: 'P-7' },
          ],
        }),
      );
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe('/v1/guests/g1');
      expect(res.headers.etag).toBe('"0"');
      expect(res.body).toMatchObject({
        guestId: 'g1',
        version: 0,
        status: 'active',
        profile: { name: { given: 'Ana', family: 'Lopes' }, dateOfBirth: '1990-05-01', language: 'pt-PT', customerType: 'individual', lifecycleStage: 'prospect', attributes: { vip: true, roomType: 'suite' } },
        identities: [
          { type: 'email', value: 'ana@example.com' },
          { type: 'phone', value: '+351912345678' },
          { type: 'external', system: 'opera-pms', value: 'P-7' },
        ],
        brands: ['hotels'],
      });
      const stored = await t.ctx.store.readStream('guest-g1');
      expect(stored[0]!.metadata).toMatchObject({ tenantId: 't1', actor: 'user:desk-1', brandId: 'hotels', channel: 'api', guestId: 'g1' });
    });

    it('answers 400 with a field error per invalid identifier, date and attribute', async () => {
      const res = await register(
        newGuest('Ana', {
          dateOfBirth: '1990-02-30',
          attributes: { vip: 'yes', unknownThing: 1 },
          identities: [
            { type: 'email', value: 'ana@example.com' },
            { type: 'phone', value: '12' },
            { type: 'email', value: 'not-an-email' },
          ],
        }),
      );
      const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(paths(problem)).toEqual(['body.dateOfBirth']);

      const semantic = await register(newGuest('Ana', { attributes: { vip: 'yes', unknownThing: 1 }, identities: [{ type: 'email', value: 'ana@example.com' }, { type: 'phone', value: '12' }, { type: 'email', value: 'not-an-email' }] }));
      const p2 = expectProblem(semantic, 400, 'VALIDATION_FAILED');
      expect(paths(p2)).toEqual(['body.attributes.unknownThing', 'body.attributes.vip', 'body.identities.1.value', 'body.identities.2.value']);
      expect(p2.errors!.find((e) => e.path === 'body.identities.2.value')!.code).toBe('INVALID_IDENTIFIER');

      const identifierOnly = await register(newGuest('Ana', { identities: [{ type: 'external', value: 'P-7' }] }));
      expect(paths(expectProblem(identifierOnly, 400, 'INVALID_IDENTIFIER'))).toEqual(['body.identities.0.system']);
      expect(await t.ctx.store.readStream('guest-g1').catch(() => 'none')).toBe('none');
    });

    it('rejects unknown fields, bad enums and bad language tags with field paths', async () => {
      const res = await register({ ...newGuest('Ana'), email: 'ana@example.com', customerType: 'company', language: 'not a tag', identities: [{ type: 'fax', value: '1' }] });
      expect(paths(expectProblem(res, 400, 'VALIDATION_FAILED'))).toEqual(['body.customerType', 'body.email', 'body.identities.0.type', 'body.language']);
    });

    it('409 IDENTITY_TAKEN names the identifier; the holder only when the caller may see it', async () => {
      await register(newGuest('Olga', { identities: [{ type: 'email', value: 'olga@example.com' }] }), await as.outletAgent());
      await register(newGuest('Ana', { identities: [{ type: 'email', value: 'ana@example.com' }] }));

      const visible = expectProblem(await register(newGuest('Bea', { identities: [{ type: 'phone', value: '+351911111111' }, { type: 'email', value: 'ANA@example.com' }] })), 409, 'IDENTITY_TAKEN');
      expect(visible.conflicts).toEqual([{ identifier: { type: 'email', value: 'ana@example.com' }, guestId: 'g2' }]);
      expect(paths(visible)).toEqual(['body.identities.1.value']);

      const hidden = expectProblem(await register(newGuest('Olga', { identities: [{ type: 'email', value: 'olga@example.com' }] })), 409, 'IDENTITY_TAKEN');
      expect(hidden.conflicts).toEqual([{ identifier: { type: 'email', value: 'olga@example.com' } }]);
      expect(JSON.stringify(hidden)).not.toContain('g1');
      // the phone claimed before the conflict is free again
      expect((await register(newGuest('Bea', { identities: [{ type: 'phone', value: '+351911111111' }] }))).status).toBe(201);
    });

    it('honours Idempotency-Key: the repeat replays the first answer and registers nobody new', async () => {
      const auth = await as.hotelsAgent();
      const first = await request(t.app).post('/v1/guests').set(auth).set('Idempotency-Key', 'k-1').send(newGuest('Ana'));
      const again = await request(t.app).post('/v1/guests').set(auth).set('Idempotency-Key', 'k-1').send(newGuest('Ana'));
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.guestId).toBe(first.body.guestId);
      expect((await t.inner.readAll({ limit: 100 })).filter((e) => e.type === 'GuestRegistered')).toHaveLength(1);
    });

    it('needs X-Brand-Id from a token with several brands, and only one of them', async () => {
      const several = await request(t.app)
        .post('/v1/guests')
        .set(await bearer({ roles: ['agent'], brands: ['hotels', 'bistro'] }))
        .send(newGuest('Ana'));
      expect(paths(expectProblem(several, 400, 'BRAND_REQUIRED'))).toEqual(['header.x-brand-id']);
      const notMine = await request(t.app).post('/v1/guests').set(await bearer({ roles: ['agent'], brands: ['hotels', 'bistro'] })).set('X-Brand-Id', 'outlet').send(newGuest('Ana'));
      expectProblem(notMine, 403, 'BRAND_NOT_ALLOWED');
      const unknown = await request(t.app).post('/v1/guests').set(await as.admin()).set('X-Brand-Id', 'hotelz').send(newGuest('Ana'));
      expect(paths(expectProblem(unknown, 400, 'VALIDATION_FAILED'))).toEqual(['header.x-brand-id']);
      const chosen = await request(t.app).post('/v1/guests').set(await bearer({ roles: ['agent'], brands: ['hotels', 'bistro'] })).set('X-Brand-Id', 'bistro').set('X-Channel', 'front-desk').send(newGuest('Ana'));
      expect(chosen.status).toBe(201);
      expect(chosen.body.brands).toEqual(['bistro']);
      expect((await t.ctx.store.readStream(`guest-${chosen.body.guestId}`))[0]!.metadata).toMatchObject({ brandId: 'bistro', channel: 'front-desk' });
    });
  });

  describe('GET /v1/guests/:guestId', () => {
    it('returns the guest with its ETag', async () => {
      await register(newGuest('Ana'));
      const res = await request(t.app).get('/v1/guests/g1').set(await as.bistroAgent());
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"0"');
      expect(res.body).toMatchObject({ guestId: 'g1', profile: { name: { given: 'Ana' } } });
    });

    it('404 for unknown ids, 400 for malformed ones', async () => {
      expectProblem(await request(t.app).get('/v1/guests/nobody').set(await as.hotelsAgent()), 404, 'GUEST_NOT_FOUND');
      expect(paths(expectProblem(await request(t.app).get('/v1/guests/bad%20id').set(await as.hotelsAgent()), 400, 'VALIDATION_FAILED'))).toEqual(['path.guestId']);
    });

    it('guests of a private brand are invisible (404) to the shared brands, and vice versa', async () => {
      await register(newGuest('Olga'), await as.outletAgent());
      await register(newGuest('Ana'));
      expectProblem(await request(t.app).get('/v1/guests/g1').set(await as.hotelsAgent()), 404, 'GUEST_NOT_FOUND');
      expectProblem(await request(t.app).get('/v1/guests/g2').set(await as.outletAgent()), 404, 'GUEST_NOT_FOUND');
      expect((await request(t.app).get('/v1/guests/g1').set(await as.outletAgent())).status).toBe(200);
      expect((await request(t.app).get('/v1/guests/g1').set(await as.steward())).status).toBe(200);
    });

    it('a merged guest answers 301 with a problem pointing to the survivor', async () => {
      await register(newGuest('Ana'));
      await register(newGuest('Ana Maria'));
      expect((await request(t.app).post('/v1/guests/g1/merge').set(await as.steward()).send({ mergedId: 'g2' })).status).toBe(200);
      const res = await request(t.app).get('/v1/guests/g2').set(await as.hotelsAgent()).redirects(0);
      expect(res.status).toBe(301);
      expect(res.headers.location).toBe('/v1/guests/g1');
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(JSON.parse(res.text)).toMatchObject({ status: 301, code: 'GUEST_MERGED', survivorId: 'g1' });
    });

    it('an erased guest answers 410', async () => {
      await register(newGuest('Ana'));
      await request(t.app).post('/v1/guests/g1/erase').set(await as.admin()).send({ reason: 'guest request' });
      expectProblem(await request(t.app).get('/v1/guests/g1').set(await as.hotelsAgent()), 410, 'GUEST_ERASED');
    });
  });

  describe('GET /v1/guests?identifier=', () => {
    it('finds the guest by any identifier type in one call (caller recognition by phone)', async () => {
      await register(newGuest('Ana', { identities: [{ type: 'phone', value: '+351912345678' }, { type: 'member', value: 'm-100' }, { type: 'external', system: 'opera-pms', value: 'P-7' }] }));
      const auth = await as.bistroAgent();
      for (const identifier of ['phone:%2B351912345678', 'phone:+351912345678', 'member:M-100', 'external:opera-pms:P-7']) {
        const res = await request(t.app).get(`/v1/guests?identifier=${identifier}`).set(auth);
        expect(res.status).toBe(200);
        expect(res.body.items.map((g: { guestId: string }) => g.guestId)).toEqual(['g1']);
      }
      const none = await request(t.app).get('/v1/guests').query({ identifier: 'email:nobody@example.com' }).set(auth);
      expect(none.body).toEqual({ items: [] });
    });

    it('does not reveal guests the caller may not see', async () => {
      await register(newGuest('Olga', { identities: [{ type: 'email', value: 'olga@example.com' }] }), await as.outletAgent());
      const res = await request(t.app).get('/v1/guests').query({ identifier: 'email:olga@example.com' }).set(await as.hotelsAgent());
      expect(res.body).toEqual({ items: [] });
    });

    it('400 with a field error for a malformed identifier, and when nothing is asked', async () => {
      const auth = await as.hotelsAgent();
      expect(paths(expectProblem(await request(t.app).get('/v1/guests').query({ identifier: 'email:nope' }).set(auth), 400, 'INVALID_IDENTIFIER'))).toEqual(['query.identifier.value']);
      expect(paths(expectProblem(await request(t.app).get('/v1/guests').query({ identifier: 'nocolon' }).set(auth), 400, 'INVALID_IDENTIFIER'))).toEqual(['query.identifier']);
      expect(paths(expectProblem(await request(t.app).get('/v1/guests').set(auth), 400, 'VALIDATION_FAILED'))).toEqual(['query.identifier']);
      expect(paths(expectProblem(await request(t.app).get('/v1/guests').query({ limit: 500, identifier: 'email:a@b.co' }).set(auth), 400, 'VALIDATION_FAILED'))).toEqual(['query.limit']);
    });
  });

  describe('GET /v1/guests?q=', () => {
    it('without a search read model: 400 saying only identifier= is supported', async () => {
      const problem = expectProblem(await request(t.app).get('/v1/guests').query({ q: 'Ana' }).set(await as.hotelsAgent()), 400, 'SEARCH_NOT_AVAILABLE');
      expect(problem.detail).toMatch(/identifier=/);
    });

    it('with one: pages through hits, re-reads each guest and keeps only those the caller may see', async () => {
      const calls: unknown[] = [];
      const search: GuestSearch = {
        search: async (tenantId, query) => {
          calls.push({ tenantId, ...query });
          return query.cursor ? { items: ['g3'] } : { items: ['g1', 'g2', 'ghost'], nextCursor: 'c2' };
        },
      };
      t = await profileTestApp({ search });
      await register(newGuest('Ana'));
      await register(newGuest('Anabela'), await as.outletAgent());
      await register(newGuest('Anita'), await as.bistroAgent());
      const auth = await as.hotelsAgent();
      const first = await request(t.app).get('/v1/guests').query({ q: 'Ana', limit: 3 }).set(auth);
      expect(first.status).toBe(200);
      expect(first.body.items.map((g: { guestId: string }) => g.guestId)).toEqual(['g1']);
      expect(first.body.nextCursor).toBe('c2');
      const second = await request(t.app).get('/v1/guests').query({ q: 'Ana', limit: 3, cursor: 'c2' }).set(auth);
      expect(second.body).toMatchObject({ items: [{ guestId: 'g3' }] });
      expect(second.body.nextCursor).toBeUndefined();
      expect(calls).toEqual([{ tenantId: 't1', q: 'Ana', limit: 3 }, { tenantId: 't1', q: 'Ana', limit: 3, cursor: 'c2' }]);
    });
  });

  describe('PATCH /v1/guests/:guestId', () => {
    const patch = async (body: unknown, ifMatch?: string, guestId = 'g1') => {
      const req = request(t.app).patch(`/v1/guests/${guestId}`).set(await as.hotelsAgent());
      if (ifMatch !== undefined) req.set('If-Match', ifMatch);
      return req.send(body as object);
    };

    it('changes the profile (null clears) and returns the new ETag', async () => {
      await register(newGuest('Ana', { dateOfBirth: '1990-05-01', attributes: { vip: true } }));
      const res = await patch({ name: { title: 'Dr.', given: 'Ana', family: 'Silva' }, dateOfBirth: null, language: 'en-gb', lifecycleStage: 'repeat', attributes: { vip: null, anniversary: '2015-06-20' } }, '"0"');
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body.profile).toEqual({ name: { title: 'Dr.', given: 'Ana', family: 'Silva' }, language: 'en-GB', customerType: 'individual', lifecycleStage: 'repeat', attributes: { anniversary: '2015-06-20' } });
    });

    it('428 without If-Match, 412 on a stale one (nothing written)', async () => {
      await register(newGuest('Ana'));
      expectProblem(await patch({ language: 'en' }), 428, 'PRECONDITION_REQUIRED');
      await patch({ language: 'en' }, '"0"');
      const stale = expectProblem(await patch({ language: 'pt' }, '"0"'), 412, 'WRONG_EXPECTED_VERSION');
      expect(stale.currentVersion).toBe(1);
      expect((await request(t.app).get('/v1/guests/g1').set(await as.hotelsAgent())).body.profile.language).toBe('en');
    });

    it('400 with field errors for bad dates, languages, attributes and empty changes', async () => {
      await register(newGuest('Ana'));
      expect(paths(expectProblem(await patch({ dateOfBirth: '01/05/1990', language: 'english please' }, '"0"'), 400, 'VALIDATION_FAILED'))).toEqual(['body.dateOfBirth', 'body.language']);
      expect(paths(expectProblem(await patch({ attributes: { anniversary: 'June' } }, '"0"'), 400, 'INVALID_ATTRIBUTE'))).toEqual(['body.attributes.anniversary']);
      expect(paths(expectProblem(await patch({}, '"0"'), 400, 'VALIDATION_FAILED'))).toEqual(['body']);
      expect(paths(expectProblem(await patch({ language: 'en' }, 'W/"0"'), 400, 'INVALID_IF_MATCH'))).toEqual(['header.if-match']);
    });

    it('404 for an invisible guest, 409 GUEST_MERGED (with survivor) for a merged one, 410 for an erased one', async () => {
      await register(newGuest('Olga'), await as.outletAgent());
      expectProblem(await patch({ language: 'en' }, '"0"'), 404, 'GUEST_NOT_FOUND');
      await register(newGuest('Ana'));
      await register(newGuest('Ana Maria'));
      await request(t.app).post('/v1/guests/g2/merge').set(await as.steward()).send({ mergedId: 'g3' });
      expect(expectProblem(await patch({ language: 'en' }, '"1"', 'g3'), 409, 'GUEST_MERGED').survivorId).toBe('g2');
      await request(t.app).post('/v1/guests/g2/erase').set(await as.admin()).send({ reason: 'request' });
      expectProblem(await patch({ language: 'en' }, '"2"', 'g2'), 410, 'GUEST_ERASED');
    });
  });
});
