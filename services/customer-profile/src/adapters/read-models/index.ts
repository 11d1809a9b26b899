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
