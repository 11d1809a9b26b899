import request from 'supertest';
import { as, bearer, expectProblem, newGuest, paths, profileTestApp, type ProfileTestApp } from './profile-app.test-helper';

describe('guest routes: resolve, merge, unmerge, export, erase', () => {
  let t: ProfileTestApp;
  beforeEach(async () => {
    t = await profileTestApp();
    // g1: hotels guest (email), g2: bistro guest (phone), g3: outlet (private) guest (member)
    await request(t.app).post('/v1/guests').set(await as.hotelsAgent()).send(newGuest('Ana', { dateOfBirth: '1990-05-01', identities: [{ type: 'email', value: 'ana@example.com' }] }));
    await request(t.app).post('/v1/guests').set(await as.bistroAgent()).send(newGuest('Ana Maria', { language: 'pt-PT', identities: [{ type: 'phone', value: '+351912345678' }] }));
    await request(t.app).post('/v1/guests').set(await as.outletAgent()).send(newGuest('Olga', { identities: [{ type: 'member', value: 'OUT-1' }] }));
  });
  afterEach(() => expect(t.logged).toEqual([]));

  describe('POST /v1/guests/resolve', () => {
    const resolve = async (identifiers: unknown[], auth?: Record<string, string>) =>
      request(t.app).post('/v1/guests/resolve').set(auth ?? (await as.integration())).send({ identifiers });

    it('matched: the one guest, attaching identifiers it lacked', async () => {
      const res = await resolve([{ type: 'email', value: 'ANA@example.com' }, { type: 'external', system: 'opera-pms', value: 'P-7' }]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ outcome: 'matched', guestId: 'g1' });
      const found = await request(t.app).get('/v1/guests').query({ identifier: 'external:opera-pms:P-7' }).set(await as.hotelsAgent());
      expect(found.body.items[0].guestId).toBe('g1');
    });

    it('created: a provisional guest for unknown identifiers', async () => {
      const res = await resolve([{ type: 'booking', value: 'bk-1' }], await as.hotelsAgent());
      expect(res.body).toEqual({ outcome: 'created', guestId: 'g4' });
      const guest = await request(t.app).get('/v1/guests/g4').set(await as.hotelsAgent());
      expect(guest.body).toMatchObject({ provisional: true, identities: [{ type: 'booking', value: 'BK-1' }], brands: ['hotels'] });
    });

    it('ambiguous: candidates plus a merge proposal; candidates the caller may not see are only counted', async () => {
      const all = await resolve([{ type: 'email', value: 'ana@example.com' }, { type: 'phone', value: '+351912345678' }]);
      expect(all.body).toEqual({
        outcome: 'ambiguous',
        candidates: [
          { guestId: 'g1', matchedBy: [{ type: 'email', value: 'ana@example.com' }] },
          { guestId: 'g2', matchedBy: [{ type: 'phone', value: '+351912345678' }] },
        ],
        hiddenCandidates: 0,
        proposalId: 'g1~g2',
      });
      const scoped = await resolve([{ type: 'email', value: 'ana@example.com' }, { type: 'member', value: 'OUT-1' }], await as.hotelsAgent());
      expect(scoped.body).toEqual({ outcome: 'ambiguous', candidates: [{ guestId: 'g1', matchedBy: [{ type: 'email', value: 'ana@example.com' }] }], hiddenCandidates: 1, proposalId: 'g1~g3' });
    });

    it('409 without naming the holder when the one match is a guest the caller may not see', async () => {
      const problem = expectProblem(await resolve([{ type: 'member', value: 'out-1' }, { type: 'booking', value: 'BK-9' }], await as.hotelsAgent()), 409, 'IDENTITY_TAKEN');
      expect(problem.conflicts).toEqual([{ identifier: { type: 'member', value: 'OUT-1' } }]);
      expect(paths(problem)).toEqual(['body.identifiers.0.value']);
      // nothing was attached to the private guest
      const olga = await request(t.app).get('/v1/guests/g3').set(await as.outletAgent());
      expect(olga.body.identities).toEqual([{ type: 'member', value: 'OUT-1' }]);
    });

    it('400 with field errors for invalid identifiers and empty requests', async () => {
      expect(paths(expectProblem(await resolve([{ type: 'phone', value: 'call me' }, { type: 'email', value: 'ok@example.com' }]), 400, 'INVALID_IDENTIFIER'))).toEqual(['body.identifiers.0.value']);
      expect(paths(expectProblem(await resolve([]), 400, 'VALIDATION_FAILED'))).toEqual(['body.identifiers']);
    });
  });

  describe('POST /v1/guests/:survivorId/merge and /unmerge', () => {
    it('merges: identifiers of the merged guest reach the survivor, which wins conflicting fields explainably; unmerge restores both', async () => {
      const steward = await as.steward();
      const merged = await request(t.app).post('/v1/guests/g1/merge').set(steward).send({ mergedId: 'g2' });
      expect(merged.status).toBe(200);
      expect(merged.headers.etag).toBe('"1"');
      expect(merged.body).toMatchObject({ mergedId: 'g2', survivor: { guestId: 'g1', profile: { name: { given: 'Ana Maria' }, dateOfBirth: '1990-05-01', language: 'pt-PT' } } });
      const { mergeId } = merged.body as { mergeId: string };
      const byPhone = await request(t.app).get('/v1/guests').query({ identifier: 'phone:+351912345678' }).set(await as.hotelsAgent());
      expect(byPhone.body.items[0].guestId).toBe('g1');
      const again = await request(t.app).post('/v1/guests/g1/merge').set(steward).send({ mergedId: 'g2' });
      expect(again.body.mergeId).toBe(mergeId);

      const unmerged = await request(t.app).post('/v1/guests/g1/unmerge').set(steward).send({ mergeId });
      expect(unmerged.status).toBe(200);
      expect(unmerged.body).toMatchObject({ mergeId, mergedId: 'g2', survivor: { profile: { name: { given: 'Ana' } } } });
      expect(unmerged.body.survivor.profile.language).toBeUndefined();
      expect((await request(t.app).get('/v1/guests/g2').set(await as.bistroAgent())).status).toBe(200);
      const back = await request(t.app).get('/v1/guests').query({ identifier: 'phone:+351912345678' }).set(await as.hotelsAgent());
      expect(back.body.items[0].guestId).toBe('g2');
    });

    it('422 merging a guest with itself, 409 when already merged into another, 404 for guests the caller may not see', async () => {
      const steward = await as.steward();
      expectProblem(await request(t.app).post('/v1/guests/g1/merge').set(steward).send({ mergedId: 'g1' }), 422, 'CANNOT_MERGE_WITH_ITSELF');
      await request(t.app).post('/v1/guests/g1/merge').set(steward).send({ mergedId: 'g2' });
      const already = expectProblem(await request(t.app).post('/v1/guests/g3/merge').set(steward).send({ mergedId: 'g2' }), 409, 'ALREADY_MERGED');
      expect(already.survivorId).toBe('g1');
      const mergedSurvivor = expectProblem(await request(t.app).post('/v1/guests/g2/merge').set(steward).send({ mergedId: 'g3' }), 409, 'GUEST_MERGED');
      expect(mergedSurvivor.survivorId).toBe('g1');
    });

    it('a brand-scoped steward cannot merge a private brand’s guest (404); If-Match on the survivor is honoured (412)', async () => {
      const scoped = await bearer({ roles: ['steward'], brands: ['hotels'] });
      expectProblem(await request(t.app).post('/v1/guests/g1/merge').set(scoped).send({ mergedId: 'g3' }), 404, 'GUEST_NOT_FOUND');
      expectProblem(await request(t.app).post('/v1/guests/g1/merge').set(await as.steward()).set('If-Match', '"7"').send({ mergedId: 'g2' }), 412, 'WRONG_EXPECTED_VERSION');
      // nothing happened to g2
      expect((await request(t.app).get('/v1/guests/g2').set(await as.bistroAgent())).status).toBe(200);
    });

    it('400 for bad bodies; unmerge of an unknown merge is 404 MERGE_NOT_FOUND', async () => {
      const steward = await as.steward();
      expect(paths(expectProblem(await request(t.app).post('/v1/guests/g1/merge').set(steward).send({ merged: 'g2' }), 400, 'VALIDATION_FAILED'))).toEqual(['body.merged', 'body.mergedId']);
      expect(paths(expectProblem(await request(t.app).post('/v1/guests/g1/unmerge').set(steward).send({}), 400, 'VALIDATION_FAILED'))).toEqual(['body.mergeId']);
      expectProblem(await request(t.app).post('/v1/guests/g1/unmerge').set(steward).send({ mergeId: 'nope' }), 404, 'MERGE_NOT_FOUND');
    });
  });

  describe('GET /v1/guests/:guestId/export', () => {
    it('exports everything as a JSON attachment', async () => {
      await request(t.app).put('/v1/guests/g1/preferences/pillow').set(await as.hotelsAgent()).send({ value: 'feather-free', scope: 'brand' });
      const res = await request(t.app).get('/v1/guests/g1/export').set(await as.admin());
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename="guest-g1.json"');
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toMatchObject({
        guestId: 'g1',
        status: 'active',
        profile: { name: { given: 'Ana' }, dateOfBirth: '1990-05-01' },
        identities: [{ type: 'email', value: 'ana@example.com' }],
        preferences: [{ key: 'pillow', scope: 'brand', brandId: 'hotels' }],
      });
      expect(res.body.audit.map((a: { type: string; actor: string; brandId: string }) => [a.type, a.actor, a.brandId])).toEqual([
        ['GuestRegistered', 'user:desk-1', 'hotels'],
        ['PreferenceSet', 'user:desk-1', 'hotels'],
      ]);
    });

    it('needs a chain-wide token (403), 404 for unknown guests', async () => {
      const scoped = await bearer({ roles: ['steward'], brands: ['hotels'] });
      expectProblem(await request(t.app).get('/v1/guests/g1/export').set(scoped), 403, 'CHAIN_SCOPE_REQUIRED');
      expectProblem(await request(t.app).get('/v1/guests/nobody/export').set(await as.steward()), 404, 'GUEST_NOT_FOUND');
      expect(paths(expectProblem(await request(t.app).get('/v1/guests/no%20body/export').set(await as.steward()), 400, 'VALIDATION_FAILED'))).toEqual(['path.guestId']);
    });
  });

  describe('POST /v1/guests/:guestId/erase', () => {
    it('crypto-shreds: personal values are unreadable in the stored events, facts remain, identifiers are free; repeats answer the same', async () => {
      const admin = await as.admin();
      await request(t.app).post('/v1/guests/g1/consents').set(await as.hotelsAgent()).send({ purpose: 'marketing', channel: 'email', granted: true, source: 'web' });
      const res = await request(t.app).post('/v1/guests/g1/erase').set(admin).send({ reason: 'guest request #12' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ guestId: 'g1', erasedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), version: 2 });
      expect(JSON.stringify(await t.inner.readAll({ limit: 1000 }))).not.toMatch(/ana@example\.com|1990-05-01|"Ana"/);
      const exported = await request(t.app).get('/v1/guests/g1/export').set(admin);
      expect(exported.body).toMatchObject({ status: 'erased', profile: null, identities: [] });
      expect(exported.body.audit.map((a: { type: string }) => a.type)).toEqual(['GuestRegistered', 'ConsentChanged', 'GuestErased']);
      expect(exported.body.audit[0].data).toMatchObject({ profile: { name: null, dateOfBirth: null }, identities: [{ type: 'email', value: null }] });
      expect(exported.body.audit[1].data).toMatchObject({ purpose: 'marketing', granted: true });
      const again = await request(t.app).post('/v1/guests/g1/erase').set(admin).send({ reason: 'guest request #12' });
      expect(again.body).toEqual(res.body);
      expect((await request(t.app).post('/v1/guests').set(await as.hotelsAgent()).send(newGuest('Ana', { identities: [{ type: 'email', value: 'ana@example.com' }] }))).status).toBe(201);
    });

    it('needs a chain-wide admin: a brand-scoped admin gets 403 and nothing is erased', async () => {
      const brandAdmin = await bearer({ sub: 'admin-hotels', roles: ['admin'], brands: ['hotels'] });
      expectProblem(await request(t.app).post('/v1/guests/g1/erase').set(brandAdmin).send({ reason: 'x' }), 403, 'CHAIN_SCOPE_REQUIRED');
      expect((await request(t.app).get('/v1/guests/g1').set(await as.hotelsAgent())).status).toBe(200);
    });

    it('forgets replayable responses of the erased guest (Idempotency-Key records hold personal data)', async () => {
      const agent = await as.hotelsAgent();
      const body = newGuest('Zoë', { identities: [{ type: 'email', value: 'zoe@example.com' }] });
      const created = await request(t.app).post('/v1/guests').set(agent).set('Idempotency-Key', 'k-erase-1').send(body);
      expect(created.status).toBe(201);
      const replay = await request(t.app).post('/v1/guests').set(agent).set('Idempotency-Key', 'k-erase-1').send(body);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      await request(t.app).post(`/v1/guests/${created.body.guestId}/erase`).set(await as.admin()).send({ reason: 'request' });
      // the stored response (with the name and e-mail) is gone: the same key now runs as a new request
      const after = await request(t.app).post('/v1/guests').set(agent).set('Idempotency-Key', 'k-erase-1').send(body);
      expect(after.headers['idempotent-replayed']).toBeUndefined();
      expect(after.status).toBe(201);
      expect(after.body.guestId).not.toBe(created.body.guestId);
    });

    it('400 without a reason, 404 for unknown guests', async () => {
      const admin = await as.admin();
      expect(paths(expectProblem(await request(t.app).post('/v1/guests/g1/erase').set(admin).send({}), 400, 'VALIDATION_FAILED'))).toEqual(['body.reason']);
      expectProblem(await request(t.app).post('/v1/guests/nobody/erase').set(admin).send({ reason: 'x' }), 404, 'GUEST_NOT_FOUND');
    });
  });
});
