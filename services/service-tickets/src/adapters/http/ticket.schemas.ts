import { z } from 'zod';
import {
  COMMENT_AUTHORS,
  COMMENT_VISIBILITIES,
  COMPLAINT_SEVERITIES,
  RECOVERY_ACTIONS,
  SLA_MODES,
  TICKET_CHANNELS,
  TICKET_KINDS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
} from '../../domain/ticket.events';
import { brandIdSchema } from './request-scope';

/** Ids of things staff and integrations name (users, queues, properties, comments…). */
export const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/, 'expected an id (letters, digits, and _ . : @ -)');
const code = () => z.string().regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, 'expected a lower-kebab code such as room-cleanliness');
const text = (max: number) => z.string().trim().min(1).max(max);
const instant = () => z.iso.datetime({ offset: true });

export const ticketIdParams = z.object({ ticketId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'expected a ticket id') });

export const moneySchema = z
  .strictObject({
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR'),
    minor: z.number().int().nonnegative().describe('Amount in minor units (cents for EUR)'),
  })
  .meta({ id: 'Money' });

export const identifierSchema = z.strictObject({
  type: z.string().min(1).max(40).describe('email, phone, member-number, booking-ref, external…'),
  value: z.string().min(1).max(320),
  system: z.string().min(1).max(80).optional().describe('The system an external id belongs to'),
});

const requesterSchema = z.strictObject({
  name: text(200).optional(),
  email: z.email().max(320).optional(),
  phone: z.string().regex(/^\+?[0-9 ()./-]{4,32}$/, 'expected a phone number').optional(),
});

/** Body of `POST /v1/tickets`. */
export const openTicketBodySchema = z
  .strictObject({
    brandId: brandIdSchema,
    propertyId: idSchema.optional(),
    guestId: idSchema.optional().describe('The guest, when known (must exist in customer-profile; a merged guest is filed under its survivor)'),
    identifiers: z.array(identifierSchema).min(1).max(20).optional().describe('Or: identifiers customer-profile resolves to the guest (matched, or a provisional guest is created)'),
    kind: z.enum(TICKET_KINDS),
    channel: z.enum(TICKET_CHANNELS),
    priority: z.enum(TICKET_PRIORITIES).default('normal'),
    queueId: idSchema.optional().describe("The tenant's queue (default: its default queue)"),
    category: code().optional().describe("One of the tenant's categories"),
    subject: text(300).describe('Personal (encrypted, erased with the guest)'),
    description: text(20_000).optional().describe('Personal'),
    requester: requesterSchema.optional().describe('Who asked, while no guest is linked (personal)'),
    assigneeId: idSchema.optional().describe('Assign at once (e.g. the agent taking the call)'),
    complaint: z.strictObject({ complaintType: code(), severity: z.enum(COMPLAINT_SEVERITIES), details: text(20_000).optional() }).optional().describe('For kind complaint'),
    receivedAt: instant().optional().describe('When the request came in, if before now (at most 30 days ago): SLA targets count from it'),
  })
  .refine((b) => !(b.guestId !== undefined && b.identifiers !== undefined), { message: 'name the guest by guestId or by identifiers, not both', path: ['identifiers'] })
  .meta({ id: 'OpenTicket' });

const empty = z.strictObject({});
const optionalEmpty = empty.optional().describe('No body needed');

/** Request bodies of the sub-resource verbs. */
export const actionBodies = {
  assign: z.strictObject({ assigneeId: idSchema }),
  reassign: z.strictObject({ assigneeId: idSchema }),
  delegate: z.strictObject({
    fromAssigneeId: idSchema.optional().describe('The agent handing the ticket over (default: the caller)'),
    toAssigneeId: idSchema,
  }),
  refer: z.strictObject({ toQueueId: idSchema, note: text(5_000).optional().describe('Personal') }),
  start: optionalEmpty,
  'wait-on-guest': optionalEmpty,
  resume: optionalEmpty,
  close: optionalEmpty,
  'first-response': optionalEmpty,
  resolve: z.strictObject({ resolutionCode: code().optional(), summary: text(20_000).optional().describe('Personal') }).optional(),
  reopen: z.strictObject({ reason: text(5_000).optional().describe('Personal') }).optional(),
  comments: z.strictObject({
    commentId: idSchema.optional().describe('Makes a retry safe (default: a new id)'),
    visibility: z.enum(COMMENT_VISIBILITIES).default('internal').describe('public: the guest sees it (a public staff comment is the first response)'),
    author: z.enum(COMMENT_AUTHORS).default('staff').describe("guest: the guest's own reply (resumes a ticket waiting on the guest)"),
    body: text(20_000).describe('Personal'),
  }),
  attachments: z.strictObject({
    attachmentId: idSchema.optional(),
    url: z.url({ protocol: /^https?$/ }).max(2_000).describe('Where the file lives (no file storage here); personal'),
    fileName: text(255).describe('Personal'),
    mediaType: z.string().regex(/^[a-z]+\/[A-Za-z0-9.+-]+$/, 'expected a media type such as image/jpeg'),
    sizeBytes: z.number().int().nonnegative().optional(),
    commentId: idSchema.optional().describe('The comment the file belongs to'),
  }),
  priority: z.strictObject({ priority: z.enum(TICKET_PRIORITIES) }),
  complaint: z.strictObject({ complaintType: code(), severity: z.enum(COMPLAINT_SEVERITIES), details: text(20_000).optional().describe('Personal') }),
  recoveries: z.strictObject({
    recoveryId: idSchema.optional(),
    action: z.enum(RECOVERY_ACTIONS),
    value: moneySchema.optional().describe('Needed for refund and voucher'),
    points: z.number().int().positive().optional().describe('For action points'),
    note: text(5_000).optional().describe('Personal'),
  }),
  satisfaction: z.strictObject({
    score: z.number().int().min(1).max(5),
    surveyId: idSchema.optional().describe("The survey tool's response id"),
    comment: text(20_000).optional().describe('Personal'),
  }),
  escalate: z
    .strictObject({
      toPriority: z.enum(TICKET_PRIORITIES).optional(),
      toAssigneeId: idSchema.optional(),
      toManager: z.boolean().optional().describe("Reassign to the queue's manager"),
      note: text(5_000).optional().describe('Personal'),
    })
    .optional()
    .describe("Empty: what the tenant's escalation policy does on an SLA breach"),
  'link-guest': z
    .strictObject({ guestId: idSchema.optional(), identifiers: z.array(identifierSchema).min(1).max(20).optional() })
    .refine((b) => (b.guestId === undefined) !== (b.identifiers === undefined), { message: 'name the guest by guestId or by identifiers', path: ['guestId'] }),
} as const;

export type ActionPath = keyof typeof actionBodies;

const slaTargetView = z.object({
  policyId: z.string(),
  mode: z.enum(SLA_MODES),
  minutes: z.number().int(),
  dueAt: z.string().describe('Current due time (moved later by pauses while waiting on the guest)'),
  breachedAt: z.string().nullable(),
  metAt: z.string().nullable(),
});

/** The ticket as staff see it (`TicketView`). Personal fields are null after the guest's erasure. */
export const ticketViewSchema = z
  .object({
    ticketId: z.string(),
    brandId: z.string(),
    propertyId: z.string().nullable(),
    guestId: z.string().nullable(),
    kind: z.enum(TICKET_KINDS),
    channel: z.enum(TICKET_CHANNELS),
    priority: z.enum(TICKET_PRIORITIES),
    status: z.enum(TICKET_STATUSES),
    queueId: z.string(),
    category: z.string().nullable(),
    subject: z.string().nullable(),
    description: z.string().nullable(),
    requester: z.object({ name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() }).nullable(),
    assigneeId: z.string().nullable(),
    openedAt: z.string(),
    openedBy: z.string(),
    updatedAt: z.string(),
    firstRespondedAt: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    resolution: z.object({ resolutionCode: z.string().nullable(), summary: z.string().nullable() }).nullable(),
    reopenCount: z.number().int(),
    escalationLevel: z.number().int(),
    slaPaused: z.boolean(),
    sla: z.object({ 'first-response': slaTargetView.nullable(), resolution: slaTargetView.nullable() }),
    complaint: z.object({ complaintType: z.string(), severity: z.enum(COMPLAINT_SEVERITIES), details: z.string().nullable(), recordedAt: z.string() }).nullable(),
    recoveries: z.array(
      z.object({ recoveryId: z.string(), action: z.enum(RECOVERY_ACTIONS), value: moneySchema.nullable(), points: z.number().int().nullable(), note: z.string().nullable(), at: z.string(), by: z.string() }),
    ),
    satisfaction: z.object({ score: z.number().int(), surveyId: z.string().nullable(), comment: z.string().nullable(), at: z.string() }).nullable(),
    comments: z.array(
      z.object({ commentId: z.string(), visibility: z.enum(COMMENT_VISIBILITIES), author: z.enum(COMMENT_AUTHORS), body: z.string().nullable(), at: z.string(), by: z.string() }),
    ),
    attachments: z.array(
      z.object({
        attachmentId: z.string(),
        url: z.string().nullable(),
        fileName: z.string().nullable(),
        mediaType: z.string(),
        sizeBytes: z.number().int().nullable(),
        commentId: z.string().nullable(),
        at: z.string(),
        by: z.string(),
      }),
    ),
    history: z.array(z.object({ type: z.string(), at: z.string(), by: z.string() })).describe('Every change, oldest first'),
    personalDataErased: z.boolean(),
    version: z.number().int().describe('Stream version (the ETag)'),
  })
  .meta({ id: 'Ticket' });

export const openTicketResultSchema = z
  .object({
    ticket: ticketViewSchema,
    guestResolution: z.enum(['id', 'matched', 'created', 'none']).describe('How the guest was found: by id, matched or created by customer-profile from identifiers, or no guest'),
  })
  .meta({ id: 'OpenedTicket' });

export const ticketActionResultSchema = z
  .object({
    ticket: ticketViewSchema,
    changed: z.boolean().describe('False for a repeat that recorded nothing'),
    createdId: z.string().optional().describe('The comment, attachment or recovery created'),
  })
  .meta({ id: 'TicketActionResult' });
