import type { GuestState } from '../domain/guest.decider';
import { identityKey, type Identity } from '../domain/identifiers';

/**
 * One guest as the lookup read model holds it: the guest's state folded by the projection, the stream
 * version it reflects, and the stream's version in the event store *now* (`head`, read in the same
 * query). The entry is exact only when the two agree; otherwise the projection trails and the caller
 * reads the event store instead.
 */
export type GuestLookupEntry = { state: GuestState; streamVersion: number; head: number | undefined };

/**
 * The lookup read model (port): identity claim → guest, and guest id → guest. Adapters: PostgreSQL (one
 * query joining the claim, the guest and the stream head) and any DocumentStore + EventStore pair.
 */
export interface GuestLookupReadModel {
  /** The guest the projection last saw holding the claim (`identity-<hmac>` stream name), if any. */
  byClaim(tenantId: string, claimStream: string): Promise<GuestLookupEntry | undefined>;
  byGuest(tenantId: string, guestId: string): Promise<GuestLookupEntry | undefined>;
}

/** Merge chains longer than this are not followed (the event-store path reports them). */
export const MAX_MERGE_HOPS = 16;

const isCurrent = (entry: GuestLookupEntry | undefined, tenantId: string): entry is GuestLookupEntry =>
  entry !== undefined && entry.head === entry.streamVersion && entry.state.tenantId === tenantId;

/**
 * A guest of the tenant from the read model, when its document is at the stream's head (whatever the
 * guest's status); undefined otherwise (the caller reads the event store).
 */
export async function guestFromReadModel(readModel: GuestLookupReadModel, tenantId: string, guestId: string): Promise<{ state: GuestState; version: number } | undefined> {
  const entry = await readModel.byGuest(tenantId, guestId);
  return isCurrent(entry, tenantId) ? { state: entry.state, version: entry.streamVersion } : undefined;
}

/**
 * Answers a lookup from the read model when it is provably current: every entry on the way (the claim's
 * holder, then survivors of merges) is at its stream's head version, belongs to the caller's tenant, and
 * the holder still lists the identifier. Anything else — no entry (a new guest, an unknown identifier),
 * a trailing projection, an erased or odd chain — returns undefined, and the caller takes the event-store
 * path, which is exact by construction. So the read model only ever makes lookups faster, never different.
 */
export async function lookupFromReadModel(
  readModel: GuestLookupReadModel,
  tenantId: string,
  claimStream: string,
  identity: Identity,
): Promise<{ state: GuestState; version: number } | undefined> {
  const current = (entry: GuestLookupEntry | undefined): entry is GuestLookupEntry => isCurrent(entry, tenantId);
  let entry = await readModel.byClaim(tenantId, claimStream);
  if (!current(entry)) return undefined;
  const key = identityKey(identity);
  if (!entry.state.identities.some((i) => identityKey(i) === key)) return undefined;
  const seen = new Set([entry.state.guestId]);
  while (entry.state.status === 'merged') {
    const survivorId = entry.state.mergedInto?.survivorId;
    if (survivorId === undefined || seen.has(survivorId) || seen.size > MAX_MERGE_HOPS) return undefined;
    seen.add(survivorId);
    const next: GuestLookupEntry | undefined = await readModel.byGuest(tenantId, survivorId);
    if (!current(next)) return undefined;
    entry = next;
  }
  return entry.state.status === 'active' ? { state: entry.state, version: entry.streamVersion } : undefined;
}
