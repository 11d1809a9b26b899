/**
 * The unified queue on PostgreSQL: tickets written through the crypto-shredding store the service uses,
 * the projection reading the raw event store, the query served by the read model's indexes, no personal
 * text (nor its ciphertext) in the read model, and a rebuild from zero giving the same documents.
 */
import { contentHash } from '@hearth/read-models';
import { eventually } from '@hearth/testing';
import type { TicketCommand } from '../../domain/ticket.decider';
import { usePostgresTicketReadModels } from './ticket-read-models.pg.test-helper';
import { ticketQueue } from './ticket-queue.collections';
import { createTicketQueueProjection } from './ticket-queue.projection';
import { listTicketQueue } from './ticket-queue.query';
import type { TicketQueueFilter } from './ticket-queue.schemas';

const TENANT = 'chain-a';
const ALL: TicketQueueFilter = { brandIds: 'all' };
const T0 = Date.parse('2026-03-02T08:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

describe('unified queue on PostgreSQL', () => {
  const db = usePostgresTicketReadModels({ schemaPrefix: 'tickets_queue', tenantId: TENANT, projection: (events, store) => createTicketQueueProjection({ events, store, maxBatchSize: 50 }) });
  const { send } = db;

  const open = (ticketId: string, minute: number, extra: Partial<Extract<TicketCommand, { type: 'OpenTicket' }>> = {}, tenantId = TENANT) =>
    send(
      ticketId,
      {
        type: 'OpenTicket',
        at: at(minute),
        by: 'user:agent-1',
        ticketId,
        brandId: 'hotels',
        propertyId: 'lisbon-1',
        kind: 'inquiry',
        channel: 'email',
        priority: 'normal',
        queueId: 'front-desk',
        subject: 'Ana Silva lost her passport',
        description: 'Passport number X1234567',
        requester: { name: 'Ana Silva', email: 'ana.silva@example.com' },
        ...extra,
      },
      tenantId,
    );

  const ids = async (filter: TicketQueueFilter = ALL, limit = 100) => (await listTicketQueue(db.readModels, TENANT, filter, { limit })).items.map((i) => i.ticketId);

  it('lists across channels by urgency, filters and pages on the indexes, holds nothing personal, and rebuilds to the same documents', async () => {
    const sla = (fr: number, res: number, minute: number) => ({
      'first-response': { policyId: 'p1', mode: 'calendar' as const, minutes: fr, dueAt: at(minute + fr) },
      resolution: { policyId: 'p1', mode: 'calendar' as const, minutes: res, dueAt: at(minute + res) },
    });
    await open('a', 0, { sla: sla(60, 600, 0) });
    await open('b', 5, { sla: sla(30, 600, 5), priority: 'urgent', channel: 'phone', assigneeId: 'agent-2' });
    await open('c', -60, { sla: sla(30, 600, -60), assigneeId: 'agent-1', channel: 'chat' });
    await send('c', { type: 'RecordSlaBreach', at: at(-29), by: 'service:sla', target: 'first-response', dueAt: at(-30), escalation: { toPriority: 'high' } });
    await open('d', -10, { brandId: 'restaurants', propertyId: 'porto-1', channel: 'walk-in' });
    await open('e', 0, { assigneeId: 'agent-1', channel: 'social' });
    await send('e', { type: 'StartWork', at: at(1), by: 'user:agent-1' });
    await send('e', { type: 'AddComment', at: at(2), by: 'user:agent-1', commentId: 'c1', visibility: 'public', author: 'staff', body: 'Dear Ana Silva, which room?' });
    await send('e', { type: 'WaitOnGuest', at: at(3), by: 'user:agent-1' });
    await open('f', 0, { sla: sla(10, 20, 0), assigneeId: 'agent-1' });
    await send('f', { type: 'ResolveTicket', at: at(5), by: 'user:agent-1', summary: 'Ana Silva found it' });
    await open('zz', 0, { sla: sla(1, 2, 0) }, 'chain-b');

    // every event applied: otherwise a ticket opened but not yet resolved in the read model would pass the check below
    const last = (await db.events.readAll({ fromPosition: 0, limit: 1_000 })).at(-1)!.globalPosition;
    await db.runner.waitForPosition(last, { timeoutMs: 20_000 });
    await eventually(async () => expect(await ids()).toEqual(['c', 'b', 'a', 'd', 'e']));
    const [first] = (await listTicketQueue(db.readModels, TENANT, ALL, { limit: 1 })).items;
    expect(first).toMatchObject({ ticketId: 'c', channel: 'chat', priority: 'high', escalationLevel: 1, overdue: true, dueAt: at(-30), streamVersion: 3 });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listTicketQueue(db.readModels, TENANT, ALL, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((i) => i.ticketId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['c', 'b', 'a', 'd', 'e']);

    expect(await ids({ brandIds: ['restaurants', 'spa-brand'] })).toEqual(['d']);
    expect(await ids({ ...ALL, assigneeId: 'unassigned' })).toEqual(['a', 'd']);
    expect(await ids({ ...ALL, assigneeId: 'agent-1', status: ['waiting-on-guest', 'assigned'] })).toEqual(['c', 'e']);
    expect(await ids({ ...ALL, dueBefore: at(35), dueAfter: at(-30) })).toEqual(['c']);
    expect(await ids({ ...ALL, dueBefore: at(36), dueAfter: at(-30) })).toEqual(['c', 'b']);
    expect(await ids({ ...ALL, includeClosed: true, propertyId: 'lisbon-1' })).toEqual(['c', 'b', 'a', 'e', 'f']);
    expect((await listTicketQueue(db.readModels, 'chain-b', ALL)).items.map((i) => i.ticketId)).toEqual(['zz']);

    // nothing personal, not even its ciphertext, in the read model's table
    const { rows } = await db.pool.query<{ doc: string }>(`SELECT doc::text AS doc FROM "${db.schema}"."ticket_queue"`);
    expect(rows).toHaveLength(7);
    for (const personal of ['Ana Silva', 'Passport', 'X1234567', 'ana.silva@example.com', '$pii', 'which room']) {
      expect({ personal, found: rows.some((r) => r.doc.includes(personal)) }).toEqual({ personal, found: false });
    }

    const before = await contentHash(db.readModels, ticketQueue, [TENANT, 'chain-b']);
    const rebuilt = await db.runner.rebuild();
    expect(rebuilt.events).toBeGreaterThanOrEqual(16);
    expect(await contentHash(db.readModels, ticketQueue, [TENANT, 'chain-b'])).toEqual(before);
    expect(await ids()).toEqual(['c', 'b', 'a', 'd', 'e']);

    // live after the switch
    await send('a', { type: 'AssignTicket', at: at(20), by: 'user:lead', assigneeId: 'agent-3' });
    await eventually(async () => expect((await listTicketQueue(db.readModels, TENANT, { ...ALL, assigneeId: 'agent-3' })).items.map((i) => i.ticketId)).toEqual(['a']));
  });
});
