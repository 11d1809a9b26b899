/**
 * The API on the real PostgreSQL, with customer-profile answering over the real NATS (the fake of the
 * test helpers behind responders on this test's own `rpc.` subjects): opening tickets for guests named
 * by identifiers, and what happens when customer-profile cannot answer.
 */
import request from 'supertest';
import { startHarness, type Harness } from '../testing/tickets-harness.test-helper';
import { bearer } from '../testing/tickets.test-helper';

// waits on followers of the event store, which a long transaction elsewhere in the shared database can delay
jest.setTimeout(60_000);

describe('tickets API over PostgreSQL and NATS request/reply', () => {
  let h: Harness;
  let tenant: string;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    tenant = await h.newTenant();
    h.fake.addGuest(tenant, 'g-ana', { identifiers: [{ type: 'email', value: 'ana@example.com' }] });
  });

  const open = async (identifiers: { type: string; value: string }[]) =>
    request(h.app)
      .post('/v1/tickets')
      .set(await bearer({ tenant, sub: 'agent-ana', roles: ['agent'], brands: ['hotels'] }))
      .send({ brandId: 'hotels', propertyId: 'lisbon-1', kind: 'request', channel: 'email', subject: 'Extra pillows', identifiers });

  it('opens a ticket for the guest customer-profile matches, or for the provisional guest it creates', async () => {
    const matched = await open([{ type: 'email', value: 'Ana@Example.com' }]);
    expect(matched.status).toBe(201);
    expect(matched.body).toMatchObject({ guestResolution: 'matched', ticket: { guestId: 'g-ana', status: 'open', subject: 'Extra pillows' } });
    expect(h.fake.calls.resolve.at(-1)).toMatchObject({ tenantId: tenant, identifiers: [{ type: 'email', value: 'Ana@Example.com' }], brandId: 'hotels', channel: 'email' });
    const created = await open([{ type: 'phone', value: '+351910000001' }]);
    expect(created.body).toMatchObject({ guestResolution: 'created', ticket: { guestId: expect.stringMatching(/^g-new-/) } });
    // what was stored is what the API answered
    const stored = await h.events.readStream(`ticket-${matched.body.ticket.ticketId}`);
    expect(stored[0]).toMatchObject({ type: 'TicketOpened', metadata: { tenantId: tenant, guestId: 'g-ana', brandId: 'hotels', actor: 'user:agent-ana' } });
    expect(h.logged).toEqual([]);
  });

  it('answers 422 with the candidates when the identifiers match several guests, 400 for an identifier customer-profile refuses', async () => {
    h.fake.addGuest(tenant, 'g-ana-2', { identifiers: [{ type: 'email', value: 'ana@example.com' }] });
    const ambiguous = await open([{ type: 'email', value: 'ana@example.com' }]);
    expect(ambiguous.status).toBe(422);
    expect(ambiguous.body).toMatchObject({ code: 'AMBIGUOUS_GUEST', candidates: [{ guestId: 'g-ana' }, { guestId: 'g-ana-2' }], proposalId: 'proposal-1' });
    const invalid = await open([{ type: 'email', value: 'not-an-address' }]);
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ code: 'INVALID_IDENTIFIER', errors: [{ path: 'body.identifiers' }] });
    expect(h.logged).toEqual([]);
  });

  it('answers 503 DEPENDENCY_UNAVAILABLE with Retry-After while customer-profile cannot answer, and opens nothing', async () => {
    h.fake.setAvailable(false);
    try {
      const before = (await h.events.readAll({ limit: 10_000 })).length;
      const res = await open([{ type: 'email', value: 'ana@example.com' }]);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', dependency: 'customer-profile' });
      expect((await h.events.readAll({ limit: 10_000 })).length).toBe(before);
    } finally {
      h.fake.setAvailable(true);
      h.logged.length = 0; // 5xx are logged on purpose
    }
  });
});
