import type { ProjectionRunner } from '@hearth/read-models';
import { eraseGuestTickets } from '../../app/guest-erasure';
import { getTicket, openTicket, performTicketAction } from '../../app/ticket-use-cases';
import type { Caller } from '../../app/tickets-context';
import { idempotencyErasureHook } from '../http/create-tickets-app';
import { TENANT, ticketsTestApp, type TicketsTestApp } from '../testing/tickets.test-helper';
import { createGuestTicketIndex, createTicketGuestsProjection } from './ticket-guests.projection';

const agent: Caller = { tenantId: TENANT, by: 'agent-ana', actor: 'user:agent-ana', brands: '*', correlationId: 'c', causationId: 'r' };

describe('erasing a guest from their tickets', () => {
  let t: TicketsTestApp;
  let index: ProjectionRunner;
  beforeEach(async () => {
    t = await ticketsTestApp();
    for (const g of ['g-1', 'g-2']) t.profile.addGuest(TENANT, g);
    t.ctx.erasureHooks = [idempotencyErasureHook(t.idempotencyStore)];
    index = createTicketGuestsProjection({ events: t.inner, store: t.readModels, isGuestErased: (guestId) => t.keys.isErased(guestId), eraseSubject: (s) => t.store.erase(s) });
    await index.start();
  });
  afterEach(() => index.stop());

  const caughtUp = async () => index.waitForPosition((await t.inner.readAll({ limit: 10_000 })).at(-1)!.globalPosition, { timeoutMs: 5_000 });

  it('makes the texts of the guest’s tickets unreadable, recorded before and after the link, and keeps the facts', async () => {
    // opened without a guest: its texts are under the ticket's own key
    const early = (await openTicket(t.ctx, agent, { brandId: 'hotels', kind: 'complaint', channel: 'web', subject: 'Broken shower in 12', requester: { name: 'Ana Lopes', email: 'ana@example.com' }, complaint: { complaintType: 'maintenance', severity: 'medium', details: 'Cold water only' } })).ticket.ticketId;
    await performTicketAction(t.ctx, agent, early, { verb: 'comment', visibility: 'internal', author: 'staff', body: 'Asked maintenance' });
    await performTicketAction(t.ctx, agent, early, { verb: 'link-guest', guestId: 'g-1' });
    // after the link: under the guest's key
    await performTicketAction(t.ctx, agent, early, { verb: 'comment', visibility: 'public', author: 'staff', body: 'Fixed, sorry Ana' });
    const direct = (await openTicket(t.ctx, agent, { brandId: 'hotels', guestId: 'g-1', kind: 'inquiry', channel: 'phone', subject: 'Anniversary dinner for Ana' })).ticket.ticketId;
    const other = (await openTicket(t.ctx, agent, { brandId: 'hotels', guestId: 'g-2', kind: 'inquiry', channel: 'phone', subject: 'Bruno asks about parking' })).ticket.ticketId;
    await caughtUp();

    const { ticketIds } = await eraseGuestTickets(t.ctx, createGuestTicketIndex(t.readModels), TENANT, 'g-1');
    expect(ticketIds.sort()).toEqual([early, direct].sort());

    const erased = await getTicket(t.ctx, agent, early);
    expect(erased).toMatchObject({
      personalDataErased: true,
      subject: null,
      requester: null,
      complaint: { complaintType: 'maintenance', severity: 'medium', details: null },
      status: 'open',
      guestId: 'g-1',
    });
    expect(erased.comments.map((c) => c.body)).toEqual([null, null]);
    expect((await getTicket(t.ctx, agent, direct)).subject).toBeNull();
    expect((await getTicket(t.ctx, agent, other)).subject).toBe('Bruno asks about parking');
    // nothing in the raw store can be read back for g-1
    const raw = JSON.stringify(await t.store.readAll({ limit: 10_000 }));
    for (const text of ['Broken shower', 'Ana Lopes', 'ana@example.com', 'Cold water', 'Asked maintenance', 'Fixed, sorry Ana', 'Anniversary dinner']) expect(raw).not.toContain(text);
    expect(raw).toContain('Bruno asks about parking');
    // personal data can no longer be added for the guest; facts still can
    await expect(performTicketAction(t.ctx, agent, direct, { verb: 'comment', visibility: 'internal', author: 'staff', body: 'more about Ana' })).rejects.toMatchObject({ code: 'SUBJECT_ERASED' });
    expect((await performTicketAction(t.ctx, agent, direct, { verb: 'assign', assigneeId: 'agent-ana' })).ticket.status).toBe('assigned');
    // repeating the erasure is harmless
    expect((await eraseGuestTickets(t.ctx, createGuestTicketIndex(t.readModels), TENANT, 'g-1')).ticketIds).toHaveLength(2);
  });

  it('erases the ticket key of a ticket linked to a guest after the guest was erased', async () => {
    await eraseGuestTickets(t.ctx, createGuestTicketIndex(t.readModels), TENANT, 'g-2');
    const late = (await openTicket(t.ctx, agent, { brandId: 'hotels', kind: 'request', channel: 'email', subject: 'Invoice for Bruno' })).ticket.ticketId;
    await performTicketAction(t.ctx, agent, late, { verb: 'link-guest', guestId: 'g-2' });
    await caughtUp();
    expect((await getTicket(t.ctx, agent, late)).subject).toBeNull();
  });

  it('purges replayable responses that quote the guest or the tickets', async () => {
    const scope = (key: string) => ({ tenantId: TENANT, route: 'POST /v1/tickets', key });
    const ticketId = (await openTicket(t.ctx, agent, { brandId: 'hotels', guestId: 'g-1', kind: 'inquiry', channel: 'phone', subject: 'Spa booking' })).ticket.ticketId;
    for (const [key, body] of [['k-1', { ticketId, subject: 'Spa booking' }], ['k-2', { ticketId: 'someone-else' }]] as const) {
      const begun = await t.idempotencyStore.begin(scope(key), `fp-${key}`);
      if (begun.outcome !== 'started') throw new Error('expected a new key');
      await t.idempotencyStore.complete(scope(key), begun.lease, { status: 201, headers: {}, body: JSON.stringify(body) });
    }
    await caughtUp();
    await eraseGuestTickets(t.ctx, createGuestTicketIndex(t.readModels), TENANT, 'g-1');
    expect((await t.idempotencyStore.begin(scope('k-1'), 'fp-k-1')).outcome).toBe('started');
    expect((await t.idempotencyStore.begin(scope('k-2'), 'fp-k-2')).outcome).toBe('replay');
  });
});
