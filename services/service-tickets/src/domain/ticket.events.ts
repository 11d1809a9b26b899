import type { DomainEvent } from '@hearth/event-store';

export const TICKET_KINDS = ['inquiry', 'request', 'complaint'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];
export const TICKET_CHANNELS = ['phone', 'email', 'chat', 'web', 'walk-in', 'social'] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
/** Lowest first: escalation may only move a ticket to the right. */
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const TICKET_STATUSES = ['open', 'assigned', 'in-progress', 'waiting-on-guest', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** Statuses in which work on the ticket is still to be done. */
export const ACTIVE_STATUSES: readonly TicketStatus[] = ['open', 'assigned', 'in-progress', 'waiting-on-guest'];
export const COMMENT_VISIBILITIES = ['internal', 'public'] as const;
export type CommentVisibility = (typeof COMMENT_VISIBILITIES)[number];
export const COMMENT_AUTHORS = ['staff', 'guest'] as const;
export type CommentAuthor = (typeof COMMENT_AUTHORS)[number];
export const COMPLAINT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type ComplaintSeverity = (typeof COMPLAINT_SEVERITIES)[number];
/** Suggested complaint types; tenants may use any other lower-kebab code. */
export const COMMON_COMPLAINT_TYPES = ['noise', 'cleanliness', 'billing', 'staff', 'food', 'maintenance', 'amenities', 'reservation', 'other'] as const;
export const RECOVERY_ACTIONS = ['apology', 'refund', 'upgrade', 'points', 'voucher'] as const;
export type RecoveryAction = (typeof RECOVERY_ACTIONS)[number];
export const SLA_TARGETS = ['first-response', 'resolution'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];
export const SLA_MODES = ['calendar', 'business-hours'] as const;
/** `calendar`: every minute counts (24/7); `business-hours`: only the property's opening hours count. */
export type SlaMode = (typeof SLA_MODES)[number];
export const ASSIGNMENT_REASONS = ['assigned', 'reassigned', 'delegated'] as const;
export type AssignmentReason = (typeof ASSIGNMENT_REASONS)[number];
export const ESCALATION_REASONS = ['sla-breach', 'manual'] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

/** Money in minor units of an ISO 4217 currency (EUR 50.00 → `{ currency: 'EUR', minor: 5000 }`). */
export type Money = { currency: string; minor: number };

/** Who raised the ticket when no guest is linked yet (personal: encrypted at rest). */
export type Requester = { name?: string; email?: string; phone?: string };

/** One SLA target as fixed when the ticket was opened: the policy's numbers are copied so later policy edits do not move it. */
export type SlaTargetTerms = {
  policyId: string;
  mode: SlaMode;
  /** Target in minutes (business minutes in `business-hours` mode). */
  minutes: number;
  /** When it is due, computed by the SLA clock at opening. */
  dueAt: string;
};

export type TicketSlaTerms = Partial<Record<SlaTarget, SlaTargetTerms>>;

/**
 * Placed on every ticket event: the ticket and where it belongs (ids only), when it happened and who did it.
 * Events carry their own context so that the forwarder can map each one to its integration event, and
 * projections can file it, without folding the stream.
 */
export type TicketEventBase = {
  ticketId: string;
  brandId: string;
  propertyId?: string;
  guestId?: string;
  /** When it happened (ISO 8601), from the command. */
  at: string;
  /** Who did it: a user id, `service:<name>` or `integration:<name>`, from the command. */
  by: string;
};

type TicketEventOf<Type extends string, Data> = DomainEvent<Type, TicketEventBase & Data>;

export type TicketOpened = TicketEventOf<
  'TicketOpened',
  {
    kind: TicketKind;
    channel: TicketChannel;
    priority: TicketPriority;
    queueId: string;
    category?: string;
    /** Personal (free text). */
    subject: string;
    /** Personal (free text). */
    description?: string;
    /** Personal. */
    requester?: Requester;
    sla?: TicketSlaTerms;
  }
>;
export type TicketGuestLinked = TicketEventOf<'TicketGuestLinked', Record<never, never>>;
export type TicketAssigned = TicketEventOf<
  'TicketAssigned',
  { assigneeId: string; previousAssigneeId?: string; queueId: string; reason: AssignmentReason }
>;
export type TicketReferred = TicketEventOf<
  'TicketReferred',
  { fromQueueId: string; toQueueId: string; previousAssigneeId?: string; /** Personal (free text). */ note?: string }
>;
export type TicketWorkStarted = TicketEventOf<'TicketWorkStarted', Record<never, never>>;
export type TicketWaitingOnGuest = TicketEventOf<'TicketWaitingOnGuest', Record<never, never>>;
export type TicketResumed = TicketEventOf<'TicketResumed', { trigger: 'staff' | 'guest-replied' }>;
export type TicketResolved = TicketEventOf<
  'TicketResolved',
  { kind: TicketKind; resolutionCode?: string; /** Personal (free text). */ summary?: string }
>;
export type TicketClosed = TicketEventOf<'TicketClosed', Record<never, never>>;
export type TicketReopened = TicketEventOf<
  'TicketReopened',
  { reopenCount: number; status: 'open' | 'assigned'; /** Personal (free text). */ reason?: string }
>;
export type TicketCommented = TicketEventOf<
  'TicketCommented',
  { commentId: string; visibility: CommentVisibility; author: CommentAuthor; /** Personal (free text). */ body: string }
>;
/** The first response to the guest: the first public staff comment, an explicit record (a call back), or the resolution. */
export type FirstResponseRecorded = TicketEventOf<'FirstResponseRecorded', Record<never, never>>;
export type AttachmentAdded = TicketEventOf<
  'AttachmentAdded',
  {
    attachmentId: string;
    /** Where the file lives (no file storage here). Personal: it may name the guest. */
    url: string;
    /** Personal. */
    fileName: string;
    mediaType: string;
    sizeBytes?: number;
    commentId?: string;
  }
>;
export type TicketPriorityChanged = TicketEventOf<'TicketPriorityChanged', { priority: TicketPriority; previousPriority: TicketPriority }>;
export type ComplaintRecorded = TicketEventOf<
  'ComplaintRecorded',
  { complaintType: string; severity: ComplaintSeverity; /** Personal (free text). */ details?: string }
>;
export type RecoveryGiven = TicketEventOf<
  'RecoveryGiven',
  { recoveryId: string; action: RecoveryAction; value?: Money; points?: number; /** Personal (free text). */ note?: string }
>;
export type SatisfactionRecorded = TicketEventOf<
  'SatisfactionRecorded',
  { score: number; surveyId?: string; /** Personal (free text). */ comment?: string }
>;
export type SlaTargetRescheduled = TicketEventOf<'SlaTargetRescheduled', { target: SlaTarget; dueAt: string; previousDueAt: string }>;
export type SlaBreached = TicketEventOf<'SlaBreached', { target: SlaTarget; dueAt: string; policyId: string }>;
export type TicketEscalated = TicketEventOf<
  'TicketEscalated',
  {
    level: number;
    reason: EscalationReason;
    target?: SlaTarget;
    priority: TicketPriority;
    previousPriority: TicketPriority;
    assigneeId?: string;
    previousAssigneeId?: string;
    /** Personal (free text). */
    note?: string;
  }
>;

export type TicketEvent =
  | TicketOpened
  | TicketGuestLinked
  | TicketAssigned
  | TicketReferred
  | TicketWorkStarted
  | TicketWaitingOnGuest
  | TicketResumed
  | TicketResolved
  | TicketClosed
  | TicketReopened
  | TicketCommented
  | FirstResponseRecorded
  | AttachmentAdded
  | TicketPriorityChanged
  | ComplaintRecorded
  | RecoveryGiven
  | SatisfactionRecorded
  | SlaTargetRescheduled
  | SlaBreached
  | TicketEscalated;

export type TicketEventType = TicketEvent['type'];

/**
 * The subject whose key encrypts a ticket event's personal fields: the guest when the ticket is linked
 * to one, otherwise the ticket itself (`ticket-<id>`). Erasing a guest must therefore also erase the
 * `ticket-<id>` subjects of the tickets linked to them after they were opened.
 */
export function ticketPersonalDataSubject(event: { data: unknown }): string | undefined {
  const data = event.data as Partial<TicketEventBase>;
  return data.guestId ?? (data.ticketId ? `ticket-${data.ticketId}` : undefined);
}

/** Personal fields per event type, for `CryptoShreddingEventStore` (encrypted at rest, unreadable after erasure). */
export const TICKET_PERSONAL_DATA = {
  TicketOpened: { fields: ['subject', 'description', 'requester'], subject: ticketPersonalDataSubject },
  TicketReferred: { fields: ['note'], subject: ticketPersonalDataSubject },
  TicketResolved: { fields: ['summary'], subject: ticketPersonalDataSubject },
  TicketReopened: { fields: ['reason'], subject: ticketPersonalDataSubject },
  TicketCommented: { fields: ['body'], subject: ticketPersonalDataSubject },
  AttachmentAdded: { fields: ['url', 'fileName'], subject: ticketPersonalDataSubject },
  ComplaintRecorded: { fields: ['details'], subject: ticketPersonalDataSubject },
  RecoveryGiven: { fields: ['note'], subject: ticketPersonalDataSubject },
  SatisfactionRecorded: { fields: ['comment'], subject: ticketPersonalDataSubject },
  TicketEscalated: { fields: ['note'], subject: ticketPersonalDataSubject },
} as const;
