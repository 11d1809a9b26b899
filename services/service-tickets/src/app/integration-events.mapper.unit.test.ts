import { allContracts, hearthContracts } from '@hearth/contracts';
import { integrationEventId } from '@hearth/messaging';
import { fireDueTimers, MemoryTimerStore } from '@hearth/timers';
import { complaintBody, TENANT, ticketsTestApp, type TicketsTestApp } from '../adapters/testing/tickets.test-helper';
import { toIntegrationEvent } from './integration-events.mapper';
import { createSlaBreachHandler } from './sla-breach';
import { createSlaScheduler } from './sla-scheduler';
import { openTicket, performTicketAction, type OpenTicketInput, type TicketAction } from './ticket-use-cases';
import type { Caller } from './tickets-context';

const agent: Caller = { tenantId: TENANT, by: 'agent-ana', actor: 'user:agent-ana', brands: ['hotels'], correlationId: 'corr-1', causationId: 'req-1' };
const PERSONAL = ['Noise from room 214', 'could not sleep', 'Internal: guest is a VIP', 'We moved you', 'Moved and compensated', 'Dinner for two', 'room-214.jpg', 'Handled well', 'Check the AC'];

describe('domain → integration events', () => {
  let t: TicketsTestApp;
  beforeEach(async () => {
    t = await ticketsTestApp();
    t.profile.addGuest(TENANT, 'g-1');
  });

  /** A complaint worked through every step that publishes something, with an SLA breach. */
  async function story(): Promise<string> {
    const { ticket } = await openTicket(t.ctx, agent, { ...(complaintBody({ priority: 'normal' }) as unknown as OpenTicketInput), description: 'The guest could not sleep' });
    const id = ticket.ticketId;
    const act = (action: TicketAction) => performTicketAction(t.ctx, agent, id, action);
    const timers = new MemoryTimerStore({ now: () => t.now() });
    const scheduler = createSlaScheduler(t.ctx, timers);
    for (const event of await t.inner.readAll()) await scheduler.onTicketEvent(event);
    t.advance(31);
    await fireDueTimers({ store: timers, handle: async (timer) => void (await createSlaBreachHandler(t.ctx)(timer)) });
    await act({ verb: 'assign', assigneeId: 'agent-ana' });
    await act({ verb: 'refer', toQueueId: 'housekeeping', note: 'Check the AC' });
    await act({ verb: 'assign', assigneeId: 'agent-bruno' });
    await act({ verb: 'start' });
    await act({ verb: 'comment', visibility: 'internal', author: 'staff', body: 'Internal: guest is a VIP' });
    await act({ verb: 'comment', visibility: 'public', author: 'staff', body: 'We moved you to 301' });
    await act({ verb: 'attach', url: 'https://files.example.com/214.jpg', fileName: 'room-214.jpg', mediaType: 'image/jpeg' });
    await act({ verb: 'wait-on-guest' });
    await act({ verb: 'resume' });
    await act({ verb: 'recovery', action: 'voucher', value: { currency: 'EUR', minor: 5000 }, note: 'Dinner for two' });
    await act({ verb: 'resolve', resolutionCode: 'compensated', summary: 'Moved and compensated' });
    await act({ verb: 'satisfaction', score: 4, surveyId: 'survey-1', comment: 'Handled well' });
    await act({ verb: 'close' });
    return id;
  }

  it('publishes all 13 contracts, valid, with the guest on the envelope and no personal text', async () => {
    const ticketId = await story();
    const stored = await t.inner.readStream(`ticket-${ticketId}`);
    const published = stored.map((event) => ({ event, draft: toIntegrationEvent(event) })).filter((p) => p.draft !== null);
    const types = new Set(published.map((p) => p.draft!.type));
    const serviceTickets = allContracts.filter((c) => c.type.startsWith('hearth.service-tickets.')).map((c) => c.type);
    // every contract except reopened (covered below) appears in this story
    expect([...types].sort()).toEqual(serviceTickets.filter((type) => type !== 'hearth.service-tickets.ticket-reopened').sort());

    for (const { event, draft } of published) {
      const parsed = hearthContracts.parse({ ...draft, id: integrationEventId(event) });
      expect(parsed).toMatchObject({ tenantId: TENANT, guestId: 'g-1', brandId: 'hotels', source: 'service-tickets', version: 1, correlationId: event.metadata.actor === 'service:service-tickets' ? expect.stringMatching(/^sla:/) : 'corr-1', data: { ticketId, brandId: 'hotels', propertyId: 'lisbon-1', guestId: 'g-1' } });
      const json = JSON.stringify(parsed);
      for (const text of PERSONAL) expect(json).not.toContain(text);
      expect(json).not.toContain('$pii');
    }
    const byType = (type: string) => published.filter((p) => p.draft!.type === `hearth.service-tickets.${type}`).map((p) => p.draft!.data);
    expect(byType('ticket-opened')).toEqual([
      expect.objectContaining({ kind: 'complaint', channel: 'phone', priority: 'normal', queueId: 'front-office', category: 'room', firstResponseDueAt: '2026-03-02T10:30:00.000Z', resolutionDueAt: '2026-03-02T14:00:00.000Z' }),
    ]);
    expect(byType('complaint-recorded')).toEqual([expect.objectContaining({ complaintType: 'noise', severity: 'high' })]);
    expect(byType('recovery-given')).toEqual([expect.objectContaining({ action: 'voucher', value: { currency: 'EUR', minor: 5000 } })]);
    expect(byType('satisfaction-recorded')).toEqual([expect.objectContaining({ score: 4, surveyId: 'survey-1' })]);
    expect(byType('sla-breached')).toEqual([expect.objectContaining({ target: 'first-response', dueAt: '2026-03-02T10:30:00.000Z', policyId: 'complaint' })]);
    expect(byType('ticket-escalated')).toEqual([expect.objectContaining({ reason: 'sla-breach', target: 'first-response', priority: 'high', previousPriority: 'normal', assigneeId: 'manager-maria' })]);
    expect(byType('ticket-assigned').map((d) => (d as { reason: string }).reason)).toEqual(['reassigned', 'assigned']);
    expect(byType('ticket-referred')).toEqual([expect.objectContaining({ fromQueueId: 'front-office', toQueueId: 'housekeeping', previousAssigneeId: 'agent-ana' })]);
    // only the public comment, without its body
    expect(byType('ticket-commented')).toEqual([{ ticketId, brandId: 'hotels', propertyId: 'lisbon-1', guestId: 'g-1', commentId: expect.any(String), visibility: 'public', author: 'staff' }]);
    expect(byType('ticket-resolved')).toEqual([expect.objectContaining({ kind: 'complaint', resolutionCode: 'compensated' })]);
  });

  it('keeps private events private and maps a reopen; a ticket without guest has no envelope guestId', async () => {
    const { ticket } = await openTicket(t.ctx, agent, { brandId: 'hotels', kind: 'inquiry', channel: 'web', subject: 'Parking?' });
    await performTicketAction(t.ctx, agent, ticket.ticketId, { verb: 'assign', assigneeId: 'agent-ana' });
    await performTicketAction(t.ctx, agent, ticket.ticketId, { verb: 'resolve' });
    await performTicketAction(t.ctx, agent, ticket.ticketId, { verb: 'reopen', reason: 'Forgot something' });
    const stored = await t.inner.readStream(`ticket-${ticket.ticketId}`);
    const drafts = stored.map((event) => [event.type, toIntegrationEvent(event)] as const);
    expect(drafts.filter(([, d]) => d === null).map(([type]) => type)).toEqual(['FirstResponseRecorded']);
    const reopened = drafts.find(([type]) => type === 'TicketReopened')![1]!;
    expect(reopened).toMatchObject({ type: 'hearth.service-tickets.ticket-reopened', data: { reopenCount: 1 } });
    expect(reopened.guestId).toBeUndefined();
    expect(JSON.stringify(reopened)).not.toContain('Forgot');
    expect(toIntegrationEvent({ ...stored[0]!, streamName: 'article-1' })).toBeNull();
  });
});
