import type { StoredEvent } from '@hearth/event-store';
import { createMemoryDocumentStore } from '@hearth/read-models';
import { ticketQueue, type TicketQueueDocument } from './ticket-queue.collections';
import { projectTicketQueueEvent, ticketQueuePrefetch, urgencySortKey } from './ticket-queue.projection';
import { at, EventLog, openTicket, PERSONAL_TEXTS } from './ticket-queue.test-helper';

const TENANT = 't1';

function setup() {
  const store = createMemoryDocumentStore();
  const log = new EventLog();
  const apply = (events: readonly StoredEvent[]) =>
    store.transaction(
      async (session) => {
        for (const event of events) await projectTicketQueueEvent(event, session);
      },
      { writeBehind: true },
    );
  const doc = async (id: string) => (await store.forTenant(TENANT).get(ticketQueue, id)) as TicketQueueDocument;
  return { store, log, apply, doc };
}

describe('ticket queue projection', () => {
  it('files an opened ticket with its next due time and nothing personal', async () => {
    const { log, apply, doc } = setup();
    openTicket(log, TENANT, 'tk-1', 0, { category: 'housekeeping', firstResponseMinutes: 30, resolutionMinutes: 240, guestId: 'g-1', priority: 'high' });
    await apply(log.events);
    const d = await doc('tk-1');
    expect(d).toMatchObject({
      queueId: 'front-desk',
      status: 'open',
      active: true,
      priority: 'high',
      priorityRank: 2,
      kind: 'inquiry',
      channel: 'web',
      category: 'housekeeping',
      brandId: 'hotels',
      propertyId: 'lisbon-1',
      assigneeId: null,
      guestId: 'g-1',
      openedAt: at(0),
      updatedAt: at(0),
      dueAt: at(30),
      dueTarget: 'first-response',
      firstResponseDueAt: at(30),
      resolutionDueAt: at(240),
      firstResponseBreached: false,
      overdue: false,
      slaPaused: false,
      streamVersion: 0,
      sortKey: `0|${at(30)}|1|${at(0)}`,
    });
    const text = JSON.stringify(d);
    for (const personal of PERSONAL_TEXTS) expect(text).not.toContain(personal);
  });

  it('follows the lifecycle: first response, waiting on guest (no due, even when rescheduled meanwhile), resume, resolve, reopen, close', async () => {
    const { log, apply, doc } = setup();
    const t = openTicket(log, TENANT, 'tk-1', 0, { firstResponseMinutes: 30, resolutionMinutes: 240 });
    t.run('AssignTicket', 5, { assigneeId: 'agent-1' });
    t.run('StartWork', 6, {});
    t.run('AddComment', 10, { commentId: 'c1', visibility: 'public', author: 'staff', body: 'We are on it, Ana Silva' });
    await apply(log.events);
    expect(await doc('tk-1')).toMatchObject({ status: 'in-progress', assigneeId: 'agent-1', firstRespondedAt: at(10), dueAt: at(240), dueTarget: 'resolution', firstResponseDueAt: null });

    let mark = log.events.length;
    t.run('WaitOnGuest', 20, {});
    // the scheduler raced the pause: a reschedule recorded while waiting must not bring a due time back
    t.raw({ type: 'SlaTargetRescheduled', data: { target: 'resolution', dueAt: at(300), previousDueAt: at(240) } }, 21);
    await apply(log.since(mark));
    expect(await doc('tk-1')).toMatchObject({ status: 'waiting-on-guest', active: true, slaPaused: true, dueAt: null, dueTarget: null, resolutionDueAt: at(300) });
    expect((await doc('tk-1')).sortKey).toBe(`1|2|${at(0)}`);

    mark = log.events.length;
    t.run('AddComment', 60, { commentId: 'c2', visibility: 'public', author: 'guest', body: 'Thanks' }); // guest reply resumes
    await apply(log.since(mark));
    expect(await doc('tk-1')).toMatchObject({ status: 'in-progress', slaPaused: false, dueAt: at(300), dueTarget: 'resolution' });

    mark = log.events.length;
    t.run('ResolveTicket', 90, { resolutionCode: 'fixed' });
    await apply(log.since(mark));
    expect(await doc('tk-1')).toMatchObject({ status: 'resolved', active: false, resolvedAt: at(90), dueAt: null, resolutionDueAt: null, slaPaused: true });

    mark = log.events.length;
    t.run('ReopenTicket', 120, { reopenWindowHours: 72, reason: 'still broken' });
    await apply(log.since(mark));
    expect(await doc('tk-1')).toMatchObject({ status: 'assigned', active: true, reopenCount: 1, resolvedAt: null, dueAt: at(300), slaPaused: false });

    mark = log.events.length;
    t.run('ResolveTicket', 150, {});
    t.run('CloseTicket', 200, {});
    await apply(log.since(mark));
    const closed = await doc('tk-1');
    expect(closed).toMatchObject({ status: 'closed', active: false, dueAt: null, streamVersion: log.events.length - 1, updatedAt: at(200) });
    expect(JSON.stringify(closed)).not.toContain('Ana Silva');
  });

  it('shows a breach and its escalation: overdue, due time in the past, priority raised, reassigned', async () => {
    const { log, apply, doc } = setup();
    const t = openTicket(log, TENANT, 'tk-1', 0, { firstResponseMinutes: 30, resolutionMinutes: 240 });
    t.run('AssignTicket', 5, { assigneeId: 'agent-1' });
    t.run('RecordSlaBreach', 31, { target: 'first-response', dueAt: at(30), escalation: { toPriority: 'urgent', toAssigneeId: 'manager-1' } }, 'service:sla');
    await apply(log.events);
    expect(await doc('tk-1')).toMatchObject({
      firstResponseBreached: true,
      resolutionBreached: false,
      overdue: true,
      dueAt: at(30),
      dueTarget: 'first-response',
      escalationLevel: 1,
      priority: 'urgent',
      priorityRank: 3,
      assigneeId: 'manager-1',
      sortKey: `0|${at(30)}|0|${at(0)}`,
    });
    // the late response meets nothing any more but ends the overdue state
    const mark = log.events.length;
    t.run('RecordFirstResponse', 40, {});
    await apply(log.since(mark));
    expect(await doc('tk-1')).toMatchObject({ firstResponseBreached: true, overdue: false, dueAt: at(240), dueTarget: 'resolution' });
  });

  it('moves a referred ticket to the other queue, unassigned, and follows a delegation', async () => {
    const { log, apply, doc } = setup();
    const t = openTicket(log, TENANT, 'tk-1', 0, { assigneeId: 'agent-1' });
    t.run('DelegateTicket', 5, { fromAssigneeId: 'agent-1', toAssigneeId: 'agent-2' });
    await apply(log.events);
    expect(await doc('tk-1')).toMatchObject({ status: 'assigned', assigneeId: 'agent-2', queueId: 'front-desk', dueAt: null, sortKey: `1|2|${at(0)}` });
    const mark = log.events.length;
    t.run('ReferTicket', 10, { toQueueId: 'housekeeping', note: 'Ana Silva needs towels' });
    await apply(log.since(mark));
    const d = await doc('tk-1');
    expect(d).toMatchObject({ status: 'open', assigneeId: null, queueId: 'housekeeping' });
    expect(JSON.stringify(d)).not.toContain('towels');
  });

  it('records the complaint type and severity, and kind complaint', async () => {
    const { log, apply, doc } = setup();
    const t = openTicket(log, TENANT, 'tk-1', 0);
    t.run('RecordComplaint', 3, { complaintType: 'noise', severity: 'high', details: 'Loud party next to Ana Silva' });
    await apply(log.events);
    const d = await doc('tk-1');
    expect(d).toMatchObject({ kind: 'complaint', complaintType: 'noise', complaintSeverity: 'high' });
    expect(JSON.stringify(d)).not.toContain('Loud party');
  });

  it('is idempotent: a replayed or older event changes nothing; unknown tickets and event types are ignored', async () => {
    const { log, apply, doc, store } = setup();
    const t = openTicket(log, TENANT, 'tk-1', 0);
    const assigned = t.run('AssignTicket', 5, { assigneeId: 'agent-1' });
    await apply(log.events);
    const before = await doc('tk-1');
    await apply([log.events[0]!, ...assigned]);
    expect(await doc('tk-1')).toEqual(before);

    const orphan = new EventLog();
    const other = openTicket(orphan, TENANT, 'tk-2', 0);
    const [assignedOrphan] = other.run('AssignTicket', 5, { assigneeId: 'agent-1' });
    await apply([{ ...assignedOrphan!, globalPosition: 10_000 }]);
    await apply([{ ...log.events[0]!, type: 'TicketTeleported', globalPosition: 10_010, data: { ...(log.events[0]!.data as object), ticketId: 'tk-3' } }]);
    expect(await store.forTenant(TENANT).count(ticketQueue)).toBe(1);
  });

  it('keeps tenants apart', async () => {
    const { log, apply, store } = setup();
    openTicket(log, 't1', 'tk-1', 0);
    openTicket(log, 't2', 'tk-1', 0, { queueId: 'spa' });
    await apply(log.events);
    expect((await store.forTenant('t1').get(ticketQueue, 'tk-1'))?.queueId).toBe('front-desk');
    expect((await store.forTenant('t2').get(ticketQueue, 'tk-1'))?.queueId).toBe('spa');
  });

  it('builds sort keys in urgency order and prefetches each event’s ticket', () => {
    const keys = [
      urgencySortKey(null, 3, at(0)),
      urgencySortKey(at(100), 0, at(0)),
      urgencySortKey(at(50), 0, at(5)),
      urgencySortKey(at(50), 3, at(9)),
      urgencySortKey(null, 0, at(-10)),
      urgencySortKey(at(-30), 1, at(0)),
    ];
    expect([...keys].sort()).toEqual([keys[5], keys[3], keys[2], keys[1], keys[0], keys[4]]);
    const log = new EventLog();
    openTicket(log, TENANT, 'tk-9', 0);
    expect(ticketQueuePrefetch(log.events).map((k) => [k.collection.name, k.tenantId, k.id])).toEqual([['ticket_queue', TENANT, 'tk-9']]);
  });
});
