import { InvalidCursorError, type DocumentStore, type Filter } from '@hearth/read-models';
import { InvalidSearchCursorError, type GuestSearch, type GuestSearchPage, type GuestSearchQuery } from '../http/guest-search';
import { normalisePhone } from '../../domain/identifiers';
import { foldSearchText, guestSearchKeys, type SearchKeyKind } from './guest-search.collections';

/** How a search text is read: a name prefix, an exact e-mail or an exact phone number. */
export type SearchIntent = { kind: SearchKeyKind; key: string; prefix: boolean };

const PHONE_LIKE = /^\+?[\d\s().\-/]+$/;

/**
 * Reads `q`: with an `@` it is an e-mail (exact, lower-case); digits (with phone punctuation, at least 5
 * of them) are a phone number (exact, E.164 via the domain's `normalisePhone`, read in `defaultCountry`
 * when it has no country code); anything else is a name prefix (folded like the documents).
 * `undefined` when nothing can match (an invalid phone number, only punctuation).
 */
export function searchIntentOf(q: string, defaultCountry?: string): SearchIntent | undefined {
  const text = q.trim();
  if (text.includes('@')) return { kind: 'email', key: text.toLowerCase(), prefix: false };
  if (PHONE_LIKE.test(text) && text.replace(/\D/g, '').length >= 5) {
    try {
      return { kind: 'phone', key: normalisePhone(text, defaultCountry), prefix: false };
    } catch {
      return undefined; // not a valid number: it cannot be anyone's identity
    }
  }
  const prefix = foldSearchText(text);
  return prefix === '' ? undefined : { kind: 'name', key: prefix, prefix: true };
}

/**
 * The `GuestSearch` port over the `guest_search_keys` read model. Name hits come in key order (family
 * name first, then given-first keys), each guest once; pages are keyset pages of the store (its cursor
 * is the page cursor, bound to the query).
 */
export function createGuestSearch(store: DocumentStore, options: { defaultCountry?: string } = {}): GuestSearch {
  return {
    async search(tenantId: string, query: GuestSearchQuery): Promise<GuestSearchPage> {
      const intent = searchIntentOf(query.q, options.defaultCountry);
      if (!intent) return { items: [] };
      const docs = store.forTenant(tenantId);
      const filter: Filter = { kind: intent.kind, key: intent.prefix ? { $prefix: intent.key } : intent.key };
      const items: string[] = [];
      let cursor = query.cursor;
      // Fill the page: a given-first name key is skipped when the guest's family-first key matches too
      // (that one is the hit), so a store page may yield fewer ids. Each store page is consumed whole,
      // so its cursor stays exact.
      for (;;) {
        const page = await docs
          .find(guestSearchKeys, filter, { sort: { field: 'key' }, limit: query.limit - items.length, ...(cursor !== undefined ? { cursor } : {}) })
          .catch((error: unknown) => {
            throw error instanceof InvalidCursorError ? new InvalidSearchCursorError(error) : error;
          });
        for (const hit of page.items) {
          if (hit.familyFirstKey !== undefined && intent.prefix && hit.familyFirstKey.startsWith(intent.key)) continue;
          if (!items.includes(hit.guestId)) items.push(hit.guestId);
        }
        cursor = page.nextCursor;
        if (cursor === undefined) return { items };
        if (items.length >= query.limit) return { items, nextCursor: cursor };
      }
    },
  };
}
