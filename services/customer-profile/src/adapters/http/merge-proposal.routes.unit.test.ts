import request from 'supertest';
import { as, bearer, expectProblem, newGuest, paths, profileTestApp, type ProfileTestApp } from './profile-app.test-helper';

describe('merge proposal routes', () => {
  let t: ProfileTestApp;
  beforeEach(async () => {
    t = await profileTestApp();
    // g1 (hotels, email) and g2 (bistro, phone) are the same person; resolving both identifiers proposes a merge
    await request(t.app).post('/v1/guests').set(await as.hotelsAgent()).send(newGuest('Ana', { identities: [{ type: 'email', value: 'ana@example.com' }] }));
    await request(t.app).post('/v1/guests').set(await as.bistroAgent()).send(newGuest('Ana Maria', { identities: [{ type: 'phone', value: '+351912345678' }] }));
    const resolved = await request(t.app).post('/v1/guests/resolve').set(await as.integration()).send({ identifiers: [{ type: 'email', value: 'ana@example.com' }, { type: 'phone', value: '+351912345678' }] });
    expect(resolved.body.proposalId).toBe('g1~g2');
  });
  afterEach(() => expect(t.logged).toEqual([]));

  describe('GET /v1/merge-proposals/:proposalId', () => {
    it('shows the open proposal with its evidence', async () => {
      const res = await request(t.app).get('/v1/merge-proposals/g1~g2').set(await as.steward());
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"0"');
      expect(res.body).toEqual({
        proposalId: 'g1~g2',
        version: 0,
        status: 'open',
        guestIds: ['g1', 'g2'],
        reason: expect.any(String),
        evidence: [{ type: 'email' }, { type: 'phone' }],
        proposedAt: expect.stringMatching(/^\d{4}-/),
      });
    });

    it('404 for unknown proposals and for proposals about guests outside a scoped steward’s brands; 400 for malformed ids', async () => {
      const steward = await as.steward();
      expectProblem(await request(t.app).get('/v1/merge-proposals/g1~g9').set(steward), 404, 'PROPOSAL_NOT_FOUND');
      await request(t.app).post('/v1/guests').set(await as.outletAgent()).send(newGuest('Olga', { identities: [{ type: 'member', value: 'OUT-1' }] }));
      await request(t.app).post('/v1/guests/resolve').set(await as.integration()).send({ identifiers: [{ type: 'email', value: 'ana@example.com' }, { type: 'member', value: 'OUT-1' }] });
      expect((await request(t.app).get('/v1/merge-proposals/g1~g3').set(steward)).status).toBe(200);
      expectProblem(await request(t.app).get('/v1/merge-proposals/g1~g3').set(await bearer({ roles: ['steward'], brands: ['hotels'] })), 404, 'PROPOSAL_NOT_FOUND');
      expect(paths(expectProblem(await request(t.app).get('/v1/merge-proposals/g1%20g2').set(steward), 400, 'VALIDATION_FAILED'))).toEqual(['path.proposalId']);
    });
  });

  describe('POST /v1/merge-proposals/:proposalId/accept', () => {
    it('merges the other guests into the survivor, then records the acceptance; repeating changes nothing', async () => {
      const steward = await as.steward();
      const res = await request(t.app).post('/v1/merge-proposals/g1~g2/accept').set(steward).send({ survivorId: 'g1' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'accepted', survivorId: 'g1', mergeIds: [expect.any(String)], decidedBy: 'user:steward-1' });
      const merged = await request(t.app).get('/v1/guests/g2').set(await as.hotelsAgent()).redirects(0);
      expect(merged.status).toBe(301);
      expect(merged.headers.location).toBe('/v1/guests/g1');
      const again = await request(t.app).post('/v1/merge-proposals/g1~g2/accept').set(steward).send({ survivorId: 'g1' });
      expect(again.body).toEqual(res.body);
      expectProblem(await request(t.app).post('/v1/merge-proposals/g1~g2/accept').set(steward).send({ survivorId: 'g2' }), 409, 'PROPOSAL_CLOSED');
      expectProblem(await request(t.app).post('/v1/merge-proposals/g1~g2/reject').set(steward).send({ reason: 'changed my mind' }), 409, 'PROPOSAL_CLOSED');
    });

    it('422 for a survivor outside the proposal (nothing merged), 400 for a bad body', async () => {
      const steward = await as.steward();
      await request(t.app).post('/v1/guests').set(await as.hotelsAgent()).send(newGuest('Zé'));
      expectProblem(await request(t.app).post('/v1/merge-proposals/g1~g2/accept').set(steward).send({ survivorId: 'g3' }), 422, 'SURVIVOR_NOT_IN_PROPOSAL');
      expect((await request(t.app).get('/v1/guests/g2').set(await as.hotelsAgent())).status).toBe(200);
      expect(paths(expectProblem(await request(t.app).post('/v1/merge-proposals/g1~g2/accept').set(steward).send({}), 400, 'VALIDATION_FAILED'))).toEqual(['body.survivorId']);
    });
  });

  describe('POST /v1/merge-proposals/:proposalId/reject', () => {
    it('records the rejection and leaves the guests apart', async () => {
      const steward = await as.steward();
      const res = await request(t.app).post('/v1/merge-proposals/g1~g2/reject').set(steward).send({ reason: 'different people: mother and daughter' });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toMatchObject({ status: 'rejected', rejectionReason: 'different people: mother and daughter', decidedBy: 'user:steward-1' });
      expect((await request(t.app).get('/v1/guests/g2').set(await as.hotelsAgent())).status).toBe(200);
      expectProblem(await request(t.app).post('/v1/merge-proposals/g1~g2/accept').set(steward).send({ survivorId: 'g1' }), 409, 'PROPOSAL_CLOSED');
    });

    it('400 without a reason, 404 for unknown proposals', async () => {
      const steward = await as.steward();
      expect(paths(expectProblem(await request(t.app).post('/v1/merge-proposals/g1~g2/reject').set(steward).send({ reason: '' }), 400, 'VALIDATION_FAILED'))).toEqual(['body.reason']);
      expectProblem(await request(t.app).post('/v1/merge-proposals/nope/reject').set(steward).send({ reason: 'x' }), 404, 'PROPOSAL_NOT_FOUND');
    });
  });
});
