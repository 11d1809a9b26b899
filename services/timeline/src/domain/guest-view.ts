import { z } from 'zod';
import { reservationOf } from './arrivals';
import { computeCues, cueSchema, type CueInput } from './cues';
import { isBucketVisible, isScopeKeyVisible, parseScopeKey, scopeKeyOf } from './entry-scope';
import { compareInstants, compareParsedInstants, earliest, finiteNumberOf, instant, isRecord, latest, stringOf } from './json';
import { addMoney, formatMoney, formatTotals, isMoney, moneyResponseSchema } from './money';
import { timelineEntryResponseSchema, toEntryResponse } from './touchpoint.schemas';
import type { JsonValue, Money, ProfileSnapshot, TimelineEntry, ViewerScope } from './timeline.types';

/**
 * The unified guest view: a pure fold of one guest's `timeline-<guestId>` stream into `GuestViewState`
 * (plain JSON, stored per guest by the projection), `combineViews` for merged guests (the survivor's state
 * plus the states of the guests currently linked into it), and `presentView` for one caller's brand scope.
 *
 * Everything is kept per bucket (scope key `${visibility}:${brandId ?? ''}`) so one stored state serves
 * every caller: presentation sums the buckets the caller may see. Sizes are bounded (20 recent entries per
 * bucket, bounded complaints/tickets/reservations), so reading a guest with 10,000 entries costs the same
 * as one with 10.
 *
 * ## What other services publish for the view (tolerant reader; conform to be shown)
 * Any integration event with an envelope `guestId` lands on the timeline as an entry (`entryFromIntegrationEvent`).
 * Its brand is `envelope.brandId ?? data.brandId`, `data.visibility: 'brand'` makes it brand-private, money
 * is `data.amount`/`data.value` as `{ currency, minor }` or `{ currency, amount: "12.50" }`. On top of that:
 *
 * - `hearth.service-tickets.*` with `data.ticketId` (string) → a ticket. Status from the type:
 *   `ticket-opened`/`ticket-reopened` → open, `ticket-assigned`/`ticket-reassigned` → assigned,
 *   `ticket-delegated` → delegated, `ticket-referred` → referred, `ticket-escalated` → escalated,
 *   `ticket-answered` → answered, `ticket-resolved` → resolved, `ticket-closed` → closed,
 *   `ticket-cancelled` → cancelled (a string `data.status` overrides); the latest `occurredAt` wins.
 *   Optional `data.ticketType` (or `category`/`kind`) and `data.priority`. Open = not resolved/closed/cancelled.
 *   - `hearth.service-tickets.complaint-recorded`: a complaint; `data.complaintId` (default `data.ticketId`),
 *     `data.complaintType` (or `category`), `data.severity` (low|medium|high|critical). Open while its ticket is.
 *   - `hearth.service-tickets.recovery-given`: a recovery of `data.complaintId` (default `data.ticketId`),
 *     `data.action` (or `recoveryType`), value = `data.value` money.
 * - `hearth.loyalty.*` with `data.tier` (string) and/or `data.pointsBalance` (number); optional
 *   `data.elite` (boolean), `data.programId`, `data.pointsExpiring: { points, expiresAt }`. Each field
 *   keeps its latest value by `occurredAt`. Events with none of these are entries only.
 * - `hearth.analytics.*` with `data.segments` (string[]), `data.valueScore` (number), `data.riskScore`
 *   (number, 0..1; ≥ 0.7 → at-risk cue), optional `data.offer` / `data.nextBestOffer: { code, label? }`.
 * - `hearth.sales.*` with money in `data.amount`/`data.value`: a visit (a purchase) adding to spend; types
 *   ending in `-refunded`, `-voided`, `-cancelled` or `-reversed` subtract from spend and are no visit.
 *
 * Touchpoints: visits = stay + dining-visit + purchase; stays and nights from stays; spend = the entry
 * amount of visits (a stay without amount uses its room revenue). Amounts of other entries (a recovery's
 * value, a reservation) are not spend. Complaints (touchpoint) are resolved by a service-recovery naming
 * them; reservations feed the special requests of upcoming stays.
 */

export const GUEST_VIEW_RECENT_ENTRIES = 20;
const SEEN_ENTRY_IDS = 200;
const COMPLAINTS_KEPT = 100;
const CLOSED_TICKETS_KEPT = 50;
const RESERVATIONS_KEPT = 50;
const RECENT_COMPLAINT_DAYS = 365;
const RECENT_COMPLAINTS_SHOWN = 20;
const DAY_MS = 86_400_000;

export type BucketStats = {
  stays: number;
  nights: number;
  visits: number;
  firstVisitAt: string | null;
  lastVisitAt: string | null;
  /** Currency → minor units. */
  spend: Record<string, number>;
  entryCount: number;
  lastEntryAt: string | null;
  /** Newest entries of the bucket by occurredAt, at most `GUEST_VIEW_RECENT_ENTRIES`. */
  recent: TimelineEntry[];
};

export type RecoveryState = {
  entryId: string;
  scopeKey: string;
  brandId: string | null;
  action: string | null;
  value: Money | null;
  occurredAt: string;
  /** Personal. */
  note: string | null;
};

export type ComplaintState = {
  complaintId: string;
  /** null while only recoveries are known (they may arrive first). */
  entryId: string | null;
  scopeKey: string | null;
  brandId: string | null;
  propertyId: string | null;
  ticketId: string | null;
  category: string | null;
  severity: string | null;
  occurredAt: string | null;
  /** Personal. */
  description: string | null;
  recoveries: RecoveryState[];
};

export type TicketState = {
  ticketId: string;
  scopeKey: string;
  brandId: string | null;
  status: string;
  statusAt: string | null;
  openedAt: string | null;
  updatedAt: string;
  category: string | null;
  priority: string | null;
};

export type LoyaltyState = {
  brandId: string | null;
  programId: string | null;
  tier: string | null;
  elite: boolean | null;
  tierAt: string | null;
  pointsBalance: number | null;
  balanceAt: string | null;
  pointsExpiring: { points: number; expiresAt: string } | null;
  updatedAt: string;
};

export type AnalyticsState = {
  segments: string[] | null;
  segmentsAt: string | null;
  valueScore: number | null;
  valueScoreAt: string | null;
  riskScore: number | null;
  riskScoreAt: string | null;
  offer: { code: string; label: string | null } | null;
  offerAt: string | null;
  updatedAt: string;
};

export type ReservationState = {
  reservationId: string;
  scopeKey: string;
  brandId: string | null;
  propertyId: string | null;
  arrivalDate: string | null;
  departureDate: string | null;
  status: 'booked' | 'cancelled';
  statusAt: string | null;
  /** Personal. */
  specialRequests: string | null;
};

export type GuestLink = { guestId: string; mergeId: string; at: string };

/** One guest's own stream folded (plain JSON). Records keyed by scope key hold per-bucket data. */
export type GuestViewState = {
  schemaVersion: 1;
  guestId: string;
  tenantId: string;
  profile: ProfileSnapshot | null;
  erasedAt: string | null;
  /** Set in a merged guest's state while it is merged. */
  mergedInto: { survivorId: string; mergeId: string; at: string } | null;
  /** Guests currently merged into this one (after `combineViews`: transitively). */
  linked: GuestLink[];
  buckets: Record<string, BucketStats>;
  complaints: Record<string, ComplaintState>;
  tickets: Record<string, TicketState>;
  loyalty: Record<string, LoyaltyState>;
  analytics: Record<string, AnalyticsState>;
  reservations: Record<string, ReservationState>;
  /** The last entry ids folded, so a repeated EntryRecorded changes nothing. */
  recentEntryIds: string[];
  entryCount: number;
  lastRecordedAt: string | null;
};

export function initialGuestView(guestId: string, tenantId: string): GuestViewState {
  return {
    schemaVersion: 1,
    guestId,
    tenantId,
    profile: null,
    erasedAt: null,
    mergedInto: null,
    linked: [],
    buckets: {},
    complaints: {},
    tickets: {},
    loyalty: {},
    analytics: {},
    reservations: {},
    recentEntryIds: [],
    entryCount: 0,
    lastRecordedAt: null,
  };
}

/** Guests whose states `combineViews` needs for this one (ask again for theirs: merges can chain). */
export function linkedGuestIds(state: GuestViewState): string[] {
  return state.linked.map((link) => link.guestId);
}

// ---------------------------------------------------------------------------------------------------------
// evolve

export type GuestViewEvent = { type: string; data: unknown; recordedAt: string };

/** Pure and total: unknown event types and malformed data leave the state as it is. */
export function evolveGuestView(state: GuestViewState, event: GuestViewEvent): GuestViewState {
  const data = isRecord(event.data) ? event.data : undefined;
  if (!data) return state;
  switch (event.type) {
    case 'EntryRecorded': {
      const entry = entryOf(data.entry);
      return entry ? recordEntry(state, entry, event.recordedAt) : state;
    }
    case 'ProfileSnapshotRecorded': {
      const profile = profileOf(data.profile);
      if (!profile) return state;
      if (state.profile && compareInstants(profile.takenAt, state.profile.takenAt) < 0) return state;
      return { ...state, profile: state.erasedAt ? scrubProfile(profile) : profile, lastRecordedAt: event.recordedAt };
    }
    case 'GuestLinked':
    case 'GuestUnlinked': {
      const mergeId = stringOf(data.mergeId);
      const survivorId = stringOf(data.survivorId);
      const mergedId = stringOf(data.mergedId);
      if (!mergeId || !survivorId || !mergedId) return state;
      const at = stringOf(data.at) ?? event.recordedAt;
      return event.type === 'GuestLinked' ? link(state, mergeId, survivorId, mergedId, at) : unlink(state, mergeId);
    }
    case 'GuestErasureRecorded': {
      if (state.erasedAt) return state;
      return { ...scrubPersonalData(state), erasedAt: stringOf(data.erasedAt) ?? event.recordedAt, lastRecordedAt: event.recordedAt };
    }
    default:
      return state;
  }
}

function link(state: GuestViewState, mergeId: string, survivorId: string, mergedId: string, at: string): GuestViewState {
  if (survivorId === state.guestId && mergedId !== state.guestId) {
    if (state.linked.some((l) => l.mergeId === mergeId || l.guestId === mergedId)) return state;
    return { ...state, linked: [...state.linked, { guestId: mergedId, mergeId, at }] };
  }
  if (mergedId === state.guestId && survivorId !== state.guestId) {
    if (state.mergedInto?.mergeId === mergeId) return state;
    return { ...state, mergedInto: { survivorId, mergeId, at } };
  }
  return state;
}

function unlink(state: GuestViewState, mergeId: string): GuestViewState {
  const linked = state.linked.filter((l) => l.mergeId !== mergeId);
  const mergedInto = state.mergedInto?.mergeId === mergeId ? null : state.mergedInto;
  if (linked.length === state.linked.length && mergedInto === state.mergedInto) return state;
  return { ...state, linked, mergedInto };
}

/** A stored entry read defensively (the store gives back whatever was written, possibly by older code). */
function entryOf(value: unknown): TimelineEntry | undefined {
  if (!isRecord(value)) return undefined;
  const entryId = stringOf(value.entryId);
  const type = stringOf(value.type);
  const occurredAt = stringOf(value.occurredAt);
  if (!entryId || !type || !occurredAt || Number.isNaN(instant(occurredAt))) return undefined;
  const entry: TimelineEntry = {
    entryId,
    guestId: stringOf(value.guestId) ?? '',
    kind: value.kind === 'event' ? 'event' : 'touchpoint',
    type,
    source: stringOf(value.source) ?? 'unknown',
    brandId: stringOf(value.brandId) ?? null,
    propertyId: stringOf(value.propertyId) ?? null,
    channel: stringOf(value.channel) ?? null,
    occurredAt,
    recordedAt: stringOf(value.recordedAt) ?? occurredAt,
    actor: stringOf(value.actor) ?? 'unknown',
    visibility: value.visibility === 'brand' ? 'brand' : 'shared',
    amount: isMoney(value.amount) ? value.amount : null,
    facts: isRecord(value.facts) ? (value.facts as Record<string, JsonValue>) : {},
    personal: isRecord(value.personal) ? (value.personal as Record<string, JsonValue>) : null,
  };
  if (typeof value.contractVersion === 'number') entry.contractVersion = value.contractVersion;
  const sourceEventId = stringOf(value.sourceEventId);
  if (sourceEventId) entry.sourceEventId = sourceEventId;
  return entry;
}

function profileOf(value: unknown): ProfileSnapshot | undefined {
  if (!isRecord(value)) return undefined;
  const takenAt = stringOf(value.takenAt);
  if (!takenAt) return undefined;
  const status = value.status === 'merged' || value.status === 'erased' ? value.status : 'active';
  const name = isRecord(value.name)
    ? { title: stringOf(value.name.title) ?? null, given: stringOf(value.name.given) ?? null, family: stringOf(value.name.family) ?? null }
    : null;
  const list = (items: unknown) => (Array.isArray(items) ? items.filter(isRecord) : []);
  return {
    status,
    name,
    dateOfBirth: stringOf(value.dateOfBirth) ?? null,
    language: stringOf(value.language) ?? null,
    customerType: stringOf(value.customerType) ?? null,
    lifecycleStage: stringOf(value.lifecycleStage) ?? null,
    identifiers: list(value.identifiers).map((i) => ({ type: stringOf(i.type) ?? 'unknown', masked: stringOf(i.masked) ?? null })),
    preferences: list(value.preferences)
      .filter((p) => stringOf(p.key))
      .map((p) => ({
        key: p.key as string,
        kind: p.kind === 'special-request' ? 'special-request' : 'preference',
        scope: p.scope === 'brand' ? 'brand' : 'shared',
        brandId: stringOf(p.brandId) ?? null,
        value: p.value === undefined ? null : (p.value as JsonValue),
        setAt: stringOf(p.setAt) ?? null,
      })),
    consents: list(value.consents)
      .filter((c) => stringOf(c.brandId) && stringOf(c.purpose) && stringOf(c.channel) && typeof c.granted === 'boolean')
      .map((c) => ({ brandId: c.brandId as string, purpose: c.purpose as string, channel: c.channel as string, granted: c.granted as boolean, at: stringOf(c.at) ?? null })),
    takenAt,
  };
}

function scrubProfile(profile: ProfileSnapshot): ProfileSnapshot {
  return {
    ...profile,
    name: null,
    dateOfBirth: null,
    identifiers: profile.identifiers.map((i) => ({ type: i.type, masked: null })),
    preferences: profile.preferences.map((p) => ({ ...p, value: null })),
  };
}

function scrubPersonalData(state: GuestViewState): GuestViewState {
  return {
    ...state,
    profile: state.profile ? scrubProfile(state.profile) : null,
    buckets: mapValues(state.buckets, (b) => ({ ...b, recent: b.recent.map((e) => ({ ...e, personal: null })) })),
    complaints: mapValues(state.complaints, (c) => ({ ...c, description: null, recoveries: c.recoveries.map((r) => ({ ...r, note: null })) })),
    reservations: mapValues(state.reservations, (r) => ({ ...r, specialRequests: null })),
  };
}

function mapValues<T>(record: Record<string, T>, f: (value: T) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(record)) out[key] = f(value);
  return out;
}

/** Newest first: occurredAt, then recordedAt, then entry id (a total, deterministic order). */
export function compareEntriesNewestFirst(a: TimelineEntry, b: TimelineEntry): number {
  return compareInstants(b.occurredAt, a.occurredAt) || compareInstants(b.recordedAt, a.recordedAt) || (a.entryId < b.entryId ? 1 : a.entryId > b.entryId ? -1 : 0);
}

/** The newest `GUEST_VIEW_RECENT_ENTRIES` of distinct entries, in `compareEntriesNewestFirst` order (each instant parsed once). */
function newestEntries(entries: TimelineEntry[]): TimelineEntry[] {
  const seen = new Set<string>();
  const keyed: Array<{ entry: TimelineEntry; occurred: number; recorded: number }> = [];
  for (const entry of entries) {
    if (seen.has(entry.entryId)) continue;
    seen.add(entry.entryId);
    keyed.push({ entry, occurred: instant(entry.occurredAt), recorded: instant(entry.recordedAt) });
  }
  keyed.sort(
    (a, b) =>
      compareParsedInstants(b.entry.occurredAt, b.occurred, a.entry.occurredAt, a.occurred) ||
      compareParsedInstants(b.entry.recordedAt, b.recorded, a.entry.recordedAt, a.recorded) ||
      (a.entry.entryId < b.entry.entryId ? 1 : a.entry.entryId > b.entry.entryId ? -1 : 0),
  );
  return keyed.slice(0, GUEST_VIEW_RECENT_ENTRIES).map((k) => k.entry);
}

function emptyBucket(): BucketStats {
  return { stays: 0, nights: 0, visits: 0, firstVisitAt: null, lastVisitAt: null, spend: {}, entryCount: 0, lastEntryAt: null, recent: [] };
}

const SALES_REVERSALS = ['-refunded', '-voided', '-cancelled', '-reversed'];

/** What an entry adds to its bucket's relationship figures. */
function contributionOf(entry: TimelineEntry): { stays: number; nights: number; visit: boolean; spend: Money | null; spendSign: 1 | -1 } {
  const none = { stays: 0, nights: 0, visit: false, spend: null, spendSign: 1 as const };
  if (entry.kind === 'touchpoint') {
    if (entry.type === 'stay') {
      const nights = finiteNumberOf(entry.facts.nights);
      return { stays: 1, nights: nights !== undefined && nights > 0 ? Math.trunc(nights) : 0, visit: true, spend: entry.amount, spendSign: 1 };
    }
    if (entry.type === 'dining-visit' || entry.type === 'purchase') return { ...none, visit: true, spend: entry.amount };
    return none;
  }
  if (entry.type.startsWith('hearth.sales.') && entry.amount) {
    const reversal = SALES_REVERSALS.some((suffix) => entry.type.endsWith(suffix));
    return reversal ? { ...none, spend: entry.amount, spendSign: -1 } : { ...none, visit: true, spend: entry.amount };
  }
  return none;
}

/**
 * customer-profile events that only maintain the profile (consents, preferences, identities, profile
 * fields). They stay on the timeline (the audit trail), but not among the view's last entries: the view
 * shows the profile itself, and a guest whose consents were just refreshed would otherwise see their
 * stays and visits pushed out of the list staff look at.
 */
const PROFILE_MAINTENANCE_TYPES: ReadonlySet<string> = new Set(
  ['guest-profile-updated', 'guest-identity-added', 'guest-identity-removed', 'guest-preference-set', 'guest-preference-removed', 'guest-consent-changed'].map(
    (event) => `hearth.customer-profile.${event}`,
  ),
);

/** Whether an entry belongs among the view's last entries (`GUEST_VIEW_RECENT_ENTRIES`). */
export function isShownInView(entry: Pick<TimelineEntry, 'kind' | 'type'>): boolean {
  return !(entry.kind === 'event' && PROFILE_MAINTENANCE_TYPES.has(entry.type));
}

function recordEntry(state: GuestViewState, incoming: TimelineEntry, recordedAt: string): GuestViewState {
  if (state.recentEntryIds.includes(incoming.entryId)) return state;
  const entry = state.erasedAt ? { ...incoming, personal: null } : incoming;
  const key = scopeKeyOf(entry);
  const bucket = state.buckets[key] ?? emptyBucket();
  const c = contributionOf(entry);
  const next: BucketStats = {
    stays: bucket.stays + c.stays,
    nights: bucket.nights + c.nights,
    visits: bucket.visits + (c.visit ? 1 : 0),
    firstVisitAt: c.visit ? earliest(bucket.firstVisitAt, entry.occurredAt) : bucket.firstVisitAt,
    lastVisitAt: c.visit ? latest(bucket.lastVisitAt, entry.occurredAt) : bucket.lastVisitAt,
    spend: c.spend ? addMoney(bucket.spend, c.spend, c.spendSign) : bucket.spend,
    entryCount: bucket.entryCount + 1,
    lastEntryAt: latest(bucket.lastEntryAt, entry.occurredAt),
    recent: isShownInView(entry) ? newestEntries([...bucket.recent, entry]) : bucket.recent,
  };
  const recorded: GuestViewState = {
    ...state,
    buckets: { ...state.buckets, [key]: next },
    recentEntryIds: [...state.recentEntryIds, entry.entryId].slice(-SEEN_ENTRY_IDS),
    entryCount: state.entryCount + 1,
    lastRecordedAt: recordedAt,
  };
  return applyDerivedRecords(recorded, entry, key);
}

function applyDerivedRecords(state: GuestViewState, entry: TimelineEntry, key: string): GuestViewState {
  const facts = entry.facts;
  const personalText = (field: string) => (entry.personal ? (stringOf(entry.personal[field]) ?? null) : null);
  if (entry.kind === 'touchpoint') {
    switch (entry.type) {
      case 'complaint': {
        const complaintId = stringOf(facts.complaintId) ?? entry.entryId;
        return upsertComplaint(state, complaintId, {
          entryId: entry.entryId,
          scopeKey: key,
          brandId: entry.brandId,
          propertyId: entry.propertyId,
          category: stringOf(facts.category) ?? null,
          severity: stringOf(facts.severity) ?? null,
          occurredAt: entry.occurredAt,
          description: personalText('description'),
        });
      }
      case 'service-recovery': {
        const complaintId = stringOf(facts.complaintId);
        if (!complaintId) return state;
        return addRecovery(state, complaintId, {
          entryId: entry.entryId,
          scopeKey: key,
          brandId: entry.brandId,
          action: stringOf(facts.action) ?? null,
          value: isMoney(facts.value) ? facts.value : null,
          occurredAt: entry.occurredAt,
          note: personalText('note'),
        });
      }
      case 'reservation-made':
      case 'reservation-cancelled':
        return upsertReservation(state, entry, key, personalText('specialRequests'));
      default:
        return state;
    }
  }
  if (entry.type.startsWith('hearth.service-tickets.')) return applyTicketEvent(state, entry, key);
  if (entry.type.startsWith('hearth.loyalty.')) return applyLoyaltyEvent(state, entry, key);
  if (entry.type.startsWith('hearth.analytics.')) return applyAnalyticsEvent(state, entry, key);
  return state;
}

function pruneComplaints(complaints: Record<string, ComplaintState>): Record<string, ComplaintState> {
  const ids = Object.keys(complaints);
  if (ids.length <= COMPLAINTS_KEPT) return complaints;
  const keep = ids
    .map((id) => complaints[id]!)
    .sort((a, b) => compareInstants(b.occurredAt ?? b.recoveries[0]?.occurredAt ?? '', a.occurredAt ?? a.recoveries[0]?.occurredAt ?? ''))
    .slice(0, COMPLAINTS_KEPT);
  return Object.fromEntries(keep.map((c) => [c.complaintId, c]));
}

function emptyComplaint(complaintId: string): ComplaintState {
  return { complaintId, entryId: null, scopeKey: null, brandId: null, propertyId: null, ticketId: null, category: null, severity: null, occurredAt: null, description: null, recoveries: [] };
}

function upsertComplaint(state: GuestViewState, complaintId: string, details: Partial<Omit<ComplaintState, 'complaintId' | 'recoveries'>>): GuestViewState {
  const existing = state.complaints[complaintId] ?? emptyComplaint(complaintId);
  const merged: ComplaintState = { ...existing };
  for (const [field, value] of Object.entries(details) as [keyof typeof details, string | null][]) {
    if (value !== null && value !== undefined) (merged as Record<string, unknown>)[field] = value;
  }
  return { ...state, complaints: pruneComplaints({ ...state.complaints, [complaintId]: merged }) };
}

function addRecovery(state: GuestViewState, complaintId: string, recovery: RecoveryState): GuestViewState {
  const existing = state.complaints[complaintId] ?? emptyComplaint(complaintId);
  if (existing.recoveries.some((r) => r.entryId === recovery.entryId)) return state;
  const recoveries = [...existing.recoveries, recovery].sort((a, b) => compareInstants(a.occurredAt, b.occurredAt));
  return { ...state, complaints: pruneComplaints({ ...state.complaints, [complaintId]: { ...existing, recoveries } }) };
}

function upsertReservation(state: GuestViewState, entry: TimelineEntry, key: string, specialRequests: string | null): GuestViewState {
  const fact = reservationOf(entry);
  if (!fact) return state;
  const existing: ReservationState = state.reservations[fact.reservationId] ?? {
    reservationId: fact.reservationId,
    scopeKey: key,
    brandId: fact.brandId,
    propertyId: fact.propertyId,
    arrivalDate: null,
    departureDate: null,
    status: fact.status,
    statusAt: null,
    specialRequests: null,
  };
  const next: ReservationState = { ...existing };
  if (entry.type === 'reservation-made') {
    next.scopeKey = key;
    next.brandId = fact.brandId;
    next.propertyId = fact.propertyId ?? existing.propertyId;
    next.arrivalDate = fact.arrivalDate ?? existing.arrivalDate;
    next.departureDate = fact.departureDate ?? existing.departureDate;
    next.specialRequests = specialRequests ?? existing.specialRequests;
  }
  if (next.statusAt === null || compareInstants(entry.occurredAt, next.statusAt) >= 0) {
    next.status = fact.status;
    next.statusAt = entry.occurredAt;
  }
  let reservations = { ...state.reservations, [fact.reservationId]: next };
  const ids = Object.keys(reservations);
  if (ids.length > RESERVATIONS_KEPT) {
    const keep = ids
      .map((id) => reservations[id]!)
      .sort((a, b) => (b.arrivalDate ?? '').localeCompare(a.arrivalDate ?? '') || b.reservationId.localeCompare(a.reservationId))
      .slice(0, RESERVATIONS_KEPT);
    reservations = Object.fromEntries(keep.map((r) => [r.reservationId, r]));
  }
  return { ...state, reservations };
}

const TICKET_STATUS_BY_EVENT: Readonly<Record<string, string>> = {
  'ticket-opened': 'open',
  'ticket-reopened': 'open',
  'ticket-assigned': 'assigned',
  'ticket-reassigned': 'assigned',
  'ticket-delegated': 'delegated',
  'ticket-referred': 'referred',
  'ticket-escalated': 'escalated',
  'ticket-answered': 'answered',
  'ticket-resolved': 'resolved',
  'ticket-closed': 'closed',
  'ticket-cancelled': 'cancelled',
};
export const CLOSED_TICKET_STATUSES: ReadonlySet<string> = new Set(['resolved', 'closed', 'cancelled']);

function applyTicketEvent(state: GuestViewState, entry: TimelineEntry, key: string): GuestViewState {
  const facts = entry.facts;
  const ticketId = stringOf(facts.ticketId);
  const event = entry.type.slice('hearth.service-tickets.'.length);
  let next = state;
  if (ticketId) {
    const status = stringOf(facts.status) ?? TICKET_STATUS_BY_EVENT[event];
    const existing = state.tickets[ticketId];
    if (existing || status) {
      const ticket: TicketState = existing
        ? { ...existing }
        : { ticketId, scopeKey: key, brandId: entry.brandId, status: status ?? 'open', statusAt: null, openedAt: null, updatedAt: entry.occurredAt, category: null, priority: null };
      if (status && (ticket.statusAt === null || compareInstants(entry.occurredAt, ticket.statusAt) >= 0)) {
        ticket.status = status;
        ticket.statusAt = entry.occurredAt;
      }
      if (event === 'ticket-opened') {
        ticket.openedAt = earliest(ticket.openedAt, entry.occurredAt);
        ticket.scopeKey = key;
        ticket.brandId = entry.brandId;
      }
      ticket.updatedAt = latest(ticket.updatedAt, entry.occurredAt) ?? entry.occurredAt;
      ticket.category = stringOf(facts.ticketType) ?? stringOf(facts.category) ?? stringOf(facts.kind) ?? ticket.category;
      ticket.priority = stringOf(facts.priority) ?? ticket.priority;
      next = { ...state, tickets: pruneTickets({ ...state.tickets, [ticketId]: ticket }) };
    }
  }
  if (event === 'complaint-recorded') {
    const complaintId = stringOf(facts.complaintId) ?? ticketId;
    if (!complaintId) return next;
    return upsertComplaint(next, complaintId, {
      entryId: entry.entryId,
      scopeKey: key,
      brandId: entry.brandId,
      propertyId: entry.propertyId,
      ticketId: ticketId ?? null,
      category: stringOf(facts.complaintType) ?? stringOf(facts.category) ?? null,
      severity: stringOf(facts.severity) ?? null,
      occurredAt: entry.occurredAt,
    });
  }
  if (event === 'recovery-given') {
    const complaintId = stringOf(facts.complaintId) ?? ticketId;
    if (!complaintId) return next;
    return addRecovery(next, complaintId, {
      entryId: entry.entryId,
      scopeKey: key,
      brandId: entry.brandId,
      action: stringOf(facts.action) ?? stringOf(facts.recoveryType) ?? null,
      value: entry.amount,
      occurredAt: entry.occurredAt,
      note: null,
    });
  }
  return next;
}

function pruneTickets(tickets: Record<string, TicketState>): Record<string, TicketState> {
  const all = Object.values(tickets);
  const closed = all.filter((t) => CLOSED_TICKET_STATUSES.has(t.status));
  if (closed.length <= CLOSED_TICKETS_KEPT) return tickets;
  const dropped = new Set(
    closed
      .sort((a, b) => compareInstants(b.updatedAt, a.updatedAt))
      .slice(CLOSED_TICKETS_KEPT)
      .map((t) => t.ticketId),
  );
  return Object.fromEntries(all.filter((t) => !dropped.has(t.ticketId)).map((t) => [t.ticketId, t]));
}

/** Whether `at` is not older than the time the current value was set (out-of-order arrival: the latest occurredAt wins). */
const isNewer = (at: string, setAt: string | null) => setAt === null || compareInstants(at, setAt) >= 0;

function applyLoyaltyEvent(state: GuestViewState, entry: TimelineEntry, key: string): GuestViewState {
  const facts = entry.facts;
  const tier = stringOf(facts.tier);
  const balance = finiteNumberOf(facts.pointsBalance);
  const expiringRaw = facts.pointsExpiring;
  const expiring =
    isRecord(expiringRaw) && finiteNumberOf(expiringRaw.points) !== undefined && stringOf(expiringRaw.expiresAt)
      ? { points: expiringRaw.points as number, expiresAt: expiringRaw.expiresAt as string }
      : undefined;
  if (tier === undefined && balance === undefined && expiring === undefined) return state;
  const existing: LoyaltyState = state.loyalty[key] ?? {
    brandId: entry.brandId,
    programId: null,
    tier: null,
    elite: null,
    tierAt: null,
    pointsBalance: null,
    balanceAt: null,
    pointsExpiring: null,
    updatedAt: entry.occurredAt,
  };
  const next: LoyaltyState = { ...existing, updatedAt: latest(existing.updatedAt, entry.occurredAt) ?? entry.occurredAt };
  next.programId = stringOf(facts.programId) ?? next.programId;
  if (tier !== undefined && isNewer(entry.occurredAt, existing.tierAt)) {
    next.tier = tier;
    next.elite = typeof facts.elite === 'boolean' ? facts.elite : null;
    next.tierAt = entry.occurredAt;
  }
  if ((balance !== undefined || expiring !== undefined) && isNewer(entry.occurredAt, existing.balanceAt)) {
    if (balance !== undefined) next.pointsBalance = balance;
    if (expiring !== undefined) next.pointsExpiring = expiring;
    next.balanceAt = entry.occurredAt;
  }
  return { ...state, loyalty: { ...state.loyalty, [key]: next } };
}

function offerOf(value: unknown): { code: string; label: string | null } | undefined {
  if (!isRecord(value)) return undefined;
  const code = stringOf(value.code) ?? stringOf(value.offerId);
  return code ? { code, label: stringOf(value.label) ?? null } : undefined;
}

function applyAnalyticsEvent(state: GuestViewState, entry: TimelineEntry, key: string): GuestViewState {
  const facts = entry.facts;
  const segments = Array.isArray(facts.segments) ? facts.segments.filter((s): s is string => typeof s === 'string') : undefined;
  const valueScore = finiteNumberOf(facts.valueScore);
  const riskScore = finiteNumberOf(facts.riskScore);
  const offer = offerOf(facts.offer) ?? offerOf(facts.nextBestOffer);
  if (segments === undefined && valueScore === undefined && riskScore === undefined && offer === undefined) return state;
  const at = entry.occurredAt;
  const existing: AnalyticsState = state.analytics[key] ?? {
    segments: null,
    segmentsAt: null,
    valueScore: null,
    valueScoreAt: null,
    riskScore: null,
    riskScoreAt: null,
    offer: null,
    offerAt: null,
    updatedAt: at,
  };
  const next: AnalyticsState = { ...existing, updatedAt: latest(existing.updatedAt, at) ?? at };
  if (segments !== undefined && isNewer(at, existing.segmentsAt)) Object.assign(next, { segments: [...new Set(segments)].sort(), segmentsAt: at });
  if (valueScore !== undefined && isNewer(at, existing.valueScoreAt)) Object.assign(next, { valueScore, valueScoreAt: at });
  if (riskScore !== undefined && isNewer(at, existing.riskScoreAt)) Object.assign(next, { riskScore, riskScoreAt: at });
  if (offer !== undefined && isNewer(at, existing.offerAt)) Object.assign(next, { offer, offerAt: at });
  return { ...state, analytics: { ...state.analytics, [key]: next } };
}

// ---------------------------------------------------------------------------------------------------------
// combine

function combineBuckets(a: BucketStats, b: BucketStats): BucketStats {
  let spend = { ...a.spend };
  for (const [currency, minor] of Object.entries(b.spend)) spend = addMoney(spend, { currency, minor });
  return {
    stays: a.stays + b.stays,
    nights: a.nights + b.nights,
    visits: a.visits + b.visits,
    firstVisitAt: earliest(a.firstVisitAt, b.firstVisitAt),
    lastVisitAt: latest(a.lastVisitAt, b.lastVisitAt),
    spend,
    entryCount: a.entryCount + b.entryCount,
    lastEntryAt: latest(a.lastEntryAt, b.lastEntryAt),
    recent: newestEntries([...a.recent, ...b.recent]),
  };
}

function combineComplaints(a: ComplaintState, b: ComplaintState): ComplaintState {
  const known = a.entryId !== null ? a : b;
  const other = known === a ? b : a;
  const recoveries = [...a.recoveries];
  for (const r of b.recoveries) if (!recoveries.some((x) => x.entryId === r.entryId)) recoveries.push(r);
  return {
    ...other,
    ...Object.fromEntries(Object.entries(known).filter(([, v]) => v !== null)),
    recoveries: recoveries.sort((x, y) => compareInstants(x.occurredAt, y.occurredAt)),
  } as ComplaintState;
}

function newerOf<T>(a: T, b: T, at: (x: T) => string | null): T {
  const x = at(a);
  const y = at(b);
  if (y === null) return a;
  if (x === null) return b;
  return compareInstants(y, x) > 0 ? b : a;
}

function combineLoyalty(a: LoyaltyState, b: LoyaltyState): LoyaltyState {
  const tier = newerOf(a, b, (l) => l.tierAt);
  const balance = newerOf(a, b, (l) => l.balanceAt);
  return {
    ...a,
    programId: a.programId ?? b.programId,
    tier: tier.tier,
    elite: tier.elite,
    tierAt: tier.tierAt,
    pointsBalance: balance.pointsBalance,
    pointsExpiring: balance.pointsExpiring,
    balanceAt: balance.balanceAt,
    updatedAt: latest(a.updatedAt, b.updatedAt) ?? a.updatedAt,
  };
}

function combineAnalytics(a: AnalyticsState, b: AnalyticsState): AnalyticsState {
  const segments = newerOf(a, b, (x) => x.segmentsAt);
  const value = newerOf(a, b, (x) => x.valueScoreAt);
  const risk = newerOf(a, b, (x) => x.riskScoreAt);
  const offer = newerOf(a, b, (x) => x.offerAt);
  return {
    segments: segments.segments,
    segmentsAt: segments.segmentsAt,
    valueScore: value.valueScore,
    valueScoreAt: value.valueScoreAt,
    riskScore: risk.riskScore,
    riskScoreAt: risk.riskScoreAt,
    offer: offer.offer,
    offerAt: offer.offerAt,
    updatedAt: latest(a.updatedAt, b.updatedAt) ?? a.updatedAt,
  };
}

function combineRecords<T>(a: Record<string, T>, b: Record<string, T>, combine: (x: T, y: T) => T): Record<string, T> {
  const out = { ...a };
  for (const [key, value] of Object.entries(b)) out[key] = key in out ? combine(out[key]!, value) : value;
  return out;
}

/**
 * The survivor's view after merges: its own state plus the states of the guests linked into it (pass every
 * guest transitively linked: ask `linkedGuestIds` of each). Entries never move, so dropping a guest from
 * `linked` (an unmerge) gives back exactly the survivor's own view. The identity stays the survivor's.
 */
export function combineViews(own: GuestViewState, linked: readonly GuestViewState[]): GuestViewState {
  const seen = new Set<string>([own.guestId]);
  let out = own;
  for (const other of linked) {
    if (seen.has(other.guestId)) continue;
    seen.add(other.guestId);
    const links = [...out.linked];
    for (const l of [{ guestId: other.guestId, mergeId: other.mergedInto?.mergeId ?? '', at: other.mergedInto?.at ?? '' }, ...other.linked]) {
      if (l.guestId !== own.guestId && !links.some((x) => x.guestId === l.guestId)) links.push(l);
    }
    out = {
      ...out,
      linked: links,
      buckets: combineRecords(out.buckets, other.buckets, combineBuckets),
      complaints: combineRecords(out.complaints, other.complaints, combineComplaints),
      tickets: combineRecords(out.tickets, other.tickets, (a, b) => newerOf(a, b, (t) => t.updatedAt)),
      loyalty: combineRecords(out.loyalty, other.loyalty, combineLoyalty),
      analytics: combineRecords(out.analytics, other.analytics, combineAnalytics),
      reservations: combineRecords(out.reservations, other.reservations, (a, b) => newerOf(a, b, (r) => r.statusAt)),
      entryCount: out.entryCount + other.entryCount,
      lastRecordedAt: latest(out.lastRecordedAt, other.lastRecordedAt),
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// present

const nullableString = z.string().nullable();

const relationshipShape = {
  visits: z.number().int().describe('Stays, dining visits and purchases'),
  stays: z.number().int(),
  nights: z.number().int(),
  firstVisitAt: nullableString,
  lastVisitAt: nullableString,
  spend: z.array(moneyResponseSchema).describe('Spend per currency (never converted)'),
};

const identitySchema = z
  .object({
    guestId: z.string(),
    status: z.enum(['active', 'merged', 'erased']),
    erased: z.boolean().describe('Personal fields are null after erasure; facts and totals remain'),
    displayName: nullableString,
    name: z.object({ title: nullableString, given: nullableString, family: nullableString }).nullable(),
    dateOfBirth: nullableString,
    language: nullableString,
    customerType: nullableString,
    lifecycleStage: nullableString,
    identifiers: z.array(z.object({ type: z.string(), masked: nullableString })),
    asOf: nullableString.describe('When customer-profile was last asked'),
  })
  .meta({ id: 'GuestIdentity' });

const recoverySchema = z.object({
  entryId: z.string(),
  brandId: nullableString,
  action: nullableString,
  value: moneyResponseSchema.nullable(),
  occurredAt: z.string(),
  note: nullableString.describe('Personal'),
});

const complaintSchema = z
  .object({
    complaintId: z.string(),
    status: z.enum(['open', 'resolved']),
    brandId: nullableString,
    propertyId: nullableString,
    ticketId: nullableString,
    category: nullableString,
    severity: nullableString,
    occurredAt: nullableString,
    description: nullableString.describe('Personal'),
    recoveries: z.array(recoverySchema),
  })
  .meta({ id: 'GuestComplaint' });

export const guestViewResponseSchema = z
  .object({
    guestId: z.string(),
    generatedAt: z.string(),
    asOf: nullableString.describe('The moment the view was computed for (time travel), null for now'),
    brandId: nullableString.describe('The brand the caller acts for; null for chain-wide callers'),
    identity: identitySchema.nullable().describe('null until customer-profile has been asked'),
    brands: z.array(z.object({ brandId: z.string(), ...relationshipShape, lastInteractionAt: nullableString })),
    totals: z.object(relationshipShape),
    loyalty: z.discriminatedUnion('available', [
      z.object({ available: z.literal(false) }),
      z.object({
        available: z.literal(true),
        brandId: nullableString,
        programId: nullableString,
        tier: nullableString,
        pointsBalance: z.number().nullable(),
        pointsExpiring: z.object({ points: z.number(), expiresAt: z.string() }).nullable(),
        asOf: z.string(),
      }),
    ]),
    analytics: z.discriminatedUnion('available', [
      z.object({ available: z.literal(false) }),
      z.object({
        available: z.literal(true),
        segments: z.array(z.string()),
        valueScore: z.number().nullable(),
        riskScore: z.number().nullable(),
        offer: z.object({ code: z.string(), label: nullableString }).nullable(),
        asOf: z.string(),
      }),
    ]),
    openTickets: z.array(
      z.object({ ticketId: z.string(), status: z.string(), brandId: nullableString, category: nullableString, priority: nullableString, openedAt: nullableString, updatedAt: z.string() }),
    ),
    recentComplaints: z.array(complaintSchema).describe('Open complaints and those of the last 365 days, newest first (at most 20)'),
    preferences: z.array(z.object({ key: z.string(), scope: z.enum(['shared', 'brand']), brandId: nullableString, value: z.unknown(), setAt: nullableString })),
    specialRequests: z.array(
      z.object({
        source: z.enum(['profile', 'reservation']),
        key: nullableString,
        reservationId: nullableString,
        brandId: nullableString,
        propertyId: nullableString,
        arrivalDate: nullableString,
        value: z.unknown().describe('Personal'),
        setAt: nullableString,
      }),
    ),
    consents: z.array(z.object({ brandId: z.string(), purpose: z.string(), channel: z.string(), granted: z.boolean(), at: nullableString })),
    timeline: z
      .array(timelineEntryResponseSchema)
      .describe('The last 20 visible entries, newest first by occurredAt; profile maintenance (consent, preference, identity and profile changes) is left out here and stays on the timeline'),
    cues: z.array(cueSchema),
    mergedGuests: z.array(z.string()).describe('Guests merged into this one; their history is included'),
    mergedInto: nullableString,
  })
  .meta({ id: 'GuestView' });

export type GuestViewResponse = z.output<typeof guestViewResponseSchema>;

type Relationship = { visits: number; stays: number; nights: number; firstVisitAt: string | null; lastVisitAt: string | null; spend: Record<string, number>; lastInteractionAt: string | null };

function emptyRelationship(): Relationship {
  return { visits: 0, stays: 0, nights: 0, firstVisitAt: null, lastVisitAt: null, spend: {}, lastInteractionAt: null };
}

function addBucket(r: Relationship, b: BucketStats): Relationship {
  let spend = r.spend;
  for (const [currency, minor] of Object.entries(b.spend)) spend = addMoney(spend, { currency, minor });
  return {
    visits: r.visits + b.visits,
    stays: r.stays + b.stays,
    nights: r.nights + b.nights,
    firstVisitAt: earliest(r.firstVisitAt, b.firstVisitAt),
    lastVisitAt: latest(r.lastVisitAt, b.lastVisitAt),
    spend,
    lastInteractionAt: latest(r.lastInteractionAt, b.lastEntryAt),
  };
}

function relationshipOut(r: Relationship) {
  return { visits: r.visits, stays: r.stays, nights: r.nights, firstVisitAt: r.firstVisitAt, lastVisitAt: r.lastVisitAt, spend: formatTotals(r.spend) };
}

function displayNameOf(name: ProfileSnapshot['name']): string | null {
  if (!name) return null;
  const parts = [name.title, name.given, name.family].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return parts.length > 0 ? parts.join(' ') : null;
}

export type PresentViewOptions = {
  scope: ViewerScope;
  /** The current time; cues and "recent" windows use `asOf` instead when it is given. */
  now: string;
  /** For a view folded up to a past moment: that moment. */
  asOf?: string | null;
};

/**
 * What one caller sees of a (combined) guest view: only buckets of brands it may see, shared or private to
 * its own brand (chain-wide callers: everything). Totals, brand relationships, complaints, tickets, loyalty,
 * analytics and cues are computed from visible data only. After erasure every personal field is null.
 */
export function presentView(combined: GuestViewState, options: PresentViewOptions): GuestViewResponse {
  const { scope } = options;
  const asOf = options.asOf ?? null;
  const at = asOf ?? options.now;
  const atMs = instant(at);
  const erased = combined.erasedAt !== null;
  const visibleKey = (key: string | null) => key !== null && isScopeKeyVisible(key, scope);

  let totals = emptyRelationship();
  const byBrand = new Map<string, Relationship>();
  const recent: TimelineEntry[] = [];
  for (const [key, bucket] of Object.entries(combined.buckets)) {
    if (!visibleKey(key)) continue;
    totals = addBucket(totals, bucket);
    const { brandId } = parseScopeKey(key);
    if (brandId !== null) byBrand.set(brandId, addBucket(byBrand.get(brandId) ?? emptyRelationship(), bucket));
    recent.push(...bucket.recent);
  }
  const brands = [...byBrand.entries()]
    .map(([brandId, r]) => ({ brandId, ...relationshipOut(r), lastInteractionAt: r.lastInteractionAt }))
    .sort((a, b) => (a.lastVisitAt === b.lastVisitAt ? a.brandId.localeCompare(b.brandId) : a.lastVisitAt === null ? 1 : b.lastVisitAt === null ? -1 : compareInstants(b.lastVisitAt, a.lastVisitAt)));

  // states folded before profile-maintenance events were left out may still hold some
  const timeline = newestEntries(recent.filter(isShownInView)).map((e) => toEntryResponse(erased ? { ...e, personal: null } : e));

  const tickets = Object.values(combined.tickets).filter((t) => visibleKey(t.scopeKey));
  const ticketStatus = new Map(Object.values(combined.tickets).map((t) => [t.ticketId, t.status]));
  const openTickets = tickets
    .filter((t) => !CLOSED_TICKET_STATUSES.has(t.status))
    .sort((a, b) => compareInstants(b.openedAt ?? b.updatedAt, a.openedAt ?? a.updatedAt))
    .map((t) => ({ ticketId: t.ticketId, status: t.status, brandId: t.brandId, category: t.category, priority: t.priority, openedAt: t.openedAt, updatedAt: t.updatedAt }));

  const complaints = Object.values(combined.complaints)
    .filter((c) => c.entryId !== null && visibleKey(c.scopeKey))
    .map((c) => {
      const recoveries = c.recoveries.filter((r) => visibleKey(r.scopeKey));
      const status = c.ticketId !== null && ticketStatus.has(c.ticketId) ? ticketStatus.get(c.ticketId)! : undefined;
      const open = status !== undefined ? !CLOSED_TICKET_STATUSES.has(status) : recoveries.length === 0;
      return { complaint: c, recoveries, open };
    });
  const recentSince = atMs - RECENT_COMPLAINT_DAYS * DAY_MS;
  const recentComplaints = complaints
    .filter(({ complaint, open }) => open || (complaint.occurredAt !== null && instant(complaint.occurredAt) >= recentSince))
    .sort((a, b) => compareInstants(b.complaint.occurredAt ?? '', a.complaint.occurredAt ?? ''))
    .slice(0, RECENT_COMPLAINTS_SHOWN)
    .map(({ complaint: c, recoveries, open }) => ({
      complaintId: c.complaintId,
      status: open ? ('open' as const) : ('resolved' as const),
      brandId: c.brandId,
      propertyId: c.propertyId,
      ticketId: c.ticketId,
      category: c.category,
      severity: c.severity,
      occurredAt: c.occurredAt,
      description: erased ? null : c.description,
      recoveries: recoveries.map((r) => ({ entryId: r.entryId, brandId: r.brandId, action: r.action, value: r.value ? formatMoney(r.value) : null, occurredAt: r.occurredAt, note: erased ? null : r.note })),
    }));

  const loyaltyStates = Object.entries(combined.loyalty).filter(([key]) => visibleKey(key)).map(([, l]) => l);
  const loyaltyState = loyaltyStates.length > 0 ? loyaltyStates.reduce(combineLoyalty) : null;
  const loyalty = loyaltyState
    ? {
        available: true as const,
        brandId: loyaltyState.brandId,
        programId: loyaltyState.programId,
        tier: loyaltyState.tier,
        pointsBalance: loyaltyState.pointsBalance,
        pointsExpiring: loyaltyState.pointsExpiring,
        asOf: loyaltyState.updatedAt,
      }
    : { available: false as const };

  const analyticsStates = Object.entries(combined.analytics).filter(([key]) => visibleKey(key)).map(([, a]) => a);
  const analyticsState = analyticsStates.length > 0 ? analyticsStates.reduce(combineAnalytics) : null;
  const analytics = analyticsState
    ? {
        available: true as const,
        segments: analyticsState.segments ?? [],
        valueScore: analyticsState.valueScore,
        riskScore: analyticsState.riskScore,
        offer: analyticsState.offer,
        asOf: analyticsState.updatedAt,
      }
    : { available: false as const };

  const profile = combined.profile ? (erased ? scrubProfile(combined.profile) : combined.profile) : null;
  const identity =
    profile || erased
      ? {
          guestId: combined.guestId,
          status: erased ? ('erased' as const) : combined.mergedInto ? ('merged' as const) : (profile?.status ?? 'active'),
          erased,
          displayName: erased ? null : displayNameOf(profile?.name ?? null),
          name: erased || !profile?.name ? null : { title: profile.name.title ?? null, given: profile.name.given ?? null, family: profile.name.family ?? null },
          dateOfBirth: erased ? null : (profile?.dateOfBirth ?? null),
          language: profile?.language ?? null,
          customerType: profile?.customerType ?? null,
          lifecycleStage: profile?.lifecycleStage ?? null,
          identifiers: (profile?.identifiers ?? []).map((i) => ({ type: i.type, masked: erased ? null : i.masked })),
          asOf: profile?.takenAt ?? null,
        }
      : null;

  const visiblePreferences = (profile?.preferences ?? []).filter((p) => isBucketVisible(scope, p.scope, p.brandId));
  const preferences = visiblePreferences
    .filter((p) => p.kind === 'preference')
    .map((p) => ({ key: p.key, scope: p.scope, brandId: p.brandId, value: p.value, setAt: p.setAt }));
  const today = Number.isNaN(atMs) ? '' : new Date(atMs).toISOString().slice(0, 10);
  const specialRequests = [
    ...visiblePreferences
      .filter((p) => p.kind === 'special-request')
      .map((p) => ({ source: 'profile' as const, key: p.key, reservationId: null, brandId: p.brandId, propertyId: null, arrivalDate: null, value: p.value, setAt: p.setAt })),
    ...Object.values(combined.reservations)
      .filter((r) => r.status === 'booked' && r.specialRequests !== null && !erased && visibleKey(r.scopeKey) && (r.departureDate ?? r.arrivalDate ?? '') >= today)
      .sort((a, b) => (a.arrivalDate ?? '').localeCompare(b.arrivalDate ?? '') || a.reservationId.localeCompare(b.reservationId))
      .map((r) => ({ source: 'reservation' as const, key: null, reservationId: r.reservationId, brandId: r.brandId, propertyId: r.propertyId, arrivalDate: r.arrivalDate, value: r.specialRequests, setAt: r.statusAt })),
  ];

  const consents = (profile?.consents ?? [])
    .filter((c) => isBucketVisible(scope, 'shared', c.brandId))
    .map((c) => ({ brandId: c.brandId, purpose: c.purpose, channel: c.channel, granted: c.granted, at: c.at }))
    .sort((a, b) => a.brandId.localeCompare(b.brandId) || a.purpose.localeCompare(b.purpose) || a.channel.localeCompare(b.channel));

  const cueInput: CueInput = {
    loyalty: loyaltyState ? { tier: loyaltyState.tier, elite: loyaltyState.elite, pointsExpiring: loyaltyState.pointsExpiring } : null,
    analytics: analyticsState ? { segments: analyticsState.segments ?? [], riskScore: analyticsState.riskScore, offer: analyticsState.offer } : null,
    complaints: complaints.map(({ complaint, recoveries, open }) => ({
      complaintId: complaint.complaintId,
      open,
      category: complaint.category,
      severity: complaint.severity,
      occurredAt: complaint.occurredAt,
      recoveries: recoveries.length,
    })),
    dateOfBirth: erased ? null : (profile?.dateOfBirth ?? null),
    callerBrandId: scope.brandId,
    visitsToCallerBrand: scope.brandId ? (byBrand.get(scope.brandId)?.visits ?? 0) : 0,
  };

  return {
    guestId: combined.guestId,
    generatedAt: options.now,
    asOf,
    brandId: scope.brandId,
    identity,
    brands,
    totals: relationshipOut(totals),
    loyalty,
    analytics,
    openTickets,
    recentComplaints,
    preferences,
    specialRequests,
    consents,
    timeline,
    cues: computeCues(cueInput, at),
    mergedGuests: combined.linked.map((l) => l.guestId),
    mergedInto: combined.mergedInto?.survivorId ?? null,
  };
}
