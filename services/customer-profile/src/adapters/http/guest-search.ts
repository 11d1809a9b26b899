/** One page of a guest search request. */
export type GuestSearchQuery = {
  /** A name prefix, an e-mail address or a phone number, as the caller typed it. */
  q: string;
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string;
  /** Page size (1 to 100). */
  limit: number;
};

/** Guest ids in relevance order, and the cursor of the next page when there is one. */
export type GuestSearchPage = { items: string[]; nextCursor?: string };

/**
 * The search read model as the HTTP adapter needs it (name prefix / e-mail / phone, cursor paging).
 * It answers ids only: the adapter loads each guest from its stream and applies the caller's brand
 * scope, so a read model that lags or over-matches can never show a guest the caller may not see.
 */
export type GuestSearch = {
  search(tenantId: string, query: GuestSearchQuery): Promise<GuestSearchPage>;
};

/**
 * The `cursor` does not belong to this search (another `q`, or damaged). Code `INVALID_ARGUMENT`, which
 * the HTTP layer answers 400 by default.
 */
export class InvalidSearchCursorError extends Error {
  readonly code = 'INVALID_ARGUMENT';
  readonly field = 'query.cursor';
  constructor(cause?: unknown) {
    super('The cursor does not belong to this search: repeat the search without it.', { cause });
    this.name = 'InvalidSearchCursorError';
  }
}
