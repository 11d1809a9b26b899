/**
 * The timeline's vocabulary, shared by the domain (folds, cues, scoping), the use cases and the adapters.
 * Types only. One stream per guest: `timeline-<guestId>`, where guestId is the id the touchpoint or
 * integration event named; merges never move entries between streams (they link streams, so an unmerge
 * is exact).
 */

/** Money in minor units of an ISO 4217 currency (EUR 240.00 → { currency: 'EUR', minor: 24000 }). */
export type Money = { currency: string; minor: number };

export type Visibility = 'shared' | 'brand';

/** Built-in touchpoint types accepted by `POST /v1/touchpoints`. */
export const touchpointTypes = [
  'reservation-made',
  'reservation-cancelled',
  'stay',
  'dining-visit',
  'purchase',
  'call',
  'email',
  'chat',
  'web-visit',
  'note',
  'complaint',
  'service-recovery',
  'survey-response',
] as const;
export type TouchpointType = (typeof touchpointTypes)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * One entry on a guest's timeline: a touchpoint posted to the API (`kind: 'touchpoint'`) or an integration
 * event of any Hearth service that names the guest (`kind: 'event'`, `type` = the contract type).
 * `facts` are non-personal (amounts, nights, scores, ids) and survive erasure; `personal` holds free text
 * and anything else personal (encrypted at rest with the guest's key, null after erasure).
 */
export type TimelineEntry = {
  entryId: string;
  guestId: string;
  kind: 'touchpoint' | 'event';
  type: string;
  /** Contract version for `kind: 'event'`. */
  contractVersion?: number;
  /** `touchpoints-api` or the publishing service (envelope `source`). */
  source: string;
  /** The caller's idempotency key / source event id / envelope id this entry was recorded for. */
  sourceEventId?: string;
  brandId: string | null;
  propertyId: string | null;
  channel: string | null;
  occurredAt: string;
  recordedAt: string;
  actor: string;
  visibility: Visibility;
  amount: Money | null;
  facts: Record<string, JsonValue>;
  personal: Record<string, JsonValue> | null;
};

/** What customer-profile told the timeline about the guest (via `rpc.customer-profile.guest-summary`). */
export type ProfileSnapshot = {
  status: 'active' | 'merged' | 'erased';
  /** Personal. */
  name: { title?: string | null; given?: string | null; family?: string | null } | null;
  /** Personal, YYYY-MM-DD. */
  dateOfBirth: string | null;
  language: string | null;
  customerType: string | null;
  lifecycleStage: string | null;
  /** Identifier types held, with masked values (personal), e.g. { type: 'email', masked: 'a***@example.com' }. */
  identifiers: { type: string; masked: string | null }[];
  preferences: { key: string; kind: 'preference' | 'special-request'; scope: Visibility; brandId: string | null; value: JsonValue | null; setAt: string | null }[];
  consents: { brandId: string; purpose: string; channel: string; granted: boolean; at: string | null }[];
  takenAt: string;
};

/** Domain events stored in `timeline-<guestId>` streams. */
export type TimelineEvent =
  | { type: 'EntryRecorded'; data: { entry: TimelineEntry } }
  | { type: 'ProfileSnapshotRecorded'; data: { guestId: string; profile: ProfileSnapshot } }
  /** Recorded in both streams of a merge. */
  | { type: 'GuestLinked'; data: { mergeId: string; survivorId: string; mergedId: string; at: string } }
  | { type: 'GuestUnlinked'; data: { mergeId: string; survivorId: string; mergedId: string; at: string } }
  | { type: 'GuestErasureRecorded'; data: { guestId: string; erasedAt: string } };

/** Fields of stored timeline events that are personal (for `CryptoShreddingEventStore`). */
export const TIMELINE_PERSONAL_DATA = {
  EntryRecorded: { fields: ['entry.personal'] },
  ProfileSnapshotRecorded: { fields: ['profile.name', 'profile.dateOfBirth', 'profile.identifiers[*].masked', 'profile.preferences[*].value'] },
} as const;

/** Who is looking (brand scoping; defined with the resolution in @hearth/customer-profile-client). */
export type { ViewerScope } from '@hearth/customer-profile-client';
