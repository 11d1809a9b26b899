import { route, type RouteDefinition } from '@hearth/http';
import type { Role } from '@hearth/http';
import { z } from 'zod';
import { getTicket, openTicket, performTicketAction, type TicketAction } from '../../app/ticket-use-cases';
import type { TicketsContext } from '../../app/tickets-context';
import { brandHeaderSchema, callerOf, OPEN_ROLES, SATISFACTION_ROLES, STAFF_ROLES } from './request-scope';
import { actionBodies, openTicketBodySchema, openTicketResultSchema, ticketActionResultSchema, ticketIdParams, ticketViewSchema, type ActionPath } from './ticket.schemas';

const TAGS = ['tickets'];

const idempotencyHeaders = brandHeaderSchema.extend({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'expected 1 to 255 visible ASCII characters (a UUID is a good choice)')
    .optional()
    .describe('Makes a retry safe: the same key (per tenant) opens the ticket once and replays the first answer'),
});

type VerbSpec = {
  path: ActionPath;
  summary: string;
  description?: string;
  roles?: readonly Role[];
  /** The use case's input for the validated body. */
  action: (body: never) => TicketAction;
};

/** The sub-resource verbs: `POST /v1/tickets/{ticketId}/<path>`. */
const VERBS: readonly VerbSpec[] = [
  { path: 'assign', summary: 'Assign the ticket to an agent', action: (b: { assigneeId: string }) => ({ verb: 'assign', ...b }) },
  { path: 'reassign', summary: 'Reassign the ticket to another agent', action: (b: { assigneeId: string }) => ({ verb: 'reassign', ...b }) },
  {
    path: 'delegate',
    summary: 'Delegate the ticket (its agent is away)',
    description: 'Hands the ticket of `fromAssigneeId` (default: the caller) to `toAssigneeId`; 409 NOT_ASSIGNED_TO_DELEGATOR when it is not theirs.',
    action: (b: { fromAssigneeId?: string; toAssigneeId: string }) => ({ verb: 'delegate', ...b }),
  },
  { path: 'refer', summary: 'Refer the ticket to another queue (department)', description: 'Unassigned there (status open). Not while waiting on the guest.', action: (b: { toQueueId: string; note?: string }) => ({ verb: 'refer', ...b }) },
  { path: 'start', summary: 'Start work on the ticket', action: () => ({ verb: 'start' }) },
  { path: 'wait-on-guest', summary: 'Wait for the guest (pauses the SLA clock)', action: () => ({ verb: 'wait-on-guest' }) },
  { path: 'resume', summary: 'Resume work (staff); a guest reply resumes through a guest comment', action: () => ({ verb: 'resume' }) },
  { path: 'resolve', summary: 'Resolve the ticket', description: 'Records the first response too when there was none.', action: (b: { resolutionCode?: string; summary?: string } | undefined) => ({ verb: 'resolve', ...b }) },
  { path: 'close', summary: 'Close a resolved ticket', action: () => ({ verb: 'close' }) },
  { path: 'reopen', summary: "Reopen a resolved or closed ticket within the tenant's reopen window", description: '409 REOPEN_WINDOW_PASSED after it.', action: (b: { reason?: string } | undefined) => ({ verb: 'reopen', ...b }) },
  {
    path: 'comments',
    summary: 'Add a comment (internal or public)',
    description: "A public staff comment is the ticket's first response; a guest comment (author guest: the guest's reply, e.g. posted by the e-mail gateway) resumes a ticket waiting on the guest. 201 with `createdId`.",
    roles: OPEN_ROLES,
    action: (b: { commentId?: string; visibility: 'internal' | 'public'; author: 'staff' | 'guest'; body: string }) => ({ verb: 'comment', ...b }),
  },
  {
    path: 'attachments',
    summary: 'Attach a file by reference (URL and metadata)',
    action: (b: { attachmentId?: string; url: string; fileName: string; mediaType: string; sizeBytes?: number; commentId?: string }) => ({ verb: 'attach', ...b }),
  },
  { path: 'first-response', summary: 'Record the first response (e.g. a call back)', action: () => ({ verb: 'first-response' }) },
  { path: 'priority', summary: 'Change the priority', action: (b: { priority: 'low' | 'normal' | 'high' | 'urgent' }) => ({ verb: 'priority', ...b }) },
  {
    path: 'complaint',
    summary: 'Record (or correct) the complaint type and severity',
    description: 'Makes the ticket a complaint.',
    action: (b: { complaintType: string; severity: 'low' | 'medium' | 'high' | 'critical'; details?: string }) => ({ verb: 'complaint', ...b }),
  },
  {
    path: 'recoveries',
    summary: 'Give a service recovery (apology, refund, upgrade, points, voucher) for the complaint',
    description: 'Needs a recorded complaint (409 COMPLAINT_REQUIRED) and a linked guest (409 GUEST_REQUIRED). Appears on the guest timeline. 201 with `createdId`.',
    action: (b: { recoveryId?: string; action: 'apology' | 'refund' | 'upgrade' | 'points' | 'voucher'; value?: { currency: string; minor: number }; points?: number; note?: string }) => ({
      ...b,
      verb: 'recovery',
    }),
  },
  {
    path: 'satisfaction',
    summary: "Record the guest's satisfaction (1–5) after resolution",
    description: 'For the survey tool (role integration) and staff. 409 NOT_RESOLVED before the resolution, SATISFACTION_ALREADY_RECORDED for a different second answer.',
    roles: SATISFACTION_ROLES,
    action: (b: { score: number; surveyId?: string; comment?: string }) => ({ verb: 'satisfaction', ...b }),
  },
  {
    path: 'escalate',
    summary: 'Escalate the ticket by hand',
    description: "Raises the priority and/or reassigns (toManager: to the queue's manager). An empty body applies the tenant's escalation policy.",
    action: (b: { toPriority?: 'low' | 'normal' | 'high' | 'urgent'; toAssigneeId?: string; toManager?: boolean; note?: string } | undefined) => ({ verb: 'escalate', ...b }),
  },
  {
    path: 'link-guest',
    summary: 'Link the ticket to its guest',
    description: 'By guestId or by identifiers resolved through customer-profile (several guests → 422 AMBIGUOUS_GUEST). Once linked, the guest is final (409 GUEST_ALREADY_LINKED).',
    action: (b: { guestId?: string; identifiers?: { type: string; value: string; system?: string }[] }) => ({ verb: 'link-guest', ...b }),
  },
];

/** Verbs that create something answer 201. */
const CREATING: ReadonlySet<ActionPath> = new Set(['comments', 'attachments', 'recoveries']);

/** `POST /v1/tickets`, `GET /v1/tickets/{ticketId}` and the ticket's sub-resource verbs. */
export function ticketRoutes({ ctx }: { ctx: TicketsContext }): RouteDefinition[] {
  const open = route(
    {
      method: 'post',
      path: '/v1/tickets',
      summary: 'Open a ticket',
      description:
        'An inquiry, request or complaint from any channel, for a brand (granted by the token) and optionally a property. The guest is named by guestId or by identifiers (resolved through customer-profile; several guests → 422 AMBIGUOUS_GUEST with candidates). ' +
        "Queue and category must be the tenant's (422 UNKNOWN_QUEUE / UNKNOWN_CATEGORY); SLA targets are fixed from the tenant's policies on the property's business calendar. Subject, description and requester are personal data (encrypted, erased with the guest).",
      tags: TAGS,
      roles: OPEN_ROLES,
      headers: idempotencyHeaders,
      idempotency: 'optional',
      body: openTicketBodySchema,
      responses: {
        201: { description: 'Opened', body: openTicketResultSchema, headers: { Location: 'The ticket', ETag: 'Stream version' } },
        422: { description: 'Unknown brand, property, queue, category or guest; ambiguous identifiers; invalid complaint' },
        503: { description: 'customer-profile did not answer (DEPENDENCY_UNAVAILABLE); retry' },
      },
    },
    async ({ actor, headers, body, correlationId, requestId, idempotencyKey }) => {
      const caller = callerOf(actor, { correlationId, requestId, brandId: headers['x-brand-id'] });
      const result = await openTicket(ctx, caller, body, { idempotencyKey });
      return { status: 201, body: { ticket: result.ticket, guestResolution: result.resolution }, version: result.ticket.version, location: `/v1/tickets/${result.ticket.ticketId}` };
    },
  );

  const get = route(
    {
      method: 'get',
      path: '/v1/tickets/:ticketId',
      summary: 'Get a ticket',
      description: 'The ticket with its texts, comments, attachments, recoveries, SLA and history. 404 for a ticket of a brand the caller may not see.',
      tags: TAGS,
      roles: STAFF_ROLES,
      params: ticketIdParams,
      headers: brandHeaderSchema,
      responses: { 200: { description: 'The ticket', body: ticketViewSchema, headers: { ETag: 'Stream version' } } },
    },
    async ({ actor, params, headers, correlationId, requestId }) => {
      const ticket = await getTicket(ctx, callerOf(actor, { correlationId, requestId, brandId: headers['x-brand-id'] }), params.ticketId);
      return { status: 200, body: ticket, version: ticket.version };
    },
  );

  const verbs = VERBS.map((verb) =>
    route(
      {
        method: 'post',
        path: `/v1/tickets/:ticketId/${verb.path}`,
        operationId: `postTicket${verb.path.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}`,
        summary: verb.summary,
        ...(verb.description ? { description: verb.description } : {}),
        tags: TAGS,
        roles: verb.roles ?? STAFF_ROLES,
        params: ticketIdParams,
        headers: brandHeaderSchema,
        ifMatch: 'optional',
        body: actionBodies[verb.path] as z.ZodType,
        responses: {
          [CREATING.has(verb.path) ? 201 : 200]: { description: 'The ticket after the change', body: ticketActionResultSchema, headers: { ETag: 'Stream version' } },
          404: { description: 'No such ticket (or of a brand the caller may not see)' },
          409: { description: 'Not allowed in the ticket’s status (ILLEGAL_TRANSITION and other codes, with ticketStatus)' },
          412: { description: 'If-Match does not match the ticket version' },
          422: { description: 'Invalid for this ticket (INVALID_* codes, unknown queue…)' },
        },
      },
      async ({ actor, params, headers, body, expectedVersion, correlationId, requestId }) => {
        const caller = callerOf(actor, { correlationId, requestId, brandId: headers['x-brand-id'] });
        const result = await performTicketAction(ctx, caller, params.ticketId, verb.action(body as never), expectedVersion);
        const status = CREATING.has(verb.path) ? 201 : 200;
        return { status, body: result, version: result.ticket.version } as never;
      },
    ),
  );

  return [open, get, ...verbs];
}
