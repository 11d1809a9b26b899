import { identityKey, type Identity } from './identifiers';

/**
 * The outcome of resolving a set of identifiers (integrations call this to find "their" guest):
 * - `matched`: every known identifier points to one guest (after following merges); identifiers not
 *   yet known can be attached to it;
 * - `new`: none is known: a provisional guest is created with all of them;
 * - `ambiguous`: they point to different guests. Hearth does not guess: it returns the candidates and
 *   records a merge proposal for a data steward.
 */
export type Resolution =
  | { kind: 'matched'; guestId: string; unknown: Identity[] }
  | { kind: 'new'; identities: Identity[] }
  | { kind: 'ambiguous'; candidates: { guestId: string; matchedBy: Identity[] }[] };

/** `owners` maps identity keys to the (survivor) guest that holds them; absent = unknown identifier. */
export function decideResolution(identities: readonly Identity[], owners: ReadonlyMap<string, string>): Resolution {
  const byGuest = new Map<string, Identity[]>();
  const unknown: Identity[] = [];
  for (const identity of identities) {
    const owner = owners.get(identityKey(identity));
    if (owner === undefined) unknown.push(identity);
    else byGuest.set(owner, [...(byGuest.get(owner) ?? []), identity]);
  }
  if (byGuest.size === 0) return { kind: 'new', identities: [...identities] };
  if (byGuest.size === 1) return { kind: 'matched', guestId: [...byGuest.keys()][0]!, unknown };
  return {
    kind: 'ambiguous',
    candidates: [...byGuest].map(([guestId, matchedBy]) => ({ guestId, matchedBy })).sort((a, b) => b.matchedBy.length - a.matchedBy.length || a.guestId.localeCompare(b.guestId)),
  };
}
