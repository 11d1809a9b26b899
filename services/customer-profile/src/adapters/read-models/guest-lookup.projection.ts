import { aggregateStream, type EventStore, type StoredEvent } from '@hearth/event-store';
import { createProjectionRunner, eventStoreSource, type DocumentSession, type DocumentStore, type ProjectionRunner, type TenantDocuments } from '@hearth/read-models';
import { guestStream, identityStream } from '../../app/profile-context';
import { guestDecider, type GuestState } from '../../domain/guest.decider';
import type { GuestEvent } from '../../domain/guest.events';
import { MAX_MERGE_HOPS } from '../../app/guest-lookup';
import { guestIdOfStream, prefetchGuestDocuments } from './guest-streams';
import { claimKeyId, GUEST_LOOKUP_COLLECTIONS, guestLookupDocuments, guestLookupKeys, type GuestLookupDocument } from './guest-lookup.collections';

/** Checkpoint name of the projection (also its metric and span label). */
export const GUEST_LOOKUP_PROJECTION = 'customer-profile--guest-lookup';

export type GuestLookupProjectionDeps = {
  /** The DECRYPTING event store: a gap in a guest's document is healed by folding its stream again. */
  events: EventStore;
  /** The pepper of the identity-claim stream names (the key documents are named like the claims). */
  identityPepper: string;
};

/** The key document ids a guest should have: one per identifier it lists while active or merged. */
function keyIdsOf(doc: Pick<GuestLookupDocument, 'tenantId' | 'state'> | undefined, pepper: string): Set<string> {
  if (!doc || (doc.state.status !== 'active' && doc.state.status !== 'merged')) return new Set();
  // erased values read back as null; such an identifier names nothing
  const listed = doc.state.identities.filter((i) => typeof i.value === 'string' && i.value !== '');
  return new Set(listed.map((i) => claimKeyId(identityStream({ identityPepper: pepper }, doc.tenantId, i))));
}

async function deleteKeysOf(docs: TenantDocuments, guestId: string, beforeVersion?: number): Promise<void> {
  const found: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await docs.find(guestLookupKeys, { guestId }, { limit: 500, ...(cursor ? { cursor } : {}) });
    found.push(...page.items.map((k) => k.id));
    cursor = page.nextCursor;
  } while (cursor);
  for (const id of found) await docs.delete(guestLookupKeys, id, beforeVersion === undefined ? {} : { beforeVersion });
}

/**
 * Deletes the guest's document and keys, and the documents of the survivors it was merged into (up the
 * chain): a survivor's state may hold values it won from this guest, which are this guest's personal data.
 * Those survivors answer from the event store (where the values now read as null) until their next event
 * brings their documents back. Used by the erasure hook (at once) and by the projection on GuestErased.
 */
export async function purgeGuestLookup(docs: TenantDocuments, guestId: string, beforeVersion?: number): Promise<void> {
  const options = beforeVersion === undefined ? {} : { beforeVersion };
  const seen = new Set<string>();
  for (let id: string | undefined = guestId; id !== undefined && !seen.has(id) && seen.size <= MAX_MERGE_HOPS; ) {
    seen.add(id);
    const doc: GuestLookupDocument | undefined = await docs.get(guestLookupDocuments, id);
    await docs.delete(guestLookupDocuments, id, options);
    id = doc?.state.mergedInto?.survivorId;
  }
  await deleteKeysOf(docs, guestId, beforeVersion);
}

/** Writes the guest's document (or deletes it once the guest is erased) and makes its key documents match. */
async function save(docs: TenantDocuments, previous: GuestLookupDocument | undefined, next: GuestLookupDocument, pepper: string): Promise<void> {
  const live = next.state.status === 'active' || next.state.status === 'merged';
  const before = keyIdsOf(previous, pepper);
  const after = keyIdsOf(next, pepper);
  for (const id of before) if (!after.has(id)) await docs.delete(guestLookupKeys, id, { beforeVersion: next.version });
  // without a previous document the keys may exist or not (a purge, a first run): write them all
  for (const id of after) if (!before.has(id) || !previous) await docs.upsert(guestLookupKeys, { id, tenantId: next.tenantId, version: next.version, guestId: next.id });
  if (live) await docs.upsert(guestLookupDocuments, next);
  else await docs.delete(guestLookupDocuments, next.id, { beforeVersion: next.version });
}

/**
 * Applies one decrypted guest event. The document follows the stream version by version; when it does
 * not line up (the document was purged, or the projection starts on an existing store) the guest's stream
 * is folded again from the event store, so the document is never built from a partial history.
 */
export async function projectGuestLookup(event: StoredEvent, session: DocumentSession, deps: GuestLookupProjectionDeps): Promise<void> {
  const guestId = guestIdOfStream(event.streamName);
  if (guestId === undefined) return;
  const tenantId = event.metadata.tenantId;
  const position = event.globalPosition;
  const docs = session.forTenant(tenantId);
  const current = await docs.get(guestLookupDocuments, guestId);
  if (current && current.streamVersion >= event.streamVersion) return; // already applied (replay, or folded ahead)
  if (event.type === 'GuestErased') {
    await purgeGuestLookup(docs, guestId, position);
    return;
  }
  let state: GuestState;
  let streamVersion = event.streamVersion;
  if (current ? current.streamVersion === event.streamVersion - 1 : event.streamVersion === 0) {
    state = guestDecider.evolve(current?.state ?? guestDecider.initialState(), { type: event.type, data: event.data, metadata: event.metadata } as GuestEvent);
  } else {
    const folded = await aggregateStream(deps.events, guestStream(guestId), guestDecider);
    state = folded.state;
    streamVersion = folded.streamVersion ?? event.streamVersion;
  }
  await save(docs, current, { id: guestId, tenantId, version: position, streamVersion, state }, deps.identityPepper);
}

export type GuestLookupProjectionOptions = GuestLookupProjectionDeps & {
  store: DocumentStore;
  onError?: (error: unknown, context: { position: number | undefined; attempt: number }) => void;
};

/** The runner that keeps the lookup read model (checkpoint `customer-profile--guest-lookup` in the store). */
export function createGuestLookupProjection(options: GuestLookupProjectionOptions): ProjectionRunner {
  const deps = { events: options.events, identityPepper: options.identityPepper };
  return createProjectionRunner<StoredEvent>({
    name: GUEST_LOOKUP_PROJECTION,
    source: eventStoreSource(options.events, { categories: ['guest'] }),
    project: (event, session) => projectGuestLookup(event, session, deps),
    store: options.store,
    collections: GUEST_LOOKUP_COLLECTIONS,
    prefetch: prefetchGuestDocuments(guestLookupDocuments),
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
