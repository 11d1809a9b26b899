/**
 * Ingest of integration events over the real NATS into the real PostgreSQL: generic contracts of any
 * service, customer-profile's profile changes, merges, unmerges and erasure, dead letters, and source
 * streams that appear later. customer-profile events are published on its stream with tenants of this
 * test (the durable starts at new messages and the handler skips other tenants).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hearthContracts, type AnyIntegrationEvent } from '@hearth/contracts';
import { streamNameFor } from '@hearth/messaging';
import { eventually } from '@hearth/testing';
import request from 'supertest';
import type { IngestOutcome } from '../../app/ingest-use-cases';
import { bearer, newGuestId, startHarness, type Harness } from '../testing/timeline-harness.test-helper';
import { createIngestHandler } from './ingest.handler';
import { startIngestConsumers, type IngestConsumers } from './ingest.consumers';

const PROFILE = 'customer-profile';

describe('ingest of integration events (NATS → timeline)', () => {
  let h: Harness;
  let consumers: IngestConsumers;
  let tenant: string;
  const service = `tl-${randomBytes(5).toString('hex')}`;
  const outcomes: { event: AnyIntegrationEvent; outcome: IngestOutcome }[] = [];
  const createdStreams: string[] = [];
  const laterServices: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    tenant = h.newTenant();
    const info = await h.messaging.manager.streams.info(streamNameFor(PROFILE)).catch(() => undefined);
    if (!info) await h.messaging.ensureStream({ service: PROFILE });
    await h.messaging.ensureStream({ service });
    createdStreams.push(streamNameFor(service));
    const handle = createIngestHandler(h.ctx, { onIngested: (event, outcome) => void outcomes.push({ event, outcome }) });
    consumers = startIngestConsumers({
      messaging: h.messaging,
      services: [PROFILE, service],
      durable: `timeline-test-${h.id}`,
      deliverPolicy: 'new',
      // other tests (and a running customer-profile) publish on the same stream: only this test's tenants
      handle: (event, info) => (ownTenants.has(event.tenantId) ? handle(event, info) : Promise.resolve()),
      retryMs: 200,
      maxDeliver: 2,
      backoffMs: [100],
    });
    await consumers.whenRunning([PROFILE, service]);
  });

  const ownTenants = new Set<string>();
  beforeEach(() => {
    tenant = h.newTenant();
    ownTenants.add(tenant);
  });

  afterAll(async () => {
    const durables = consumers.durables();
    await consumers.stop({ timeoutMs: 2_000 });
    for (const { stream, durable } of durables) await h.messaging.manager.consumers.delete(stream, durable).catch(() => undefined);
    for (const stream of createdStreams) await h.messaging.manager.streams.delete(stream).catch(() => undefined);
    await h.close();
    expect(h.logged).toEqual([]);
  });

  const profileEvent = (type: string, guestId: string, data: Record<string, unknown>, extra: { id?: string } = {}) =>
    hearthContracts.get(`hearth.customer-profile.${type}`, 1)!.create({ tenantId: tenant, guestId, correlationId: randomUUID(), data, ...(extra.id ? { id: extra.id } : {}) }) as AnyIntegrationEvent;

  const admin = () => bearer({ tenant, roles: ['admin'], brands: '*' });
  const view = async (guestId: string) => request(h.app).get(`/v1/guests/${guestId}/view`).set(await admin());
  const timeline = async (guestId: string) => request(h.app).get(`/v1/guests/${guestId}/timeline`).set(await admin());
  const post = async (body: object) => {
    const res = await request(h.app).post('/v1/touchpoints').set(await admin()).send(body);
    expect(res.status).toBe(201);
    return res.body as { entryId: string };
  };
  const stay = (guestId: string, brandId: string, amount: string, occurredAt: string) => ({
    guestId,
    type: 'stay',
    brandId,
    channel: 'front-desk',
    occurredAt,
    amount: { amount, currency: 'EUR' },
    payload: { arrivalDate: occurredAt.slice(0, 10), departureDate: occurredAt.slice(0, 10).replace(/-(\d\d)$/, (_, d: string) => `-${String(Number(d) + 2).padStart(2, '0')}`) },
  });

  it('records any versioned contract of any service as an entry, once; envelopes without a guest are counted only', async () => {
    const guestId = newGuestId();
    const event: AnyIntegrationEvent = {
      id: randomUUID(),
      type: `hearth.${service}.points-earned`,
      version: 3,
      source: service,
      tenantId: tenant,
      guestId,
      occurredAt: '2026-04-01T10:00:00.000Z',
      correlationId: randomUUID(),
      data: { brandId: 'hotels', propertyId: 'lisbon-1', points: 120, amount: { currency: 'EUR', minor: 1250 }, visibility: 'brand' },
    };
    await h.messaging.publish(event);
    // a redelivery (another message id, same envelope) changes nothing
    await h.messaging.publish(event, { msgId: randomUUID() });
    await h.messaging.publish({ ...event, id: randomUUID(), guestId: undefined } as AnyIntegrationEvent);

    await eventually(() => expect(outcomes.filter((o) => o.event.tenantId === tenant).map((o) => o.outcome.entry).sort()).toEqual(['duplicate', 'no-guest', 'recorded']));
    const page = await eventually(async () => {
      const res = await timeline(guestId);
      expect(res.status).toBe(200);
      return res;
    });
    expect(page.body.items).toEqual([
      expect.objectContaining({
        entryId: event.id,
        kind: 'event',
        type: `hearth.${service}.points-earned`,
        contractVersion: 3,
        source: service,
        brandId: 'hotels',
        propertyId: 'lisbon-1',
        visibility: 'brand',
        amount: { amount: '12.50', currency: 'EUR' },
        facts: expect.objectContaining({ points: 120 }),
        personal: null,
        actor: `service:${service}`,
      }),
    ]);
    expect(await h.ctx.rawStore.streamVersion(`timeline-${guestId}`)).toBe(0);
  });

  it('refreshes the profile snapshot on profile events: the view shows who the guest is', async () => {
    const guestId = newGuestId();
    h.fake.addGuest(tenant, guestId, { name: { given: 'Ana', family: 'Lopes' }, dateOfBirth: '1990-01-01', identifiers: [{ type: 'email', value: 'ana@example.com' }] });
    await h.messaging.publish(profileEvent('guest-registered', guestId, { guestId, brandId: 'hotels', registeredAt: '2026-01-01T00:00:00Z' }));
    await eventually(async () => expect((await view(guestId)).body.identity).toMatchObject({ displayName: 'Ana Lopes', erased: false, identifiers: [{ type: 'email', masked: 'a***' }] }));

    h.fake.updateGuest(tenant, guestId, { name: { given: 'Ana', family: 'Lopes-Reis' }, language: 'pt-PT' });
    await h.messaging.publish(profileEvent('guest-profile-updated', guestId, { guestId, changedFields: ['name', 'language'], language: 'pt-PT' }));
    await eventually(async () => expect((await view(guestId)).body.identity).toMatchObject({ displayName: 'Ana Lopes-Reis', language: 'pt-PT' }));
    // an unchanged profile records no new snapshot
    await h.messaging.publish(profileEvent('guest-consent-changed', guestId, { guestId, brandId: 'hotels', purpose: 'marketing', channel: 'email', granted: false, source: 'web-form' }));
    await eventually(async () => expect((await timeline(guestId)).body.items).toHaveLength(3));
    const events = await h.store.readStream(`timeline-${guestId}`);
    expect(events.filter((e) => e.type === 'ProfileSnapshotRecorded')).toHaveLength(2);
  });

  it('merge: the survivor shows both histories, the merged guest redirects; unmerge: both exactly as before', async () => {
    const survivor = newGuestId();
    const merged = newGuestId();
    h.fake.addGuest(tenant, survivor);
    h.fake.addGuest(tenant, merged);
    const a = await post(stay(survivor, 'hotels', '240.00', '2026-03-01T10:00:00Z'));
    const b = await post({ guestId: merged, type: 'dining-visit', brandId: 'bistro', channel: 'pos', occurredAt: '2026-03-05T20:00:00Z', amount: { amount: '80.00', currency: 'EUR' }, payload: { covers: 2 } });
    await post({ guestId: merged, type: 'complaint', brandId: 'bistro', channel: 'phone', occurredAt: '2026-03-06T09:00:00Z', payload: { category: 'food', severity: 'low', description: 'Cold soup' } });
    const before = await eventually(async () => {
      const [s, m] = await Promise.all([view(survivor), view(merged)]);
      expect(s.body.totals.visits).toBe(1);
      expect(m.body.totals.visits).toBe(1);
      expect(m.body.recentComplaints).toHaveLength(1);
      return { survivor: s.body, merged: m.body };
    });

    await h.messaging.publish(profileEvent('guests-merged', survivor, { mergeId: 'merge-1', survivorId: survivor, mergedId: merged }));
    const combined = await eventually(async () => {
      const res = await view(survivor);
      expect(res.body.mergedGuests).toEqual([merged]);
      expect(res.body.totals.visits).toBe(2);
      return res.body;
    });
    expect(combined.totals.spend).toEqual([{ amount: '320.00', currency: 'EUR' }]);
    expect(combined.brands.map((x: { brandId: string }) => x.brandId).sort()).toEqual(['bistro', 'hotels']);
    expect(combined.recentComplaints).toEqual([expect.objectContaining({ category: 'food', description: 'Cold soup' })]);
    const entries = (await timeline(survivor)).body.items.map((e: { entryId: string }) => e.entryId);
    expect(entries).toEqual(expect.arrayContaining([a.entryId, b.entryId]));

    const moved = await view(merged);
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe(`/v1/guests/${survivor}/view`);
    expect(moved.body).toMatchObject({ code: 'GUEST_MERGED', survivorId: survivor });
    const movedTimeline = await request(h.app).get(`/v1/guests/${merged}/timeline?limit=5`).set(await admin());
    expect([movedTimeline.status, movedTimeline.headers.location]).toEqual([301, `/v1/guests/${survivor}/timeline?limit=5`]);

    await h.messaging.publish(profileEvent('guests-unmerged', survivor, { mergeId: 'merge-1', survivorId: survivor, mergedId: merged }));
    const after = await eventually(async () => {
      const [s, m] = await Promise.all([view(survivor), view(merged)]);
      expect(s.body.mergedGuests).toEqual([]);
      expect(m.status).toBe(200);
      return { survivor: s.body, merged: m.body };
    });
    // exactly as before: the merge lives in the links, not as entries (only the generation time differs)
    const comparable = (v: Record<string, unknown>) => ({ ...v, generatedAt: null });
    expect(comparable(after.survivor)).toEqual(comparable(before.survivor));
    expect(comparable(after.merged)).toEqual(comparable(before.merged));
    expect((await timeline(survivor)).body.items.map((e: { entryId: string }) => e.entryId)).toEqual([a.entryId]);
  });

  it('erasure: no personal text is left in the timeline schema, facts and totals remain', async () => {
    const guestId = newGuestId();
    h.fake.addGuest(tenant, guestId, { name: { given: 'Zoë', family: 'Quintanilha' }, dateOfBirth: '1987-03-14', preferences: [{ key: 'pillow', kind: 'preference', scope: 'shared', brandId: null, value: 'Quintanilha-firm', setAt: '2026-01-01T00:00:00Z' }] });
    await h.messaging.publish(profileEvent('guest-registered', guestId, { guestId, registeredAt: '2026-01-01T00:00:00Z' }));
    await post(stay(guestId, 'hotels', '240.00', '2026-03-01T10:00:00Z'));
    await post({ guestId, type: 'note', brandId: 'hotels', channel: 'front-desk', occurredAt: '2026-03-02T10:00:00Z', payload: { text: 'Quintanilha prefers the corner suite' } });
    await post({ guestId, type: 'reservation-made', brandId: 'hotels', propertyId: 'lisbon-1', channel: 'web', occurredAt: '2026-03-03T10:00:00Z', payload: { reservationId: `R-${guestId}`, arrivalDate: '2099-05-01', departureDate: '2099-05-03', specialRequests: 'Quintanilha anniversary cake' } });
    const personal = ['Quintanilha', 'corner suite', 'anniversary cake', '1987-03-14'];
    await eventually(async () => {
      expect((await view(guestId)).body.identity).toMatchObject({ displayName: 'Zoë Quintanilha' });
      expect((await timeline(guestId)).body.items).toHaveLength(4);
    });
    // readable in the read models, but only ciphertext in the event store
    expect(await h.textSearch('Quintanilha')).toEqual(expect.arrayContaining([expect.stringMatching(/^guest_views/), expect.stringMatching(/^timeline_entries/)]));
    expect((await h.textSearch('Quintanilha')).filter((hit) => hit.startsWith('events'))).toEqual([]);

    h.fake.updateGuest(tenant, guestId, { status: 'erased', name: null, dateOfBirth: null, preferences: [] });
    await h.messaging.publish(profileEvent('guest-erased', guestId, { guestId, erasedAt: '2026-04-01T00:00:00Z' }));
    await eventually(async () => {
      for (const value of personal) expect(await h.textSearch(value)).toEqual([]);
    });
    const erased = (await view(guestId)).body;
    expect(erased.identity).toMatchObject({ erased: true, displayName: null, name: null, dateOfBirth: null });
    expect(erased.totals).toMatchObject({ stays: 1, nights: 2, spend: [{ amount: '240.00', currency: 'EUR' }] });
    const items = (await timeline(guestId)).body.items as { type: string; personal: unknown; facts: Record<string, unknown> }[];
    expect(items.find((e) => e.type === 'note')).toMatchObject({ personal: null });
    expect(items.find((e) => e.type === 'stay')).toMatchObject({ facts: expect.objectContaining({ nights: 2 }) });
    expect(JSON.stringify(erased)).not.toMatch(/Quintanilha|corner suite|anniversary/);
    // time travel reads the store: what was personal reads back as null there too
    const past = await request(h.app).get(`/v1/guests/${guestId}/view`).query({ asOf: new Date().toISOString() }).set(await admin());
    expect(JSON.stringify(past.body)).not.toMatch(/Quintanilha|corner suite|anniversary/);
    // later touchpoints still record their facts; their personal data is dropped
    await post({ guestId, type: 'note', brandId: 'hotels', channel: 'front-desk', occurredAt: '2026-05-01T10:00:00Z', payload: { text: 'Quintanilha came back' } });
    await eventually(async () => expect((await timeline(guestId)).body.items).toHaveLength(6));
    expect(await h.textSearch('came back')).toEqual([]);
  });

  it('dead-letters a malformed message and keeps going', async () => {
    const guestId = newGuestId();
    const subject = `hearth.${service}.visit-recorded.v1.p0`;
    await h.messaging.jetstream.publish(subject, new TextEncoder().encode('{"this is": not json'));
    await h.messaging.jetstream.publish(subject, new TextEncoder().encode(JSON.stringify({ id: 'x', type: `hearth.${service}.visit-recorded`, version: 1 })));
    await h.messaging.publish({ id: randomUUID(), type: `hearth.${service}.visit-recorded`, version: 1, source: service, tenantId: tenant, guestId, occurredAt: '2026-04-02T10:00:00Z', correlationId: randomUUID(), data: { visitId: 'v-1' } });
    await eventually(async () => expect((await timeline(guestId)).body.items).toHaveLength(1));
    const letters = await eventually(async () => {
      const found = await h.messaging.listDeadLetters({ subject: `hearth.${service}.>` });
      expect(found).toHaveLength(2);
      return found;
    });
    expect(letters.map((l) => l.reason)).toEqual(['schema-invalid', 'schema-invalid']);
    expect(letters[0]!.consumer).toContain(`timeline-test-${h.id}`);
  });

  it('waits for a source stream that does not exist yet, then ingests it', async () => {
    const late = `tl-${randomBytes(5).toString('hex')}`;
    laterServices.push(late);
    const info: string[] = [];
    const waiting = startIngestConsumers({
      messaging: h.messaging,
      services: [late],
      durable: `timeline-test-${h.id}`,
      handle: createIngestHandler(h.ctx),
      retryMs: 100,
      logger: { info: (_fields, message) => void info.push(message), warn: (_fields, message) => void info.push(message) },
    });
    try {
      await eventually(() => expect(info).toEqual(['source stream does not exist yet; waiting for it']));
      expect(waiting.running()).toEqual([]);
      await h.messaging.ensureStream({ service: late });
      createdStreams.push(streamNameFor(late));
      await waiting.whenRunning([late], 10_000);
      // logged once while waiting, then once when consuming
      expect(info).toEqual(['source stream does not exist yet; waiting for it', 'ingesting integration events']);
      const guestId = newGuestId();
      await h.messaging.publish({ id: randomUUID(), type: `hearth.${late}.lead-created`, version: 1, source: late, tenantId: tenant, guestId, occurredAt: '2026-04-03T10:00:00Z', correlationId: randomUUID(), data: { leadId: 'L-1' } });
      await eventually(async () => expect((await timeline(guestId)).body.items.map((e: { type: string }) => e.type)).toEqual([`hearth.${late}.lead-created`]));
    } finally {
      await waiting.stop();
    }
  });
});
