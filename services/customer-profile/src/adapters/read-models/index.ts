export {
  foldSearchText,
  GUEST_SEARCH_COLLECTIONS,
  guestSearchDocuments,
  guestSearchKeys,
  keyDocumentsOf,
} from './guest-search.collections';
export type { FoldedName, GuestSearchDocument, GuestSearchKeyDocument, SearchKeyKind } from './guest-search.collections';
export {
  createGuestSearchProjection,
  evolveGuestSearch,
  GUEST_SEARCH_PROJECTION,
  projectGuestSearch,
  purgeGuestSearch,
} from './guest-search.projection';
export type { GuestSearchProjectionOptions } from './guest-search.projection';
export { createGuestSearch, searchIntentOf } from './guest-search.query';
export type { SearchIntent } from './guest-search.query';
export { guestSearchErasureHook } from './guest-search.erasure';
export {
  createMergeProposalList,
  createMergeProposalsProjection,
  mergeProposalDocuments,
  MERGE_PROPOSALS_PROJECTION,
  projectMergeProposal,
} from './merge-proposals.read-model';
export type { MergeProposalDocument, MergeProposalList } from './merge-proposals.read-model';
export { CLAIM_STREAM_PREFIX, claimKeyId, GUEST_LOOKUP_COLLECTIONS, guestLookupDocuments, guestLookupKeys } from './guest-lookup.collections';
export type { GuestLookupDocument, GuestLookupKeyDocument } from './guest-lookup.collections';
export { createGuestLookupProjection, GUEST_LOOKUP_PROJECTION, projectGuestLookup, purgeGuestLookup } from './guest-lookup.projection';
export type { GuestLookupProjectionDeps, GuestLookupProjectionOptions } from './guest-lookup.projection';
export { documentStoreGuestLookup, guestLookupSql, postgresGuestLookup } from './guest-lookup.readers';
export { guestLookupErasureHook } from './guest-lookup.erasure';
