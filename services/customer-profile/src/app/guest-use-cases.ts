import { aggregateStream, handleCommand, StreamNotFoundError, WrongExpectedVersionError, type StoredEvent } from '@hearth/event-store';
import { GuestError, guestDecider, effectiveProfile, requireActive, type GuestCommand, type GuestState } from '../domain/guest.decider';
import type { Profile, ProfileChanges } from '../domain/guest.events';
import { identityKey, type Identity } from '../domain/identifiers';
import { identityClaimDecider, IdentityTakenError } from '../domain/identity-claim.decider';
import { mergeProposalDecider, proposalIdFor } from '../domain/merge-proposal.decider';
import { decideResolution, type Resolution } from '../domain/resolution';
import { guestFromReadModel, lookupFromReadModel } from './guest-lookup';
import { guestStream, identityStream, mergeProposalStream, metadataOf, type Caller, type ProfileContext } from './profile-context';

export type LoadedGuest = { state: GuestState; version: number };

/** A guest's stream folded to its state, its data key fetched alongside the stream (not after it). */
export function readGuest(ctx: ProfileContext, guestId: string) {
  ctx.prefetchGuestKey?.(guestId);
  return aggregateStream(ctx.store, guestStream(guestId), guestDecider);
}

/**
 * Loads a guest of the caller's tenant (from the lookup read model when it is current, else from the
 * event store). A guest of another tenant is "not found", never revealed.
 */
export async function loadGuest(ctx: ProfileContext, caller: Caller, guestId: string): Promise<LoadedGuest> {
  const fromReadModel = ctx.lookupReadModel ? await guestFromReadModel(ctx.lookupReadModel, caller.tenantId, guestId) : undefined;
  if (fromReadModel) return fromReadModel;
  const { state, streamVersion } = await readGuest(ctx, guestId);
  requireGuestOfTenant(caller, guestId)(state, streamVersion);
  return { state, version: streamVersion! };
}

/** A guest of another tenant (or none at all) is "not found", before any version check or write. */
const requireGuestOfTenant = (caller: Caller, guestId: string) => (state: GuestState, version: number | undefined) => {
  if (version === undefined || state.status === 'none' || state.tenantId !== caller.tenantId) {
    throw new GuestError('GUEST_NOT_FOUND', `guest ${guestId} not found`);
  }
};

async function runGuestCommand(ctx: ProfileContext, caller: Caller, guestId: string, command: GuestCommand, expectedVersion?: number) {
  if (command.type !== 'RegisterGuest') ctx.prefetchGuestKey?.(guestId);
  const result = await handleCommand(ctx.store, guestDecider, guestStream(guestId), command, {
    metadata: metadataOf(ctx, caller, { guestId }),
    // the tenant check runs on the state handleCommand reads anyway (one read per write, not two)
    ...(command.type !== 'RegisterGuest' ? { assertState: requireGuestOfTenant(caller, guestId) } : {}),
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  });
  return { state: result.state, version: result.streamVersion ?? -1, changed: result.events.length > 0 };
}

/**
 * Claims an identifier for a guest. A claim left behind by a crash (its holder never recorded the
 * identifier, or was erased) is released and taken over; a live one is a conflict.
 */
async function claimIdentity(ctx: ProfileContext, caller: Caller, identity: Identity, guestId: string): Promise<void> {
  const stream = identityStream(ctx, caller.tenantId, identity);
  const metadata = metadataOf(ctx, caller, { guestId });
  try {
    await handleCommand(ctx.store, identityClaimDecider, stream, { type: 'ClaimIdentity', guestId }, { metadata });
  } catch (error) {
    if (!(error instanceof IdentityTakenError)) throw error;
    const holder = await readGuest(ctx, error.ownerId);
    const stillHeld = holder.state.status !== 'erased' && holder.state.identities.some((i) => identityKey(i) === identityKey(identity));
    if (stillHeld) throw error;
    await handleCommand(ctx.store, identityClaimDecider, stream, { type: 'ReleaseIdentity', guestId: error.ownerId }, { metadata });
    await handleCommand(ctx.store, identityClaimDecider, stream, { type: 'ClaimIdentity', guestId }, { metadata });
  }
}

async function releaseIdentity(ctx: ProfileContext, caller: Caller, identity: Identity, guestId: string): Promise<void> {
  await handleCommand(ctx.store, identityClaimDecider, identityStream(ctx, caller.tenantId, identity), { type: 'ReleaseIdentity', guestId }, {
    metadata: metadataOf(ctx, caller, { guestId }),
  });
}

/**
 * The guest holding an identifier today, loaded (following merges to the survivor), or undefined.
 * The lookup read model answers in one query when it is current; otherwise the event store does (the
 * claim, then each guest on the way, read once). Callers reuse the returned state instead of reading it again.
 */
export async function lookupGuest(ctx: ProfileContext, caller: Caller, identity: Identity): Promise<LoadedGuest | undefined> {
  const claim = identityStream(ctx, caller.tenantId, identity);
  if (ctx.lookupReadModel) {
    const found = await lookupFromReadModel(ctx.lookupReadModel, caller.tenantId, claim, identity);
    if (found) return found;
  }
  return lookupInEventStore(ctx, caller, claim, identity);
}

async function lookupInEventStore(ctx: ProfileContext, caller: Caller, claim: string, identity: Identity): Promise<LoadedGuest | undefined> {
  const key = identityKey(identity);
  // the cached holder saves the claim read; the guest's stream has the last word on what it holds
  const cached = ctx.claimOwners.get(claim);
  let ownerId = cached;
  let current: { state: GuestState; streamVersion: number | undefined } | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (ownerId === undefined) ownerId = await claimOwner(ctx, claim);
    if (!ownerId) {
      ctx.claimOwners.delete(claim);
      return undefined;
    }
    current = await readGuest(ctx, ownerId);
    const holds = current.state.tenantId === caller.tenantId && current.state.identities.some((i) => identityKey(i) === key);
    if (holds) break;
    ctx.claimOwners.delete(claim);
    if (ownerId !== cached) return undefined; // stale claim, read just now
    ownerId = undefined; // the claim moved since it was cached: read it again
    current = undefined;
  }
  if (!current || !ownerId) return undefined;
  ctx.claimOwners.set(claim, ownerId);
  const seen = new Set([ownerId]);
  while (current.state.status === 'merged' && current.state.mergedInto && !seen.has(current.state.mergedInto.survivorId) && seen.size < 16) {
    const next: string = current.state.mergedInto.survivorId;
    seen.add(next);
    current = await readGuest(ctx, next);
  }
  if (current.state.status !== 'active' || current.streamVersion === undefined) return undefined;
  return { state: current.state, version: current.streamVersion };
}

async function claimOwner(ctx: ProfileContext, claim: string): Promise<string | undefined> {
  try {
    return (await aggregateStream(ctx.store, claim, identityClaimDecider)).state.ownerId;
  } catch (error) {
    if (error instanceof StreamNotFoundError) return undefined;
    throw error;
  }
}

/** The id of the guest holding an identifier today (following merges), or undefined. */
export async function findGuestByIdentifier(ctx: ProfileContext, caller: Caller, identity: Identity): Promise<string | undefined> {
  return (await lookupGuest(ctx, caller, identity))?.state.guestId;
}

export type RegisterGuestInput = { guestId?: string; profile: Profile; identities: Identity[]; provisional?: boolean };

/** Registers a guest with its identifiers. Fails with IDENTITY_TAKEN (naming the holder) if one is held. */
export async function registerGuest(ctx: ProfileContext, caller: Caller, input: RegisterGuestInput): Promise<LoadedGuest> {
  const guestId = input.guestId ?? ctx.newId();
  const claimed: Identity[] = [];
  try {
    for (const identity of input.identities) {
      await claimIdentity(ctx, caller, identity, guestId);
      claimed.push(identity);
    }
    const result = await runGuestCommand(ctx, caller, guestId, {
      type: 'RegisterGuest',
      guestId,
      profile: input.profile,
      identities: input.identities,
      provisional: input.provisional ?? false,
    });
    return { state: result.state, version: result.version };
  } catch (error) {
    // give back what this attempt claimed, unless the guest already holds it (an idempotent repeat)
    const existing = await readGuest(ctx, guestId);
    if (existing.state.status === 'none') for (const identity of claimed) await releaseIdentity(ctx, caller, identity, guestId);
    throw error;
  }
}

export async function updateProfile(ctx: ProfileContext, caller: Caller, guestId: string, changes: ProfileChanges, expectedVersion?: number) {
  return runGuestCommand(ctx, caller, guestId, { type: 'UpdateProfile', changes }, expectedVersion);
}

export async function addIdentity(ctx: ProfileContext, caller: Caller, guestId: string, identity: Identity, expectedVersion?: number) {
  requireActive((await loadGuest(ctx, caller, guestId)).state);
  await claimIdentity(ctx, caller, identity, guestId);
  try {
    return await runGuestCommand(ctx, caller, guestId, { type: 'AddIdentity', identity }, expectedVersion);
  } catch (error) {
    const now = await readGuest(ctx, guestId);
    if (!now.state.identities.some((i) => identityKey(i) === identityKey(identity))) await releaseIdentity(ctx, caller, identity, guestId);
    throw error;
  }
}

export async function removeIdentity(ctx: ProfileContext, caller: Caller, guestId: string, identity: Identity, expectedVersion?: number) {
  const result = await runGuestCommand(ctx, caller, guestId, { type: 'RemoveIdentity', identity }, expectedVersion);
  await releaseIdentity(ctx, caller, identity, guestId);
  return result;
}

export async function setPreference(ctx: ProfileContext, caller: Caller, guestId: string, preference: Omit<Extract<GuestCommand, { type: 'SetPreference' }>, 'type'>, expectedVersion?: number) {
  return runGuestCommand(ctx, caller, guestId, { type: 'SetPreference', ...preference }, expectedVersion);
}

export async function removePreference(ctx: ProfileContext, caller: Caller, guestId: string, target: Omit<Extract<GuestCommand, { type: 'RemovePreference' }>, 'type'>, expectedVersion?: number) {
  return runGuestCommand(ctx, caller, guestId, { type: 'RemovePreference', ...target }, expectedVersion);
}

export async function changeConsent(ctx: ProfileContext, caller: Caller, guestId: string, consent: Omit<Extract<GuestCommand, { type: 'ChangeConsent' }>, 'type'>, expectedVersion?: number) {
  return runGuestCommand(ctx, caller, guestId, { type: 'ChangeConsent', ...consent }, expectedVersion);
}

/**
 * Merges `mergedId` into `survivorId` (a data steward's decision). Both streams record it: the merged
 * guest points to the survivor (so its identifiers resolve there), the survivor records the
 * survivorship decisions. Re-running with the same mergeId completes a merge interrupted by a crash.
 */
export async function mergeGuests(ctx: ProfileContext, caller: Caller, survivorId: string, mergedId: string, options: { mergeId?: string; expectedVersion?: number } = {}) {
  if (survivorId === mergedId) throw new GuestError('CANNOT_MERGE_WITH_ITSELF', 'a guest cannot be merged with itself');
  const survivor = await loadGuest(ctx, caller, survivorId);
  requireActive(survivor.state);
  // check a pinned version before writing anything, so a stale request never leaves a half-done merge
  if (options.expectedVersion !== undefined && options.expectedVersion !== survivor.version) {
    throw new WrongExpectedVersionError(guestStream(survivorId), options.expectedVersion, survivor.version);
  }
  const merged = await loadGuest(ctx, caller, mergedId);
  const mergeId = options.mergeId ?? (merged.state.mergedInto?.survivorId === survivorId ? merged.state.mergedInto.mergeId : ctx.newId());
  const mergedProfile = effectiveProfile(merged.state) ?? { guestId: mergedId, profile: { customerType: 'individual', lifecycleStage: 'prospect', attributes: {} }, provenance: {} };
  await runGuestCommand(ctx, caller, mergedId, { type: 'MergeInto', mergeId, survivorId });
  const result = await runGuestCommand(ctx, caller, survivorId, { type: 'AbsorbGuest', mergeId, merged: mergedProfile });
  return { mergeId, ...result };
}

/** Undoes a merge exactly: the survivor drops what it won from the merged guest, the merged guest answers again. */
export async function unmergeGuests(ctx: ProfileContext, caller: Caller, survivorId: string, mergeId: string) {
  const survivor = await loadGuest(ctx, caller, survivorId);
  const overlay = survivor.state.overlays.find((o) => o.mergeId === mergeId);
  const mergedId = overlay?.mergedId;
  const result = await runGuestCommand(ctx, caller, survivorId, { type: 'UnabsorbGuest', mergeId });
  if (mergedId) await runGuestCommand(ctx, caller, mergedId, { type: 'RestoreGuest', mergeId });
  return { mergedId, ...result };
}

/**
 * Right to be forgotten: records GuestErased (no personal data), frees the identifiers, destroys the
 * guest's data key (after which no personal value of the guest can be decrypted anywhere), then purges
 * the other copies the service keeps (`erasureHooks`: read models, replayable responses). Safe to
 * repeat: a crash midway is completed by running it again (stale identifier claims also heal on their own).
 */
export async function eraseGuest(ctx: ProfileContext, caller: Caller, guestId: string, reason: string) {
  const { state } = await loadGuest(ctx, caller, guestId);
  const identities = state.identities;
  const result = await runGuestCommand(ctx, caller, guestId, { type: 'EraseGuest', reason });
  for (const identity of identities) await releaseIdentity(ctx, caller, identity, guestId);
  await ctx.destroyGuestKey(guestId);
  for (const purge of ctx.erasureHooks) await purge(caller.tenantId, guestId);
  return result;
}

/** Everything this service holds about a guest: profile, identities, preferences, consents with history, audit trail. */
export async function exportGuest(ctx: ProfileContext, caller: Caller, guestId: string) {
  const { state, version } = await loadGuest(ctx, caller, guestId);
  const events: StoredEvent[] = await ctx.store.readStream(guestStream(guestId));
  const audit = events.map((e) => ({
    version: e.streamVersion,
    type: e.type,
    occurredAt: e.metadata.occurredAt,
    recordedAt: e.recordedAt,
    actor: e.metadata.actor,
    brandId: e.metadata.brandId ?? null,
    channel: e.metadata.channel ?? null,
    data: e.data,
  }));
  return {
    exportedAt: ctx.now(),
    guestId,
    version,
    status: state.status,
    profile: effectiveProfile(state)?.profile ?? null,
    identities: state.identities,
    preferences: Object.values(state.preferences),
    consents: {
      current: Object.entries(state.consents).map(([key, granted]) => {
        const [brandId, purpose, channel] = key.split(':');
        return { brandId, purpose, channel, granted };
      }),
      history: audit.filter((a) => a.type === 'ConsentChanged'),
    },
    mergedInto: state.mergedInto ?? null,
    audit,
  };
}

/**
 * Resolves identifiers to one guest for an integration: the matching guest (attaching identifiers it
 * does not have yet), a new provisional guest, or — when they point to different guests — the
 * candidates plus a merge proposal for a data steward. Never guesses.
 */
export async function resolveGuest(ctx: ProfileContext, caller: Caller, identities: Identity[]): Promise<Resolution & { created?: boolean; proposalId?: string }> {
  const owners = new Map<string, string>();
  for (const identity of identities) {
    const owner = await findGuestByIdentifier(ctx, caller, identity);
    if (owner) owners.set(identityKey(identity), owner);
  }
  const resolution = decideResolution(identities, owners);
  if (resolution.kind === 'new') {
    const guest = await registerGuest(ctx, caller, { profile: { customerType: 'individual', lifecycleStage: 'prospect', attributes: {} }, identities, provisional: true });
    return { kind: 'matched', guestId: guest.state.guestId!, unknown: [], created: true };
  }
  if (resolution.kind === 'matched') {
    for (const identity of resolution.unknown) {
      try {
        await addIdentity(ctx, caller, resolution.guestId, identity);
      } catch (error) {
        if (!(error instanceof IdentityTakenError)) throw error; // raced with another writer: still matched by the rest
      }
    }
    return resolution;
  }
  const guestIds = resolution.candidates.map((c) => c.guestId);
  const proposalId = proposalIdFor(guestIds);
  await handleCommand(ctx.store, mergeProposalDecider, mergeProposalStream(caller.tenantId, proposalId), {
    type: 'ProposeMerge',
    proposalId,
    guestIds,
    reason: 'identifiers of one resolution request belong to different guests',
    evidence: resolution.candidates.flatMap((c) => c.matchedBy.map((i) => ({ type: i.type }))),
  }, { metadata: metadataOf(ctx, caller) });
  return { ...resolution, proposalId };
}
