import type { EventStore, StoredEvent } from '@hearth/event-store';
import {
  createProjectionRunner,
  eventStoreSource,
  type DocumentSession,
  type DocumentStore,
  type Filter,
  type ProjectionRunner,
  type TenantDocuments,
} from '@hearth/read-models';
import type { GuestEvent, PersonName } from '../../domain/guest.events';
import type { Identity } from '../../domain/identifiers';
import {
  effectiveName,
  familyFirst,
  foldSearchText,
  GUEST_SEARCH_COLLECTIONS,
  guestSearchDocuments,
  guestSearchKeys,
  keyDocumentsOf,
  PERSONAL_KEY_KINDS,
  type FoldedName,
  type GuestSearchDocument,
  type GuestSearchKeyDocument,
} from './guest-search.collections';
import { guestIdOfStream, prefetchGuestDocuments } from './guest-streams';

/** Checkpoint name of the projection (also its metric and span label). */
export const GUEST_SEARCH_PROJECTION = 'customer-profile--guest-search';

/** Event types that change what search finds; the others are skipped without a read. */
const RELEVANT = new Set<GuestEvent['type']>([
  'GuestRegistered',
  'ProfileUpdated',
  'IdentityAdded',
  'IdentityRemoved',
  'GuestAbsorbed',
  'GuestUnabsorbed',
  'GuestMergedInto',
  'GuestRestored',
  'GuestErased',
]);

/** A decrypted name; after erasure it reads back as null, and then it is not searchable. */
function fold(name: PersonName | null | undefined): FoldedName | null {
  if (!name || typeof name.given !== 'string' || typeof name.family !== 'string') return null;
  const folded = { family: foldSearchText(name.family), given: foldSearchText(name.given) };
  return folded.family === '' && folded.given === '' ? null : folded;
}

function identitiesOf(identities: readonly Identity[], type: 'email' | 'phone'): string[] {
  // erased identity values read back as null
  const values = identities.filter((i) => i.type === type && typeof i.value === 'string' && i.value !== '').map((i) => i.value);
  return [...new Set(values)];
}

function withKeys(doc: GuestSearchDocument): GuestSearchDocument {
  const effective = effectiveName(doc);
  return {
    ...doc,
    nameKey: effective ? familyFirst(effective.name) : null,
    givenKey: effective ? effective.name.given : null,
    nameOwnerId: effective ? effective.ownerId : null,
  };
}

/**
 * Folds one guest event into the guest's search document. Pure: `undefined` in, `undefined` out for
 * events before registration; the caller handles GuestErased (it deletes).
 */
export function evolveGuestSearch(
  current: GuestSearchDocument | undefined,
  event: GuestEvent,
  at: { guestId: string; tenantId: string; position: number },
): GuestSearchDocument | undefined {
  if (event.type === 'GuestRegistered') {
    const identities = event.data.identities ?? [];
    return withKeys({
      id: at.guestId,
      tenantId: at.tenantId,
      version: at.position,
      status: 'active',
      nameKey: null,
      givenKey: null,
      nameOwnerId: null,
      name: fold(event.data.profile?.name),
      mergedNames: [],
      emails: identitiesOf(identities, 'email'),
      phones: identitiesOf(identities, 'phone'),
    });
  }
  if (!current) return undefined;
  const doc: GuestSearchDocument = { ...current, version: at.position };
  switch (event.type) {
    case 'ProfileUpdated':
      if (!('name' in event.data.changes)) return doc;
      // an explicit update wins over names merged in earlier (as in the decider's evolve)
      return withKeys({ ...doc, name: fold(event.data.changes.name), mergedNames: [] });
    case 'IdentityAdded':
    case 'IdentityRemoved': {
      const { identity } = event.data;
      if (identity.type !== 'email' && identity.type !== 'phone') return undefined;
      const field = identity.type === 'email' ? 'emails' : 'phones';
      const others = doc[field].filter((v) => v !== identity.value);
      return { ...doc, [field]: event.type === 'IdentityAdded' ? [...others, ...identitiesOf([identity], identity.type)] : others };
    }
    case 'GuestAbsorbed': {
      const won = event.data.survivorship.find((d) => d.field === 'name' && d.winner === 'merged');
      const name = fold(won?.value as PersonName | null | undefined);
      if (!name) return undefined;
      return withKeys({ ...doc, mergedNames: [...doc.mergedNames, { mergeId: event.data.mergeId, mergedId: event.data.mergedId, name }] });
    }
    case 'GuestUnabsorbed':
      return withKeys({ ...doc, mergedNames: doc.mergedNames.filter((m) => m.mergeId !== event.data.mergeId) });
    case 'GuestMergedInto':
      return { ...doc, status: 'merged', survivorId: event.data.survivorId };
    case 'GuestRestored': {
      const { survivorId: _gone, ...rest } = doc;
      return { ...rest, status: 'active' };
    }
    default:
      return undefined;
  }
}

/** Writes the guest's document and makes its key documents match it (stale ones deleted, new ones added). */
async function save(docs: TenantDocuments, previous: GuestSearchDocument | undefined, next: GuestSearchDocument): Promise<void> {
  const before = new Set(previous ? keyDocumentsOf(previous).map((k) => k.id) : []);
  const after = keyDocumentsOf(next);
  const keep = new Set(after.map((k) => k.id));
  for (const id of before) if (!keep.has(id)) await docs.delete(guestSearchKeys, id, { beforeVersion: next.version });
  // a key's id is a hash of its whole content: one that already exists is already right
  for (const key of after) if (!before.has(key.id)) await docs.upsert(guestSearchKeys, key);
  await docs.upsert(guestSearchDocuments, next);
}

async function deleteKeys(docs: TenantDocuments, filter: Filter, beforeVersion?: number): Promise<GuestSearchKeyDocument[]> {
  // collect first, then delete: deleting while paging would move the keyset under the cursor
  const found: GuestSearchKeyDocument[] = [];
  let cursor: string | undefined;
  do {
    const page = await docs.find(guestSearchKeys, filter, { limit: 500, ...(cursor ? { cursor } : {}) });
    found.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  for (const key of found) await docs.delete(guestSearchKeys, key.id, beforeVersion === undefined ? {} : { beforeVersion });
  return found;
}

/**
 * Deletes every search document holding the guest's personal data: its own document, its keys, and the
 * keys of survivors that answer to a name it gave them in a merge. Used by the erasure hook (at once,
 * before the projection catches up) and by the projection on GuestErased, which then also rewrites those
 * survivors' documents (found through the non-personal `merge` links this leaves in place).
 */
export async function purgeGuestSearch(docs: TenantDocuments, guestId: string, beforeVersion?: number): Promise<void> {
  await deleteKeys(docs, { guestId }, beforeVersion);
  await deleteKeys(docs, { ownerId: guestId, kind: { $in: PERSONAL_KEY_KINDS } }, beforeVersion);
  await docs.delete(guestSearchDocuments, guestId, beforeVersion === undefined ? {} : { beforeVersion });
}

/** The guest-search projection: one decrypted guest event applied in the runner's session. */
export async function projectGuestSearch(event: StoredEvent, session: DocumentSession): Promise<void> {
  const guestId = guestIdOfStream(event.streamName);
  if (guestId === undefined || !RELEVANT.has(event.type as GuestEvent['type'])) return;
  const tenantId = event.metadata.tenantId;
  const position = event.globalPosition;
  const docs = session.forTenant(tenantId);
  const current = await docs.get(guestSearchDocuments, guestId);
  if (current && current.version >= position) return; // already applied (replay)

  if (event.type === 'GuestErased') {
    await purgeGuestSearch(docs, guestId, position);
    const links = await docs.find(guestSearchKeys, { ownerId: guestId, kind: 'merge' }, { limit: 1000 });
    const survivors = links.items.map((link) => link.guestId);
    if (current?.survivorId) survivors.push(current.survivorId);
    // survivors forget the name this guest gave them: it is this guest's personal data
    for (const survivorId of new Set(survivors)) {
      const survivor = await docs.get(guestSearchDocuments, survivorId);
      if (!survivor || !survivor.mergedNames.some((m) => m.mergedId === guestId)) continue;
      await save(docs, survivor, withKeys({ ...survivor, version: position, mergedNames: survivor.mergedNames.filter((m) => m.mergedId !== guestId) }));
    }
    return;
  }
  const next = evolveGuestSearch(current, event as GuestEvent, { guestId, tenantId, position });
  if (next) await save(docs, current, next);
}

export type GuestSearchProjectionOptions = {
  /** The DECRYPTED event store (CryptoShreddingEventStore): the projection needs clear names. */
  events: EventStore;
  store: DocumentStore;
  onError?: (error: unknown, context: { position: number | undefined; attempt: number }) => void;
};

/** The runner that keeps the guest search read model (checkpoint `customer-profile--guest-search` in the store). */
export function createGuestSearchProjection(options: GuestSearchProjectionOptions): ProjectionRunner {
  return createProjectionRunner<StoredEvent>({
    name: GUEST_SEARCH_PROJECTION,
    source: eventStoreSource(options.events, { categories: ['guest'] }),
    project: projectGuestSearch,
    store: options.store,
    collections: GUEST_SEARCH_COLLECTIONS,
    prefetch: prefetchGuestDocuments(guestSearchDocuments),
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
