import { HttpError } from '@hearth/http';
import type { FieldError } from '@hearth/http';
import type { z } from 'zod';
import { findGuestByIdentifier, loadGuest, type LoadedGuest } from '../../app/guest-use-cases';
import type { ProfileContext } from '../../app/profile-context';
import { GuestError, type GuestState } from '../../domain/guest.decider';
import { canSeeGuest, guestForCaller, type BrandScope } from '../../domain/guest-visibility';
import { identityKey, type Identity } from '../../domain/identifiers';
import type { guestViewSchema } from './profile.schemas';
import type { RequestScope } from './request-scope';

/** The guest as JSON for this caller (`guestForCaller`), with its stream version. */
export function toGuestView(state: GuestState, version: number, scope: BrandScope): z.input<typeof guestViewSchema> {
  const seen = guestForCaller(state, scope);
  return { ...seen, status: seen.status === 'none' ? 'active' : seen.status, version };
}

const notFound = (guestId: string) => new GuestError('GUEST_NOT_FOUND', `Guest ${guestId} does not exist.`);

/** Whether the caller may see the guest `guestId` (false when it does not exist in the caller's tenant). */
export async function isVisible(ctx: ProfileContext, rs: RequestScope, guestId: string): Promise<boolean> {
  try {
    return canSeeGuest((await loadGuest(ctx, rs.caller, guestId)).state, rs.scope);
  } catch (error) {
    if (error instanceof GuestError && error.code === 'GUEST_NOT_FOUND') return false;
    throw error;
  }
}

/**
 * Loads a guest the caller may see. A guest of another tenant, or of brands outside the caller's
 * scope, is "not found" (never "forbidden": that would confirm it exists). With `active` (the
 * default) an erased guest is GUEST_ERASED and a merged one GUEST_MERGED naming its survivor — or
 * not found when the caller may not see the survivor.
 */
export async function loadVisibleGuest(ctx: ProfileContext, rs: RequestScope, guestId: string, options: { active?: boolean } = {}): Promise<LoadedGuest> {
  const loaded = await loadGuest(ctx, rs.caller, guestId);
  if (!canSeeGuest(loaded.state, rs.scope)) throw notFound(guestId);
  if (options.active === false) return loaded;
  if (loaded.state.status === 'erased') throw new GuestError('GUEST_ERASED', `Guest ${guestId} has been erased.`);
  if (loaded.state.status === 'merged' && loaded.state.mergedInto) {
    const { survivorId } = loaded.state.mergedInto;
    if (!(await isVisible(ctx, rs, survivorId))) throw notFound(guestId);
    throw new GuestError('GUEST_MERGED', `Guest ${guestId} was merged into ${survivorId}; use that guest.`, survivorId);
  }
  return loaded;
}

/**
 * The 409 for identifiers held by other guests. It names each conflicting identifier as the caller
 * sent it (normalised), with the holder's id only when the caller may see that guest: uniqueness is
 * per tenant, so the conflict itself cannot be hidden, but who holds it can.
 */
export async function identityConflict(
  ctx: ProfileContext,
  rs: RequestScope,
  identities: readonly { identity: Identity; path: string }[],
  self: string | undefined,
  cause: unknown,
): Promise<HttpError> {
  const conflicts: { identifier: Identity; guestId?: string }[] = [];
  const errors: FieldError[] = [];
  for (const { identity, path } of identities) {
    const owner = await findGuestByIdentifier(ctx, rs.caller, identity);
    if (owner === undefined || owner === self) continue;
    const visible = await isVisible(ctx, rs, owner);
    conflicts.push({ identifier: identity, ...(visible ? { guestId: owner } : {}) });
    errors.push({ path, message: `${identityKey(identity)} belongs to another guest`, code: 'IDENTITY_TAKEN' });
  }
  const first = conflicts[0];
  return new HttpError({
    status: 409,
    code: 'IDENTITY_TAKEN',
    title: 'Identifier belongs to another guest',
    detail: first
      ? `The identifier ${identityKey(first.identifier)} belongs to another guest${first.guestId ? ` (${first.guestId})` : ''}.`
      : 'An identifier belongs to another guest.',
    errors,
    extensions: { conflicts },
    cause,
  });
}
