import { defineCollection, type BaseDocument } from '@hearth/read-models';

/**
 * The timeline's read models (PostgreSQL documents in the service's schema), filled by the
 * `timeline--read-models` projection. Payloads that come from other systems (facts of integration
 * events, the guest view folded from them) are stored as JSON text in `json`: their keys may be
 * anything a producer sent (dots, `$`), which document stores do not accept as keys, and one bad key
 * must never stall the projection. Declared fields are what queries use.
 */

/** One guest's view state (own stream only; linked guests are combined at read time). id = guestId. */
export type GuestViewDocument = BaseDocument & {
  /** `GuestViewState` as JSON text. */
  json: string;
};

/** One timeline entry. id = entryId. */
export type TimelineEntryDocument = BaseDocument & {
  guestId: string;
  occurredAt: string;
  type: string;
  /** Null for brandless entries. */
  brandId: string | null;
  /** `${visibility}:${brandId ?? ''}` (brand scoping). */
  scopeKey: string;
  /** Global position of the EntryRecorded event (the SSE id; `version` moves when erasure rewrites the document). */
  position: number;
  /** `TimelineEntry` as JSON text. */
  json: string;
};

/** One reservation for the arrivals briefing. id = reservationId. */
export type ArrivalDocument = BaseDocument & {
  /** Null while only a cancellation is known (no booking seen yet). */
  propertyId: string | null;
  arrivalDate: string | null;
  departureDate: string | null;
  guestId: string;
  status: 'booked' | 'cancelled';
  /** occurredAt of the touchpoint that set the status (out-of-order arrival: the later one wins). */
  statusAt: string;
  /** occurredAt of the booking the details come from (a later booking of the same reservation updates them). */
  bookedAt: string | null;
  brandId: string | null;
  scopeKey: string;
  /** The reservation-made entry (its special requests are in the guest view). */
  entryId: string | null;
};

export const guestViews = defineCollection<GuestViewDocument>({ name: 'guest_views' });

export const timelineEntries = defineCollection<TimelineEntryDocument>({
  name: 'timeline_entries',
  fields: { guestId: 'string', occurredAt: 'string', type: 'string', brandId: 'string', scopeKey: 'string' },
  // (guestId, occurredAt) serves the page query newest first and the erasure rewrite; the others cover
  // the filters a page may add (every declared field must be covered by an index).
  indexes: [{ fields: ['guestId', 'occurredAt'] }, { fields: ['guestId', 'type', 'occurredAt'] }, { fields: ['guestId', 'scopeKey', 'brandId'] }],
});

export const arrivals = defineCollection<ArrivalDocument>({
  name: 'arrivals',
  fields: { propertyId: 'string', arrivalDate: 'string', guestId: 'string', status: 'string' },
  indexes: [{ fields: ['propertyId', 'arrivalDate', 'status'] }, { fields: ['guestId'] }],
});

/** Every collection the projection writes (for `rebuild()`). */
export const TIMELINE_COLLECTIONS = [guestViews, timelineEntries, arrivals] as const;
