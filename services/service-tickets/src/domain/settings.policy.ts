import { validateCalendar, type BusinessCalendar, type OpeningInterval, type Weekday } from './sla-clock';
import { SlaPolicyError, validateSlaPolicies, type SlaPolicy } from './sla-policy';
import { SlaClockError } from './sla-clock';
import type { EscalationRequest, TicketState } from './ticket.decider';
import { TICKET_PRIORITIES, type TicketPriority } from './ticket.events';

/**
 * A tenant's ticket settings: queues (departments, with the manager escalations go to), categories,
 * SLA policies, business calendars per property, the reopen window and the escalation policy on an SLA
 * breach. Pure data and rules; the settings stream and its decider are in settings.decider.ts.
 */

/** A queue (department) tickets are worked in. `managerId` is who an escalation reassigns to. */
export type TicketQueue = {
  queueId: string;
  name: string;
  /** Only tickets of this brand may be in the queue; absent: any brand. */
  brandId?: string;
  /** The staff user an escalation reassigns the queue's tickets to. */
  managerId?: string;
};

/** A ticket category of the tenant (`code` is what tickets carry). */
export type TicketCategory = { code: string; name: string };

/** When a property answers; the time zone defaults to the property's in the tenant directory. */
export type CalendarSettings = {
  /** IANA time zone overriding the tenant directory's (needed when the directory has none). */
  timeZone?: string;
  weeklyHours: Partial<Record<Weekday, readonly OpeningInterval[]>>;
  /** Local dates (`YYYY-MM-DD`) on which the property is closed all day. */
  holidays?: readonly string[];
};

export type PropertyCalendar = CalendarSettings & { propertyId: string };

/** What happens automatically when an SLA target is missed. */
export type EscalationPolicy = {
  /** Raise the priority one step (low → normal → high → urgent). */
  raisePriority: boolean;
  /** Reassign the ticket to its queue's manager (when the queue has one). */
  reassignToManager: boolean;
};

export type TicketSettings = {
  queues: readonly TicketQueue[];
  /** Where tickets opened without a queue go; must not be limited to one brand. */
  defaultQueueId: string;
  categories: readonly TicketCategory[];
  /** Evaluated by `matchSlaTargets` (most specific wins, list order breaks ties). */
  slaPolicies: readonly SlaPolicy[];
  /** The calendar of properties without their own, and of tickets without a property. */
  defaultCalendar: CalendarSettings;
  calendars: readonly PropertyCalendar[];
  /** How long after its resolution a ticket may be reopened. */
  reopenWindowHours: number;
  escalation: EscalationPolicy;
};

const everyDay = (start: string, end: string): CalendarSettings['weeklyHours'] => ({
  mon: [{ start, end }],
  tue: [{ start, end }],
  wed: [{ start, end }],
  thu: [{ start, end }],
  fri: [{ start, end }],
  sat: [{ start, end }],
  sun: [{ start, end }],
});

/**
 * What a tenant that never configured tickets gets, so tickets work out of the box: one queue, a few
 * categories, the targets the product brief names (e-mail first response 4 h, inquiries 10 min,
 * complaints 30 min / half a working day = 4 business hours, everything else 1 h / 3 business days),
 * a calendar open every day 08:00–20:00 in the property's time zone (hotels, restaurants and shops all
 * answer guests then; UTC when the directory has no zone), a 72-hour reopen window, and escalation that
 * raises the priority and reassigns to the queue's manager.
 */
export const DEFAULT_TICKET_SETTINGS: TicketSettings = Object.freeze({
  queues: [{ queueId: 'guest-services', name: 'Guest services' }],
  defaultQueueId: 'guest-services',
  categories: [
    { code: 'general', name: 'General' },
    { code: 'reservation', name: 'Reservation' },
    { code: 'room', name: 'Room' },
    { code: 'billing', name: 'Billing' },
    { code: 'food-and-beverage', name: 'Food and beverage' },
    { code: 'loyalty', name: 'Loyalty' },
  ],
  slaPolicies: [
    // listed before the kind policies: an e-mailed inquiry gets the e-mail first-response target
    { policyId: 'email', match: { channel: 'email' }, firstResponseMinutes: 240, mode: 'calendar' },
    { policyId: 'inquiry', match: { kind: 'inquiry' }, firstResponseMinutes: 10, mode: 'business-hours' },
    { policyId: 'complaint', match: { kind: 'complaint' }, firstResponseMinutes: 30, resolutionMinutes: 240, mode: 'business-hours' },
    { policyId: 'default', match: {}, firstResponseMinutes: 60, resolutionMinutes: 3 * 12 * 60, mode: 'business-hours' },
  ],
  defaultCalendar: { weeklyHours: everyDay('08:00', '20:00') },
  calendars: [],
  reopenWindowHours: 72,
  escalation: { raisePriority: true, reassignToManager: true },
} satisfies TicketSettings);

export type TicketSettingsErrorCode = 'INVALID_TICKET_SETTINGS';

/** Settings that cannot be used (422 at the settings endpoint). `path` names the offending field. */
export class TicketSettingsError extends Error {
  constructor(
    readonly code: TicketSettingsErrorCode | SlaPolicyError['code'] | SlaClockError['code'],
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'TicketSettingsError';
  }
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return [...new Set(values.filter((v) => (seen.has(v) ? true : (seen.add(v), false))))];
}

function checkCalendar(calendar: CalendarSettings, path: string): void {
  try {
    validateCalendar({ ...calendar, timeZone: calendar.timeZone ?? 'UTC' });
  } catch (error) {
    if (error instanceof SlaClockError) throw new TicketSettingsError(error.code, `${path}: ${error.message}`, path);
    throw error;
  }
}

/**
 * Checks settings as a whole: unique queue ids and category codes, a default queue open to every brand,
 * valid SLA policies (`validateSlaPolicies`), valid calendars (one per property), a sane reopen window.
 * Throws `TicketSettingsError` with the path of the first problem.
 */
export function validateTicketSettings(settings: TicketSettings): void {
  if (settings.queues.length === 0) throw new TicketSettingsError('INVALID_TICKET_SETTINGS', 'at least one queue is needed', 'queues');
  const queueDups = duplicates(settings.queues.map((q) => q.queueId));
  if (queueDups.length > 0) throw new TicketSettingsError('INVALID_TICKET_SETTINGS', `queue id ${queueDups[0]} is used twice`, 'queues');
  const defaultQueue = settings.queues.find((q) => q.queueId === settings.defaultQueueId);
  if (!defaultQueue) throw new TicketSettingsError('INVALID_TICKET_SETTINGS', `the default queue ${settings.defaultQueueId} is not one of the queues`, 'defaultQueueId');
  if (defaultQueue.brandId !== undefined) {
    throw new TicketSettingsError('INVALID_TICKET_SETTINGS', `the default queue ${settings.defaultQueueId} must take tickets of every brand`, 'defaultQueueId');
  }
  const categoryDups = duplicates(settings.categories.map((c) => c.code));
  if (categoryDups.length > 0) throw new TicketSettingsError('INVALID_TICKET_SETTINGS', `category ${categoryDups[0]} is listed twice`, 'categories');
  try {
    validateSlaPolicies(settings.slaPolicies);
  } catch (error) {
    if (error instanceof SlaPolicyError) throw new TicketSettingsError(error.code, error.message, 'slaPolicies');
    throw error;
  }
  checkCalendar(settings.defaultCalendar, 'defaultCalendar');
  const propertyDups = duplicates(settings.calendars.map((c) => c.propertyId));
  if (propertyDups.length > 0) throw new TicketSettingsError('INVALID_TICKET_SETTINGS', `property ${propertyDups[0]} has two calendars`, 'calendars');
  settings.calendars.forEach((calendar, index) => checkCalendar(calendar, `calendars.${index}`));
  if (!Number.isFinite(settings.reopenWindowHours) || settings.reopenWindowHours < 0) {
    throw new TicketSettingsError('INVALID_TICKET_SETTINGS', 'the reopen window is a non-negative number of hours', 'reopenWindowHours');
  }
}

/**
 * The business calendar of a property: its own calendar, else the tenant's default; the time zone is
 * the calendar's override, else the property's zone from the tenant directory, else UTC.
 */
export function calendarFor(settings: TicketSettings, propertyId: string | undefined, directoryTimeZone: string | null | undefined): BusinessCalendar {
  const own = propertyId === undefined ? undefined : settings.calendars.find((c) => c.propertyId === propertyId);
  const calendar = own ?? settings.defaultCalendar;
  return {
    timeZone: calendar.timeZone ?? directoryTimeZone ?? 'UTC',
    weeklyHours: calendar.weeklyHours,
    ...(calendar.holidays !== undefined ? { holidays: calendar.holidays } : {}),
  };
}

/** Whether a calendar takes its time zone from the tenant directory (no override). */
export function needsDirectoryTimeZone(settings: TicketSettings, propertyId: string | undefined): boolean {
  if (propertyId === undefined) return false;
  const own = settings.calendars.find((c) => c.propertyId === propertyId) ?? settings.defaultCalendar;
  return own.timeZone === undefined;
}

/** The priority one step above (urgent stays urgent). */
export function nextPriority(priority: TicketPriority): TicketPriority {
  return TICKET_PRIORITIES[Math.min(TICKET_PRIORITIES.indexOf(priority) + 1, TICKET_PRIORITIES.length - 1)]!;
}

/**
 * What the tenant's escalation policy asks for when a ticket misses a target: one priority step up
 * and/or its queue's manager. Undefined when that would change nothing (already urgent, no manager,
 * or already assigned to the manager).
 */
export function escalationOnBreach(settings: TicketSettings, ticket: Pick<TicketState, 'priority' | 'queueId' | 'assigneeId'>): EscalationRequest | undefined {
  const request: EscalationRequest = {};
  if (settings.escalation.raisePriority && ticket.priority !== 'urgent') request.toPriority = nextPriority(ticket.priority);
  const managerId = settings.queues.find((q) => q.queueId === ticket.queueId)?.managerId;
  if (settings.escalation.reassignToManager && managerId !== undefined && managerId !== ticket.assigneeId) request.toAssigneeId = managerId;
  return request.toPriority === undefined && request.toAssigneeId === undefined ? undefined : request;
}

/** The queue a ticket of `brandId` may be put in, or why not. */
export function queueFor(settings: TicketSettings, queueId: string | undefined, brandId: string): { ok: true; queue: TicketQueue } | { ok: false; reason: 'UNKNOWN_QUEUE' | 'QUEUE_NOT_FOR_BRAND' } {
  const queue = settings.queues.find((q) => q.queueId === (queueId ?? settings.defaultQueueId));
  if (!queue) return { ok: false, reason: 'UNKNOWN_QUEUE' };
  if (queue.brandId !== undefined && queue.brandId !== brandId) return { ok: false, reason: 'QUEUE_NOT_FOR_BRAND' };
  return { ok: true, queue };
}
