import type { StoredEvent } from '@hearth/event-store';
import {
  createProjectionRunner,
  defineCollection,
  eventStoreSource,
  type BaseDocument,
  type DocumentSession,
  type DocumentStore,
  type ProjectionRunner,
} from '@hearth/read-models';
import type { MergeProposalEvent } from '../../domain/merge-proposal.decider';

/** One document per merge proposal: what a data steward's work list needs (ids only, no personal data). */
export type MergeProposalDocument = BaseDocument & {
  status: 'open' | 'accepted' | 'rejected';
  proposedAt: string;
  guestIds: string[];
  reason: string;
  survivorId?: string;
};

export const mergeProposalDocuments = defineCollection<MergeProposalDocument>({
  name: 'merge_proposals',
  fields: { status: 'string', proposedAt: 'string' },
  indexes: [{ fields: ['status', 'proposedAt'] }],
});

const STREAM_PREFIX = 'mergeProposal-';

/** Applies one stored event (streams `mergeProposal-<tenant>~<proposalId>`); version = global position, so replays are no-ops. */
export async function projectMergeProposal(event: StoredEvent, session: DocumentSession): Promise<void> {
  if (!event.streamName.startsWith(STREAM_PREFIX)) return;
  const tenantId = event.metadata.tenantId;
  const proposalId = event.streamName.slice(`${STREAM_PREFIX}${tenantId}~`.length);
  const docs = session.forTenant(tenantId);
  const e = { type: event.type, data: event.data } as MergeProposalEvent;
  const version = event.globalPosition;
  if (e.type === 'MergeProposed') {
    await docs.upsert(mergeProposalDocuments, { id: proposalId, tenantId, version, status: 'open', proposedAt: event.metadata.occurredAt, guestIds: e.data.guestIds, reason: e.data.reason });
    return;
  }
  const current = await docs.get(mergeProposalDocuments, proposalId);
  if (!current) return;
  if (e.type === 'MergeProposalAccepted') await docs.upsert(mergeProposalDocuments, { ...current, version, status: 'accepted', survivorId: e.data.survivorId });
  if (e.type === 'MergeProposalRejected') await docs.upsert(mergeProposalDocuments, { ...current, version, status: 'rejected' });
}

export const MERGE_PROPOSALS_PROJECTION = 'customer-profile--merge-proposals';

export function createMergeProposalsProjection(options: { events: Parameters<typeof eventStoreSource>[0]; store: DocumentStore; onError?: (error: unknown) => void }): ProjectionRunner {
  return createProjectionRunner<StoredEvent>({
    name: MERGE_PROPOSALS_PROJECTION,
    source: eventStoreSource(options.events, { categories: ['mergeProposal'] }),
    project: projectMergeProposal,
    store: options.store,
    collections: [mergeProposalDocuments],
    ...(options.onError ? { onError: options.onError } : {}),
  });
}

/** The steward's work list: proposals of a tenant by status, oldest first, cursor-paged. */
export type MergeProposalList = {
  list(tenantId: string, query: { status: MergeProposalDocument['status']; cursor?: string; limit: number }): Promise<{ items: MergeProposalDocument[]; nextCursor?: string }>;
};

export function createMergeProposalList(store: DocumentStore): MergeProposalList {
  return {
    async list(tenantId, { status, cursor, limit }) {
      return store.forTenant(tenantId).find(mergeProposalDocuments, { status }, { sort: { field: 'proposedAt', direction: 'asc' }, limit, ...(cursor ? { cursor } : {}) });
    },
  };
}
