import type { StoredEvent } from '@hearth/event-store';
import type { Collection, DocumentKey } from '@hearth/read-models';

const GUEST_STREAM_PREFIX = 'guest-';

/** The guest a `guest-<id>` stream belongs to; undefined for other streams. */
export const guestIdOfStream = (streamName: string): string | undefined =>
  streamName.startsWith(GUEST_STREAM_PREFIX) ? streamName.slice(GUEST_STREAM_PREFIX.length) : undefined;

/** A projection runner's `prefetch` for per-guest documents: the documents of the guests a batch touches. */
export function prefetchGuestDocuments(collection: Collection): (events: readonly StoredEvent[]) => DocumentKey[] {
  return (events) =>
    events.flatMap((e) => {
      const id = guestIdOfStream(e.streamName);
      return id === undefined ? [] : [{ collection, tenantId: e.metadata.tenantId, id }];
    });
}
