import type { Decider } from '@hearth/event-store';
import {
  ACTIVE_STATUSES,
  TICKET_PRIORITIES,
  type CommentAuthor,
  type CommentVisibility,
  type ComplaintSeverity,
  type Money,
  type RecoveryAction,
  type Requester,
  type SlaMode,
  type SlaTarget,
  type TicketChannel,
  type TicketEvent,
  type TicketEventBase,
  type TicketKind,
  type TicketPriority,
  type TicketSlaTerms,
  type TicketStatus,
} from './ticket.events';

/** Every command names when it happens and who does it (the adapter takes them from the request: clock, JWT subject). */
type CommandOf<Type extends string, Data = Record<never, never>> = { type: Type; at: string; by: string } & Data;

export type OpenTicket = CommandOf<
  'OpenTicket',
  {
    ticketId: string;
    brandId: string;
    propertyId?: string;
    guestId?: string;
    kind: TicketKind;
    channel: TicketChannel;
    priority: TicketPriority;
    queueId: string;
    category?: string;
    subject: string;
    description?: string;
    requester?: Requester;
    /** SLA targets with due times, from `slaTermsFor` (sla-policy.ts); none: no SLA applies. */
    sla?: TicketSlaTerms;
    /** Assign at once (e.g. the agent taking the call). */
    assigneeId?: string;
    /** Complaint details, for a ticket of kind complaint. */
    complaint?: { complaintType: string; severity: ComplaintSeverity; details?: string };
  }
>;

export type TicketCommand =
  | OpenTicket
  | CommandOf<'LinkGuest', { guestId: string }>
  | CommandOf<'AssignTicket', { assigneeId: string }>
  | CommandOf<'DelegateTicket', { fromAssigneeId: string; toAssigneeId: string }>
  | CommandOf<'ReferTicket', { toQueueId: string; note?: string }>
  | CommandOf<'StartWork'>
  | CommandOf<'WaitOnGuest'>
  | CommandOf<'ResumeTicket'>
  | CommandOf<'ResolveTicket', { resolutionCode?: string; summary?: string }>
  | CommandOf<'CloseTicket'>
  | CommandOf<'ReopenTicket', { /** The tenant's reopen window, counted from the (last) resolution. */ reopenWindowHours: number; reason?: string }>
  | CommandOf<'AddComment', { commentId: string; visibility: CommentVisibility; author: CommentAuthor; body: string }>
  | CommandOf<'AddAttachment', { attachmentId: string; url: string; fileName: string; mediaType: string; sizeBytes?: number; commentId?: string }>
  | CommandOf<'RecordFirstResponse'>
  | CommandOf<'ChangePriority', { priority: TicketPriority }>
  | CommandOf<'RecordComplaint', { complaintType: string; severity: ComplaintSeverity; details?: string }>
  | CommandOf<'GiveRecovery', { recoveryId: string; action: RecoveryAction; value?: Money; points?: number; note?: string }>
  | CommandOf<'RecordSatisfaction', { score: number; surveyId?: string; comment?: string }>
  /** From the SLA scheduler when a pause or reopen moved a due time (see ticket-sla.ts). */
  | CommandOf<'RescheduleSlaTarget', { target: SlaTarget; dueAt: string }>
  /** From the SLA timer when a due time passed; `escalation` is what the escalation policy asks for. */
  | CommandOf<'RecordSlaBreach', { target: SlaTarget; dueAt: string; escalation?: EscalationRequest }>
  | CommandOf<'EscalateTicket', EscalationRequest & { note?: string }>;

export type EscalationRequest = { toPriority?: TicketPriority; toAssigneeId?: string };
export type TicketCommandType = TicketCommand['type'];

export type TicketErrorCode =
  | 'TICKET_NOT_FOUND'
  | 'TICKET_ALREADY_EXISTS'
  | 'ILLEGAL_TRANSITION'
  | 'REOPEN_WINDOW_PASSED'
  | 'TICKET_CLOSED'
  | 'NOT_ASSIGNED_TO_DELEGATOR'
  | 'SAME_QUEUE'
  | 'INVALID_TICKET'
  | 'INVALID_COMMENT'
  | 'COMMENT_NOT_FOUND'
  | 'COMPLAINT_REQUIRED'
  | 'INVALID_RECOVERY'
  | 'GUEST_REQUIRED'
  | 'GUEST_ALREADY_LINKED'
  | 'NOT_RESOLVED'
  | 'SATISFACTION_ALREADY_RECORDED'
  | 'INVALID_SCORE'
  | 'INVALID_ESCALATION'
  | 'SLA_TARGET_NOT_SET'
  | 'SLA_NOT_DUE';

/**
 * A command the ticket refuses. Stable `code`s; the HTTP layer maps TICKET_NOT_FOUND to 404, the INVALID_*
 * codes to 422 and everything else to 409. `status` is the ticket's status when it refused (if it exists).
 */
export class TicketError extends Error {
  constructor(
    readonly code: TicketErrorCode,
    message: string,
    readonly status?: TicketStatus,
    readonly command?: TicketCommandType,
  ) {
    super(message);
    this.name = 'TicketError';
  }
}

export type SlaTargetState = {
  policyId: string;
  mode: SlaMode;
  minutes: number;
  dueAt: string;
  /** When `dueAt` was computed (the opening, or the last reschedule): a pause that ended later makes it stale. */
  dueAtSetAt: string;
  breachedAt?: string;
};

export type TicketState = {
  status: 'none' | TicketStatus;
  ticketId: string;
  brandId: string;
  propertyId?: string;
  guestId?: string;
  kind: TicketKind;
  channel: TicketChannel;
  priority: TicketPriority;
  queueId: string;
  assigneeId?: string;
  openedAt: string;
  /** Who opened it and when, to recognise a repeated OpenTicket. */
  openedBy: string;
  firstRespondedAt?: string;
  /** The last resolution (cleared by a reopen). */
  resolvedAt?: string;
  reopenCount: number;
  escalationLevel: number;
  complaint?: { complaintType: string; severity: ComplaintSeverity };
  satisfaction?: { score: number; surveyId?: string };
  commentIds: string[];
  attachmentIds: string[];
  recoveryIds: string[];
  sla: Partial<Record<SlaTarget, SlaTargetState>>;
  /** When the SLA clock stood still (waiting on guest, resolved until reopened); the last may be open. */
  pauses: { from: string; to?: string }[];
};

const initialState = (): TicketState => ({
  status: 'none',
  ticketId: '',
  brandId: '',
  kind: 'inquiry',
  channel: 'web',
  priority: 'normal',
  queueId: '',
  openedAt: '',
  openedBy: '',
  reopenCount: 0,
  escalationLevel: 0,
  commentIds: [],
  attachmentIds: [],
  recoveryIds: [],
  sla: {},
  pauses: [],
});

export const isActive = (status: TicketState['status']): boolean => (ACTIVE_STATUSES as readonly string[]).includes(status);
export const priorityRank = (priority: TicketPriority): number => TICKET_PRIORITIES.indexOf(priority);

type ExistingState = TicketState & { status: TicketStatus };

function requireTicket(state: TicketState): asserts state is ExistingState {
  if (state.status === 'none') throw new TicketError('TICKET_NOT_FOUND', 'ticket not found');
}

function illegal(state: ExistingState, command: TicketCommandType, hint?: string): TicketError {
  const message = `${command} is not allowed when the ticket is ${state.status}${hint ? `: ${hint}` : ''}`;
  return new TicketError('ILLEGAL_TRANSITION', message, state.status, command);
}

/** Commands that only make sense on a ticket still being worked on. */
function requireActive(state: TicketState, command: TicketCommandType, hint?: string): asserts state is ExistingState {
  requireTicket(state);
  if (!isActive(state.status)) throw illegal(state, command, hint);
}

function requireNotClosed(state: TicketState, command: TicketCommandType): asserts state is ExistingState {
  requireTicket(state);
  if (state.status === 'closed') throw new TicketError('TICKET_CLOSED', `${command} is not allowed on a closed ticket`, 'closed', command);
}

/** The context every event of this ticket carries. */
function base(state: Pick<TicketState, 'ticketId' | 'brandId' | 'propertyId' | 'guestId'>, command: { at: string; by: string }): TicketEventBase {
  return {
    ticketId: state.ticketId,
    brandId: state.brandId,
    ...(state.propertyId !== undefined ? { propertyId: state.propertyId } : {}),
    ...(state.guestId !== undefined ? { guestId: state.guestId } : {}),
    at: command.at,
    by: command.by,
  };
}

const CODE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const CURRENCY = /^[A-Z]{3}$/;

function validateComplaint(complaintType: string): void {
  if (!CODE.test(complaintType)) throw new TicketError('INVALID_TICKET', `complaint type '${complaintType}' must be a lower-kebab code`);
}

function validateRecovery(command: { action: RecoveryAction; value?: Money; points?: number }): void {
  const { action, value, points } = command;
  if (value !== undefined && (!CURRENCY.test(value.currency) || !Number.isSafeInteger(value.minor) || value.minor < 0)) {
    throw new TicketError('INVALID_RECOVERY', 'a value is an ISO 4217 currency and a non-negative whole number of minor units');
  }
  if (points !== undefined && (!Number.isSafeInteger(points) || points <= 0)) throw new TicketError('INVALID_RECOVERY', 'points must be a positive whole number');
  if ((action === 'refund' || action === 'voucher') && (value === undefined || value.minor === 0)) {
    throw new TicketError('INVALID_RECOVERY', `a ${action} needs a value greater than zero`);
  }
  if (action === 'points' && points === undefined) throw new TicketError('INVALID_RECOVERY', 'a points recovery needs the number of points');
  if (action !== 'points' && points !== undefined) throw new TicketError('INVALID_RECOVERY', `a ${action} grants no points`);
  if (action === 'apology' && value !== undefined) throw new TicketError('INVALID_RECOVERY', 'an apology has no value');
}

/**
 * A target reached after its due time was missed, even when its timer has not fired yet (timer lag, the
 * timer worker down, a ticket received in the past): the event that meets it is preceded by
 * `SlaBreached`, so reports never count a late response as met (the timer, when it fires, is then stale).
 * Only when the recorded due time is current: not while the clock is paused, and not when a pause ended
 * after the due time was computed (the scheduler reschedules then, and its timer decides).
 */
function lateBreach(state: ExistingState, command: TicketCommand, target: SlaTarget): TicketEvent[] {
  const terms = state.sla[target];
  if (!terms || terms.breachedAt !== undefined || instantOf(command) <= Date.parse(terms.dueAt)) return [];
  const lastPause = state.pauses.at(-1);
  if (lastPause && (lastPause.to === undefined || Date.parse(lastPause.to) > Date.parse(terms.dueAtSetAt))) return [];
  return [{ type: 'SlaBreached', data: { ...base(state, command), target, dueAt: terms.dueAt, policyId: terms.policyId } }];
}

function targetMet(state: ExistingState, target: SlaTarget): boolean {
  if (target === 'first-response') return state.firstRespondedAt !== undefined;
  return state.status === 'resolved' || state.status === 'closed';
}

/** The escalation events for a request, or none when it would change nothing. */
function escalate(
  state: ExistingState,
  command: { at: string; by: string },
  request: EscalationRequest & { note?: string },
  reason: 'sla-breach' | 'manual',
  target?: SlaTarget,
): TicketEvent[] {
  const priority = request.toPriority && priorityRank(request.toPriority) > priorityRank(state.priority) ? request.toPriority : state.priority;
  const assigneeId = request.toAssigneeId ?? state.assigneeId;
  if (priority === state.priority && assigneeId === state.assigneeId) return [];
  return [
    {
      type: 'TicketEscalated',
      data: {
        ...base(state, command),
        level: state.escalationLevel + 1,
        reason,
        ...(target ? { target } : {}),
        priority,
        previousPriority: state.priority,
        ...(assigneeId !== undefined ? { assigneeId } : {}),
        ...(state.assigneeId !== undefined ? { previousAssigneeId: state.assigneeId } : {}),
        ...(request.note !== undefined ? { note: request.note } : {}),
      },
    },
  ];
}

const HOUR = 3_600_000;

/** The command's time as epoch ms; the adapter validates it, but a window check must never pass on NaN. */
function instantOf(command: { at: string; type: TicketCommandType }): number {
  const ms = Date.parse(command.at);
  if (Number.isNaN(ms)) throw new TicketError('INVALID_TICKET', `'${command.at}' is not an ISO 8601 instant`, undefined, command.type);
  return ms;
}

function decide(command: TicketCommand, state: TicketState): TicketEvent[] {
  switch (command.type) {
    case 'OpenTicket': {
      if (state.status !== 'none') {
        const repeat = state.ticketId === command.ticketId && state.openedAt === command.at && state.openedBy === command.by;
        if (repeat) return [];
        throw new TicketError('TICKET_ALREADY_EXISTS', `ticket ${command.ticketId} already exists`, state.status, command.type);
      }
      if (command.complaint && command.kind !== 'complaint') throw new TicketError('INVALID_TICKET', 'complaint details need a ticket of kind complaint');
      if (command.complaint) validateComplaint(command.complaint.complaintType);
      const { type: _t, at: _a, by: _b, assigneeId, complaint, ...opening } = command;
      const ref = base(command, command);
      const events: TicketEvent[] = [{ type: 'TicketOpened', data: { ...opening, ...ref } }];
      if (assigneeId !== undefined) {
        events.push({ type: 'TicketAssigned', data: { ...ref, assigneeId, queueId: command.queueId, reason: 'assigned' } });
      }
      if (complaint) events.push({ type: 'ComplaintRecorded', data: { ...ref, ...complaint } });
      return events;
    }

    case 'LinkGuest': {
      requireTicket(state);
      if (state.guestId === command.guestId) return [];
      if (state.guestId !== undefined) {
        throw new TicketError('GUEST_ALREADY_LINKED', `the ticket is already linked to guest ${state.guestId}`, state.status, command.type);
      }
      return [{ type: 'TicketGuestLinked', data: base({ ...state, guestId: command.guestId }, command) }];
    }

    case 'AssignTicket': {
      requireActive(state, command.type, 'reopen it first');
      if (state.assigneeId === command.assigneeId) return [];
      return [
        {
          type: 'TicketAssigned',
          data: {
            ...base(state, command),
            assigneeId: command.assigneeId,
            ...(state.assigneeId !== undefined ? { previousAssigneeId: state.assigneeId } : {}),
            queueId: state.queueId,
            reason: state.assigneeId === undefined ? 'assigned' : 'reassigned',
          },
        },
      ];
    }

    case 'DelegateTicket': {
      requireActive(state, command.type);
      if (state.assigneeId === command.toAssigneeId) return [];
      if (state.assigneeId !== command.fromAssigneeId) {
        throw new TicketError('NOT_ASSIGNED_TO_DELEGATOR', `the ticket is not assigned to ${command.fromAssigneeId}`, state.status, command.type);
      }
      return [
        {
          type: 'TicketAssigned',
          data: { ...base(state, command), assigneeId: command.toAssigneeId, previousAssigneeId: command.fromAssigneeId, queueId: state.queueId, reason: 'delegated' },
        },
      ];
    }

    case 'ReferTicket': {
      requireTicket(state);
      if (state.status === 'waiting-on-guest') throw illegal(state, command.type, 'resume it first');
      requireActive(state, command.type);
      if (state.queueId === command.toQueueId) {
        if (state.status === 'open' && state.assigneeId === undefined) return [];
        throw new TicketError('SAME_QUEUE', `the ticket is already in queue ${command.toQueueId}`, state.status, command.type);
      }
      return [
        {
          type: 'TicketReferred',
          data: {
            ...base(state, command),
            fromQueueId: state.queueId,
            toQueueId: command.toQueueId,
            ...(state.assigneeId !== undefined ? { previousAssigneeId: state.assigneeId } : {}),
            ...(command.note !== undefined ? { note: command.note } : {}),
          },
        },
      ];
    }

    case 'StartWork': {
      requireTicket(state);
      if (state.status === 'in-progress') return [];
      if (state.status !== 'assigned') throw illegal(state, command.type, state.status === 'open' ? 'assign it first' : undefined);
      return [{ type: 'TicketWorkStarted', data: base(state, command) }];
    }

    case 'WaitOnGuest': {
      requireTicket(state);
      if (state.status === 'waiting-on-guest') return [];
      if (state.status !== 'in-progress') throw illegal(state, command.type, 'only a ticket in progress can wait on the guest');
      return [{ type: 'TicketWaitingOnGuest', data: base(state, command) }];
    }

    case 'ResumeTicket': {
      requireTicket(state);
      if (state.status === 'in-progress') return [];
      if (state.status !== 'waiting-on-guest') throw illegal(state, command.type);
      return [{ type: 'TicketResumed', data: { ...base(state, command), trigger: 'staff' } }];
    }

    case 'ResolveTicket': {
      requireTicket(state);
      if (state.status === 'resolved') return [];
      if (state.status === 'open') throw illegal(state, command.type, 'assign it first');
      if (state.status === 'closed') throw illegal(state, command.type, 'reopen it first');
      if (command.resolutionCode !== undefined && !CODE.test(command.resolutionCode)) {
        throw new TicketError('INVALID_TICKET', `resolution code '${command.resolutionCode}' must be a lower-kebab code`);
      }
      const ref = base(state, command);
      const events: TicketEvent[] = [];
      if (state.firstRespondedAt === undefined) events.push(...lateBreach(state, command, 'first-response'), { type: 'FirstResponseRecorded', data: ref });
      events.push(...lateBreach(state, command, 'resolution'));
      events.push({
        type: 'TicketResolved',
        data: {
          ...ref,
          kind: state.kind,
          ...(command.resolutionCode !== undefined ? { resolutionCode: command.resolutionCode } : {}),
          ...(command.summary !== undefined ? { summary: command.summary } : {}),
        },
      });
      return events;
    }

    case 'CloseTicket': {
      requireTicket(state);
      if (state.status === 'closed') return [];
      if (state.status !== 'resolved') throw illegal(state, command.type, 'resolve it first');
      return [{ type: 'TicketClosed', data: base(state, command) }];
    }

    case 'ReopenTicket': {
      requireTicket(state);
      if (isActive(state.status)) {
        if (state.reopenCount > 0) return []; // already reopened and not resolved since
        throw illegal(state, command.type, 'only a resolved or closed ticket can be reopened');
      }
      if (!(command.reopenWindowHours >= 0)) throw new TicketError('INVALID_TICKET', 'the reopen window must be a non-negative number of hours');
      const deadline = Date.parse(state.resolvedAt!) + command.reopenWindowHours * HOUR;
      if (instantOf(command) > deadline) {
        throw new TicketError(
          'REOPEN_WINDOW_PASSED',
          `the ticket was resolved at ${state.resolvedAt}; it could be reopened until ${new Date(deadline).toISOString()}`,
          state.status,
          command.type,
        );
      }
      return [
        {
          type: 'TicketReopened',
          data: {
            ...base(state, command),
            reopenCount: state.reopenCount + 1,
            status: state.assigneeId === undefined ? 'open' : 'assigned',
            ...(command.reason !== undefined ? { reason: command.reason } : {}),
          },
        },
      ];
    }

    case 'AddComment': {
      requireNotClosed(state, command.type);
      if (state.commentIds.includes(command.commentId)) return [];
      if (command.author === 'guest' && command.visibility === 'internal') {
        throw new TicketError('INVALID_COMMENT', 'a guest cannot write an internal comment', state.status, command.type);
      }
      const ref = base(state, command);
      const events: TicketEvent[] = [
        { type: 'TicketCommented', data: { ...ref, commentId: command.commentId, visibility: command.visibility, author: command.author, body: command.body } },
      ];
      const publicStaff = command.visibility === 'public' && command.author === 'staff';
      if (publicStaff && state.firstRespondedAt === undefined && isActive(state.status)) events.push(...lateBreach(state, command, 'first-response'), { type: 'FirstResponseRecorded', data: ref });
      if (command.author === 'guest' && state.status === 'waiting-on-guest') events.push({ type: 'TicketResumed', data: { ...ref, trigger: 'guest-replied' } });
      return events;
    }

    case 'AddAttachment': {
      requireNotClosed(state, command.type);
      if (state.attachmentIds.includes(command.attachmentId)) return [];
      if (command.commentId !== undefined && !state.commentIds.includes(command.commentId)) {
        throw new TicketError('COMMENT_NOT_FOUND', `no comment ${command.commentId} on this ticket`, state.status, command.type);
      }
      const { type: _t, at: _a, by: _b, ...attachment } = command;
      return [{ type: 'AttachmentAdded', data: { ...base(state, command), ...attachment } }];
    }

    case 'RecordFirstResponse': {
      requireTicket(state);
      if (state.firstRespondedAt !== undefined) return [];
      requireActive(state, command.type);
      return [...lateBreach(state, command, 'first-response'), { type: 'FirstResponseRecorded', data: base(state, command) }];
    }

    case 'ChangePriority': {
      requireActive(state, command.type);
      if (state.priority === command.priority) return [];
      return [{ type: 'TicketPriorityChanged', data: { ...base(state, command), priority: command.priority, previousPriority: state.priority } }];
    }

    case 'RecordComplaint': {
      requireNotClosed(state, command.type);
      validateComplaint(command.complaintType);
      if (state.complaint?.complaintType === command.complaintType && state.complaint.severity === command.severity) return [];
      return [
        {
          type: 'ComplaintRecorded',
          data: {
            ...base(state, command),
            complaintType: command.complaintType,
            severity: command.severity,
            ...(command.details !== undefined ? { details: command.details } : {}),
          },
        },
      ];
    }

    case 'GiveRecovery': {
      requireNotClosed(state, command.type);
      if (state.recoveryIds.includes(command.recoveryId)) return [];
      if (!state.complaint) throw new TicketError('COMPLAINT_REQUIRED', 'service recovery is given for a recorded complaint', state.status, command.type);
      if (state.guestId === undefined) throw new TicketError('GUEST_REQUIRED', 'link the ticket to a guest before giving a recovery', state.status, command.type);
      validateRecovery(command);
      const { type: _t, at: _a, by: _b, ...recovery } = command;
      return [{ type: 'RecoveryGiven', data: { ...base(state, command), ...recovery } }];
    }

    case 'RecordSatisfaction': {
      requireTicket(state);
      if (state.status !== 'resolved' && state.status !== 'closed') {
        throw new TicketError('NOT_RESOLVED', 'satisfaction is recorded after the ticket is resolved', state.status, command.type);
      }
      if (!Number.isInteger(command.score) || command.score < 1 || command.score > 5) {
        throw new TicketError('INVALID_SCORE', 'the score is a whole number from 1 to 5', state.status, command.type);
      }
      if (state.satisfaction) {
        if (state.satisfaction.score === command.score && state.satisfaction.surveyId === command.surveyId) return [];
        throw new TicketError('SATISFACTION_ALREADY_RECORDED', 'satisfaction was already recorded for this resolution', state.status, command.type);
      }
      if (state.guestId === undefined) throw new TicketError('GUEST_REQUIRED', 'link the ticket to a guest before recording satisfaction', state.status, command.type);
      const { type: _t, at: _a, by: _b, ...satisfaction } = command;
      return [{ type: 'SatisfactionRecorded', data: { ...base(state, command), ...satisfaction } }];
    }

    case 'RescheduleSlaTarget': {
      requireTicket(state);
      const terms = state.sla[command.target];
      if (!terms) throw new TicketError('SLA_TARGET_NOT_SET', `no ${command.target} target on this ticket`, state.status, command.type);
      // a stale scheduler decision (the target was met or missed meanwhile, or nothing moves) changes nothing
      if (terms.breachedAt !== undefined || targetMet(state, command.target) || terms.dueAt === command.dueAt) return [];
      return [{ type: 'SlaTargetRescheduled', data: { ...base(state, command), target: command.target, dueAt: command.dueAt, previousDueAt: terms.dueAt } }];
    }

    case 'RecordSlaBreach': {
      requireTicket(state);
      const terms = state.sla[command.target];
      if (!terms) throw new TicketError('SLA_TARGET_NOT_SET', `no ${command.target} target on this ticket`, state.status, command.type);
      // a timer that fires after the target was met, missed, paused or moved is stale: nothing to record
      if (terms.breachedAt !== undefined || targetMet(state, command.target) || state.status === 'waiting-on-guest' || terms.dueAt !== command.dueAt) return [];
      if (instantOf(command) < Date.parse(terms.dueAt)) {
        throw new TicketError('SLA_NOT_DUE', `the ${command.target} target is due at ${terms.dueAt}`, state.status, command.type);
      }
      const breached: TicketEvent = {
        type: 'SlaBreached',
        data: { ...base(state, command), target: command.target, dueAt: terms.dueAt, policyId: terms.policyId },
      };
      return [breached, ...(command.escalation ? escalate(state, command, command.escalation, 'sla-breach', command.target) : [])];
    }

    case 'EscalateTicket': {
      requireActive(state, command.type);
      if (command.toPriority === undefined && command.toAssigneeId === undefined) {
        throw new TicketError('INVALID_ESCALATION', 'an escalation raises the priority, reassigns the ticket, or both', state.status, command.type);
      }
      if (command.toPriority !== undefined && priorityRank(command.toPriority) < priorityRank(state.priority)) {
        throw new TicketError('INVALID_ESCALATION', `an escalation cannot lower the priority from ${state.priority}`, state.status, command.type);
      }
      return escalate(state, command, command, 'manual');
    }
  }
}

function closePause(pauses: TicketState['pauses'], at: string): TicketState['pauses'] {
  const last = pauses.at(-1);
  return last && last.to === undefined ? [...pauses.slice(0, -1), { from: last.from, to: at }] : pauses;
}

function openPause(pauses: TicketState['pauses'], at: string): TicketState['pauses'] {
  const last = pauses.at(-1);
  return last && last.to === undefined ? pauses : [...pauses, { from: at }];
}

function evolve(state: TicketState, event: TicketEvent): TicketState {
  switch (event.type) {
    case 'TicketOpened': {
      const d = event.data;
      const sla: TicketState['sla'] = {};
      for (const [target, terms] of Object.entries(d.sla ?? {}) as [SlaTarget, NonNullable<TicketSlaTerms[SlaTarget]>][]) {
        sla[target] = { policyId: terms.policyId, mode: terms.mode, minutes: terms.minutes, dueAt: terms.dueAt, dueAtSetAt: d.at };
      }
      return {
        ...initialState(),
        status: 'open',
        ticketId: d.ticketId,
        brandId: d.brandId,
        ...(d.propertyId !== undefined ? { propertyId: d.propertyId } : {}),
        ...(d.guestId !== undefined ? { guestId: d.guestId } : {}),
        kind: d.kind,
        channel: d.channel,
        priority: d.priority,
        queueId: d.queueId,
        openedAt: d.at,
        openedBy: d.by,
        sla,
      };
    }
    case 'TicketGuestLinked':
      return event.data.guestId === undefined ? state : { ...state, guestId: event.data.guestId };
    case 'TicketAssigned':
      return { ...state, assigneeId: event.data.assigneeId, status: state.status === 'open' ? 'assigned' : state.status };
    case 'TicketReferred': {
      const { assigneeId: _gone, ...rest } = state;
      return { ...rest, queueId: event.data.toQueueId, status: 'open' };
    }
    case 'TicketWorkStarted':
      return { ...state, status: 'in-progress' };
    case 'TicketWaitingOnGuest':
      return { ...state, status: 'waiting-on-guest', pauses: openPause(state.pauses, event.data.at) };
    case 'TicketResumed':
      return { ...state, status: 'in-progress', pauses: closePause(state.pauses, event.data.at) };
    case 'TicketResolved':
      // the clock stops while resolved (a reopen resumes it); a pause while waiting simply carries on
      return { ...state, status: 'resolved', resolvedAt: event.data.at, pauses: openPause(state.pauses, event.data.at) };
    case 'TicketClosed':
      return { ...state, status: 'closed' };
    case 'TicketReopened': {
      const { resolvedAt: _r, satisfaction: _s, ...rest } = state;
      return { ...rest, status: event.data.status, reopenCount: event.data.reopenCount, pauses: closePause(state.pauses, event.data.at) };
    }
    case 'TicketCommented':
      return { ...state, commentIds: [...state.commentIds, event.data.commentId] };
    case 'FirstResponseRecorded':
      return state.firstRespondedAt === undefined ? { ...state, firstRespondedAt: event.data.at } : state;
    case 'AttachmentAdded':
      return { ...state, attachmentIds: [...state.attachmentIds, event.data.attachmentId] };
    case 'TicketPriorityChanged':
      return { ...state, priority: event.data.priority };
    case 'ComplaintRecorded':
      return { ...state, kind: 'complaint', complaint: { complaintType: event.data.complaintType, severity: event.data.severity } };
    case 'RecoveryGiven':
      return { ...state, recoveryIds: [...state.recoveryIds, event.data.recoveryId] };
    case 'SatisfactionRecorded':
      return { ...state, satisfaction: { score: event.data.score, ...(event.data.surveyId !== undefined ? { surveyId: event.data.surveyId } : {}) } };
    case 'SlaTargetRescheduled': {
      const terms = state.sla[event.data.target];
      return terms ? { ...state, sla: { ...state.sla, [event.data.target]: { ...terms, dueAt: event.data.dueAt, dueAtSetAt: event.data.at } } } : state;
    }
    case 'SlaBreached': {
      const terms = state.sla[event.data.target];
      return terms ? { ...state, sla: { ...state.sla, [event.data.target]: { ...terms, breachedAt: event.data.at } } } : state;
    }
    case 'TicketEscalated': {
      const d = event.data;
      const next: TicketState = { ...state, escalationLevel: d.level, priority: d.priority };
      if (d.assigneeId !== undefined && d.assigneeId !== state.assigneeId) {
        next.assigneeId = d.assigneeId;
        if (state.status === 'open') next.status = 'assigned';
      }
      return next;
    }
    default:
      return state;
  }
}

/**
 * The ticket aggregate (stream `ticket-<ticketId>`): open → assigned → in-progress ↔ waiting-on-guest →
 * resolved → closed, with reopen within a window; assignment, delegation and referral; comments and
 * attachments; complaint, recovery and satisfaction; SLA breaches and escalation.
 */
export const ticketDecider: Decider<TicketState, TicketCommand, TicketEvent> = { initialState, decide, evolve };
