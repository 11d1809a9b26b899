/**
 * The forwarder of main.ts over the real PostgreSQL event store and NATS: ticket events arrive on
 * `HEARTH_SERVICE_TICKETS` as the service-tickets contracts, with the guest on the envelope (so the
 * timeline files them) and no personal text. The test's durable starts at new messages and keeps only
 * its own tenant's events (other tests and a running service share the stream).
 */
import { randomBytes } from 'node:crypto';
import type { AnyIntegrationEvent } from '@hearth/contracts';
import { createForwarder, PostgresCheckpointStore, streamNameFor, type Forwarder, type MessageInfo, type Subscription } from '@hearth/messaging';
import { eventually } from '@hearth/testing';
import request from 'supertest';
import { toIntegrationEvent } from '../../app/integration-events.mapper';
import { startHarness, type Harness } from '../testing/tickets-harness.test-helper';
import { bearer, complaintBody } from '../testing/tickets.test-helper';

// waits on followers of the event store, which a long transaction elsewhere in the shared database can delay
jest.setTimeout(60_000);

describe('forwarding ticket events to NATS', () => {
  let h: Harness;
  let tenant: string;
  let forwarder: Forwarder;
  let subscription: Subscription;
  const received: { event: AnyIntegrationEvent; info: MessageInfo }[] = [];
  const durable = `tickets-forwarder-test-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    h = await startHarness();
    tenant = await h.newTenant();
    h.fake.addGuest(tenant, 'g-1');
    await h.messaging.ensureStream({ service: 'service-tickets' });
    subscription = await h.messaging.consume({
      stream: streamNameFor('service-tickets'),
      durable,
      subjects: ['hearth.service-tickets.>'],
      ordering: 'none',
      deliverPolicy: 'new',
      deadLetters: h.deadLetters,
      handle: async (event, info) => {
        if (event.tenantId === tenant) received.push({ event: event as AnyIntegrationEvent, info });
      },
    });
    forwarder = createForwarder({
      name: 'service-tickets--integration-events',
      store: h.events,
      categories: ['ticket'],
      map: toIntegrationEvent,
      publisher: h.messaging.createPublisher(),
      checkpoints: await PostgresCheckpointStore.connect({ pool: h.pool, schema: h.schema }),
    });
    forwarder.start();
  });

  afterAll(async () => {
    await forwarder.stop();
    await subscription.stop({ timeoutMs: 2_000 });
    await h.messaging.manager.consumers.delete(streamNameFor('service-tickets'), durable).catch(() => undefined);
    await h.close();
    expect(h.logged).toEqual([]);
  });

  it('publishes a complaint’s story with subjects, the guest on the envelope, and no personal text', async () => {
    const auth = await bearer({ tenant, sub: 'agent-ana', roles: ['agent'], brands: ['hotels'] });
    const opened = await request(h.app).post('/v1/tickets').set(auth).send(complaintBody());
    expect(opened.status).toBe(201);
    const ticketId = opened.body.ticket.ticketId as string;
    for (const [verb, body] of [
      ['assign', { assigneeId: 'agent-ana' }],
      ['comments', { visibility: 'internal', body: 'Guest sounded upset' }],
      ['comments', { visibility: 'public', body: 'Moving you to a quiet room' }],
      ['recoveries', { action: 'upgrade', note: 'Suite for two nights' }],
      ['resolve', { resolutionCode: 'compensated', summary: 'Moved to suite 501' }],
    ] as const) {
      expect((await request(h.app).post(`/v1/tickets/${ticketId}/${verb}`).set(auth).send(body)).status).toBeLessThan(300);
    }

    const expected = [
      'ticket-opened',
      'complaint-recorded',
      'ticket-assigned',
      'ticket-commented',
      'recovery-given',
      'ticket-resolved',
    ];
    await eventually(() => expect(received.map((r) => r.event.type.split('.')[2]).sort()).toEqual([...expected].sort()), { timeoutMs: 30_000 });
    for (const { event, info } of received) {
      expect(info.subject).toMatch(new RegExp(`^${event.type.replaceAll('.', '\\.')}\\.v1\\.p\\d+$`));
      expect(event).toMatchObject({ source: 'service-tickets', version: 1, tenantId: tenant, brandId: 'hotels', guestId: 'g-1', data: { ticketId, brandId: 'hotels', propertyId: 'lisbon-1', guestId: 'g-1' } });
      const json = JSON.stringify(event);
      for (const text of ['Noise from room 214', 'could not sleep', 'Guest sounded upset', 'quiet room', 'Suite for two', 'suite 501']) expect(json).not.toContain(text);
    }
    const byType = (type: string) => received.find((r) => r.event.type === `hearth.service-tickets.${type}`)!.event.data;
    expect(byType('ticket-opened')).toMatchObject({ kind: 'complaint', channel: 'phone', priority: 'high', category: 'room', firstResponseDueAt: opened.body.ticket.sla['first-response'].dueAt, resolutionDueAt: opened.body.ticket.sla.resolution.dueAt });
    expect(byType('complaint-recorded')).toMatchObject({ complaintType: 'noise', severity: 'high' });
    expect(byType('recovery-given')).toMatchObject({ action: 'upgrade' });
    expect(byType('ticket-resolved')).toMatchObject({ kind: 'complaint', resolutionCode: 'compensated' });
    // one guest's events share a partition, so consumers apply them in order
    expect(new Set(received.map((r) => r.info.partition)).size).toBe(1);
    // the envelope id is the stored event id: a republish after a crash is deduplicated by JetStream
    const stored = await h.events.readStream(`ticket-${ticketId}`);
    expect(received.map((r) => r.event.id).every((id) => stored.some((e) => e.eventId === id))).toBe(true);
  });
});
