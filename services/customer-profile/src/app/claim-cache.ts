/**
 * Which guest held an identity-claim stream when it was last read, for the lookup path. Keyed by the claim
 * stream's name (an HMAC: no identifier in clear is kept in memory), bounded (least recently used entries
 * go first). An entry is only a hint: `lookupGuest` checks it against the guest's own stream (which lists
 * the identities the guest holds) and reads the claim again when the guest no longer holds it, so a claim
 * that moved to another guest is never answered from here.
 */
export class ClaimOwnerCache {
  private readonly owners = new Map<string, string>();

  constructor(private readonly maxEntries = 200_000) {}

  get(claimStream: string): string | undefined {
    const owner = this.owners.get(claimStream);
    if (owner !== undefined) {
      // refresh recency: Map iterates in insertion order, so the first key is the least recently used
      this.owners.delete(claimStream);
      this.owners.set(claimStream, owner);
    }
    return owner;
  }

  set(claimStream: string, ownerId: string): void {
    this.owners.delete(claimStream);
    this.owners.set(claimStream, ownerId);
    if (this.owners.size > this.maxEntries) this.owners.delete(this.owners.keys().next().value!);
  }

  delete(claimStream: string): void {
    this.owners.delete(claimStream);
  }

  get size(): number {
    return this.owners.size;
  }
}
