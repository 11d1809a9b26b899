import type { GuestSummaryReply, ResolveGuestReply, ResolveGuestRequest, TenantDirectory } from '@hearth/contracts';

/**
 * What a service asks customer-profile (request/reply over NATS in production, a fake in tests).
 * Implementations throw `DependencyUnavailableError` when customer-profile cannot answer (timeout, no
 * responder, its own failure) and `InvalidIdentifierError` when it rejects an identifier.
 */
export interface CustomerProfile {
  /** The one guest holding the identifiers, a new provisional guest, or the candidates (ambiguous). */
  resolve(request: ResolveGuestRequest): Promise<ResolveGuestReply>;
  /** What the profile holds about one guest (follows merges: a merged guest answers `status: 'merged'`). */
  guestSummary(tenantId: string, guestId: string): Promise<GuestSummaryReply>;
  /** The tenant's brands, properties and data-sharing (who may see which brand). */
  tenantDirectory(tenantId: string): Promise<TenantDirectory>;
}

/** customer-profile (or another dependency) could not answer: HTTP 503, messages are retried. */
export class DependencyUnavailableError extends Error {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
  constructor(
    readonly dependency: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} is unavailable: ${reason}`, options);
  }
}

/** customer-profile refused an identifier of a touchpoint (not an e-mail, not a phone number…). */
export class InvalidIdentifierError extends Error {
  readonly code = 'INVALID_IDENTIFIER';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Identifiers that point to several guests: customer-profile does not guess; it returned the candidates
 * and recorded a merge proposal for a data steward (422 `AMBIGUOUS_GUEST` with both).
 */
export class AmbiguousGuestError extends Error {
  readonly code = 'AMBIGUOUS_GUEST';
  constructor(
    readonly candidates: readonly { guestId: string; matchedBy: readonly string[] }[],
    readonly proposalId: string,
  ) {
    super(`The identifiers belong to ${candidates.length} different guests; a data steward can merge them (proposal ${proposalId}).`);
  }
}
