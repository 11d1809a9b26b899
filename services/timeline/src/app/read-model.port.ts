import type { GuestViewState } from '../domain/guest-view';
import type { TimelineEntry } from '../domain/timeline.types';

/**
 * A guest's stored view (own stream only) with the global position it reflects. Cached views are kept
 * as their JSON text: `state()` parses it on each call (a read answered by a kept rendering never does),
 * so a process holding many views holds flat strings instead of object graphs the GC must trace and copy.
 * What every read needs comes parsed: whether the guest was merged, and the guests linked into it.
 */
export type StoredGuestView = {
  guestId: string;
  version: number;
  mergedInto: GuestViewState['mergedInto'];
  /** Guests merged into this one (`linkedGuestIds`). */
  linked: readonly string[];
  state(): GuestViewState;
};

/** One page query of a timeline (already scoped: the caller's visible guests and scope keys). */
export type EntryQuery = {
  guestIds: readonly string[];
  /** Visible scope keys; undefined = no brand restriction (chain-wide callers). */
  scopeKeys?: readonly string[] | undefined;
  types?: readonly string[] | undefined;
  brandIds?: readonly string[] | undefined;
  /** Inclusive lower bound of occurredAt (ISO). */
  from?: string | undefined;
  /** Exclusive upper bound of occurredAt (ISO). */
  to?: string | undefined;
  limit: number;
  cursor?: string | undefined;
};

/** Throws the store's `INVALID_CURSOR` error for a cursor of another query. */
export type EntryPage = { items: TimelineEntry[]; nextCursor?: string };

/** A reservation on the arrivals list. */
export type Arrival = {
  reservationId: string;
  guestId: string;
  propertyId: string | null;
  arrivalDate: string | null;
  departureDate: string | null;
  status: 'booked' | 'cancelled';
  brandId: string | null;
  scopeKey: string;
  entryId: string | null;
};

/** The timeline's read models as the use cases read them (PostgreSQL documents in production). */
export interface TimelineReadModel {
  guestView(tenantId: string, guestId: string): Promise<StoredGuestView | undefined>;
  /** Whether the guest has a timeline (cheaper than reading its view). */
  hasGuest(tenantId: string, guestId: string): Promise<boolean>;
  guestViews(tenantId: string, guestIds: readonly string[]): Promise<Map<string, StoredGuestView>>;
  entry(tenantId: string, entryId: string): Promise<{ entry: TimelineEntry; position: number } | undefined>;
  entries(tenantId: string, query: EntryQuery): Promise<EntryPage>;
  /** Booked (not cancelled) reservations arriving on `date` at the property. */
  arrivals(tenantId: string, propertyId: string, date: string): Promise<Arrival[]>;
}
