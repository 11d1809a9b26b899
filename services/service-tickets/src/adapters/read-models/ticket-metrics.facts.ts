import { isActive } from '../../domain/ticket.decider';
import type { ComplaintSeverity, RecoveryAction, TicketChannel, TicketEvent, TicketKind } from '../../domain/ticket.events';
import { rollupIdOf, type RollupGrain } from './ticket-metrics.collections';
import { durationBucket } from './ticket-metrics.histogram';
import { foldTicket, type FoldedTicket } from './ticket-queue.fold';

/**
 * The reporting facts of one ticket and what they contribute to the rollups. Pure: the projection
 * folds each event into the fact, recomputes the fact's contributions and applies the difference to
 * the rollup cells, so a change of mind (a reopen un-resolves, a reclassified complaint changes type, a
 * referral moves the backlog to another queue) retracts what was counted before.
 *
 * Where and when things count: every outcome is filed under the UTC day of the event that decided it
 * and the queue holding the ticket at that moment (opening → the day it was opened; first response →
 * the day of the first response; resolution → the day of the last resolution; SLA → the day the target
 * was met or breached; complaint → the day it was first recorded; recovery, satisfaction, reopen → their
 * own day). Brand and property never change on a ticket. Backlog counts the ticket's current status.
 */

/** The UTC day and the queue an outcome is filed under. */
export type Mark = { day: string; queueId: string };
export type SlaOutcome = Mark & { outcome: 'met' | 'breached' };

export type TicketFact = {
  ticket: FoldedTicket;
  opened: Mark & { kind: TicketKind; channel: TicketChannel };
  /** Calendar seconds from opening to the first response. */
  firstResponse: (Mark & { seconds: number }) | null;
  /** The current resolution (cleared by a reopen): calendar seconds since opening, the same without pauses, first-contact or not. */
  resolution: (Mark & { seconds: number; netSeconds: number; firstContact: boolean }) | null;
  /** Decided SLA targets: breached (for good) or met (a met resolution target is undecided again after a reopen). */
  sla: { firstResponse: SlaOutcome | null; resolution: SlaOutcome | null };
  /** The complaint (type and severity as last recorded; day and queue of the first record). */
  complaint: (Mark & { type: string; severity: ComplaintSeverity }) | null;
  recoveries: (Mark & { action: RecoveryAction; currency: string | null; minor: number; points: number })[];
  /** Every satisfaction response (a reopened ticket may be surveyed again). */
  satisfaction: (Mark & { score: number })[];
  reopens: Mark[];
  /** What breaks first-contact resolution (see `isFirstContact`). */
  contact: { waitedOnGuest: boolean; referred: boolean; publicStaffReplies: number };
};

const SECOND = 1000;

/** The UTC calendar day of an instant. */
export function utcDay(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso.slice(0, 10) : new Date(ms).toISOString().slice(0, 10);
}

/** Whole seconds from `from` to `to` (0 when not after, or unreadable). */
export function secondsBetween(from: string, to: string): number {
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms / SECOND) : 0;
}

/** Seconds of the ticket's SLA pauses (waiting on guest, resolved until reopened) that fall between opening and `until`. */
function pausedSecondsUntil(ticket: FoldedTicket, until: string): number {
  const end = Date.parse(until);
  let ms = 0;
  for (const pause of ticket.pauses) {
    const from = Math.max(Date.parse(pause.from), Date.parse(ticket.openedAt));
    const to = Math.min(pause.to !== undefined ? Date.parse(pause.to) : end, end);
    if (Number.isFinite(from) && Number.isFinite(to) && to > from) ms += to - from;
  }
  return Math.round(ms / SECOND);
}

/**
 * First-contact resolution: resolved without ever waiting on the guest, without a referral to another
 * queue, without a reopen, without an escalation, and with at most one public staff reply before the
 * resolution. Reassignment and delegation (internal hand-overs) do not count against it.
 */
export function isFirstContact(ticket: FoldedTicket, contact: TicketFact['contact']): boolean {
  return !contact.waitedOnGuest && !contact.referred && ticket.reopenCount === 0 && ticket.escalationLevel === 0 && contact.publicStaffReplies <= 1;
}

/** A code safe as a key of a stored JSON object (no dots, no leading `$`). */
export function counterCode(code: string): string {
  const safe = code.replace(/[^A-Za-z0-9_-]/g, '_');
  return safe === '' ? '_' : safe;
}

/**
 * Folds one ticket event into the ticket's fact. Undefined while the ticket's opening has not been seen
 * (nothing to file it under).
 */
export function evolveTicketFact(fact: TicketFact | undefined, event: TicketEvent): TicketFact | undefined {
  if (!fact && event.type !== 'TicketOpened') return undefined;
  const ticket = foldTicket(fact?.ticket, event);
  const at = event.data.at;
  const mark: Mark = { day: utcDay(at), queueId: ticket.queueId };
  if (event.type === 'TicketOpened' || !fact) {
    const d = event.data as { kind: TicketKind; channel: TicketChannel };
    return {
      ticket,
      opened: { ...mark, kind: d.kind, channel: d.channel },
      firstResponse: null,
      resolution: null,
      sla: { firstResponse: null, resolution: null },
      complaint: null,
      recoveries: [],
      satisfaction: [],
      reopens: [],
      contact: { waitedOnGuest: false, referred: false, publicStaffReplies: 0 },
    };
  }
  const next: TicketFact = { ...fact, ticket };
  switch (event.type) {
    case 'FirstResponseRecorded':
      if (fact.firstResponse === null) {
        next.firstResponse = { ...mark, seconds: secondsBetween(ticket.openedAt, at) };
        if (ticket.sla['first-response'] && fact.sla.firstResponse === null) next.sla = { ...fact.sla, firstResponse: { ...mark, outcome: 'met' } };
      }
      break;
    case 'TicketResolved':
      next.resolution = {
        ...mark,
        seconds: secondsBetween(ticket.openedAt, at),
        netSeconds: Math.max(0, secondsBetween(ticket.openedAt, at) - pausedSecondsUntil(ticket, at)),
        firstContact: isFirstContact(ticket, fact.contact),
      };
      if (ticket.sla.resolution && fact.sla.resolution === null) next.sla = { ...fact.sla, resolution: { ...mark, outcome: 'met' } };
      break;
    case 'TicketReopened':
      next.resolution = null;
      next.reopens = [...fact.reopens, mark];
      if (fact.sla.resolution?.outcome === 'met') next.sla = { ...fact.sla, resolution: null };
      break;
    case 'SlaBreached': {
      const key = event.data.target === 'first-response' ? 'firstResponse' : 'resolution';
      if (fact.sla[key]?.outcome !== 'breached') next.sla = { ...fact.sla, [key]: { ...mark, outcome: 'breached' } };
      break;
    }
    case 'ComplaintRecorded':
      next.complaint = {
        ...(fact.complaint ?? mark),
        type: event.data.complaintType,
        severity: event.data.severity,
      };
      break;
    case 'RecoveryGiven':
      next.recoveries = [
        ...fact.recoveries,
        { ...mark, action: event.data.action, currency: event.data.value?.currency ?? null, minor: event.data.value?.minor ?? 0, points: event.data.points ?? 0 },
      ];
      break;
    case 'SatisfactionRecorded':
      next.satisfaction = [...fact.satisfaction, { ...mark, score: event.data.score }];
      break;
    case 'TicketWaitingOnGuest':
      next.contact = { ...fact.contact, waitedOnGuest: true };
      break;
    case 'TicketReferred':
      next.contact = { ...fact.contact, referred: true };
      break;
    case 'TicketCommented':
      if (event.data.visibility === 'public' && event.data.author === 'staff') {
        next.contact = { ...fact.contact, publicStaffReplies: fact.contact.publicStaffReplies + 1 };
      }
      break;
    default:
      break;
  }
  return next;
}

// ---------------------------------------------------------------------------------------------
// Contributions

/** Counters of one rollup cell: flat `name → number` (names below), summed and subtracted as they are. */
export type Counters = Record<string, number>;

/** Counter names. Histograms are `<prefix><bucket index>` (see ticket-metrics.histogram.ts). */
export const C = {
  opened: 'opened',
  openedKind: 'opened:kind:',
  openedChannel: 'opened:channel:',
  resolved: 'resolved',
  reopened: 'reopened',
  firstContact: 'fcr',
  frCount: 'frt:n',
  frSeconds: 'frt:sum',
  frBucket: 'frt:b:',
  resSeconds: 'rt:sum',
  resBucket: 'rt:b:',
  resNetSeconds: 'rtnet:sum',
  resNetBucket: 'rtnet:b:',
  sla: (target: 'fr' | 'res', outcome: 'met' | 'breached') => `sla:${target}:${outcome}`,
  complaints: 'complaints',
  complaintType: 'complaint:type:',
  complaintSeverity: 'complaint:severity:',
  recoveries: 'recovery:n',
  recoveryAction: 'recovery:action:',
  recoveryValue: 'recovery:value:',
  recoveryPoints: 'recovery:points',
  csatCount: 'csat:n',
  csatSum: 'csat:sum',
  csatScore: 'csat:score:',
  active: 'active',
  activeStatus: 'active:status:',
  overdue: 'overdue',
} as const;

/** One rollup cell a fact contributes to: brand and property are the ticket's. */
export type Cell = { id: string; grain: RollupGrain; period: string; queueId: string; counters: Counters };

/** The period of the backlog cells (current state, not a time range). */
export const CURRENT_PERIOD = 'current';

class CellSet {
  readonly cells = new Map<string, Cell>();
  constructor(private readonly where: { brandId: string; propertyId: string | null }) {}

  private cell(grain: RollupGrain, period: string, queueId: string): Cell {
    const id = rollupIdOf({ grain, period, queueId, ...this.where });
    let cell = this.cells.get(id);
    if (!cell) {
      cell = { id, grain, period, queueId, counters: {} };
      this.cells.set(id, cell);
    }
    return cell;
  }

  /** Counts `n` under the mark's day and month. */
  add(mark: Mark, name: string, n = 1): void {
    if (n === 0) return;
    for (const cell of [this.cell('day', mark.day, mark.queueId), this.cell('month', mark.day.slice(0, 7), mark.queueId)]) {
      cell.counters[name] = (cell.counters[name] ?? 0) + n;
    }
  }

  addCurrent(queueId: string, name: string): void {
    const cell = this.cell('backlog', CURRENT_PERIOD, queueId);
    cell.counters[name] = (cell.counters[name] ?? 0) + 1;
  }
}

/** Everything a ticket's fact counts, by rollup cell (day and month cells of each mark, plus its backlog cell). */
export function contributionsOf(fact: TicketFact): Map<string, Cell> {
  const { ticket } = fact;
  const cells = new CellSet({ brandId: ticket.brandId, propertyId: ticket.propertyId ?? null });
  const { opened, firstResponse, resolution, sla, complaint } = fact;
  cells.add(opened, C.opened);
  cells.add(opened, C.openedKind + opened.kind);
  cells.add(opened, C.openedChannel + opened.channel);
  if (firstResponse) {
    cells.add(firstResponse, C.frCount);
    cells.add(firstResponse, C.frSeconds, firstResponse.seconds);
    cells.add(firstResponse, C.frBucket + durationBucket(firstResponse.seconds));
  }
  if (resolution) {
    cells.add(resolution, C.resolved);
    cells.add(resolution, C.resSeconds, resolution.seconds);
    cells.add(resolution, C.resBucket + durationBucket(resolution.seconds));
    cells.add(resolution, C.resNetSeconds, resolution.netSeconds);
    cells.add(resolution, C.resNetBucket + durationBucket(resolution.netSeconds));
    if (resolution.firstContact) cells.add(resolution, C.firstContact);
  }
  if (sla.firstResponse) cells.add(sla.firstResponse, C.sla('fr', sla.firstResponse.outcome));
  if (sla.resolution) cells.add(sla.resolution, C.sla('res', sla.resolution.outcome));
  if (complaint) {
    cells.add(complaint, C.complaints);
    cells.add(complaint, C.complaintType + counterCode(complaint.type));
    cells.add(complaint, C.complaintSeverity + complaint.severity);
  }
  for (const recovery of fact.recoveries) {
    cells.add(recovery, C.recoveries);
    cells.add(recovery, C.recoveryAction + recovery.action);
    if (recovery.currency !== null) cells.add(recovery, C.recoveryValue + counterCode(recovery.currency), recovery.minor);
    cells.add(recovery, C.recoveryPoints, recovery.points);
  }
  for (const response of fact.satisfaction) {
    cells.add(response, C.csatCount);
    cells.add(response, C.csatSum, response.score);
    cells.add(response, C.csatScore + response.score);
  }
  for (const reopen of fact.reopens) cells.add(reopen, C.reopened);
  if (isActive(ticket.status)) {
    cells.addCurrent(ticket.queueId, C.active);
    cells.addCurrent(ticket.queueId, C.activeStatus + ticket.status);
    const unmetBreach =
      (ticket.sla['first-response']?.breachedAt !== undefined && ticket.firstRespondedAt === undefined) || ticket.sla.resolution?.breachedAt !== undefined;
    if (unmetBreach) cells.addCurrent(ticket.queueId, C.overdue);
  }
  return cells.cells;
}

/** What changes per cell going from `before` to `after` (cells whose counters do not move are left out). */
export function contributionDelta(before: ReadonlyMap<string, Cell>, after: ReadonlyMap<string, Cell>): Map<string, Cell> {
  const delta = new Map<string, Cell>();
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(id);
    const now = after.get(id);
    const template = (now ?? was)!;
    const counters = addCounters(now?.counters ?? {}, was?.counters ?? {}, -1);
    if (Object.keys(counters).length > 0) delta.set(id, { ...template, counters });
  }
  return delta;
}

/** `base + sign × change`, without zero entries, keys in order (stable documents). */
export function addCounters(base: Readonly<Counters>, change: Readonly<Counters>, sign: 1 | -1 = 1): Counters {
  const sum: Counters = { ...base };
  for (const [name, n] of Object.entries(change)) sum[name] = (sum[name] ?? 0) + sign * n;
  const out: Counters = {};
  for (const name of Object.keys(sum).sort()) if (sum[name] !== 0) out[name] = sum[name]!;
  return out;
}
