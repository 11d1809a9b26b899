import type { EventStore, StoredEvent } from '@hearth/event-store';
import { createProjectionRunner, eventStoreSource, type DocumentKey, type DocumentSession, type DocumentStore, type ProjectionRunner, type TenantDocuments } from '@hearth/read-models';
import { guestIdOfStream, TIMELINE_CATEGORY } from '../../app/timeline-store';
import { reservationOf } from '../../domain/arrivals';
import { scopeKeyOf } from '../../domain/entry-scope';
import { evolveGuestView, initialGuestView, type GuestViewState } from '../../domain/guest-view';
import type { TimelineEntry } from '../../domain/timeline.types';
import { arrivals, guestViews, TIMELINE_COLLECTIONS, timelineEntries, type ArrivalDocument, type TimelineEntryDocument } from './timeline.collections';

/** Checkpoint name of the projection (also its metric and span label). */
export const TIMELINE_PROJECTION = 'timeline--read-models';

/** occurredAt as the documents index it: UTC with milliseconds, so offsets sort correctly as strings. */
export function indexedInstant(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString();
}

/** The entry of an EntryRecorded event, or undefined when it is not one the read models can index. */
function entryOf(event: StoredEvent, guestId: string): TimelineEntry | undefined {
  const entry = (event.data as { entry?: unknown } | null)?.entry as TimelineEntry | undefined;
  if (!entry || typeof entry !== 'object' || typeof entry.entryId !== 'string' || typeof entry.type !== 'string' || typeof entry.occurredAt !== 'string') return undefined;
  // the stream names the guest (entries never move)
  return { ...entry, guestId, personal: entry.personal ?? null };
}

function entryDocument(entry: TimelineEntry, tenantId: string, position: number): TimelineEntryDocument {
  return {
    id: entry.entryId,
    tenantId,
    version: position,
    guestId: entry.guestId,
    occurredAt: indexedInstant(entry.occurredAt),
    type: entry.type,
    brandId: entry.brandId ?? null,
    scopeKey: scopeKeyOf(entry),
    position,
    json: JSON.stringify(entry),
  };
}

const later = (a: string, b: string | null) => b === null || Date.parse(a) >= Date.parse(b);

/**
 * A reservation touchpoint merged into what is known of the reservation: details come from the latest
 * booking (by occurredAt), the status from the latest booking or cancellation (entries arrive in any order).
 */
function arrivalOf(existing: ArrivalDocument | undefined, entry: TimelineEntry, tenantId: string, position: number): ArrivalDocument | undefined {
  const fact = reservationOf(entry);
  if (!fact) return undefined;
  const booking = fact.status === 'booked' && (!existing || later(entry.occurredAt, existing.bookedAt));
  const statusWins = !existing || later(entry.occurredAt, existing.statusAt);
  const base: ArrivalDocument = existing ?? {
    id: fact.reservationId,
    tenantId,
    version: position,
    propertyId: fact.propertyId,
    arrivalDate: null,
    departureDate: null,
    guestId: entry.guestId,
    status: fact.status,
    statusAt: entry.occurredAt,
    bookedAt: null,
    brandId: fact.brandId,
    scopeKey: scopeKeyOf(entry),
    entryId: null,
  };
  return {
    ...base,
    version: position,
    ...(booking
      ? {
          guestId: entry.guestId,
          propertyId: fact.propertyId,
          arrivalDate: fact.arrivalDate ?? null,
          departureDate: fact.departureDate ?? null,
          bookedAt: entry.occurredAt,
          brandId: fact.brandId,
          scopeKey: scopeKeyOf(entry),
          entryId: entry.entryId,
        }
      : {}),
    ...(statusWins ? { status: fact.status, statusAt: entry.occurredAt } : {}),
  };
}

/** Rewrites the guest's entry documents without personal data (erasure). */
async function purgeEntries(docs: TenantDocuments, guestId: string, position: number): Promise<void> {
  const found: TimelineEntryDocument[] = [];
  let cursor: string | undefined;
  do {
    const page = await docs.find(timelineEntries, { guestId }, { limit: 1000, ...(cursor ? { cursor } : {}) });
    found.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  for (const doc of found) {
    const entry = JSON.parse(doc.json) as TimelineEntry;
    if (entry.personal === null) continue;
    await docs.upsert(timelineEntries, { ...doc, version: position, json: JSON.stringify({ ...entry, personal: null }) });
  }
}

/**
 * The timeline projection: one decrypted `timeline-<guestId>` event applied in the runner's session.
 * - `guest_views`: the guest's `GuestViewState` (the domain's fold), version = global position;
 * - `timeline_entries`: one document per EntryRecorded (after erasure without personal data);
 * - `arrivals`: reservations from reservation touchpoints;
 * - GuestErasureRecorded: the guest's entry documents are rewritten with `personal: null` (the fold
 *   scrubs the view itself).
 */
export async function projectTimelineEvent(event: StoredEvent, session: DocumentSession): Promise<void> {
  const guestId = guestIdOfStream(event.streamName);
  if (!guestId) return;
  const tenantId = event.metadata.tenantId;
  const position = event.globalPosition;
  const docs = session.forTenant(tenantId);
  const current = await docs.get(guestViews, guestId);
  if (current && current.version >= position) return; // already applied (replay after a lost checkpoint)
  const state: GuestViewState = current ? (JSON.parse(current.json) as GuestViewState) : initialGuestView(guestId, tenantId);
  const next = evolveGuestView(state, { type: event.type, data: event.data, recordedAt: event.recordedAt });
  await docs.upsert(guestViews, { id: guestId, tenantId, version: position, json: JSON.stringify(next) });

  if (event.type === 'EntryRecorded') {
    const recorded = entryOf(event, guestId);
    if (!recorded) return;
    // another instance may still hold the destroyed key for a while: never index personal data of an erased guest
    const entry = next.erasedAt ? { ...recorded, personal: null } : recorded;
    await docs.upsert(timelineEntries, entryDocument(entry, tenantId, position));
    if (reservationOf(entry)) {
      const reservationId = String(entry.facts.reservationId);
      const arrival = arrivalOf(await docs.get(arrivals, reservationId), entry, tenantId, position);
      if (arrival) await docs.upsert(arrivals, arrival);
    }
  } else if (event.type === 'GuestErasureRecorded') {
    await purgeEntries(docs, guestId, position);
  }
}

/** Documents a batch will read (one round trip per collection instead of one per event). */
export function prefetchKeys(events: readonly StoredEvent[]): DocumentKey[] {
  const keys: DocumentKey[] = [];
  for (const event of events) {
    const guestId = guestIdOfStream(event.streamName);
    if (!guestId) continue;
    keys.push({ collection: guestViews, tenantId: event.metadata.tenantId, id: guestId });
    if (event.type === 'EntryRecorded') {
      const entry = (event.data as { entry?: TimelineEntry } | null)?.entry;
      const reservationId = entry?.facts?.reservationId;
      if ((entry?.type === 'reservation-made' || entry?.type === 'reservation-cancelled') && typeof reservationId === 'string') {
        keys.push({ collection: arrivals, tenantId: event.metadata.tenantId, id: reservationId });
      }
    }
  }
  return keys;
}

export type TimelineProjectionOptions = {
  /** The DECRYPTING event store (CryptoShreddingEventStore): views and entries show personal text. */
  events: EventStore;
  store: DocumentStore;
  onError?: (error: unknown, context: { position: number | undefined; attempt: number }) => void;
  maxBatchSize?: number;
};

/** The runner keeping `guest_views`, `timeline_entries` and `arrivals` (checkpoint `timeline--read-models`). */
export function createTimelineProjection(options: TimelineProjectionOptions): ProjectionRunner {
  return createProjectionRunner<StoredEvent>({
    name: TIMELINE_PROJECTION,
    source: eventStoreSource(options.events, { categories: [TIMELINE_CATEGORY] }),
    project: projectTimelineEvent,
    store: options.store,
    collections: TIMELINE_COLLECTIONS,
    prefetch: prefetchKeys,
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.maxBatchSize ? { maxBatchSize: options.maxBatchSize } : {}),
  });
}
