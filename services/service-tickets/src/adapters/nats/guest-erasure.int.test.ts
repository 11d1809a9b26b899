/**
 * customer-profile's `guest-erased` over the real NATS into the real PostgreSQL: the durable consumer
 * destroys the data keys of the guest and of each of the guest's tickets, and the replayable responses
 * quoting them are purged. Checked by decrypting (nothing of the guest reads back) and by a text search
 * over every table of the schema (no clear copy survives anywhere). The test's durable starts at new
 * messages and keeps only its own tenant's events.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { guestErasedV1 } from '@hearth/contracts';
import { streamNameFor } from '@hearth/messaging';
import { eventually } from '@hearth/testing';
import request from 'supertest';
import { eraseGuestTickets } from '../../app/guest-erasure';
import { createGuestTicketIndex, startHarness, type Harness } from '../testing/tickets-harness.test-helper';
import { bearer } from '../testing/tickets.test-helper';
import { startGuestLifecycleConsumer, type GuestLifecycleConsumer } from './guest-lifecycle.consumer';

// waits on followers of the event store, which a long transaction elsewhere in the shared database can delay
jest.setTimeout(60_000);

describe('guest erasure from customer-profile', () => {
  let h: Harness;
  let tenant: string;
  let consumer: GuestLifecycleConsumer;
  const erased: string[] = [];
  const durable = `tickets-guests-test-${randomBytes(4).toString('hex')}`;
  const marker = `m${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    h = await startHarness();
    tenant = await h.newTenant();
    for (const g of ['g-1', 'g-2']) h.fake.addGuest(tenant, g);
    await h.startProjections();
    const info = await h.messaging.manager.streams.info(streamNameFor('customer-profile')).catch(() => undefined);
    if (!info) await h.messaging.ensureStream({ service: 'customer-profile' });
    const index = createGuestTicketIndex(h.readModels);
    consumer = startGuestLifecycleConsumer({
      messaging: h.messaging,
      durable,
      deliverPolicy: 'new',
      deadLetters: h.deadLetters,
      retryMs: 200,
      onGuestErased: async (event) => {
        if (event.tenantId !== tenant) return;
        await eraseGuestTickets(h.ctx, index, event.tenantId, event.data.guestId);
        erased.push(event.data.guestId);
      },
    });
    await consumer.whenRunning();
  });

  afterAll(async () => {
    await consumer.stop({ timeoutMs: 2_000 });
    await h.messaging.manager.consumers.delete(streamNameFor('customer-profile'), durable).catch(() => undefined);
    await h.close();
    expect(h.logged).toEqual([]);
  });

  it('leaves no personal text of the guest’s tickets readable or stored anywhere, and keeps the facts', async () => {
    const auth = await bearer({ tenant, sub: 'agent-ana', roles: ['agent'], brands: ['hotels'] });
    const post = async (path: string, body: object, headers: Record<string, string> = {}) => {
      const res = await request(h.app).post(path).set(auth).set(headers).send(body);
      expect(res.status).toBeLessThan(300);
      return res.body;
    };
    // opened without a guest (texts under the ticket's key), linked later (texts under the guest's key)
    const first = (await post('/v1/tickets', { brandId: 'hotels', propertyId: 'lisbon-1', kind: 'complaint', channel: 'email', subject: `${marker} shower broken`, description: `${marker} cold water`, requester: { name: `${marker} Ana`, email: `${marker}@example.com` }, complaint: { complaintType: 'maintenance', severity: 'medium', details: `${marker} details` } }, { 'Idempotency-Key': `open-${marker}` })).ticket.ticketId as string;
    await post(`/v1/tickets/${first}/comments`, { visibility: 'internal', body: `${marker} before link` });
    await post(`/v1/tickets/${first}/attachments`, { url: `https://files.example.com/${marker}.jpg`, fileName: `${marker}.jpg`, mediaType: 'image/jpeg' });
    await post(`/v1/tickets/${first}/link-guest`, { guestId: 'g-1' });
    await post(`/v1/tickets/${first}/assign`, { assigneeId: 'agent-ana' });
    await post(`/v1/tickets/${first}/comments`, { visibility: 'public', body: `${marker} after link` });
    await post(`/v1/tickets/${first}/recoveries`, { action: 'apology', note: `${marker} sorry` });
    await post(`/v1/tickets/${first}/escalate`, { toPriority: 'urgent', note: `${marker} escalation` });
    await post(`/v1/tickets/${first}/resolve`, { summary: `${marker} fixed` });
    await post(`/v1/tickets/${first}/satisfaction`, { score: 3, comment: `${marker} so-so` });
    const second = (await post('/v1/tickets', { brandId: 'hotels', guestId: 'g-1', kind: 'inquiry', channel: 'phone', subject: `${marker} spa booking` })).ticket.ticketId as string;
    await post(`/v1/tickets/${second}/refer`, { toQueueId: 'housekeeping', note: `${marker} referral` });
    const others = (await post('/v1/tickets', { brandId: 'hotels', guestId: 'g-2', kind: 'inquiry', channel: 'phone', subject: `other-${marker} parking` })).ticket.ticketId as string;

    // before: readable through the keys; the only clear copy is the replayable answer of the keyed open
    expect((await h.store.readStream(`ticket-${first}`)).some((e) => JSON.stringify(e.data).includes(marker))).toBe(true);
    expect(await h.textSearch(marker)).toEqual(['http_idempotency_keys: 1']);
    await eventually(async () => expect((await createGuestTicketIndex(h.readModels).ticketsOfGuest(tenant, 'g-1')).sort()).toEqual([first, second].sort()), { timeoutMs: 30_000 });

    await h.messaging.publish(guestErasedV1.create({ tenantId: tenant, guestId: 'g-1', correlationId: randomUUID(), data: { guestId: 'g-1', erasedAt: new Date().toISOString() } }));
    await eventually(() => expect(erased).toEqual(['g-1']), { timeoutMs: 30_000 });

    for (const ticketId of [first, second]) {
      const events = await h.store.readStream(`ticket-${ticketId}`);
      expect(events.filter((e) => JSON.stringify(e.data).includes(marker))).toEqual([]);
    }
    expect(await h.textSearch(marker)).toEqual([]);
    // the other guest's ticket is untouched
    expect(JSON.stringify(await h.store.readStream(`ticket-${others}`))).toContain(`other-${marker} parking`);
    // facts remain: status, complaint, recovery, satisfaction score, SLA
    const view = (await request(h.app).get(`/v1/tickets/${first}`).set(auth)).body;
    expect(view).toMatchObject({
      status: 'resolved',
      guestId: 'g-1',
      subject: null,
      description: null,
      requester: null,
      personalDataErased: true,
      complaint: { complaintType: 'maintenance', severity: 'medium', details: null },
      recoveries: [expect.objectContaining({ action: 'apology', note: null })],
      satisfaction: expect.objectContaining({ score: 3, comment: null }),
      resolution: { resolutionCode: null, summary: null },
    });
    expect(view.comments.map((c: { body: string | null }) => c.body)).toEqual([null, null]);
    expect(view.attachments).toEqual([expect.objectContaining({ url: null, fileName: null, mediaType: 'image/jpeg' })]);
  });
});
