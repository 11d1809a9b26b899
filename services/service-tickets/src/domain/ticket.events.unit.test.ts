import { hearthContracts } from '@hearth/contracts';
import { aggregateStream, CryptoShreddingEventStore, handleCommand, MemoryEventStore, MemorySubjectKeyStore } from '@hearth/event-store';
import { ticketDecider, type TicketCommand } from './ticket.decider';
import {
  COMPLAINT_SEVERITIES,
  RECOVERY_ACTIONS,
  SLA_TARGETS,
  TICKET_CHANNELS,
  TICKET_KINDS,
  TICKET_PERSONAL_DATA,
  TICKET_PRIORITIES,
  ASSIGNMENT_REASONS,
  ESCALATION_REASONS,
  ticketPersonalDataSubject,
} from './ticket.events';

/** The `enum` of a payload field in a published service-tickets contract (v1). */
function contractEnum(event: string, field: string): unknown {
  const contract = hearthContracts.get(`hearth.service-tickets.${event}`, 1);
  if (!contract) throw new Error(`no contract ${event}`);
  const schema = contract.toJsonSchema() as { properties: { data: { properties: Record<string, { enum?: unknown[] }> } } };
  return schema.properties.data.properties[field]?.enum;
}

describe('ticket vocabulary', () => {
  it('is the vocabulary of the published contracts, so every domain value maps to a valid integration event', () => {
    expect(contractEnum('ticket-opened', 'kind')).toEqual([...TICKET_KINDS]);
    expect(contractEnum('ticket-opened', 'channel')).toEqual([...TICKET_CHANNELS]);
    expect(contractEnum('ticket-opened', 'priority')).toEqual([...TICKET_PRIORITIES]);
    expect(contractEnum('ticket-escalated', 'priority')).toEqual([...TICKET_PRIORITIES]);
    expect(contractEnum('ticket-escalated', 'reason')).toEqual([...ESCALATION_REASONS]);
    expect(contractEnum('ticket-assigned', 'reason')).toEqual([...ASSIGNMENT_REASONS]);
    expect(contractEnum('sla-breached', 'target')).toEqual([...SLA_TARGETS]);
    expect(contractEnum('complaint-recorded', 'severity')).toEqual([...COMPLAINT_SEVERITIES]);
    expect(contractEnum('recovery-given', 'action')).toEqual([...RECOVERY_ACTIONS]);
  });
});

describe('ticket personal data', () => {
  it('belongs to the guest, or to the ticket while no guest is linked', () => {
    expect(ticketPersonalDataSubject({ data: { ticketId: 't-1', guestId: 'guest-7' } })).toBe('guest-7');
    expect(ticketPersonalDataSubject({ data: { ticketId: 't-1' } })).toBe('ticket-t-1');
    expect(ticketPersonalDataSubject({ data: {} })).toBeUndefined();
  });

  it('is encrypted at rest and erasable, while the ticket still folds', async () => {
    const raw = new MemoryEventStore();
    const store = new CryptoShreddingEventStore(raw, { keys: new MemorySubjectKeyStore(), personalData: TICKET_PERSONAL_DATA });
    const metadata = { tenantId: 'tenant-1', actor: 'agent-ana', correlationId: 'corr-1', causationId: 'cmd-1' };
    const handle = (command: TicketCommand) => handleCommand(store, ticketDecider, 'ticket-t-1', command, { metadata });
    const now = { at: '2026-03-02T09:00:00.000Z', by: 'agent-ana' };
    await handle({
      type: 'OpenTicket', ...now, ticketId: 't-1', brandId: 'brand-1', kind: 'inquiry', channel: 'web', priority: 'normal', queueId: 'q-1',
      subject: 'Do you have a crib?', requester: { email: 'visitor@example.com' }, assigneeId: 'agent-ana',
    });
    await handle({ type: 'LinkGuest', ...now, guestId: 'guest-7' });
    await handle({ type: 'AddComment', ...now, commentId: 'c-1', visibility: 'public', author: 'staff', body: 'Yes, we will prepare one.' });

    const stored = JSON.stringify(await raw.readStream('ticket-t-1'));
    for (const secret of ['crib', 'visitor@example.com', 'prepare one']) expect(stored).not.toContain(secret);
    expect((await store.readStream('ticket-t-1'))[0]!.data).toMatchObject({ subject: 'Do you have a crib?' });

    await store.erase('guest-7'); // the guest's data: the comment, written after the link
    await store.erase('ticket-t-1'); // what was written before the guest was known
    const events = await store.readStream('ticket-t-1');
    expect(events.map((e) => e.type)).toEqual(['TicketOpened', 'TicketAssigned', 'TicketGuestLinked', 'TicketCommented', 'FirstResponseRecorded']);
    expect(events[0]!.data).toMatchObject({ subject: null, requester: null, kind: 'inquiry' });
    expect(events[3]!.data).toMatchObject({ body: null, commentId: 'c-1' });
    const { state } = await aggregateStream(store, 'ticket-t-1', ticketDecider);
    expect(state).toMatchObject({ status: 'assigned', guestId: 'guest-7', commentIds: ['c-1'], firstRespondedAt: now.at });
  });
});
