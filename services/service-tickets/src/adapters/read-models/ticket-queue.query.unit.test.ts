import { createMemoryDocumentStore, type DocumentStore } from '@hearth/read-models';
import { projectTicketQueueEvent } from './ticket-queue.projection';
import { listTicketQueue, queueStoreFilter } from './ticket-queue.query';
import { ticketQueueQuerySchema, ticketQueueRequestOf, type TicketQueueFilter } from './ticket-queue.schemas';
import { at, EventLog, openTicket } from './ticket-queue.test-helper';

const TENANT = 't1';
const ALL: TicketQueueFilter = { brandIds: 'all' };

/**
 * Eight tickets (minute 0 = 08:00 UTC):
 * - a: due 60 (first response), normal, opened 0
 * - b: due 60 (first response), urgent, opened 10      → before a (same due, higher priority)
 * - c: overdue: first response breached at 20 (due 20), high, assigned to agent-1
 * - d: no SLA, urgent, opened 5
 * - e: no SLA, normal, opened -100 (older), property porto-1, queue spa
 * - f: waiting on guest (due times paused), low, brand restaurants
 * - g: resolved (excluded by default), due 30
 * - h: no SLA, normal, opened -50, brand restaurants, unassigned
 */
async function seed(store: DocumentStore): Promise<void> {
  const log = new EventLog();
  openTicket(log, TENANT, 'a', 0, { firstResponseMinutes: 60, resolutionMinutes: 600 });
  openTicket(log, TENANT, 'b', 10, { firstResponseMinutes: 50, resolutionMinutes: 600, priority: 'urgent', channel: 'phone' });
  const c = openTicket(log, TENANT, 'c', -30, { firstResponseMinutes: 50, resolutionMinutes: 600, priority: 'high', assigneeId: 'agent-1' });
  c.run('RecordSlaBreach', 21, { target: 'first-response', dueAt: at(20) }, 'service:sla');
  openTicket(log, TENANT, 'd', 5, { priority: 'urgent', assigneeId: 'agent-2' });
  openTicket(log, TENANT, 'e', -100, { propertyId: 'porto-1', queueId: 'spa' });
  const f = openTicket(log, TENANT, 'f', 0, { brandId: 'restaurants', priority: 'low', firstResponseMinutes: 5, assigneeId: 'agent-1' });
  f.run('StartWork', 1, {});
  f.run('WaitOnGuest', 2, {});
  const g = openTicket(log, TENANT, 'g', 0, { firstResponseMinutes: 30, assigneeId: 'agent-1' });
  g.run('ResolveTicket', 15, {});
  openTicket(log, TENANT, 'h', -50, { brandId: 'restaurants' });
  openTicket(log, 'other-tenant', 'zz', 0, { firstResponseMinutes: 1 });
  await store.transaction(async (session) => {
    for (const event of log.events) await projectTicketQueueEvent(event, session);
  });
}

async function ids(store: DocumentStore, filter: TicketQueueFilter, limit = 100): Promise<string[]> {
  return (await listTicketQueue(store, TENANT, filter, { limit })).items.map((i) => i.ticketId);
}

describe('unified queue listing', () => {
  let store: DocumentStore;
  beforeAll(async () => {
    store = createMemoryDocumentStore();
    await seed(store);
  });

  it('sorts by urgency: overdue first, due soonest, priority breaks ties; nothing due after, by priority then age', async () => {
    expect(await ids(store, ALL)).toEqual(['c', 'b', 'a', 'd', 'e', 'h', 'f']);
  });

  it('pages through the same order with a cursor, each ticket once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listTicketQueue(store, TENANT, ALL, { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((i) => i.ticketId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(['c', 'b', 'a', 'd', 'e', 'h', 'f']);
    expect(pages).toBe(3);
  });

  it('refuses a cursor of another query', async () => {
    const first = await listTicketQueue(store, TENANT, ALL, { limit: 2 });
    await expect(listTicketQueue(store, TENANT, { ...ALL, queueId: 'spa' }, { cursor: first.nextCursor! })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('filters by queue, status, priority, property, assignee (or unassigned) and includes closed tickets on demand', async () => {
    expect(await ids(store, { ...ALL, queueId: 'spa' })).toEqual(['e']);
    expect(await ids(store, { ...ALL, status: ['waiting-on-guest'] })).toEqual(['f']);
    expect(await ids(store, { ...ALL, status: ['resolved'] })).toEqual(['g']);
    expect(await ids(store, { ...ALL, status: ['assigned', 'resolved'] })).toEqual(['c', 'd', 'g']);
    expect(await ids(store, { ...ALL, priority: ['urgent', 'high'] })).toEqual(['c', 'b', 'd']);
    expect(await ids(store, { ...ALL, propertyId: 'porto-1' })).toEqual(['e']);
    expect(await ids(store, { ...ALL, assigneeId: 'agent-1' })).toEqual(['c', 'f']);
    expect(await ids(store, { ...ALL, assigneeId: 'unassigned' })).toEqual(['b', 'a', 'e', 'h']);
    expect(await ids(store, { ...ALL, includeClosed: true })).toEqual(['c', 'b', 'a', 'd', 'e', 'h', 'g', 'f']);
  });

  it('filters by due window on the same index order (overdue counts as due before)', async () => {
    expect(await ids(store, { ...ALL, dueBefore: at(60) })).toEqual(['c']);
    expect(await ids(store, { ...ALL, dueBefore: at(61) })).toEqual(['c', 'b', 'a']);
    expect(await ids(store, { ...ALL, dueAfter: at(60) })).toEqual(['b', 'a']);
    expect(await ids(store, { ...ALL, dueAfter: '2026-03-02T08:00:00Z', dueBefore: '2026-03-02T11:00:00+02:00' })).toEqual(['c']);
    expect(await ids(store, { ...ALL, dueAfter: at(21), dueBefore: at(61) })).toEqual(['b', 'a']);
    await expect(listTicketQueue(store, TENANT, { ...ALL, dueBefore: 'tomorrow' })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
  });

  it('shows only visible brands and keeps tenants apart', async () => {
    expect(await ids(store, { brandIds: ['restaurants'] })).toEqual(['h', 'f']);
    expect(await ids(store, { brandIds: ['hotels', 'restaurants'], brandId: 'restaurants' })).toEqual(['h', 'f']);
    expect(await ids(store, { brandIds: ['hotels'], brandId: 'restaurants' })).toEqual([]);
    expect(await ids(store, { brandIds: [] })).toEqual([]);
    expect(await ids(store, { brandIds: 'all', brandId: 'hotels' })).toEqual(['c', 'b', 'a', 'd', 'e']);
    expect((await listTicketQueue(store, 'other-tenant', ALL)).items.map((i) => i.ticketId)).toEqual(['zz']);
    expect((await listTicketQueue(store, 'nobody', ALL)).items).toEqual([]);
  });

  it('returns API items without internal fields, limit clamped to 1…100', async () => {
    const page = await listTicketQueue(store, TENANT, ALL, { limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).not.toHaveProperty('sortKey');
    expect(page.items[0]).not.toHaveProperty('ticket');
    expect(page.items[0]).not.toHaveProperty('tenantId');
    expect(page.items[0]).toMatchObject({ ticketId: 'c', overdue: true, firstResponseBreached: true, dueAt: at(20) });
    expect((await listTicketQueue(store, TENANT, ALL, { limit: 0 })).items).toHaveLength(1);
    expect((await listTicketQueue(store, TENANT, ALL, { limit: 1000 })).items).toHaveLength(7);
  });

  it('reads filters from a query string with the exported schema', () => {
    const query = ticketQueueQuerySchema.parse({ status: 'open, assigned', priority: 'urgent', assignee: 'unassigned', includeClosed: 'false', limit: '20', dueBefore: at(5) });
    const { filter, page } = ticketQueueRequestOf(query, ['hotels']);
    expect(filter).toEqual({ brandIds: ['hotels'], status: ['open', 'assigned'], priority: ['urgent'], assigneeId: 'unassigned', includeClosed: false, dueBefore: at(5) });
    expect(page).toEqual({ limit: 20 });
    expect(queueStoreFilter(filter)).toEqual({ brandId: 'hotels', status: { $in: ['open', 'assigned'] }, active: true, priority: 'urgent', assigneeId: null, sortKey: { $gte: '0|', $lt: `0|${at(5)}` } });
    expect(ticketQueueQuerySchema.safeParse({ status: 'opened' }).success).toBe(false);
    expect(ticketQueueQuerySchema.safeParse({ limit: '101' }).success).toBe(false);
    expect(ticketQueueQuerySchema.safeParse({ dueAfter: 'soon' }).success).toBe(false);
  });
});
