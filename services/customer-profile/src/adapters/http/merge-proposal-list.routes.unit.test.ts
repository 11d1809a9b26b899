import { createMemoryDocumentStore, type DocumentStore } from '@hearth/read-models';
import request from 'supertest';
import { createMergeProposalList, mergeProposalDocuments, projectMergeProposal } from '../read-models/merge-proposals.read-model';
import { as, bearer, expectProblem, newGuest, profileTestApp, type ProfileTestApp } from './profile-app.test-helper';

describe('GET /v1/merge-proposals (the steward’s work list)', () => {
  let t: ProfileTestApp;
  let docs: DocumentStore;
  /** Runs the projection over everything stored so far (what the runner does in the service). */
  const project = async () => {
    await docs.ensureCollections([mergeProposalDocuments]);
    for (const event of await t.store.readAll({ limit: 10_000, categories: ['mergeProposal'] })) {
      await docs.transaction((session) => projectMergeProposal(event, session));
    }
  };
  const proposeBetween = async (agent: Record<string, string>, a: Record<string, unknown>, b: Record<string, unknown>) => {
    await request(t.app).post('/v1/guests').set(agent).send(a);
    await request(t.app).post('/v1/guests').set(agent).send(b);
    const ids = [a, b].map((g) => (g.identities as { type: string; value: string }[])[0]!);
    const resolved = await request(t.app).post('/v1/guests/resolve').set(agent).send({ identifiers: ids });
    expect(resolved.body.outcome).toBe('ambiguous');
    return resolved.body.proposalId as string;
  };

  beforeEach(async () => {
    docs = createMemoryDocumentStore();
    t = await profileTestApp({ proposals: createMergeProposalList(docs) });
  });

  it('lists open proposals, then moves an accepted one to the accepted list', async () => {
    const hotels = await as.hotelsAgent();
    const proposalId = await proposeBetween(hotels,
      newGuest('Ana', { identities: [{ type: 'email', value: 'ana@example.com' }] }),
      newGuest('Ana M', { identities: [{ type: 'phone', value: '+351912345678' }] }));
    await project();
    const steward = await as.steward();
    const open = await request(t.app).get('/v1/merge-proposals?status=open').set(steward);
    expect(open.status).toBe(200);
    expect(open.body.items).toEqual([expect.objectContaining({ proposalId, status: 'open', guestIds: expect.any(Array) })]);

    const survivorId = open.body.items[0].guestIds[0];
    expect((await request(t.app).post(`/v1/merge-proposals/${proposalId}/accept`).set(steward).send({ survivorId })).status).toBe(200);
    await project();
    expect((await request(t.app).get('/v1/merge-proposals').set(steward)).body.items).toEqual([]);
    expect((await request(t.app).get('/v1/merge-proposals?status=accepted').set(steward)).body.items).toEqual([expect.objectContaining({ proposalId, status: 'accepted', survivorId })]);
  });

  it('leaves out proposals about guests a brand-scoped steward may not see; needs a steward role', async () => {
    await proposeBetween(await as.outletAgent(),
      newGuest('Oto', { identities: [{ type: 'email', value: 'oto@example.com' }] }),
      newGuest('Oto B', { identities: [{ type: 'member', value: 'OUT-1' }] }));
    await project();
    const hotelsSteward = await bearer({ sub: 'steward-hotels', roles: ['steward'], brands: ['hotels'] });
    expect((await request(t.app).get('/v1/merge-proposals').set(hotelsSteward)).body.items).toEqual([]);
    expect((await request(t.app).get('/v1/merge-proposals').set(await as.steward())).body.items).toHaveLength(1);
    expectProblem(await request(t.app).get('/v1/merge-proposals').set(await as.hotelsAgent()), 403, 'ROLE_REQUIRED');
  });

  it('answers 400 when the instance has no proposals read model', async () => {
    const bare = await profileTestApp();
    expectProblem(await request(bare.app).get('/v1/merge-proposals').set(await as.steward()), 400, 'LISTING_NOT_AVAILABLE');
  });
});
