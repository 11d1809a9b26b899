import type { CachedDocumentReader, DocumentStore, Filter, PostgresDocumentStore } from '@hearth/read-models';
import type { Arrival, EntryPage, EntryQuery, StoredGuestView, TimelineReadModel } from '../../app/read-model.port';
import { linkedGuestIds, type GuestViewState } from '../../domain/guest-view';
import type { TimelineEntry } from '../../domain/timeline.types';
import { indexedInstant } from './timeline.projection';
import { arrivals, guestViews, timelineEntries, type ArrivalDocument, type GuestViewDocument } from './timeline.collections';

/** A stored view as the use cases read it (`StoredGuestView`: the JSON kept, parsed on demand). Shared by cached readers. */
export function viewOf(doc: GuestViewDocument): StoredGuestView {
  const json = doc.json;
  // parsed once here for what every read needs; the first state() (a view just read is presented next) takes
  // this parse instead of repeating it, later ones parse the kept text again
  let parsed: GuestViewState | undefined = JSON.parse(json) as GuestViewState;
  const state = () => {
    const out = parsed ?? (JSON.parse(json) as GuestViewState);
    parsed = undefined;
    return out;
  };
  return { guestId: doc.id, version: doc.version, mergedInto: parsed.mergedInto, linked: linkedGuestIds(parsed), state };
}

/**
 * Guest views read through a cache in this process, kept exact by the projection's announcements (the
 * store's `changeFeed` must include `guest_views`). Views the projection of this process commits are kept
 * as written (write-through): the first read after a touchpoint changed a view costs no database round
 * trip in the process running the projection. Bounded by count and by the size of the views' JSON text.
 */
export function cachedGuestViews(store: PostgresDocumentStore, bounds: { maxEntries?: number; maxMiB?: number } = {}): CachedDocumentReader<StoredGuestView> {
  return store.cachedReader(guestViews, {
    maxEntries: bounds.maxEntries ?? 50_000,
    sizeOf: (doc) => doc.json.length,
    maxSize: (bounds.maxMiB ?? 256) * 1024 * 1024,
    map: viewOf,
    writeThrough: true,
  });
}

const arrivalOf = (doc: ArrivalDocument): Arrival => ({
  reservationId: doc.id,
  guestId: doc.guestId,
  propertyId: doc.propertyId,
  arrivalDate: doc.arrivalDate,
  departureDate: doc.departureDate,
  status: doc.status,
  brandId: doc.brandId,
  scopeKey: doc.scopeKey,
  entryId: doc.entryId,
});

/**
 * The use cases' read side over the timeline's documents (`guest_views`, `timeline_entries`, `arrivals`).
 * `viewCache`: guest views read through an in-process cache kept exact by the read models' change feed
 * (`cachedGuestViews`): a view read then costs no
 * database round trip until the projection changes that guest.
 */
export function createTimelineReadModel(store: DocumentStore, options: { viewCache?: CachedDocumentReader<StoredGuestView> } = {}): TimelineReadModel {
  const { viewCache } = options;
  return {
    async guestView(tenantId, guestId) {
      if (viewCache) return viewCache.get(tenantId, guestId);
      const doc = await store.forTenant(tenantId).get(guestViews, guestId);
      return doc ? viewOf(doc) : undefined;
    },
    async hasGuest(tenantId, guestId) {
      return (await store.forTenant(tenantId).count(guestViews, { id: guestId })) > 0;
    },
    async guestViews(tenantId, guestIds) {
      const out = new Map<string, StoredGuestView>();
      const unique = [...new Set(guestIds)];
      for (let i = 0; i < unique.length; i += 1000) {
        const page = await store.forTenant(tenantId).find(guestViews, { id: { $in: unique.slice(i, i + 1000) } }, { limit: 1000 });
        for (const doc of page.items) out.set(doc.id, viewOf(doc));
      }
      return out;
    },
    async entry(tenantId, entryId) {
      const doc = await store.forTenant(tenantId).get(timelineEntries, entryId);
      return doc ? { entry: JSON.parse(doc.json) as TimelineEntry, position: doc.position } : undefined;
    },
    async entries(tenantId, query: EntryQuery): Promise<EntryPage> {
      const range: { $gte?: string; $lt?: string } = {};
      if (query.from !== undefined) range.$gte = indexedInstant(query.from);
      if (query.to !== undefined) range.$lt = indexedInstant(query.to);
      const filter: Record<string, Filter[string]> = { guestId: query.guestIds.length === 1 ? query.guestIds[0]! : { $in: query.guestIds } };
      if (query.scopeKeys) filter.scopeKey = { $in: query.scopeKeys };
      if (query.types?.length) filter.type = { $in: query.types };
      if (query.brandIds?.length) filter.brandId = { $in: query.brandIds };
      if (range.$gte !== undefined || range.$lt !== undefined) filter.occurredAt = range;
      const page = await store.forTenant(tenantId).find(timelineEntries, filter, {
        sort: { field: 'occurredAt', direction: 'desc' },
        limit: query.limit,
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      });
      return { items: page.items.map((doc) => JSON.parse(doc.json) as TimelineEntry), ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}) };
    },
    async arrivals(tenantId, propertyId, date) {
      const out: Arrival[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.forTenant(tenantId).find(arrivals, { propertyId, arrivalDate: date, status: 'booked' }, { limit: 500, ...(cursor ? { cursor } : {}) });
        out.push(...page.items.map(arrivalOf));
        cursor = page.nextCursor;
      } while (cursor);
      return out;
    },
  };
}
