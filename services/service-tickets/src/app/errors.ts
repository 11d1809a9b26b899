/** Typed errors of the service-tickets use cases; each has a stable `code` (mapped to HTTP by the adapter). */

/** Ambiguous identifiers (422 with the candidates and the merge proposal): defined with the customer-profile client. */
export { AmbiguousGuestError } from '@hearth/customer-profile-client';

export type TicketRequestErrorCode =
  | 'UNKNOWN_CATEGORY'
  | 'UNKNOWN_QUEUE'
  | 'QUEUE_NOT_FOR_BRAND'
  | 'UNKNOWN_BRAND'
  | 'UNKNOWN_PROPERTY'
  | 'UNKNOWN_GUEST'
  | 'GUEST_ERASED'
  | 'INVALID_RECEIVED_AT';

/**
 * A request that is well-formed but names something the tenant does not have (a category, a queue, a
 * property, a guest) or cannot be used (422). `path` is the field, location-prefixed (`body.category`).
 */
export class TicketRequestError extends Error {
  constructor(
    readonly code: TicketRequestErrorCode,
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'TicketRequestError';
  }
}
