import type { IntegrationEventDraft } from '@hearth/messaging';
import type { StoredEvent } from '@hearth/event-store';
import type { TicketEvent, TicketEventBase } from '../domain/ticket.events';
import { TICKET_CATEGORY } from './ticket-stream';

const SOURCE = 'service-tickets';

/**
 * Domain event → integration event (`libs/contracts/src/events/service-tickets`), or null for events
 * that stay private (guest linked, work started, resumed, first response, attachment, priority change,
 * SLA reschedule, internal comments). Reads only non-personal fields, so it works on the raw, encrypted
 * store: no subject, description, comment body, note or summary ever leaves the service.
 *
 * The envelope's `guestId` is the ticket's guest (every ticket event carries it once linked), so the
 * timeline files the event on that guest's timeline; `data` carries what its tolerant reader uses
 * (`ticketId`, the status in the type, `kind`/`category`, `priority`, `complaintType`, `severity`,
 * recovery `action` and `value`).
 */
export function toIntegrationEvent(stored: StoredEvent): IntegrationEventDraft | null {
  if (!stored.streamName.startsWith(`${TICKET_CATEGORY}-`)) return null;
  const event = { type: stored.type, data: stored.data } as TicketEvent;
  const base = event.data as TicketEventBase | undefined;
  if (!base || typeof base.ticketId !== 'string' || typeof base.brandId !== 'string') return null;
  const m = stored.metadata;
  const ref = {
    ticketId: base.ticketId,
    brandId: base.brandId,
    ...(base.propertyId !== undefined ? { propertyId: base.propertyId } : {}),
    ...(base.guestId !== undefined ? { guestId: base.guestId } : {}),
  };
  const envelope = (type: string, data: Record<string, unknown>): IntegrationEventDraft => ({
    type: `hearth.service-tickets.${type}`,
    version: 1,
    source: SOURCE,
    tenantId: m.tenantId,
    brandId: base.brandId,
    ...(base.guestId !== undefined ? { guestId: base.guestId } : {}),
    occurredAt: base.at ?? m.occurredAt,
    correlationId: m.correlationId,
    ...(m.causationId ? { causationId: m.causationId } : {}),
    data: { ...ref, ...data },
  });

  switch (event.type) {
    case 'TicketOpened': {
      const d = event.data;
      return envelope('ticket-opened', {
        kind: d.kind,
        channel: d.channel,
        priority: d.priority,
        queueId: d.queueId,
        ...(d.category !== undefined ? { category: d.category } : {}),
        ...(d.sla?.['first-response'] ? { firstResponseDueAt: d.sla['first-response'].dueAt } : {}),
        ...(d.sla?.resolution ? { resolutionDueAt: d.sla.resolution.dueAt } : {}),
      });
    }
    case 'TicketAssigned': {
      const d = event.data;
      return envelope('ticket-assigned', {
        assigneeId: d.assigneeId,
        ...(d.previousAssigneeId !== undefined ? { previousAssigneeId: d.previousAssigneeId } : {}),
        queueId: d.queueId,
        reason: d.reason,
      });
    }
    case 'TicketReferred': {
      const d = event.data;
      return envelope('ticket-referred', {
        fromQueueId: d.fromQueueId,
        toQueueId: d.toQueueId,
        ...(d.previousAssigneeId !== undefined ? { previousAssigneeId: d.previousAssigneeId } : {}),
      });
    }
    case 'TicketCommented':
      // internal comments never leave the service; the body never travels
      return event.data.visibility === 'public' ? envelope('ticket-commented', { commentId: event.data.commentId, visibility: 'public', author: event.data.author }) : null;
    case 'TicketWaitingOnGuest':
      return envelope('ticket-waiting-on-guest', {});
    case 'TicketResolved':
      return envelope('ticket-resolved', { kind: event.data.kind, ...(event.data.resolutionCode !== undefined ? { resolutionCode: event.data.resolutionCode } : {}) });
    case 'TicketClosed':
      return envelope('ticket-closed', {});
    case 'TicketReopened':
      return envelope('ticket-reopened', { reopenCount: event.data.reopenCount });
    case 'SlaBreached':
      return envelope('sla-breached', { target: event.data.target, dueAt: event.data.dueAt, policyId: event.data.policyId });
    case 'TicketEscalated': {
      const d = event.data;
      return envelope('ticket-escalated', {
        level: d.level,
        reason: d.reason,
        ...(d.target !== undefined ? { target: d.target } : {}),
        priority: d.priority,
        previousPriority: d.previousPriority,
        ...(d.assigneeId !== undefined ? { assigneeId: d.assigneeId } : {}),
        ...(d.previousAssigneeId !== undefined ? { previousAssigneeId: d.previousAssigneeId } : {}),
      });
    }
    case 'ComplaintRecorded':
      return envelope('complaint-recorded', { complaintType: event.data.complaintType, severity: event.data.severity });
    case 'RecoveryGiven': {
      const d = event.data;
      // the contract needs the guest; the decider only gives recoveries on linked tickets
      if (d.guestId === undefined) return null;
      return envelope('recovery-given', {
        recoveryId: d.recoveryId,
        action: d.action,
        ...(d.value !== undefined ? { value: d.value } : {}),
        ...(d.points !== undefined ? { points: d.points } : {}),
      });
    }
    case 'SatisfactionRecorded': {
      const d = event.data;
      if (d.guestId === undefined) return null;
      return envelope('satisfaction-recorded', { score: d.score, ...(d.surveyId !== undefined ? { surveyId: d.surveyId } : {}) });
    }
    default:
      return null;
  }
}
