import { eventually, uniqueName } from '@hearth/testing';
import { client, measureUntil, startStack, tokenFor, type Client, type Json, type Stack } from './stack';

/**
 * Journeys across customer-profile and the timeline, both running as child processes from their built
 * `dist/index.js` on their own PostgreSQL schemas. Every journey uses a tenant of its own: the NATS
 * streams (HEARTH_CUSTOMER_PROFILE, HEARTH_TIMELINE) are shared with every other Hearth process on this
 * NATS server.
 *
 * Timing: the issue asks for "view totals and timeline update within 1 second" of an ingest. The journey
 * measures that path (ingest acknowledgement → the view and the timeline page show the entry) and prints
 * it; it fails above E2E_LAG_BOUND_MS (default 5,000 ms, generous so a loaded 2-core CI machine does not
 * make it flaky). Set E2E_LAG_BOUND_MS=1000 to hold the run to the bound.
 */

jest.setTimeout(60_000);

const LAG_BOUND_MS = Number(process.env.E2E_LAG_BOUND_MS ?? 5_000);
/** eventually() with room for a busy shared machine (the services are separate processes on 2 cores). */
const waitFor = <T>(assertion: () => Promise<T>) => eventually(assertion, { timeoutMs: 20_000, intervalMs: 25 });
const measurements: string[] = [];

/**
 * NATS names that keep this stack apart from other Hearth processes on the same server:
 * - its own request/reply subjects between the timeline and customer-profile: responders share a queue
 *   group, so a request on the default `rpc.customer-profile.*` could be answered by another running
 *   customer-profile (another schema: "guest not found", or a provisional guest created over there);
 * - its own ingest durable starting at new messages: a durable shared by two timelines splits the messages
 *   between them, and a new one would replay the source streams' whole history first.
 * Passed as environment (a service that does not know a variable ignores it); the durables are deleted at the end.
 */
const runId = uniqueName('e2e');
const durable = `timeline--e2e-${runId}`;
const rpcPrefix = `rpc.e2e-${runId}.customer-profile`;
const isolation = {
  profile: { CUSTOMER_PROFILE_RPC_PREFIX: rpcPrefix },
  timeline: { CUSTOMER_PROFILE_RPC_PREFIX: rpcPrefix, TIMELINE_INGEST_DURABLE: durable, TIMELINE_INGEST_DELIVER_POLICY: 'new' },
  tickets: { CUSTOMER_PROFILE_RPC_PREFIX: rpcPrefix, GUEST_EVENTS_DURABLE: `${durable}-tickets`, GUEST_EVENTS_DELIVER_POLICY: 'new' },
  durablePrefix: durable,
};

let stack: Stack;

beforeAll(async () => {
  stack = await startStack(isolation);
}, 120_000);

afterAll(async () => {
  if (measurements.length) console.log(`e2e measurements:\n  ${measurements.join('\n  ')}`);
  await stack?.stop();
}, 60_000);

type Tenant = {
  tenantId: string;
  /** Chain-wide admin/agent/steward/integration caller of customer-profile. */
  profile: Client;
  /** Chain-wide caller of the timeline. */
  timeline: Client;
  /** Timeline callers acting for one brand (staff of that brand). */
  staff: Record<'hotel' | 'dining' | 'retail', Client>;
  steward: Client;
  /** service-tickets callers acting for one brand. */
  tickets: Record<'hotel' | 'dining', Client>;
};

/** A tenant with a hotel and a dining brand in the data-sharing agreement and a private retail brand. */
async function newTenant(): Promise<Tenant> {
  const tenantId = uniqueName('e2e-chain').replace(/_/g, '-');
  const admin = await tokenFor(tenantId, ['admin', 'agent', 'integration'], '*');
  const profile = client(stack.profile.url, admin);
  for (const [brandId, sharing] of [['hotel', 'shared'], ['dining', 'shared'], ['retail', 'private']] as const) {
    const res = await profile.post('/v1/brands', { brandId, name: `E2E ${brandId}`, sharing });
    expect(res.status).toBe(201);
  }
  for (const [propertyId, brandId, kind] of [['hotel-lisboa', 'hotel', 'hotel'], ['dining-chiado', 'dining', 'restaurant'], ['retail-porto', 'retail', 'store']] as const) {
    const res = await profile.post('/v1/properties', { propertyId, brandId, name: propertyId, kind, country: 'PT', timeZone: 'Europe/Lisbon' });
    expect(res.status).toBe(201);
  }
  const staffClient = async (brand: string) => client(stack.timeline.url, await tokenFor(tenantId, ['agent'], [brand], `agent-${brand}`));
  return {
    tenantId,
    profile,
    timeline: client(stack.timeline.url, admin),
    staff: { hotel: await staffClient('hotel'), dining: await staffClient('dining'), retail: await staffClient('retail') },
    steward: client(stack.profile.url, await tokenFor(tenantId, ['steward'], '*', 'steward')),
    tickets: {
      hotel: client(stack.tickets.url, await tokenFor(tenantId, ['agent', 'manager'], ['hotel'], 'agent-hotel')),
      dining: client(stack.tickets.url, await tokenFor(tenantId, ['agent'], ['dining'], 'agent-dining')),
    },
  };
}

async function register(t: Tenant, given: string, family: string, brand = 'hotel', extra: Json = {}): Promise<{ guestId: string; email: string }> {
  const ascii = (text: string) => text.normalize('NFD').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  const email = `${ascii(given)}.${ascii(family)}.${uniqueName('g')}@e2e.example`;
  const res = await t.profile.post('/v1/guests', { name: { given, family }, identities: [{ type: 'email', value: email }], ...extra }, { 'x-brand-id': brand });
  expect(res.status).toBe(201);
  return { guestId: res.body.guestId as string, email };
}

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

function stay(guest: { guestId?: string; identifiers?: Json[] }, amount = '240.00', sourceEventId?: string): Json {
  const arrival = daysAgo(5).slice(0, 10);
  const departure = daysAgo(3).slice(0, 10);
  return {
    ...guest,
    type: 'stay',
    brandId: 'hotel',
    propertyId: 'hotel-lisboa',
    channel: 'pms',
    occurredAt: `${departure}T11:00:00Z`,
    amount: { amount, currency: 'EUR' },
    payload: { arrivalDate: arrival, departureDate: departure, nights: 2 },
    ...(sourceEventId ? { sourceEventId } : {}),
  };
}

async function ingest(t: Tenant, touchpoint: Json): Promise<{ entryId: string; guestId: string; resolution: string }> {
  const res = await t.timeline.post('/v1/touchpoints', touchpoint);
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 201 });
  return res.body;
}

async function view(c: Client, guestId: string): Promise<Json> {
  const res = await c.get(`/v1/guests/${guestId}/view`);
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
  return res.body;
}

async function timelinePage(c: Client, guestId: string, query = ''): Promise<Json[]> {
  const res = await c.get(`/v1/guests/${guestId}/timeline${query}`);
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
  return res.body.items as Json[];
}

/**
 * Ids of the touchpoint entries, sorted. Timelines also hold customer-profile's integration events about
 * the guest (`kind: 'event'`: registered, merged, erased…); the journeys check those separately.
 */
const entryIds = (entries: Json[]) => entries.filter((e) => e.kind === 'touchpoint').map((e) => e.entryId as string).sort();
const ids = (created: { entryId: string }[]) => created.map((e) => e.entryId).sort();
const eventTypes = (entries: Json[]) => entries.filter((e) => e.kind === 'event').map((e) => e.type as string);

describe('a guest across customer-profile and the timeline', () => {
  test('a guest registered in customer-profile appears in the timeline view', async () => {
    const t = await newTenant();
    const { guestId } = await register(t, 'Ana', 'Lima', 'hotel', { dateOfBirth: '1984-03-09', language: 'pt-PT' });

    const shown = await waitFor(async () => {
      const v = await view(t.timeline, guestId);
      expect(v.identity).toMatchObject({ guestId, erased: false, name: { given: 'Ana', family: 'Lima' }, dateOfBirth: '1984-03-09' });
      return v;
    });
    expect(shown.identity.identifiers.map((i: Json) => i.type)).toContain('email');
    expect(eventTypes(shown.timeline)).toContain('hearth.customer-profile.guest-registered');
    expect(shown.totals).toMatchObject({ visits: 0, stays: 0, nights: 0, spend: [] });
  });

  test('a stay ingested by e-mail identifier updates the view totals and the timeline (measured lag)', async () => {
    const t = await newTenant();
    const { guestId, email } = await register(t, 'Bruno', 'Costa');
    await waitFor(async () => expect((await view(t.timeline, guestId)).identity).not.toBeNull());

    const sourceEventId = `pms-${uniqueName('stay')}`;
    const res = await t.timeline.post('/v1/touchpoints', stay({ identifiers: [{ type: 'email', value: email.toUpperCase() }] }, '240.00', sourceEventId));
    const acked = performance.now();
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ guestId, resolution: 'matched', duplicate: false });
    const { entryId } = res.body;

    const inView = await measureUntil(acked, async () => {
      const v = await view(t.timeline, guestId);
      expect(v.totals).toMatchObject({ stays: 1, nights: 2, visits: 1, spend: [{ amount: '240.00', currency: 'EUR' }] });
      expect(v.timeline.map((e: Json) => e.entryId)).toContain(entryId);
      return v;
    }, { timeoutMs: 15_000 });
    const inTimeline = await measureUntil(acked, async () => {
      const items = await timelinePage(t.timeline, guestId);
      expect(items.map((e) => e.entryId)).toContain(entryId);
      return items;
    }, { timeoutMs: 15_000 });
    measurements.push(`ingest ack → view totals: ${inView.elapsedMs.toFixed(0)} ms; → timeline page: ${inTimeline.elapsedMs.toFixed(0)} ms (issue target ≤ 1,000 ms, test bound ${LAG_BOUND_MS} ms)`);
    expect(inView.elapsedMs).toBeLessThanOrEqual(LAG_BOUND_MS);
    expect(inTimeline.elapsedMs).toBeLessThanOrEqual(LAG_BOUND_MS);
    expect(inView.value.brands).toEqual([expect.objectContaining({ brandId: 'hotel', stays: 1, nights: 2, visits: 1 })]);
    expect(inTimeline.value.find((e) => e.entryId === entryId)).toMatchObject({ entryId, type: 'stay', brandId: 'hotel', propertyId: 'hotel-lisboa', amount: { amount: '240.00', currency: 'EUR' } });

    // A retry with the same source event id is recorded once.
    const retry = await t.timeline.post('/v1/touchpoints', stay({ guestId }, '240.00', sourceEventId));
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ entryId, guestId, duplicate: true });
    const after = await view(t.timeline, guestId);
    expect(after.totals).toMatchObject({ stays: 1, nights: 2 });
  });

  test('merge: the survivor’s view holds both histories; unmerge restores both views exactly', async () => {
    const t = await newTenant();
    const survivor = await register(t, 'Carla', 'Reis', 'hotel');
    const merged = await register(t, 'Carla', 'Reis', 'dining');
    const ownStay = await ingest(t, stay({ guestId: survivor.guestId }, '300.00'));
    const dinner = await ingest(t, {
      guestId: merged.guestId,
      type: 'dining-visit',
      brandId: 'dining',
      propertyId: 'dining-chiado',
      channel: 'pos',
      occurredAt: daysAgo(10),
      amount: { amount: '80.00', currency: 'EUR' },
      payload: { covers: 2 },
    });
    const settled = async (guestId: string, entryId: string) =>
      waitFor(async () => {
        const v = await view(t.timeline, guestId);
        expect(v.identity).not.toBeNull();
        expect(v.timeline.map((e: Json) => e.entryId)).toContain(entryId);
        return v;
      });
    const survivorBefore = await settled(survivor.guestId, ownStay.entryId);
    const mergedBefore = await settled(merged.guestId, dinner.entryId);
    const survivorPageBefore = entryIds(await timelinePage(t.timeline, survivor.guestId));

    const mergeStartedAt = new Date().toISOString();
    const merge = await t.steward.post(`/v1/guests/${survivor.guestId}/merge`, { mergedId: merged.guestId });
    expect(merge.status).toBe(200);
    const { mergeId } = merge.body;

    await waitFor(async () => {
      const v = await view(t.timeline, survivor.guestId);
      expect(v.mergedGuests).toEqual([merged.guestId]);
      expect(entryIds(v.timeline)).toEqual([ownStay.entryId, dinner.entryId].sort());
      expect(v.totals).toMatchObject({ visits: 2, stays: 1, nights: 2, spend: [{ amount: '380.00', currency: 'EUR' }] });
      expect(v.brands.map((b: Json) => b.brandId).sort()).toEqual(['dining', 'hotel']);
    });
    expect(entryIds(await timelinePage(t.timeline, survivor.guestId))).toEqual([ownStay.entryId, dinner.entryId].sort());
    await waitFor(async () => {
      const res = await t.timeline.get(`/v1/guests/${merged.guestId}/view`);
      expect(res.status).toBe(301);
      expect(res.body.code).toBe('GUEST_MERGED');
      expect(res.headers.get('location')).toContain(`/v1/guests/${survivor.guestId}/view`);
    });

    const unmerge = await t.steward.post(`/v1/guests/${survivor.guestId}/unmerge`, { mergeId });
    expect(unmerge.status).toBe(200);

    // Everything is as before the merge, except the moment of reading, the time of the last profile
    // snapshot, and any record of the merge and the unmerge themselves on the timelines.
    const comparable = (v: Json) => ({
      ...v,
      generatedAt: undefined,
      identity: v.identity && { ...v.identity, asOf: undefined },
      timeline: v.timeline.filter((e: Json) => !(e.kind === 'event' && e.recordedAt >= mergeStartedAt)),
    });
    await waitFor(async () => {
      const survivorAfter = await view(t.timeline, survivor.guestId);
      expect(comparable(survivorAfter)).toEqual(comparable(survivorBefore));
      expect(comparable(await view(t.timeline, merged.guestId))).toEqual(comparable(mergedBefore));
    });
    expect(entryIds(await timelinePage(t.timeline, survivor.guestId))).toEqual(survivorPageBefore);
    expect(entryIds(await timelinePage(t.timeline, merged.guestId))).toEqual([dinner.entryId]);
  });

  test('brand scoping: brand-private entries and brands outside the sharing agreement stay hidden', async () => {
    const t = await newTenant();
    const { guestId } = await register(t, 'Duarte', 'Neves', 'hotel');
    const hotelStay = await ingest(t, stay({ guestId }, '200.00'));
    const hotelNote = await ingest(t, {
      guestId,
      type: 'note',
      brandId: 'hotel',
      propertyId: 'hotel-lisboa',
      channel: 'front-desk',
      visibility: 'brand',
      occurredAt: daysAgo(2),
      payload: { text: 'Hotel-only note: asks for the corner suite' },
    });
    const dinner = await ingest(t, {
      guestId,
      type: 'dining-visit',
      brandId: 'dining',
      propertyId: 'dining-chiado',
      channel: 'pos',
      occurredAt: daysAgo(4),
      amount: { amount: '60.00', currency: 'EUR' },
      payload: { covers: 2 },
    });
    // retail is outside the data-sharing agreement: even an entry it marks shared stays with it
    const purchase = await ingest(t, {
      guestId,
      type: 'purchase',
      brandId: 'retail',
      propertyId: 'retail-porto',
      channel: 'pos',
      occurredAt: daysAgo(6),
      amount: { amount: '129.00', currency: 'EUR' },
      payload: { items: [{ sku: 'JKT-RAIN-M', quantity: 1, unitPrice: { amount: '129.00', currency: 'EUR' } }] },
    });
    const all = [hotelStay, hotelNote, dinner, purchase].map((e) => e.entryId).sort();
    await waitFor(async () => expect(entryIds((await view(t.timeline, guestId)).timeline)).toEqual(all));
    await waitFor(async () => expect(entryIds(await timelinePage(t.timeline, guestId))).toEqual(all));

    // dining staff: shared entries of the sharing brands only
    const dining = await view(t.staff.dining, guestId);
    expect(entryIds(dining.timeline)).toEqual([hotelStay.entryId, dinner.entryId].sort());
    expect(dining.totals).toMatchObject({ visits: 2, stays: 1, spend: [{ amount: '260.00', currency: 'EUR' }] });
    expect(dining.brands.map((b: Json) => b.brandId).sort()).toEqual(['dining', 'hotel']);
    expect(JSON.stringify(dining)).not.toContain('corner suite');
    expect(entryIds(await timelinePage(t.staff.dining, guestId))).toEqual([hotelStay.entryId, dinner.entryId].sort());
    expect(entryIds(await timelinePage(t.staff.dining, guestId, '?brands=retail'))).toEqual([]);

    // hotel staff: plus the hotel's own private note
    const hotel = await view(t.staff.hotel, guestId);
    expect(entryIds(hotel.timeline)).toEqual([hotelStay.entryId, hotelNote.entryId, dinner.entryId].sort());
    expect(hotel.timeline.find((e: Json) => e.entryId === hotelNote.entryId).personal).toEqual({ text: 'Hotel-only note: asks for the corner suite' });
    expect(JSON.stringify(hotel)).not.toContain('retail');

    // retail staff: its own entries only (or no guest at all)
    const retail = await t.staff.retail.get(`/v1/guests/${guestId}/view`);
    if (retail.status === 200) {
      expect(entryIds(retail.body.timeline)).toEqual([purchase.entryId]);
      expect(retail.body.totals).toMatchObject({ visits: 1, stays: 0, spend: [{ amount: '129.00', currency: 'EUR' }] });
    } else {
      expect(retail.status).toBe(404);
    }
  });

  test('erasure: personal data leaves the view and the timeline, the facts and totals remain', async () => {
    const t = await newTenant();
    const family = `Quaresma${uniqueName('x').slice(2, 8)}`;
    const { guestId, email } = await register(t, 'Zélia', family, 'hotel', { dateOfBirth: '1979-11-30' });
    const entries = [
      await ingest(t, stay({ guestId }, '240.00')),
      await ingest(t, { guestId, type: 'note', brandId: 'hotel', channel: 'front-desk', occurredAt: daysAgo(1), payload: { text: `Zélia ${family} prefers feather-free pillows` } }),
      await ingest(t, {
        guestId,
        type: 'complaint',
        brandId: 'hotel',
        propertyId: 'hotel-lisboa',
        channel: 'email',
        occurredAt: daysAgo(3),
        payload: { category: 'noise', severity: 'high', description: `${family} was kept awake by a party next door` },
      }),
    ];
    const personal = [family, email.split('@')[0]!, 'feather-free', 'kept awake'];
    await waitFor(async () => {
      const v = await view(t.timeline, guestId);
      expect(v.identity?.name?.family).toBe(family);
      expect(entryIds(v.timeline)).toEqual(ids(entries));
      expect(JSON.stringify(v)).toContain('feather-free');
    });

    const erase = await t.profile.post(`/v1/guests/${guestId}/erase`, { reason: 'e2e: guest request' });
    expect(erase.status).toBe(200);

    const erased = await waitFor(async () => {
      const v = await view(t.timeline, guestId);
      expect(v.identity).toMatchObject({ erased: true, name: null, dateOfBirth: null });
      for (const text of personal) expect(JSON.stringify(v)).not.toContain(text);
      return v;
    });
    expect(erased.totals).toMatchObject({ stays: 1, nights: 2, visits: 1, spend: [{ amount: '240.00', currency: 'EUR' }] });
    expect(eventTypes(erased.timeline)).toContain('hearth.customer-profile.guest-erased');
    expect(entryIds(erased.timeline)).toEqual(ids(entries));
    expect(erased.recentComplaints).toEqual([expect.objectContaining({ category: 'noise', severity: 'high', description: null })]);

    const page = await waitFor(async () => {
      const items = await timelinePage(t.timeline, guestId);
      for (const text of personal) expect(JSON.stringify(items)).not.toContain(text);
      return items;
    });
    expect(entryIds(page)).toEqual(ids(entries));
    expect(page.filter((e) => e.kind === 'touchpoint').every((e) => e.personal === null)).toBe(true);
    expect(page.find((e) => e.type === 'stay')).toMatchObject({ amount: { amount: '240.00', currency: 'EUR' }, facts: expect.objectContaining({ nights: 2 }) });
  });

  test('bad input: unknown guests, invalid touchpoints and partly bad batches', async () => {
    const t = await newTenant();
    const { guestId } = await register(t, 'Eva', 'Moura');
    const unknown = uniqueName('nobody');

    const missingView = await t.timeline.get(`/v1/guests/${unknown}/view`);
    expect(missingView.status).toBe(404);
    expect(missingView.body.code).toBe('GUEST_NOT_FOUND');
    expect((await t.timeline.post('/v1/touchpoints', stay({ guestId: unknown }))).status).toBe(404);

    const invalid = await t.timeline.post('/v1/touchpoints', { ...stay({ guestId }), payload: { arrivalDate: today(), departureDate: '2001-01-01' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('VALIDATION_FAILED');
    expect(invalid.body.errors.map((e: Json) => e.path)).toContain('body.payload.departureDate');

    const batch = await t.timeline.post('/v1/touchpoints:batch', { items: [stay({ guestId }, '99.00'), { ...stay({ guestId }), type: 'teleport' }] });
    expect(batch.status).toBe(207);
    expect(batch.body.results).toEqual([
      expect.objectContaining({ index: 0, status: 201, guestId }),
      expect.objectContaining({ index: 1, status: 400 }),
    ]);
    await waitFor(async () => expect((await view(t.timeline, guestId)).totals).toMatchObject({ stays: 1, spend: [{ amount: '99.00', currency: 'EUR' }] }));
  });

  test('a complaint opened in service-tickets shows on the guest view and timeline; its recovery and resolution clear the cue', async () => {
    const t = await newTenant();
    const { guestId, email } = await register(t, 'Ines', 'Rocha');
    await waitFor(async () => expect((await view(t.timeline, guestId)).identity).toMatchObject({ displayName: 'Ines Rocha' }));

    // named by e-mail: service-tickets resolves the guest through customer-profile
    const opened = await t.tickets.hotel.post('/v1/tickets', {
      brandId: 'hotel',
      propertyId: 'hotel-lisboa',
      identifiers: [{ type: 'email', value: email }],
      kind: 'complaint',
      channel: 'phone',
      priority: 'high',
      subject: 'Noise from the bar until 2 am',
      complaint: { complaintType: 'noise', severity: 'high' },
    });
    expect({ status: opened.status, body: opened.body }).toMatchObject({ status: 201, body: { ticket: { guestId, status: 'open' } } });
    const ticketId = opened.body.ticket.ticketId as string;
    const openedAt = performance.now();

    const { elapsedMs } = await measureUntil(openedAt, async () => {
      const v = await view(t.timeline, guestId);
      expect(v.openTickets).toEqual([expect.objectContaining({ ticketId, status: 'open', brandId: 'hotel' })]);
      expect(v.recentComplaints).toEqual([expect.objectContaining({ status: 'open', category: 'noise', severity: 'high', ticketId })]);
      expect(v.cues.map((c: Json) => c.code)).toContain('open-complaint');
      return v;
    }, { timeoutMs: 20_000 });
    measurements.push(`ticket opened → guest view shows it and the open-complaint cue: ${elapsedMs.toFixed(0)} ms`);
    const entries = await timelinePage(t.timeline, guestId, '?types=hearth.service-tickets.ticket-opened,hearth.service-tickets.complaint-recorded');
    expect(entries.map((e) => e.type).sort()).toEqual(['hearth.service-tickets.complaint-recorded', 'hearth.service-tickets.ticket-opened']);
    // integration events carry no personal text: the subject stays in service-tickets
    expect(JSON.stringify(entries)).not.toContain('Noise from the bar');
    // a brand outside hotel's data sharing… dining shares with hotel, so its staff see the open complaint too
    expect((await view(t.staff.dining, guestId)).cues.map((c: Json) => c.code)).toContain('open-complaint');

    const assigned = await t.tickets.hotel.post(`/v1/tickets/${ticketId}/assign`, { assigneeId: 'agent-hotel' }, { 'if-match': opened.headers.get('etag')! });
    expect({ status: assigned.status, body: assigned.body }).toMatchObject({ status: 200, body: { ticket: { status: 'assigned', assigneeId: 'agent-hotel' } } });
    const recovery = await t.tickets.hotel.post(`/v1/tickets/${ticketId}/recoveries`, { action: 'voucher', value: { currency: 'EUR', minor: 5000 } }, { 'if-match': assigned.headers.get('etag')! });
    expect(recovery.status).toBe(201);
    const resolved = await t.tickets.hotel.post(`/v1/tickets/${ticketId}/resolve`, { resolutionCode: 'moved-room' }, { 'if-match': recovery.headers.get('etag')! });
    expect({ status: resolved.status, body: resolved.body }).toMatchObject({ status: 200, body: { ticket: { status: 'resolved' } } });
    // a stale version is refused
    expect((await t.tickets.hotel.post(`/v1/tickets/${ticketId}/close`, undefined, { 'if-match': opened.headers.get('etag')! })).status).toBe(412);

    await waitFor(async () => {
      const v = await view(t.timeline, guestId);
      expect(v.openTickets).toEqual([]);
      expect(v.recentComplaints).toEqual([
        expect.objectContaining({ ticketId, status: 'resolved', recoveries: [expect.objectContaining({ action: 'voucher', value: { amount: '50.00', currency: 'EUR' } })] }),
      ]);
      expect(v.cues.map((c: Json) => c.code)).not.toContain('open-complaint');
      expect(v.cues.map((c: Json) => c.code)).not.toContain('service-failure-without-recovery');
    });
    const after = await timelinePage(t.timeline, guestId, '?types=hearth.service-tickets.recovery-given,hearth.service-tickets.ticket-resolved');
    expect(after.map((e) => e.type).sort()).toEqual(['hearth.service-tickets.recovery-given', 'hearth.service-tickets.ticket-resolved']);

    // the ticket is on the unified queue until it was resolved, and the agent sees it with its SLA
    const ticket = await t.tickets.hotel.get(`/v1/tickets/${ticketId}`);
    expect({ status: ticket.status, body: ticket.body }).toMatchObject({ status: 200, body: { ticketId, status: 'resolved', subject: 'Noise from the bar until 2 am' } });
    await waitFor(async () => {
      const queue = await t.tickets.hotel.get('/v1/tickets?includeClosed=true');
      expect(queue.status).toBe(200);
      expect(queue.body.items.map((i: Json) => i.ticketId)).toContain(ticketId);
    });
    // dining shares data with hotel: its staff may read hotel's ticket but not work it
    expect((await t.tickets.dining.get(`/v1/tickets/${ticketId}`)).status).toBe(200);
    expect((await t.tickets.dining.post(`/v1/tickets/${ticketId}/close`, undefined)).status).toBe(403);
  });
});
