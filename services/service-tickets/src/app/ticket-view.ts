import type { StoredEvent } from '@hearth/event-store';
import { ticketDecider, type TicketState } from '../domain/ticket.decider';
import { isSlaClockPaused } from '../domain/ticket-sla';
import {
  SLA_TARGETS,
  type CommentAuthor,
  type CommentVisibility,
  type ComplaintSeverity,
  type Money,
  type RecoveryAction,
  type SlaMode,
  type SlaTarget,
  type TicketChannel,
  type TicketEvent,
  type TicketKind,
  type TicketPriority,
  type TicketStatus,
} from '../domain/ticket.events';

/** One SLA target as staff see it. `dueAt` is the current due time (moved by pauses); null targets do not apply. */
export type SlaTargetView = {
  policyId: string;
  mode: SlaMode;
  minutes: number;
  dueAt: string;
  /** When the target was missed (SlaBreached), if it was. */
  breachedAt: string | null;
  /** When it was met: the first response, or the (last) resolution. */
  metAt: string | null;
};

/**
 * A ticket as staff see it: the decider's state plus what it does not keep (texts, comments,
 * attachments, recoveries, a history of who did what when). Personal fields read `null` once the
 * guest's data was erased (`personalDataErased`).
 */
export type TicketView = {
  ticketId: string;
  brandId: string;
  propertyId: string | null;
  guestId: string | null;
  kind: TicketKind;
  channel: TicketChannel;
  priority: TicketPriority;
  status: TicketStatus;
  queueId: string;
  category: string | null;
  subject: string | null;
  description: string | null;
  requester: { name: string | null; email: string | null; phone: string | null } | null;
  assigneeId: string | null;
  openedAt: string;
  openedBy: string;
  updatedAt: string;
  firstRespondedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  resolution: { resolutionCode: string | null; summary: string | null } | null;
  reopenCount: number;
  escalationLevel: number;
  /** The SLA clock stands still (waiting on the guest, or resolved). */
  slaPaused: boolean;
  sla: { 'first-response': SlaTargetView | null; resolution: SlaTargetView | null };
  complaint: { complaintType: string; severity: ComplaintSeverity; details: string | null; recordedAt: string } | null;
  recoveries: { recoveryId: string; action: RecoveryAction; value: Money | null; points: number | null; note: string | null; at: string; by: string }[];
  satisfaction: { score: number; surveyId: string | null; comment: string | null; at: string } | null;
  comments: { commentId: string; visibility: CommentVisibility; author: CommentAuthor; body: string | null; at: string; by: string }[];
  attachments: { attachmentId: string; url: string | null; fileName: string | null; mediaType: string; sizeBytes: number | null; commentId: string | null; at: string; by: string }[];
  /** Every change, oldest first: the event type, when and by whom (no texts). */
  history: { type: string; at: string; by: string }[];
  personalDataErased: boolean;
  /** Stream version (the ETag). */
  version: number;
};

/** What the view keeps beyond the decider's state. */
type ViewExtras = Pick<
  TicketView,
  'category' | 'subject' | 'description' | 'requester' | 'closedAt' | 'resolution' | 'complaint' | 'satisfaction' | 'recoveries' | 'comments' | 'attachments' | 'history' | 'personalDataErased'
>;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function slaView(state: TicketState, target: SlaTarget): SlaTargetView | null {
  const terms = state.sla[target];
  if (!terms) return null;
  const metAt = target === 'first-response' ? (state.firstRespondedAt ?? null) : state.status === 'resolved' || state.status === 'closed' ? (state.resolvedAt ?? null) : null;
  return { policyId: terms.policyId, mode: terms.mode, minutes: terms.minutes, dueAt: terms.dueAt, breachedAt: terms.breachedAt ?? null, metAt };
}

/**
 * Folds a ticket's stored events (decrypted) into its view; undefined for an empty stream. Pure: the
 * same events always give the same view.
 */
export function ticketViewOf(events: readonly StoredEvent[]): TicketView | undefined {
  if (events.length === 0) return undefined;
  let state = ticketDecider.initialState();
  const view: ViewExtras = {
    category: null,
    subject: null,
    description: null,
    requester: null,
    closedAt: null,
    resolution: null,
    complaint: null,
    satisfaction: null,
    recoveries: [],
    comments: [],
    attachments: [],
    history: [],
    personalDataErased: false,
  };
  let updatedAt = '';
  for (const stored of events) {
    const event = { type: stored.type, data: stored.data, metadata: stored.metadata } as TicketEvent;
    state = ticketDecider.evolve(state, event);
    if (stored.metadata.personalDataErased) view.personalDataErased = true;
    const data = event.data as { at?: string; by?: string };
    if (typeof data.at === 'string') updatedAt = data.at;
    view.history.push({ type: stored.type, at: data.at ?? stored.metadata.occurredAt, by: data.by ?? stored.metadata.actor });
    switch (event.type) {
      case 'TicketOpened': {
        const d = event.data;
        view.category = d.category ?? null;
        view.subject = text(d.subject);
        view.description = text(d.description);
        const requester = d.requester as Record<string, unknown> | null | undefined;
        view.requester = requester ? { name: text(requester.name), email: text(requester.email), phone: text(requester.phone) } : null;
        break;
      }
      case 'TicketResolved':
        view.resolution = { resolutionCode: event.data.resolutionCode ?? null, summary: text(event.data.summary) };
        view.closedAt = null;
        break;
      case 'TicketClosed':
        view.closedAt = event.data.at;
        break;
      case 'TicketReopened':
        view.closedAt = null;
        break;
      case 'TicketCommented':
        view.comments.push({ commentId: event.data.commentId, visibility: event.data.visibility, author: event.data.author, body: text(event.data.body), at: event.data.at, by: event.data.by });
        break;
      case 'AttachmentAdded': {
        const d = event.data;
        view.attachments.push({ attachmentId: d.attachmentId, url: text(d.url), fileName: text(d.fileName), mediaType: d.mediaType, sizeBytes: d.sizeBytes ?? null, commentId: d.commentId ?? null, at: d.at, by: d.by });
        break;
      }
      case 'ComplaintRecorded':
        view.complaint = { complaintType: event.data.complaintType, severity: event.data.severity, details: text(event.data.details), recordedAt: event.data.at };
        break;
      case 'RecoveryGiven': {
        const d = event.data;
        view.recoveries.push({ recoveryId: d.recoveryId, action: d.action, value: d.value ?? null, points: d.points ?? null, note: text(d.note), at: d.at, by: d.by });
        break;
      }
      case 'SatisfactionRecorded':
        view.satisfaction = { score: event.data.score, surveyId: event.data.surveyId ?? null, comment: text(event.data.comment), at: event.data.at };
        break;
      default:
        break;
    }
  }
  if (state.status === 'none') return undefined;
  // a reopen starts a new resolution cycle: the satisfaction of the old one no longer applies
  const satisfaction = state.satisfaction ? view.satisfaction : null;
  return {
    ticketId: state.ticketId,
    brandId: state.brandId,
    propertyId: state.propertyId ?? null,
    guestId: state.guestId ?? null,
    kind: state.kind,
    channel: state.channel,
    priority: state.priority,
    status: state.status,
    queueId: state.queueId,
    category: view.category,
    subject: view.subject,
    description: view.description,
    requester: view.requester,
    assigneeId: state.assigneeId ?? null,
    openedAt: state.openedAt,
    openedBy: state.openedBy,
    updatedAt,
    firstRespondedAt: state.firstRespondedAt ?? null,
    resolvedAt: state.resolvedAt ?? null,
    closedAt: state.status === 'closed' ? view.closedAt : null,
    resolution: state.resolvedAt !== undefined ? view.resolution : null,
    reopenCount: state.reopenCount,
    escalationLevel: state.escalationLevel,
    slaPaused: isSlaClockPaused(state),
    sla: Object.fromEntries(SLA_TARGETS.map((t) => [t, slaView(state, t)])) as TicketView['sla'],
    complaint: view.complaint,
    recoveries: view.recoveries,
    satisfaction,
    comments: view.comments,
    attachments: view.attachments,
    history: view.history,
    personalDataErased: view.personalDataErased,
    version: events.at(-1)!.streamVersion,
  };
}
