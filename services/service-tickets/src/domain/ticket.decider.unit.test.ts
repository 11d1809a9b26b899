import { deciderSpec } from '@hearth/testing';
import { ticketDecider, type TicketCommand, type TicketState } from './ticket.decider';
import type { TicketEvent, TicketEventBase } from './ticket.events';

const spec = deciderSpec(ticketDecider);

// Monday 2 March 2026, 09:00 UTC; every step of a story is a few minutes later
const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const HOUR = 60;

const ref = { ticketId: 'ticket-1', brandId: 'brand-harbour', propertyId: 'property-lisbon', guestId: 'guest-7' };
type DataOf<T extends TicketEvent['type']> = Omit<Extract<TicketEvent, { type: T }>['data'], keyof TicketEventBase>;
type CommandData<T extends TicketCommand['type']> = Omit<Extract<TicketCommand, { type: T }>, 'type' | 'at' | 'by'>;

/** An event of ticket-1 at minute `minute`, by `by`, with `context` overriding the ticket's ids. */
function ev<T extends TicketEvent['type']>(type: T, data: DataOf<T>, minute = 0, by = 'agent-ana', context: Partial<TicketEventBase> = ref): TicketEvent {
  return { type, data: { ...context, at: at(minute), by, ...data } } as TicketEvent;
}
function cmd<T extends TicketCommand['type']>(type: T, data: CommandData<T>, minute = 0, by = 'agent-ana'): TicketCommand {
  return { type, at: at(minute), by, ...data } as TicketCommand;
}
const fold = (events: TicketEvent[]): TicketState => events.reduce(ticketDecider.evolve, ticketDecider.initialState());

const sla = {
  'first-response': { policyId: 'complaint', mode: 'business-hours' as const, minutes: 60, dueAt: at(60) },
  resolution: { policyId: 'complaint', mode: 'business-hours' as const, minutes: 240, dueAt: at(240) },
};
const opening = {
  ...ref,
  kind: 'complaint' as const,
  channel: 'phone' as const,
  priority: 'high' as const,
  queueId: 'queue-front-office',
  category: 'room',
  subject: 'Noise from room 214',
  sla,
};
const { ticketId: _i, brandId: _b, propertyId: _p, guestId: _g, ...openingData } = opening;

// the story: opened → assigned → in progress → waiting on guest → resumed → resolved → closed
const opened = ev('TicketOpened', openingData, 0, 'agent-ana');
const assigned = ev('TicketAssigned', { assigneeId: 'agent-ana', queueId: 'queue-front-office', reason: 'assigned' }, 1);
const started = ev('TicketWorkStarted', {}, 2);
const responded = ev('FirstResponseRecorded', {}, 3);
const waiting = ev('TicketWaitingOnGuest', {}, 10);
const resumed = ev('TicketResumed', { trigger: 'staff' }, 40);
const resolved = ev('TicketResolved', { kind: 'complaint' }, 100);
const closed = ev('TicketClosed', {}, 200);
const complaintRecorded = ev('ComplaintRecorded', { complaintType: 'noise', severity: 'high' }, 0);

const isOpen = [opened];
const isAssigned = [opened, assigned];
const inProgress = [opened, assigned, started];
const isWaiting = [...inProgress, waiting];
const isResolved = [...inProgress, resolved];
const isClosed = [...isResolved, closed];

describe('ticket decider', () => {
  describe('OpenTicket', () => {
    it('opens a ticket with its SLA terms', () =>
      spec.given([]).when(cmd('OpenTicket', opening)).then([opened]));

    it('assigns at once and records the complaint when the command says so', () =>
      spec
        .given([])
        .when(cmd('OpenTicket', { ...opening, assigneeId: 'agent-ana', complaint: { complaintType: 'noise', severity: 'high' } }))
        .then([opened, ev('TicketAssigned', { assigneeId: 'agent-ana', queueId: 'queue-front-office', reason: 'assigned' }, 0), complaintRecorded]));

    it('opens a ticket without a guest (an unidentified web inquiry) with the requester contact', () => {
      const { guestId: _none, ...noGuest } = opening;
      const requester = { name: 'A. Visitor', email: 'visitor@example.com' };
      const { guestId: _x, ...context } = ref;
      spec
        .given([])
        .when(cmd('OpenTicket', { ...noGuest, kind: 'inquiry', channel: 'web', requester }))
        .then([{ type: 'TicketOpened', data: { ...context, at: at(0), by: 'agent-ana', ...openingData, kind: 'inquiry', channel: 'web', requester } }]);
    });

    it('ignores a repeat of the same opening', () => spec.given(isOpen).when(cmd('OpenTicket', opening)).thenNothingHappened());
    it('refuses a second, different opening of the same ticket', () =>
      spec.given(isOpen).when(cmd('OpenTicket', opening, 5)).thenThrows('TICKET_ALREADY_EXISTS'));
    it('refuses complaint details on an inquiry', () =>
      spec.given([]).when(cmd('OpenTicket', { ...opening, kind: 'inquiry', complaint: { complaintType: 'noise', severity: 'low' } })).thenThrows('INVALID_TICKET'));
    it('refuses a complaint type that is not a lower-kebab code', () =>
      spec.given([]).when(cmd('OpenTicket', { ...opening, complaint: { complaintType: 'Loud Music!', severity: 'low' } })).thenThrows('INVALID_TICKET'));

    const onUnknownTicket: TicketCommand[] = [
      cmd('LinkGuest', { guestId: 'guest-7' }),
      cmd('AssignTicket', { assigneeId: 'agent-ana' }),
      cmd('DelegateTicket', { fromAssigneeId: 'a', toAssigneeId: 'b' }),
      cmd('ReferTicket', { toQueueId: 'q' }),
      cmd('StartWork', {}),
      cmd('WaitOnGuest', {}),
      cmd('ResumeTicket', {}),
      cmd('ResolveTicket', {}),
      cmd('CloseTicket', {}),
      cmd('ReopenTicket', { reopenWindowHours: 72 }),
      cmd('AddComment', { commentId: 'c', visibility: 'public', author: 'staff', body: 'hello' }),
      cmd('AddAttachment', { attachmentId: 'a', url: 'https://files.example/a.jpg', fileName: 'a.jpg', mediaType: 'image/jpeg' }),
      cmd('RecordFirstResponse', {}),
      cmd('ChangePriority', { priority: 'urgent' }),
      cmd('RecordComplaint', { complaintType: 'noise', severity: 'low' }),
      cmd('GiveRecovery', { recoveryId: 'r', action: 'apology' }),
      cmd('RecordSatisfaction', { score: 5 }),
      cmd('RescheduleSlaTarget', { target: 'resolution', dueAt: at(300) }),
      cmd('RecordSlaBreach', { target: 'resolution', dueAt: at(240) }),
      cmd('EscalateTicket', { toPriority: 'urgent' }),
    ];
    it.each(onUnknownTicket.map((c) => [c.type, c] as const))('%s on a ticket that does not exist is TICKET_NOT_FOUND', (_type, command) =>
      spec.given([]).when(command).thenThrows('TICKET_NOT_FOUND'));
  });

  describe('LinkGuest', () => {
    const { guestId: _none, ...anonymous } = ref;
    const anonymousOpened = ev('TicketOpened', openingData, 0, 'agent-ana', anonymous);
    it('links the guest once identified; later events carry the guest', () => {
      spec.given([anonymousOpened]).when(cmd('LinkGuest', { guestId: 'guest-7' }, 5)).then([ev('TicketGuestLinked', {}, 5)]);
      spec.given([anonymousOpened, ev('TicketGuestLinked', {}, 5)]).when(cmd('AssignTicket', { assigneeId: 'agent-ana' }, 6))
        .then([ev('TicketAssigned', { assigneeId: 'agent-ana', queueId: 'queue-front-office', reason: 'assigned' }, 6)]);
    });
    it('ignores linking the same guest again', () => spec.given(isOpen).when(cmd('LinkGuest', { guestId: 'guest-7' })).thenNothingHappened());
    it('refuses to relink to another guest', () => spec.given(isOpen).when(cmd('LinkGuest', { guestId: 'guest-9' })).thenThrows('GUEST_ALREADY_LINKED'));
  });

  describe('AssignTicket', () => {
    it('assigns an open ticket (open → assigned)', () => {
      spec.given(isOpen).when(cmd('AssignTicket', { assigneeId: 'agent-ana' }, 1)).then([assigned]);
      expect(fold(isAssigned).status).toBe('assigned');
    });
    it('reassigns without changing the status', () => {
      const reassigned = ev('TicketAssigned', { assigneeId: 'agent-rui', previousAssigneeId: 'agent-ana', queueId: 'queue-front-office', reason: 'reassigned' }, 5, 'manager-eva');
      spec.given(isWaiting).when(cmd('AssignTicket', { assigneeId: 'agent-rui' }, 5, 'manager-eva')).then([reassigned]);
      expect(fold([...isWaiting, reassigned])).toMatchObject({ status: 'waiting-on-guest', assigneeId: 'agent-rui' });
    });
    it('ignores assigning the current assignee again', () => spec.given(inProgress).when(cmd('AssignTicket', { assigneeId: 'agent-ana' })).thenNothingHappened());
    it('refuses a resolved ticket', () => spec.given(isResolved).when(cmd('AssignTicket', { assigneeId: 'agent-rui' })).thenThrows('ILLEGAL_TRANSITION'));
    it('refuses a closed ticket', () => spec.given(isClosed).when(cmd('AssignTicket', { assigneeId: 'agent-rui' })).thenThrows('ILLEGAL_TRANSITION'));
  });

  describe('DelegateTicket (an agent away hands their tickets over)', () => {
    const delegated = ev('TicketAssigned', { assigneeId: 'agent-rui', previousAssigneeId: 'agent-ana', queueId: 'queue-front-office', reason: 'delegated' }, 5);
    it("moves the absent agent's ticket to the delegate", () =>
      spec.given(inProgress).when(cmd('DelegateTicket', { fromAssigneeId: 'agent-ana', toAssigneeId: 'agent-rui' }, 5)).then([delegated]));
    it('ignores a repeat once the delegate has it', () =>
      spec.given([...inProgress, delegated]).when(cmd('DelegateTicket', { fromAssigneeId: 'agent-ana', toAssigneeId: 'agent-rui' })).thenNothingHappened());
    it("refuses a ticket that is not the delegator's (reassigned meanwhile)", () =>
      spec.given(inProgress).when(cmd('DelegateTicket', { fromAssigneeId: 'agent-joe', toAssigneeId: 'agent-rui' })).thenThrows('NOT_ASSIGNED_TO_DELEGATOR'));
    it('refuses a closed ticket', () =>
      spec.given(isClosed).when(cmd('DelegateTicket', { fromAssigneeId: 'agent-ana', toAssigneeId: 'agent-rui' })).thenThrows('ILLEGAL_TRANSITION'));
  });

  describe('ReferTicket (to another department)', () => {
    const referred = ev('TicketReferred', { fromQueueId: 'queue-front-office', toQueueId: 'queue-housekeeping', previousAssigneeId: 'agent-ana', note: 'Carpet stain' }, 5);
    it('moves the ticket to the other queue, unassigned (→ open)', () => {
      spec.given(inProgress).when(cmd('ReferTicket', { toQueueId: 'queue-housekeeping', note: 'Carpet stain' }, 5)).then([referred]);
      const state = fold([...inProgress, referred]);
      expect(state).toMatchObject({ status: 'open', queueId: 'queue-housekeeping' });
      expect(state.assigneeId).toBeUndefined();
    });
    it('refers an unassigned ticket too', () =>
      spec.given(isOpen).when(cmd('ReferTicket', { toQueueId: 'queue-housekeeping' }, 5))
        .then([ev('TicketReferred', { fromQueueId: 'queue-front-office', toQueueId: 'queue-housekeeping' }, 5)]));
    it('ignores a repeated referral', () => spec.given([...inProgress, referred]).when(cmd('ReferTicket', { toQueueId: 'queue-housekeeping' })).thenNothingHappened());
    it('refuses to refer to the queue the ticket is being worked in', () =>
      spec.given(inProgress).when(cmd('ReferTicket', { toQueueId: 'queue-front-office' })).thenThrows('SAME_QUEUE'));
    it('refuses while waiting on the guest', () => spec.given(isWaiting).when(cmd('ReferTicket', { toQueueId: 'queue-housekeeping' })).thenThrows('ILLEGAL_TRANSITION'));
    it('refuses a resolved ticket', () => spec.given(isResolved).when(cmd('ReferTicket', { toQueueId: 'queue-housekeeping' })).thenThrows('ILLEGAL_TRANSITION'));
  });

  describe('StartWork (assigned → in-progress)', () => {
    it('starts work on an assigned ticket', () => spec.given(isAssigned).when(cmd('StartWork', {}, 2)).then([started]));
    it('ignores a repeat', () => spec.given(inProgress).when(cmd('StartWork', {})).thenNothingHappened());
    it('refuses an unassigned ticket', () => spec.given(isOpen).when(cmd('StartWork', {})).thenThrows(/^ILLEGAL_TRANSITION$/));
    it('refuses a ticket waiting on the guest (resume it)', () => spec.given(isWaiting).when(cmd('StartWork', {})).thenThrows('ILLEGAL_TRANSITION'));
    it('refuses a resolved ticket', () => spec.given(isResolved).when(cmd('StartWork', {})).thenThrows('ILLEGAL_TRANSITION'));
    it('explains the refusal', () => {
      expect(() => ticketDecider.decide(cmd('StartWork', {}), fold(isOpen))).toThrow(
        expect.objectContaining({ code: 'ILLEGAL_TRANSITION', status: 'open', command: 'StartWork', message: 'StartWork is not allowed when the ticket is open: assign it first' }),
      );
    });
  });

  describe('WaitOnGuest / ResumeTicket (in-progress ↔ waiting-on-guest)', () => {
    it('waits on the guest and pauses the SLA clock', () => {
      spec.given(inProgress).when(cmd('WaitOnGuest', {}, 10)).then([waiting]);
      expect(fold(isWaiting).pauses).toEqual([{ from: at(10) }]);
    });
    it('ignores a repeated wait', () => spec.given(isWaiting).when(cmd('WaitOnGuest', {})).thenNothingHappened());
    it('refuses to wait before work started', () => spec.given(isAssigned).when(cmd('WaitOnGuest', {})).thenThrows('ILLEGAL_TRANSITION'));
    it('refuses to wait on a resolved ticket', () => spec.given(isResolved).when(cmd('WaitOnGuest', {})).thenThrows('ILLEGAL_TRANSITION'));
    it('resumes and restarts the clock', () => {
      spec.given(isWaiting).when(cmd('ResumeTicket', {}, 40)).then([resumed]);
      expect(fold([...isWaiting, resumed])).toMatchObject({ status: 'in-progress', pauses: [{ from: at(10), to: at(40) }] });
    });
    it('ignores a resume of a ticket in progress', () => spec.given(inProgress).when(cmd('ResumeTicket', {})).thenNothingHappened());
    it('refuses to resume an assigned ticket', () => spec.given(isAssigned).when(cmd('ResumeTicket', {})).thenThrows('ILLEGAL_TRANSITION'));
  });

  describe('ResolveTicket', () => {
    it('resolves a ticket in progress, recording the first response if none was made', () =>
      spec.given(inProgress).when(cmd('ResolveTicket', {}, 50)).then([ev('FirstResponseRecorded', {}, 50), ev('TicketResolved', { kind: 'complaint' }, 50)]));
    it('resolves with a code and summary after a first response', () =>
      spec.given([...inProgress, responded]).when(cmd('ResolveTicket', { resolutionCode: 'compensated', summary: 'Moved to a quiet room' }, 100))
        .then([ev('TicketResolved', { kind: 'complaint', resolutionCode: 'compensated', summary: 'Moved to a quiet room' }, 100)]));
    it('resolves an assigned ticket (first-contact resolution) and one waiting on the guest', () => {
      spec.given([...isAssigned, responded]).when(cmd('ResolveTicket', {}, 100)).then([resolved]);
      spec.given([...isWaiting, responded]).when(cmd('ResolveTicket', {}, 100)).then([resolved]);
    });
    it('ignores a repeat', () => spec.given(isResolved).when(cmd('ResolveTicket', {})).thenNothingHappened());
    it('refuses an unassigned ticket', () => spec.given(isOpen).when(cmd('ResolveTicket', {})).thenThrows('ILLEGAL_TRANSITION'));
    it('refuses a closed ticket', () => spec.given(isClosed).when(cmd('ResolveTicket', {})).thenThrows('ILLEGAL_TRANSITION'));
    it('refuses a resolution code that is not lower-kebab', () => spec.given(inProgress).when(cmd('ResolveTicket', { resolutionCode: 'Fixed it' })).thenThrows('INVALID_TICKET'));
  });

  describe('CloseTicket', () => {
    it('closes a resolved ticket', () => spec.given(isResolved).when(cmd('CloseTicket', {}, 200)).then([closed]));
    it('ignores a repeat', () => spec.given(isClosed).when(cmd('CloseTicket', {})).thenNothingHappened());
    it('refuses a ticket in progress', () => spec.given(inProgress).when(cmd('CloseTicket', {})).thenThrows('ILLEGAL_TRANSITION'));
    it('refuses an open ticket', () => spec.given(isOpen).when(cmd('CloseTicket', {})).thenThrows('ILLEGAL_TRANSITION'));
  });

  describe('ReopenTicket (within the window)', () => {
    const reopened = ev('TicketReopened', { reopenCount: 1, status: 'assigned', reason: 'Still noisy' }, 100 + 48 * HOUR);
    it('reopens a resolved ticket to its assignee and restarts the clock', () => {
      spec.given(isResolved).when(cmd('ReopenTicket', { reopenWindowHours: 72, reason: 'Still noisy' }, 100 + 48 * HOUR)).then([reopened]);
      const state = fold([...isResolved, reopened]);
      expect(state).toMatchObject({ status: 'assigned', reopenCount: 1, assigneeId: 'agent-ana' });
      expect(state.resolvedAt).toBeUndefined();
      expect(state.pauses).toEqual([{ from: at(100), to: at(100 + 48 * HOUR) }]);
    });
    it('reopens a closed ticket while the window lasts, up to its last minute', () =>
      spec.given(isClosed).when(cmd('ReopenTicket', { reopenWindowHours: 72 }, 100 + 72 * HOUR))
        .then([ev('TicketReopened', { reopenCount: 1, status: 'assigned' }, 100 + 72 * HOUR)]));
    it('refuses once the window has passed', () =>
      spec.given(isClosed).when(cmd('ReopenTicket', { reopenWindowHours: 72 }, 101 + 72 * HOUR)).thenThrows('REOPEN_WINDOW_PASSED'));
    it('counts the window from the last resolution', () => {
      const again = [...isResolved, reopened, ev('TicketResolved', { kind: 'complaint' }, 100 + 60 * HOUR)];
      spec.given(again).when(cmd('ReopenTicket', { reopenWindowHours: 72 }, 100 + 100 * HOUR))
        .then([ev('TicketReopened', { reopenCount: 2, status: 'assigned' }, 100 + 100 * HOUR)]);
    });
    it('ignores a repeat on the reopened ticket', () => spec.given([...isResolved, reopened]).when(cmd('ReopenTicket', { reopenWindowHours: 72 })).thenNothingHappened());
    it('refuses a ticket that was never resolved', () => spec.given(inProgress).when(cmd('ReopenTicket', { reopenWindowHours: 72 })).thenThrows('ILLEGAL_TRANSITION'));
    it('refuses a negative window', () => spec.given(isResolved).when(cmd('ReopenTicket', { reopenWindowHours: -1 }, 101)).thenThrows('INVALID_TICKET'));
    it('refuses a command time that is not an instant (never lets it through the window)', () =>
      spec.given(isResolved).when({ type: 'ReopenTicket', at: 'tomorrow', by: 'agent-ana', reopenWindowHours: 72 }).thenThrows('INVALID_TICKET'));
  });

  describe('AddComment', () => {
    const comment = (commentId: string, visibility: 'internal' | 'public', author: 'staff' | 'guest', minute: number) =>
      ev('TicketCommented', { commentId, visibility, author, body: `comment ${commentId}` }, minute);
    it('adds an internal note without counting it as a response', () =>
      spec.given(inProgress).when(cmd('AddComment', { commentId: 'c1', visibility: 'internal', author: 'staff', body: 'comment c1' }, 5)).then([comment('c1', 'internal', 'staff', 5)]));
    it("records the first public staff reply as the first response, and only the first", () => {
      spec.given(inProgress).when(cmd('AddComment', { commentId: 'c1', visibility: 'public', author: 'staff', body: 'comment c1' }, 5))
        .then([comment('c1', 'public', 'staff', 5), ev('FirstResponseRecorded', {}, 5)]);
      spec.given([...inProgress, responded]).when(cmd('AddComment', { commentId: 'c2', visibility: 'public', author: 'staff', body: 'comment c2' }, 6))
        .then([comment('c2', 'public', 'staff', 6)]);
    });
    it("resumes a ticket waiting on the guest when the guest answers", () =>
      spec.given(isWaiting).when(cmd('AddComment', { commentId: 'c3', visibility: 'public', author: 'guest', body: 'comment c3' }, 40))
        .then([comment('c3', 'public', 'guest', 40), ev('TicketResumed', { trigger: 'guest-replied' }, 40)]));
    it('takes comments on a resolved ticket', () =>
      spec.given(isResolved).when(cmd('AddComment', { commentId: 'c4', visibility: 'public', author: 'guest', body: 'comment c4' }, 120)).then([comment('c4', 'public', 'guest', 120)]));
    it('ignores a repeated comment id', () =>
      spec.given([...inProgress, comment('c1', 'internal', 'staff', 5)]).when(cmd('AddComment', { commentId: 'c1', visibility: 'internal', author: 'staff', body: 'x' })).thenNothingHappened());
    it('refuses an internal comment by the guest', () =>
      spec.given(inProgress).when(cmd('AddComment', { commentId: 'c5', visibility: 'internal', author: 'guest', body: 'x' })).thenThrows('INVALID_COMMENT'));
    it('refuses comments on a closed ticket', () =>
      spec.given(isClosed).when(cmd('AddComment', { commentId: 'c6', visibility: 'public', author: 'staff', body: 'x' })).thenThrows('TICKET_CLOSED'));
  });

  describe('AddAttachment (by reference)', () => {
    const photo = { attachmentId: 'att-1', url: 'https://files.example/tickets/1/stain.jpg', fileName: 'stain.jpg', mediaType: 'image/jpeg', sizeBytes: 48_213 };
    const note = ev('TicketCommented', { commentId: 'c1', visibility: 'public', author: 'guest', body: 'see photo' }, 4);
    it('adds an attachment, optionally to a comment', () => {
      spec.given(inProgress).when(cmd('AddAttachment', photo, 5)).then([ev('AttachmentAdded', photo, 5)]);
      spec.given([...inProgress, note]).when(cmd('AddAttachment', { ...photo, commentId: 'c1' }, 5)).then([ev('AttachmentAdded', { ...photo, commentId: 'c1' }, 5)]);
    });
    it('ignores a repeated attachment id', () => spec.given([...inProgress, ev('AttachmentAdded', photo, 5)]).when(cmd('AddAttachment', photo)).thenNothingHappened());
    it('refuses an unknown comment', () => spec.given(inProgress).when(cmd('AddAttachment', { ...photo, commentId: 'c9' })).thenThrows('COMMENT_NOT_FOUND'));
    it('refuses a closed ticket', () => spec.given(isClosed).when(cmd('AddAttachment', photo)).thenThrows('TICKET_CLOSED'));
  });

  describe('RecordFirstResponse (e.g. a call back)', () => {
    it('records it once', () => {
      spec.given(isAssigned).when(cmd('RecordFirstResponse', {}, 3)).then([responded]);
      spec.given([...isAssigned, responded]).when(cmd('RecordFirstResponse', {}, 4)).thenNothingHappened();
    });
    it('has nothing to record on a resolved ticket (the resolution was the response)', () =>
      spec.given([...inProgress, ev('FirstResponseRecorded', {}, 100), resolved]).when(cmd('RecordFirstResponse', {})).thenNothingHappened());
    it('keeps the first response time', () => expect(fold([...inProgress, responded, ev('FirstResponseRecorded', {}, 9)]).firstRespondedAt).toBe(at(3)));
  });

  describe('ChangePriority', () => {
    it('changes the priority', () =>
      spec.given(inProgress).when(cmd('ChangePriority', { priority: 'low' }, 5)).then([ev('TicketPriorityChanged', { priority: 'low', previousPriority: 'high' }, 5)]));
    it('ignores the same priority', () => spec.given(inProgress).when(cmd('ChangePriority', { priority: 'high' })).thenNothingHappened());
    it('refuses a resolved ticket', () => spec.given(isResolved).when(cmd('ChangePriority', { priority: 'low' })).thenThrows('ILLEGAL_TRANSITION'));
  });

  describe('RecordComplaint', () => {
    it('records type and severity', () =>
      spec.given(inProgress).when(cmd('RecordComplaint', { complaintType: 'noise', severity: 'high', details: 'Party next door' }, 0))
        .then([ev('ComplaintRecorded', { complaintType: 'noise', severity: 'high', details: 'Party next door' }, 0)]));
    it('turns an inquiry into a complaint', () => {
      const inquiry = ev('TicketOpened', { ...openingData, kind: 'inquiry' });
      const recorded = ev('ComplaintRecorded', { complaintType: 'billing', severity: 'medium' }, 5);
      spec.given([inquiry, assigned]).when(cmd('RecordComplaint', { complaintType: 'billing', severity: 'medium' }, 5)).then([recorded]);
      spec.given([inquiry, assigned, recorded]).when(cmd('ResolveTicket', {}, 9)).then([ev('FirstResponseRecorded', {}, 9), ev('TicketResolved', { kind: 'complaint' }, 9)]);
    });
    it('ignores the same details, records a correction', () => {
      spec.given([...inProgress, complaintRecorded]).when(cmd('RecordComplaint', { complaintType: 'noise', severity: 'high' })).thenNothingHappened();
      spec.given([...inProgress, complaintRecorded]).when(cmd('RecordComplaint', { complaintType: 'noise', severity: 'critical' }, 7))
        .then([ev('ComplaintRecorded', { complaintType: 'noise', severity: 'critical' }, 7)]);
    });
    it('takes a complaint on a resolved ticket, refuses one on a closed ticket', () => {
      spec.given(isResolved).when(cmd('RecordComplaint', { complaintType: 'food', severity: 'low' }, 120)).then([ev('ComplaintRecorded', { complaintType: 'food', severity: 'low' }, 120)]);
      spec.given(isClosed).when(cmd('RecordComplaint', { complaintType: 'food', severity: 'low' })).thenThrows('TICKET_CLOSED');
    });
    it('refuses a malformed type', () => spec.given(inProgress).when(cmd('RecordComplaint', { complaintType: 'FOOD', severity: 'low' })).thenThrows('INVALID_TICKET'));
  });

  describe('GiveRecovery', () => {
    const withComplaint = [...inProgress, complaintRecorded];
    const voucher = { recoveryId: 'rec-1', action: 'voucher' as const, value: { currency: 'EUR', minor: 5000 } };
    it('gives a voucher with its value', () => spec.given(withComplaint).when(cmd('GiveRecovery', voucher, 50)).then([ev('RecoveryGiven', voucher, 50)]));
    it.each([
      ['an apology', { recoveryId: 'rec-2', action: 'apology' as const, note: 'Manager called' }],
      ['a refund', { recoveryId: 'rec-3', action: 'refund' as const, value: { currency: 'EUR', minor: 12000 } }],
      ['an upgrade (value optional)', { recoveryId: 'rec-4', action: 'upgrade' as const }],
      ['points', { recoveryId: 'rec-5', action: 'points' as const, points: 2000 }],
    ])('gives %s', (_name, recovery) => spec.given(withComplaint).when(cmd('GiveRecovery', recovery, 50)).then([ev('RecoveryGiven', recovery, 50)]));
    it('gives a recovery after the resolution', () => spec.given([...withComplaint, resolved]).when(cmd('GiveRecovery', voucher, 150)).then([ev('RecoveryGiven', voucher, 150)]));
    it('ignores a repeated recovery id', () => spec.given([...withComplaint, ev('RecoveryGiven', voucher, 50)]).when(cmd('GiveRecovery', voucher)).thenNothingHappened());
    it('refuses a recovery without a complaint', () => spec.given(inProgress).when(cmd('GiveRecovery', voucher)).thenThrows('COMPLAINT_REQUIRED'));
    it('refuses a recovery for a ticket without a guest', () => {
      const { guestId: _none, ...anonymous } = ref;
      spec.given([ev('TicketOpened', openingData, 0, 'agent-ana', anonymous), complaintRecorded]).when(cmd('GiveRecovery', voucher)).thenThrows('GUEST_REQUIRED');
    });
    it.each([
      ['a refund without value', { recoveryId: 'r', action: 'refund' as const }],
      ['a voucher worth nothing', { recoveryId: 'r', action: 'voucher' as const, value: { currency: 'EUR', minor: 0 } }],
      ['fractional minor units', { recoveryId: 'r', action: 'refund' as const, value: { currency: 'EUR', minor: 12.5 } }],
      ['a lower-case currency', { recoveryId: 'r', action: 'refund' as const, value: { currency: 'eur', minor: 100 } }],
      ['points without a number', { recoveryId: 'r', action: 'points' as const }],
      ['points on a voucher', { recoveryId: 'r', action: 'voucher' as const, value: { currency: 'EUR', minor: 100 }, points: 10 }],
      ['an apology with a value', { recoveryId: 'r', action: 'apology' as const, value: { currency: 'EUR', minor: 100 } }],
    ])('refuses %s', (_name, recovery) => spec.given(withComplaint).when(cmd('GiveRecovery', recovery)).thenThrows('INVALID_RECOVERY'));
    it('refuses a closed ticket', () => spec.given([...withComplaint, resolved, closed]).when(cmd('GiveRecovery', voucher)).thenThrows('TICKET_CLOSED'));
  });

  describe('RecordSatisfaction (1–5 after resolution)', () => {
    const scored = ev('SatisfactionRecorded', { score: 4, surveyId: 'survey-9', comment: 'Quick and kind' }, 300, 'integration:survey-tool');
    const record = (score: number, minute = 300) => cmd('RecordSatisfaction', { score, surveyId: 'survey-9', comment: 'Quick and kind' }, minute, 'integration:survey-tool');
    it('records the score of a resolved or closed ticket', () => {
      spec.given(isResolved).when(record(4)).then([scored]);
      spec.given(isClosed).when(record(4)).then([scored]);
    });
    it('refuses before the resolution', () => spec.given(inProgress).when(record(4)).thenThrows('NOT_RESOLVED'));
    it.each([0, 6, 3.5])('refuses the score %s', (score) => spec.given(isResolved).when(record(score)).thenThrows('INVALID_SCORE'));
    it('ignores a repeat, refuses a second different score for the same resolution', () => {
      spec.given([...isResolved, scored]).when(record(4)).thenNothingHappened();
      spec.given([...isResolved, scored]).when(record(2)).thenThrows('SATISFACTION_ALREADY_RECORDED');
    });
    it('takes a new score after a reopen and a new resolution', () => {
      const history = [...isResolved, scored, ev('TicketReopened', { reopenCount: 1, status: 'assigned' }, 400), ev('TicketResolved', { kind: 'complaint' }, 500)];
      spec.given(history).when(record(2, 600)).then([ev('SatisfactionRecorded', { score: 2, surveyId: 'survey-9', comment: 'Quick and kind' }, 600, 'integration:survey-tool')]);
    });
    it('refuses a ticket without a guest', () => {
      const { guestId: _none, ...anonymous } = ref;
      spec.given([ev('TicketOpened', openingData, 0, 'agent-ana', anonymous), assigned, resolved]).when(record(5)).thenThrows('GUEST_REQUIRED');
    });
  });

  describe('SLA: RescheduleSlaTarget', () => {
    it('moves a due time after a pause', () =>
      spec.given([...isWaiting, resumed]).when(cmd('RescheduleSlaTarget', { target: 'resolution', dueAt: at(270) }, 40, 'service:service-tickets'))
        .then([ev('SlaTargetRescheduled', { target: 'resolution', dueAt: at(270), previousDueAt: at(240) }, 40, 'service:service-tickets')]));
    it('ignores the same due time, a met target and a breached one', () => {
      spec.given(inProgress).when(cmd('RescheduleSlaTarget', { target: 'resolution', dueAt: at(240) })).thenNothingHappened();
      spec.given([...inProgress, responded]).when(cmd('RescheduleSlaTarget', { target: 'first-response', dueAt: at(90) })).thenNothingHappened();
      spec.given(isResolved).when(cmd('RescheduleSlaTarget', { target: 'resolution', dueAt: at(300) })).thenNothingHappened();
      const breached = ev('SlaBreached', { target: 'first-response', dueAt: at(60), policyId: 'complaint' }, 60);
      spec.given([...inProgress, breached]).when(cmd('RescheduleSlaTarget', { target: 'first-response', dueAt: at(90) })).thenNothingHappened();
    });
    it('refuses a target the ticket does not have', () => {
      const { sla: _none, ...withoutSla } = openingData;
      spec.given([ev('TicketOpened', withoutSla)]).when(cmd('RescheduleSlaTarget', { target: 'resolution', dueAt: at(9) })).thenThrows('SLA_TARGET_NOT_SET');
    });
  });

  describe('SLA: a target reached after its due time is missed, whether or not its timer fired', () => {
    const breach = (target: 'first-response' | 'resolution', dueMinute: number, minute: number) => ev('SlaBreached', { target, dueAt: at(dueMinute), policyId: 'complaint' }, minute);
    it('records the breach with a late first response (explicit, by a public reply, or by the resolution)', () => {
      spec.given(inProgress).when(cmd('RecordFirstResponse', {}, 61)).then([breach('first-response', 60, 61), ev('FirstResponseRecorded', {}, 61)]);
      spec
        .given(inProgress)
        .when(cmd('AddComment', { commentId: 'c-9', visibility: 'public', author: 'staff', body: 'Sorry for the wait' }, 90))
        .then([
          ev('TicketCommented', { commentId: 'c-9', visibility: 'public', author: 'staff', body: 'Sorry for the wait' }, 90),
          breach('first-response', 60, 90),
          ev('FirstResponseRecorded', {}, 90),
        ]);
      spec.given(inProgress).when(cmd('ResolveTicket', {}, 300)).then([breach('first-response', 60, 300), ev('FirstResponseRecorded', {}, 300), breach('resolution', 240, 300), ev('TicketResolved', { kind: 'complaint' }, 300)]);
    });
    it('records nothing on time, nor again when the timer already recorded the breach', () => {
      spec.given(inProgress).when(cmd('RecordFirstResponse', {}, 60)).then([ev('FirstResponseRecorded', {}, 60)]);
      spec.given([...inProgress, breach('first-response', 60, 60)]).when(cmd('RecordFirstResponse', {}, 70)).then([ev('FirstResponseRecorded', {}, 70)]);
    });
    it('leaves it to the rescheduled timer when a pause ended after the due time was computed', () => {
      // waited 30 minutes: the real due time moved to minute 90, which the scheduler has not recorded yet
      spec.given([...inProgress, waiting, resumed]).when(cmd('RecordFirstResponse', {}, 70)).then([ev('FirstResponseRecorded', {}, 70)]);
      // once rescheduled, the recorded due time is current again
      const rescheduled = ev('SlaTargetRescheduled', { target: 'first-response', dueAt: at(90), previousDueAt: at(60) }, 41);
      spec.given([...inProgress, waiting, resumed, rescheduled]).when(cmd('RecordFirstResponse', {}, 95)).then([breach('first-response', 90, 95), ev('FirstResponseRecorded', {}, 95)]);
    });
  });

  describe('SLA: RecordSlaBreach (timer) and escalation', () => {
    const timer = 'service:sla-timer';
    const breach = (target: 'first-response' | 'resolution', dueMinute: number, escalation?: { toPriority?: 'urgent'; toAssigneeId?: string }) =>
      cmd('RecordSlaBreach', { target, dueAt: at(dueMinute), ...(escalation ? { escalation } : {}) }, dueMinute, timer);
    const breached = ev('SlaBreached', { target: 'first-response', dueAt: at(60), policyId: 'complaint' }, 60, timer);

    it('records a missed first response', () => spec.given(inProgress).when(breach('first-response', 60)).then([breached]));

    it('escalates with it: raises the priority and hands the ticket to the manager', () => {
      const escalated = ev(
        'TicketEscalated',
        { level: 1, reason: 'sla-breach', target: 'first-response', priority: 'urgent', previousPriority: 'high', assigneeId: 'manager-eva', previousAssigneeId: 'agent-ana' },
        60,
        timer,
      );
      spec.given(inProgress).when(breach('first-response', 60, { toPriority: 'urgent', toAssigneeId: 'manager-eva' })).then([breached, escalated]);
      expect(fold([...inProgress, breached, escalated])).toMatchObject({ priority: 'urgent', assigneeId: 'manager-eva', escalationLevel: 1, status: 'in-progress' });
    });

    it('assigns an unassigned ticket on escalation (open → assigned)', () => {
      const escalated = ev('TicketEscalated', { level: 1, reason: 'sla-breach', target: 'first-response', priority: 'high', previousPriority: 'high', assigneeId: 'manager-eva' }, 60, timer);
      spec.given(isOpen).when(breach('first-response', 60, { toAssigneeId: 'manager-eva' })).then([breached, escalated]);
      expect(fold([...isOpen, breached, escalated]).status).toBe('assigned');
    });

    it('records the breach alone when the escalation would change nothing', () =>
      spec.given(inProgress).when(breach('first-response', 60, { toAssigneeId: 'agent-ana' })).then([breached]));

    it('counts levels across escalations', () => {
      const first = ev('TicketEscalated', { level: 1, reason: 'sla-breach', target: 'first-response', priority: 'urgent', previousPriority: 'high', assigneeId: 'agent-ana', previousAssigneeId: 'agent-ana' }, 60, timer);
      spec.given([...inProgress, responded, breached, first]).when(breach('resolution', 240, { toAssigneeId: 'manager-eva' })).then([
        ev('SlaBreached', { target: 'resolution', dueAt: at(240), policyId: 'complaint' }, 240, timer),
        ev('TicketEscalated', { level: 2, reason: 'sla-breach', target: 'resolution', priority: 'urgent', previousPriority: 'urgent', assigneeId: 'manager-eva', previousAssigneeId: 'agent-ana' }, 240, timer),
      ]);
    });

    it('is stale, so does nothing, when the target was already missed, met, paused or moved', () => {
      spec.given([...inProgress, breached]).when(breach('first-response', 60)).thenNothingHappened();
      spec.given([...inProgress, responded]).when(breach('first-response', 60)).thenNothingHappened();
      spec.given(isResolved).when(breach('resolution', 240)).thenNothingHappened();
      spec.given(isWaiting).when(breach('resolution', 240)).thenNothingHappened();
      const moved = ev('SlaTargetRescheduled', { target: 'resolution', dueAt: at(270), previousDueAt: at(240) }, 40);
      spec.given([...inProgress, moved]).when(breach('resolution', 240)).thenNothingHappened();
    });

    it('refuses a breach before the due time', () =>
      spec.given(inProgress).when(cmd('RecordSlaBreach', { target: 'resolution', dueAt: at(240) }, 239, timer)).thenThrows('SLA_NOT_DUE'));

    it('refuses a target the ticket does not have', () => {
      const { sla: _none, ...withoutSla } = openingData;
      spec.given([ev('TicketOpened', withoutSla)]).when(breach('first-response', 60)).thenThrows('SLA_TARGET_NOT_SET');
    });
  });

  describe('EscalateTicket (by hand)', () => {
    it('raises the priority', () =>
      spec.given(inProgress).when(cmd('EscalateTicket', { toPriority: 'urgent', note: 'VIP guest' }, 30, 'manager-eva'))
        .then([ev('TicketEscalated', { level: 1, reason: 'manual', priority: 'urgent', previousPriority: 'high', assigneeId: 'agent-ana', previousAssigneeId: 'agent-ana', note: 'VIP guest' }, 30, 'manager-eva')]));
    it('reassigns', () =>
      spec.given(inProgress).when(cmd('EscalateTicket', { toAssigneeId: 'manager-eva' }, 30, 'manager-eva'))
        .then([ev('TicketEscalated', { level: 1, reason: 'manual', priority: 'high', previousPriority: 'high', assigneeId: 'manager-eva', previousAssigneeId: 'agent-ana' }, 30, 'manager-eva')]));
    it('ignores an escalation whose effect already holds', () =>
      spec.given(inProgress).when(cmd('EscalateTicket', { toPriority: 'high', toAssigneeId: 'agent-ana' })).thenNothingHappened());
    it('refuses an escalation that asks for nothing or lowers the priority', () => {
      spec.given(inProgress).when(cmd('EscalateTicket', {})).thenThrows('INVALID_ESCALATION');
      spec.given(inProgress).when(cmd('EscalateTicket', { toPriority: 'low' })).thenThrows('INVALID_ESCALATION');
    });
    it('refuses a resolved ticket', () => spec.given(isResolved).when(cmd('EscalateTicket', { toPriority: 'urgent' })).thenThrows('ILLEGAL_TRANSITION'));
  });

  describe('evolve', () => {
    it('ignores unknown event types', () => {
      const state = fold(inProgress);
      expect(ticketDecider.evolve(state, { type: 'TicketTeleported', data: {} } as unknown as TicketEvent)).toBe(state);
    });

    it('folds events whose personal fields were erased (null after crypto-shredding)', () => {
      const erased = (e: TicketEvent, fields: string[]): TicketEvent => ({ ...e, data: { ...e.data, ...Object.fromEntries(fields.map((f) => [f, null])) } } as TicketEvent);
      const history = [
        erased(opened, ['subject', 'description']),
        assigned,
        started,
        erased(ev('TicketCommented', { commentId: 'c1', visibility: 'public', author: 'staff', body: 'x' }, 5), ['body']),
        erased(ev('TicketResolved', { kind: 'complaint', summary: 'x' }, 100), ['summary']),
      ];
      expect(fold(history)).toMatchObject({ status: 'resolved', commentIds: ['c1'], resolvedAt: at(100) });
    });

    it('keeps the story: who has it, where, and the pauses of the SLA clock', () => {
      const state = fold([...isWaiting, resumed, responded, resolved]);
      expect(state).toMatchObject({
        status: 'resolved',
        ticketId: 'ticket-1',
        brandId: 'brand-harbour',
        propertyId: 'property-lisbon',
        guestId: 'guest-7',
        assigneeId: 'agent-ana',
        queueId: 'queue-front-office',
        firstRespondedAt: at(3),
        pauses: [{ from: at(10), to: at(40) }, { from: at(100) }],
      });
      expect(state.sla.resolution).toEqual({ policyId: 'complaint', mode: 'business-hours', minutes: 240, dueAt: at(240), dueAtSetAt: at(0) });
    });
  });
});
