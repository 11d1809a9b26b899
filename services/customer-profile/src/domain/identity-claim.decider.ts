import type { Decider, DomainEvent } from '@hearth/event-store';

/**
 * Uniqueness of an identifier within a tenant: one stream per normalised identifier, named by a keyed
 * hash of it (`identity-<hmac>`, so stream names carry no personal data), that records which guest
 * holds it. Claiming uses optimistic concurrency, so two guests can never both win.
 */
export type IdentityClaimEvent =
  | DomainEvent<'IdentityClaimed', { guestId: string }>
  | DomainEvent<'IdentityReleased', { guestId: string }>;

export type IdentityClaimCommand = { type: 'ClaimIdentity'; guestId: string } | { type: 'ReleaseIdentity'; guestId: string };

export type IdentityClaimState = { ownerId?: string };

export class IdentityTakenError extends Error {
  readonly code = 'IDENTITY_TAKEN';
  constructor(readonly ownerId: string) {
    super('the identifier belongs to another guest');
    this.name = 'IdentityTakenError';
  }
}

export const identityClaimDecider: Decider<IdentityClaimState, IdentityClaimCommand, IdentityClaimEvent> = {
  initialState: () => ({}),
  decide(command, state) {
    if (command.type === 'ClaimIdentity') {
      if (state.ownerId === command.guestId) return [];
      if (state.ownerId) throw new IdentityTakenError(state.ownerId);
      return [{ type: 'IdentityClaimed', data: { guestId: command.guestId } }];
    }
    return state.ownerId === command.guestId ? [{ type: 'IdentityReleased', data: { guestId: command.guestId } }] : [];
  },
  evolve(state, event) {
    if (event.type === 'IdentityClaimed') return { ownerId: event.data.guestId };
    if (event.type === 'IdentityReleased') return state.ownerId === event.data.guestId ? {} : state;
    return state;
  },
};
