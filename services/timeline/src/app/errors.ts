/** Typed errors of the timeline's use cases; each has a stable `code` (mapped to HTTP by the adapter). */

/** No such guest: the timeline has nothing for it and customer-profile does not know it (404). */
export class GuestNotFoundError extends Error {
  readonly code = 'GUEST_NOT_FOUND';
  constructor(readonly guestId: string) {
    super(`Guest '${guestId}' was not found.`);
  }
}

/** The guest was merged: reads go to the survivor (301 with Location). */
export class GuestMergedError extends Error {
  readonly code = 'GUEST_MERGED';
  constructor(
    readonly guestId: string,
    readonly survivorId: string,
  ) {
    super(`Guest '${guestId}' was merged into '${survivorId}'.`);
  }
}

/** Ambiguous identifiers (422 with the candidates and the merge proposal): defined with the customer-profile client. */
export { AmbiguousGuestError } from '@hearth/customer-profile-client';

/** A field problem, with the location-prefixed path of `@hearth/http` (`body.items.3.payload.covers`). */
export type FieldProblem = { path: string; message: string; code?: string };

/** A touchpoint (e.g. one item of a batch) that does not validate (400 with field errors). */
export class InvalidTouchpointError extends Error {
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly errors: readonly FieldProblem[]) {
    super(errors.length === 1 ? `${errors[0]!.path}: ${errors[0]!.message}` : 'The touchpoint is not valid.');
  }
}
