import { createHmac, randomUUID } from 'node:crypto';
import type { CommandMetadata, EventStore } from '@hearth/event-store';
import { identityKey, type Identity } from '../domain/identifiers';
import { ClaimOwnerCache } from './claim-cache';
import type { GuestLookupReadModel } from './guest-lookup';

/** Who is asking, on whose behalf, and under which trace: stamped on every event as metadata (the audit trail). */
export type Caller = {
  tenantId: string;
  actor: string;
  brandId?: string;
  channel?: string;
  correlationId: string;
  causationId?: string;
  traceparent?: string;
};

/** What the use cases need from the outside world. */
export type ProfileContext = {
  /** The service's event store, with personal fields crypto-shredded (see GUEST_PERSONAL_DATA). */
  store: EventStore;
  /**
   * Starts loading a guest's data key while its stream is read (CryptoShreddingEventStore.prefetchKeys):
   * a guest read then costs one database round trip, not a stream read followed by a key read.
   */
  prefetchGuestKey?: (guestId: string) => void;
  /** Destroys a guest's data key (crypto-shredding). */
  destroyGuestKey: (guestId: string) => Promise<void>;
  /** Pepper for identity-claim stream names: they must not reveal the identifier they guard. */
  identityPepper: string;
  newId: () => string;
  now: () => string;
  /**
   * Run after a guest's key is destroyed, to purge other copies of its personal data this service keeps
   * outside the event store: read models (search index), replayable idempotent responses…
   */
  erasureHooks: ReadonlyArray<(tenantId: string, guestId: string) => Promise<unknown>>;
  /**
   * Tenant configuration (brands, data sharing) is read on every request to scope it; it is cached this
   * long (default 1 s). Changes made through this instance apply at once; others' within the TTL.
   */
  tenantCacheMs: number;
  /** The cache itself (per context): each entry holds the read (a promise), so concurrent misses share it. */
  tenantCache: Map<string, { at: number; value: unknown }>;
  /** Last known holder of each identity claim (lookups skip the claim read when the holder still holds it). */
  claimOwners: ClaimOwnerCache;
  /**
   * The lookup read model: answers lookups by identifier in one query when it is current (checked against
   * the stream head); without it, or when it trails, lookups read the event store.
   */
  lookupReadModel?: GuestLookupReadModel;
};

export function createProfileContext(
  init: Omit<ProfileContext, 'newId' | 'now' | 'erasureHooks' | 'tenantCacheMs' | 'tenantCache' | 'claimOwners'> &
    Partial<Pick<ProfileContext, 'newId' | 'now' | 'erasureHooks' | 'tenantCacheMs' | 'claimOwners'>>,
): ProfileContext {
  return { newId: randomUUID, now: () => new Date().toISOString(), erasureHooks: [], tenantCacheMs: 1_000, tenantCache: new Map(), claimOwners: new ClaimOwnerCache(), ...init };
}

export const guestStream = (guestId: string) => `guest-${guestId}`;
export const tenantStream = (tenantId: string) => `tenant-${tenantId}`;
export const mergeProposalStream = (tenantId: string, proposalId: string) => `mergeProposal-${tenantId}~${proposalId}`;

/** `identity-<hmac>`: the claim stream of one normalised identifier within a tenant, named without revealing it. */
export function identityStream(ctx: Pick<ProfileContext, 'identityPepper'>, tenantId: string, identity: Identity): string {
  return `identity-${createHmac('sha256', ctx.identityPepper).update(`${tenantId}\n${identityKey(identity)}`).digest('hex')}`;
}

/** Event metadata for a caller's command; `occurredAt` comes from the context's clock. */
export function metadataOf(ctx: Pick<ProfileContext, 'now'>, caller: Caller, extra: { guestId?: string } = {}): CommandMetadata {
  return {
    tenantId: caller.tenantId,
    occurredAt: ctx.now(),
    actor: caller.actor,
    correlationId: caller.correlationId,
    causationId: caller.causationId ?? caller.correlationId,
    ...(caller.brandId ? { brandId: caller.brandId } : {}),
    ...(caller.channel ? { channel: caller.channel } : {}),
    ...(caller.traceparent ? { traceparent: caller.traceparent } : {}),
    ...(extra.guestId ? { guestId: extra.guestId } : {}),
  };
}
