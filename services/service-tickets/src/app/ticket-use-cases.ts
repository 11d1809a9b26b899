import { BrandNotAllowedError } from '@hearth/customer-profile-client';
import { handleCommand, StreamNotFoundError } from '@hearth/event-store';
import { calendarFor, escalationOnBreach, queueFor } from '../domain/settings.policy';
import { slaTermsFor } from '../domain/sla-policy';
import { TicketError, type EscalationRequest, type TicketCommand, type TicketState } from '../domain/ticket.decider';
import type { CommentAuthor, CommentVisibility, ComplaintSeverity, Money, RecoveryAction, Requester, TicketChannel, TicketKind, TicketPriority } from '../domain/ticket.events';
import { AmbiguousGuestError, TicketRequestError } from './errors';
import { ticketIdForKey } from './ids';
import { ticketSettings } from './settings-use-cases';
import { ticketAccess, type TicketAccess } from './ticket-access';
import { loadTicket, runTicketCommand, scopedTicketDecider, ticketStream, type TicketCommandInput } from './ticket-stream';
import { ticketViewOf, type TicketView } from './ticket-view';
import type { Caller, TicketsContext } from './tickets-context';

export type GuestIdentifier = { type: string; value: string; system?: string | undefined };

/** How the ticket's guest was found: named by id, matched or created by customer-profile from identifiers, or none. */
export type GuestResolution = 'id' | 'matched' | 'created' | 'none';

/** What opening a ticket takes (the validated body of `POST /v1/tickets`). */
export type OpenTicketInput = {
  brandId: string;
  propertyId?: string | undefined;
  guestId?: string | undefined;
  identifiers?: GuestIdentifier[] | undefined;
  kind: TicketKind;
  channel: TicketChannel;
  priority?: TicketPriority | undefined;
  queueId?: string | undefined;
  category?: string | undefined;
  subject: string;
  description?: string | undefined;
  requester?: Requester | undefined;
  assigneeId?: string | undefined;
  complaint?: { complaintType: string; severity: ComplaintSeverity; details?: string | undefined } | undefined;
  /** When the guest's request came in, if earlier than now (SLA targets count from it). */
  receivedAt?: string | undefined;
};

/** How far back `receivedAt` may lie, and how far ahead (clock skew of the sender). */
const MAX_RECEIVED_AGE_MS = 30 * 24 * 3_600_000;
const MAX_RECEIVED_SKEW_MS = 60_000;

/** Fields of ticket commands that hold personal data (see TICKET_PERSONAL_DATA). */
const PERSONAL_FIELDS = ['subject', 'description', 'requester', 'note', 'summary', 'reason', 'body', 'url', 'fileName', 'details', 'comment'] as const;

/** Whether a command (or verb input) carries a personal value, i.e. must be written through the encrypting store. */
export function carriesPersonalData(input: object): boolean {
  return PERSONAL_FIELDS.some((field) => (input as Record<string, unknown>)[field] !== undefined);
}

const dropUndefined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/** The guest a ticket names: by id (must exist; a merged guest answers as its survivor) or by identifiers. */
async function resolveGuest(
  ctx: TicketsContext,
  caller: Caller,
  input: { guestId?: string | undefined; identifiers?: GuestIdentifier[] | undefined; brandId?: string | undefined; channel?: string | undefined },
  path: string,
): Promise<{ guestId: string | undefined; resolution: GuestResolution }> {
  if (input.guestId !== undefined) {
    const reply = await ctx.profile.guestSummary(caller.tenantId, input.guestId);
    if (!reply.found) throw new TicketRequestError('UNKNOWN_GUEST', `guest ${input.guestId} does not exist`, `${path}.guestId`);
    if (reply.guest.status === 'erased') throw new TicketRequestError('GUEST_ERASED', `guest ${input.guestId} was erased`, `${path}.guestId`);
    const guestId = reply.guest.status === 'merged' && reply.guest.survivorId ? reply.guest.survivorId : input.guestId;
    return { guestId, resolution: 'id' };
  }
  if (input.identifiers === undefined || input.identifiers.length === 0) return { guestId: undefined, resolution: 'none' };
  const reply = await ctx.profile.resolve({
    tenantId: caller.tenantId,
    identifiers: input.identifiers.map((i) => dropUndefined({ type: i.type, value: i.value, system: i.system })),
    actor: 'service:service-tickets',
    ...(input.brandId !== undefined ? { brandId: input.brandId } : {}),
    ...(input.channel !== undefined ? { channel: input.channel } : {}),
    correlationId: caller.correlationId,
  });
  if (reply.outcome === 'ambiguous') throw new AmbiguousGuestError(reply.candidates, reply.proposalId);
  return { guestId: reply.guestId, resolution: reply.outcome };
}

/** Reads a ticket's events through the decrypting store; undefined when there is none. */
async function readTicketEvents(ctx: TicketsContext, ticketId: string) {
  try {
    return await ctx.store.readStream(ticketStream(ticketId));
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
}

/**
 * The ticket as staff see it (decrypted), if it is in the caller's tenant and its brand is visible to
 * the caller; `TICKET_NOT_FOUND` otherwise (a ticket of another brand or tenant is never revealed).
 */
export async function getTicket(ctx: TicketsContext, caller: Caller, ticketId: string, access?: TicketAccess): Promise<TicketView> {
  const scope = access ?? (await ticketAccess(ctx, caller));
  const events = await readTicketEvents(ctx, ticketId);
  const view = events[0]?.metadata.tenantId === caller.tenantId ? ticketViewOf(events) : undefined;
  if (!view || !scope.canSee(view.brandId)) throw new TicketError('TICKET_NOT_FOUND', 'ticket not found');
  return view;
}

export type OpenTicketResult = { ticket: TicketView; resolution: GuestResolution; created: boolean };

/**
 * Opens a ticket: checks the brand (the caller's token must grant it; the tenant directory must know
 * it and the property), the queue and category against the tenant's settings, resolves the guest
 * (by id, or by identifiers through customer-profile), fixes the SLA targets from the tenant's policies
 * on the property's business calendar, and records `OpenTicket`. With an Idempotency-Key the ticket id
 * is derived from it.
 */
export async function openTicket(ctx: TicketsContext, caller: Caller, input: OpenTicketInput, options: { idempotencyKey?: string | undefined } = {}): Promise<OpenTicketResult> {
  if (caller.brands !== '*' && !caller.brands.includes(input.brandId)) throw new BrandNotAllowedError(input.brandId);
  const now = ctx.now();
  const at = input.receivedAt !== undefined ? new Date(input.receivedAt) : now;
  if (at.getTime() > now.getTime() + MAX_RECEIVED_SKEW_MS || at.getTime() < now.getTime() - MAX_RECEIVED_AGE_MS) {
    throw new TicketRequestError('INVALID_RECEIVED_AT', 'receivedAt must lie within the last 30 days and not in the future', 'body.receivedAt');
  }

  const [directory, settings] = await Promise.all([ctx.directory.get(caller.tenantId), ticketSettings(ctx, caller.tenantId)]);
  if (!directory.brands.some((b) => b.brandId === input.brandId)) {
    throw new TicketRequestError('UNKNOWN_BRAND', `brand ${input.brandId} is not a brand of this tenant`, 'body.brandId');
  }
  const property = input.propertyId === undefined ? undefined : directory.properties.find((p) => p.propertyId === input.propertyId);
  if (input.propertyId !== undefined && (!property || property.brandId !== input.brandId)) {
    throw new TicketRequestError('UNKNOWN_PROPERTY', `property ${input.propertyId} is not a property of brand ${input.brandId}`, 'body.propertyId');
  }
  const queue = queueFor(settings, input.queueId, input.brandId);
  if (!queue.ok) {
    throw new TicketRequestError(
      queue.reason,
      queue.reason === 'UNKNOWN_QUEUE' ? `queue ${input.queueId} is not one of the tenant's queues` : `queue ${input.queueId} does not take tickets of brand ${input.brandId}`,
      'body.queueId',
    );
  }
  if (input.category !== undefined && !settings.categories.some((c) => c.code === input.category)) {
    throw new TicketRequestError('UNKNOWN_CATEGORY', `category ${input.category} is not one of the tenant's categories`, 'body.category');
  }
  const guest = await resolveGuest(ctx, caller, input, 'body');

  const priority = input.priority ?? 'normal';
  const calendar = calendarFor(settings, input.propertyId, property?.timeZone);
  const sla = slaTermsFor(settings.slaPolicies, { kind: input.kind, priority, channel: input.channel }, at, calendar);
  const ticketId = options.idempotencyKey !== undefined ? ticketIdForKey(caller.tenantId, options.idempotencyKey) : ctx.newId();
  const command: TicketCommand = dropUndefined({
    type: 'OpenTicket' as const,
    at: at.toISOString(),
    by: caller.by,
    ticketId,
    brandId: input.brandId,
    propertyId: input.propertyId,
    guestId: guest.guestId,
    kind: input.kind,
    channel: input.channel,
    priority,
    queueId: queue.queue.queueId,
    category: input.category,
    subject: input.subject,
    description: input.description,
    requester: input.requester && dropUndefined(input.requester),
    sla,
    assigneeId: input.assigneeId,
    complaint: input.complaint && dropUndefined(input.complaint),
  });
  const metadata = {
    tenantId: caller.tenantId,
    actor: caller.actor,
    brandId: input.brandId,
    channel: input.channel,
    correlationId: caller.correlationId,
    causationId: caller.causationId,
    occurredAt: at.toISOString(),
    ...(guest.guestId !== undefined ? { guestId: guest.guestId } : {}),
    ...(caller.traceparent ? { traceparent: caller.traceparent } : {}),
  };
  const result = await handleCommand(ctx.store, scopedTicketDecider, ticketStream(ticketId), command, { metadata });
  const ticket = await getTicket(ctx, caller, ticketId, { actingBrandId: null, visibleBrands: 'all', canSee: () => true, assertCanAct: () => undefined });
  return { ticket, resolution: guest.resolution, created: result.events.length > 0 };
}

/** The sub-resource verbs of a ticket (`POST /v1/tickets/{id}/<verb>`) and what each carries. */
export type TicketAction =
  | { verb: 'assign' | 'reassign'; assigneeId: string }
  | { verb: 'delegate'; fromAssigneeId?: string | undefined; toAssigneeId: string }
  | { verb: 'refer'; toQueueId: string; note?: string | undefined }
  | { verb: 'start' | 'wait-on-guest' | 'resume' | 'close' | 'first-response' }
  | { verb: 'resolve'; resolutionCode?: string | undefined; summary?: string | undefined }
  | { verb: 'reopen'; reason?: string | undefined }
  | { verb: 'comment'; commentId?: string | undefined; visibility: CommentVisibility; author: CommentAuthor; body: string }
  | { verb: 'attach'; attachmentId?: string | undefined; url: string; fileName: string; mediaType: string; sizeBytes?: number | undefined; commentId?: string | undefined }
  | { verb: 'priority'; priority: TicketPriority }
  | { verb: 'complaint'; complaintType: string; severity: ComplaintSeverity; details?: string | undefined }
  | { verb: 'recovery'; recoveryId?: string | undefined; action: RecoveryAction; value?: Money | undefined; points?: number | undefined; note?: string | undefined }
  | { verb: 'satisfaction'; score: number; surveyId?: string | undefined; comment?: string | undefined }
  | { verb: 'escalate'; toPriority?: TicketPriority | undefined; toAssigneeId?: string | undefined; toManager?: boolean | undefined; note?: string | undefined }
  | { verb: 'link-guest'; guestId?: string | undefined; identifiers?: GuestIdentifier[] | undefined };

export type TicketVerb = TicketAction['verb'];

export type TicketActionResult = {
  ticket: TicketView;
  /** False for an idempotent repeat (nothing was recorded). */
  changed: boolean;
  /** The id of what the action created (comment, attachment, recovery), when it creates one. */
  createdId?: string;
};

/**
 * Runs one verb on a ticket of the caller's tenant and brands: builds the decider command (with the
 * tenant's settings where the verb needs them), records it with optimistic concurrency (`expectedVersion`
 * from If-Match → 412), and answers the ticket as it now is.
 */
export async function performTicketAction(ctx: TicketsContext, caller: Caller, ticketId: string, action: TicketAction, expectedVersion?: number): Promise<TicketActionResult> {
  const access = await ticketAccess(ctx, caller);
  const at = ctx.now().toISOString();
  const by = caller.by;
  let command: TicketCommandInput;
  let check: ((ticket: TicketState) => void) | undefined;
  let guestId: string | undefined;
  let createdId: string | undefined;

  switch (action.verb) {
    case 'assign':
    case 'reassign':
      command = { type: 'AssignTicket', at, by, assigneeId: action.assigneeId };
      break;
    case 'delegate':
      command = { type: 'DelegateTicket', at, by, fromAssigneeId: action.fromAssigneeId ?? caller.by, toAssigneeId: action.toAssigneeId };
      break;
    case 'refer': {
      const settings = await ticketSettings(ctx, caller.tenantId);
      if (!settings.queues.some((q) => q.queueId === action.toQueueId)) {
        throw new TicketRequestError('UNKNOWN_QUEUE', `queue ${action.toQueueId} is not one of the tenant's queues`, 'body.toQueueId');
      }
      check = (ticket) => {
        if (!queueFor(settings, action.toQueueId, ticket.brandId).ok) {
          throw new TicketRequestError('QUEUE_NOT_FOR_BRAND', `queue ${action.toQueueId} does not take tickets of brand ${ticket.brandId}`, 'body.toQueueId');
        }
      };
      command = dropUndefined({ type: 'ReferTicket' as const, at, by, toQueueId: action.toQueueId, note: action.note });
      break;
    }
    case 'start':
      command = { type: 'StartWork', at, by };
      break;
    case 'wait-on-guest':
      command = { type: 'WaitOnGuest', at, by };
      break;
    case 'resume':
      command = { type: 'ResumeTicket', at, by };
      break;
    case 'close':
      command = { type: 'CloseTicket', at, by };
      break;
    case 'first-response':
      command = { type: 'RecordFirstResponse', at, by };
      break;
    case 'resolve':
      command = dropUndefined({ type: 'ResolveTicket' as const, at, by, resolutionCode: action.resolutionCode, summary: action.summary });
      break;
    case 'reopen': {
      const settings = await ticketSettings(ctx, caller.tenantId);
      command = dropUndefined({ type: 'ReopenTicket' as const, at, by, reopenWindowHours: settings.reopenWindowHours, reason: action.reason });
      break;
    }
    case 'comment':
      createdId = action.commentId ?? ctx.newId();
      command = { type: 'AddComment', at, by, commentId: createdId, visibility: action.visibility, author: action.author, body: action.body };
      break;
    case 'attach':
      createdId = action.attachmentId ?? ctx.newId();
      command = dropUndefined({
        type: 'AddAttachment' as const,
        at,
        by,
        attachmentId: createdId,
        url: action.url,
        fileName: action.fileName,
        mediaType: action.mediaType,
        sizeBytes: action.sizeBytes,
        commentId: action.commentId,
      });
      break;
    case 'priority':
      command = { type: 'ChangePriority', at, by, priority: action.priority };
      break;
    case 'complaint':
      command = dropUndefined({ type: 'RecordComplaint' as const, at, by, complaintType: action.complaintType, severity: action.severity, details: action.details });
      break;
    case 'recovery':
      createdId = action.recoveryId ?? ctx.newId();
      command = dropUndefined({ type: 'GiveRecovery' as const, at, by, recoveryId: createdId, action: action.action, value: action.value, points: action.points, note: action.note });
      break;
    case 'satisfaction':
      command = dropUndefined({ type: 'RecordSatisfaction' as const, at, by, score: action.score, surveyId: action.surveyId, comment: action.comment });
      break;
    case 'escalate': {
      const settings = await ticketSettings(ctx, caller.tenantId);
      const explicit = action.toPriority !== undefined || action.toAssigneeId !== undefined || action.toManager === true;
      command = (ticket) => {
        let request: EscalationRequest | undefined;
        if (!explicit) {
          // nothing named: what the tenant's policy does on a breach
          request = escalationOnBreach(settings, ticket) ?? {};
        } else {
          const managerId = settings.queues.find((q) => q.queueId === ticket.queueId)?.managerId;
          if (action.toManager && managerId === undefined) throw new TicketError('INVALID_ESCALATION', `queue ${ticket.queueId} has no manager to escalate to`, ticket.status === 'none' ? undefined : ticket.status, 'EscalateTicket');
          request = dropUndefined({ toPriority: action.toPriority, toAssigneeId: action.toAssigneeId ?? (action.toManager ? managerId : undefined) });
        }
        return dropUndefined({ type: 'EscalateTicket' as const, at, by, ...request, note: action.note });
      };
      break;
    }
    case 'link-guest': {
      // the ticket first: resolving identifiers may register a provisional guest in customer-profile
      const { state } = await loadTicket(ctx.rawStore, caller.tenantId, ticketId, access);
      const guest = await resolveGuest(ctx, caller, { ...action, brandId: state.brandId, channel: state.channel }, 'body');
      if (guest.guestId === undefined) throw new TicketRequestError('UNKNOWN_GUEST', 'name the guest by guestId or identifiers', 'body');
      guestId = guest.guestId;
      command = { type: 'LinkGuest', at, by, guestId };
      break;
    }
  }

  const result = await runTicketCommand(ctx, caller, ticketId, command, {
    access,
    at,
    // events without personal values need no data key (and stay possible after the guest's erasure)
    store: carriesPersonalData(action) ? ctx.store : ctx.rawStore,
    expectedVersion,
    ...(check ? { check } : {}),
    ...(guestId !== undefined ? { guestId } : {}),
  });
  const ticket = await getTicket(ctx, caller, ticketId, access);
  return { ticket, changed: result.events.length > 0, ...(createdId !== undefined ? { createdId } : {}) };
}

/** Lists the active tickets assigned to an agent (the unified queue read model in production). */
export type AssignedTickets = (tenantId: string, assigneeId: string, visibleBrands: ReadonlySet<string> | 'all') => Promise<string[]>;

export type DelegationOutcome = { ticketId: string; ok: true; changed: boolean; version: number } | { ticketId: string; ok: false; error: unknown };

/**
 * Hands every active ticket of an agent who is away to another (`DelegateTicket` per ticket, each on
 * its own: a ticket that changed meanwhile fails alone). The list comes from the queue read model, so
 * a ticket assigned in the last moments may be missed (repeat the call) and one reassigned meanwhile
 * answers NOT_ASSIGNED_TO_DELEGATOR.
 */
export async function delegateAgentTickets(
  ctx: TicketsContext,
  caller: Caller,
  assigned: AssignedTickets,
  fromAssigneeId: string,
  toAssigneeId: string,
): Promise<DelegationOutcome[]> {
  const access = await ticketAccess(ctx, caller);
  const ticketIds = await assigned(caller.tenantId, fromAssigneeId, access.visibleBrands);
  const at = ctx.now().toISOString();
  const outcomes: DelegationOutcome[] = [];
  for (const ticketId of ticketIds) {
    try {
      const result = await runTicketCommand(ctx, caller, ticketId, { type: 'DelegateTicket', at, by: caller.by, fromAssigneeId, toAssigneeId }, { access, at, store: ctx.rawStore });
      outcomes.push({ ticketId, ok: true, changed: result.events.length > 0, version: result.version });
    } catch (error) {
      outcomes.push({ ticketId, ok: false, error });
    }
  }
  return outcomes;
}
