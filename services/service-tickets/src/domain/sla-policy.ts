import { ALWAYS_OPEN, businessDueAt, type BusinessCalendar, type Instant } from './sla-clock';
import type { SlaMode, SlaTarget, TicketChannel, TicketKind, TicketPriority, TicketSlaTerms } from './ticket.events';

/**
 * One SLA policy of a tenant. `match` names the kind, priority and/or channel it applies to; a
 * dimension left out matches any value. A policy may set one target or both.
 */
export type SlaPolicy = {
  policyId: string;
  match: { kind?: TicketKind; priority?: TicketPriority; channel?: TicketChannel };
  /** Minutes to the first response (business minutes in business-hours mode). */
  firstResponseMinutes?: number;
  /** Minutes to the resolution (business minutes in business-hours mode). */
  resolutionMinutes?: number;
  /** `business-hours`: counted on the property's calendar; `calendar`: every minute counts (24/7). */
  mode: SlaMode;
};

export type TicketClassification = { kind: TicketKind; priority: TicketPriority; channel: TicketChannel };

export type MatchedSlaTarget = { policyId: string; mode: SlaMode; minutes: number };

export type SlaPolicyErrorCode = 'DUPLICATE_SLA_POLICY' | 'INVALID_SLA_POLICY';

export class SlaPolicyError extends Error {
  constructor(
    readonly code: SlaPolicyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SlaPolicyError';
  }
}

const DIMENSIONS = ['kind', 'priority', 'channel'] as const;

function specificity(policy: SlaPolicy): number {
  return DIMENSIONS.filter((d) => policy.match[d] !== undefined).length;
}

function matches(policy: SlaPolicy, ticket: TicketClassification): boolean {
  return DIMENSIONS.every((d) => policy.match[d] === undefined || policy.match[d] === ticket[d]);
}

/**
 * Checks a tenant's policy list: unique ids, positive whole-minute targets, at least one target per
 * policy, and no two policies with the same `match` (which one applied would depend on list order alone).
 */
export function validateSlaPolicies(policies: readonly SlaPolicy[]): void {
  const ids = new Set<string>();
  const matchKeys = new Map<string, string>();
  for (const policy of policies) {
    if (ids.has(policy.policyId)) throw new SlaPolicyError('DUPLICATE_SLA_POLICY', `policy id ${policy.policyId} is used twice`);
    ids.add(policy.policyId);
    if (policy.firstResponseMinutes === undefined && policy.resolutionMinutes === undefined) {
      throw new SlaPolicyError('INVALID_SLA_POLICY', `policy ${policy.policyId} sets no target`);
    }
    for (const minutes of [policy.firstResponseMinutes, policy.resolutionMinutes]) {
      if (minutes !== undefined && (!Number.isSafeInteger(minutes) || minutes <= 0)) {
        throw new SlaPolicyError('INVALID_SLA_POLICY', `policy ${policy.policyId}: targets are positive whole minutes`);
      }
    }
    const key = DIMENSIONS.map((d) => policy.match[d] ?? '*').join('|');
    const other = matchKeys.get(key);
    if (other) throw new SlaPolicyError('DUPLICATE_SLA_POLICY', `policies ${other} and ${policy.policyId} match the same tickets (${key})`);
    matchKeys.set(key, policy.policyId);
  }
}

/**
 * The target of each kind that applies to a ticket. Each target is taken separately from the most
 * specific policy that sets it (the one naming the most of kind, priority and channel among those that
 * match); between equally specific policies the one listed first wins, so the tenant's order is the
 * tie-break (e.g. list "channel email" before "kind inquiry" to give e-mailed inquiries the e-mail
 * target). A policy without `match` is the tenant's default. A target no policy sets does not apply.
 */
export function matchSlaTargets(policies: readonly SlaPolicy[], ticket: TicketClassification): Partial<Record<SlaTarget, MatchedSlaTarget>> {
  const candidates = policies
    .map((policy, index) => ({ policy, index, specificity: specificity(policy) }))
    .filter(({ policy }) => matches(policy, ticket))
    .sort((a, b) => b.specificity - a.specificity || a.index - b.index);
  const pick = (minutesOf: (p: SlaPolicy) => number | undefined): MatchedSlaTarget | undefined => {
    const found = candidates.find(({ policy }) => minutesOf(policy) !== undefined);
    return found ? { policyId: found.policy.policyId, mode: found.policy.mode, minutes: minutesOf(found.policy)! } : undefined;
  };
  const firstResponse = pick((p) => p.firstResponseMinutes);
  const resolution = pick((p) => p.resolutionMinutes);
  return { ...(firstResponse ? { 'first-response': firstResponse } : {}), ...(resolution ? { resolution } : {}) };
}

/** The calendar a target counts on: the property's for business-hours targets, every minute for calendar targets. */
export function calendarForMode(mode: SlaMode, propertyCalendar: BusinessCalendar): BusinessCalendar {
  return mode === 'calendar' ? ALWAYS_OPEN : propertyCalendar;
}

/**
 * The SLA terms of a new ticket (`OpenTicket.sla`): the matching targets with their due times counted
 * from `openedAt`. Undefined when no policy sets any target.
 */
export function slaTermsFor(
  policies: readonly SlaPolicy[],
  ticket: TicketClassification,
  openedAt: Instant,
  propertyCalendar: BusinessCalendar,
): TicketSlaTerms | undefined {
  const targets = matchSlaTargets(policies, ticket);
  const terms: TicketSlaTerms = {};
  for (const [target, matched] of Object.entries(targets) as [SlaTarget, MatchedSlaTarget][]) {
    // no pauses yet, so the clock always yields a due time
    const dueAt = businessDueAt(calendarForMode(matched.mode, propertyCalendar), openedAt, matched.minutes)!;
    terms[target] = { ...matched, dueAt: dueAt.toISOString() };
  }
  return Object.keys(terms).length > 0 ? terms : undefined;
}
