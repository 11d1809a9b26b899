import { StreamNotFoundError, type StoredEvent } from '@hearth/event-store';
import { HttpError, route } from '@hearth/http';
import type { RouteDefinition } from '@hearth/http';
import { z } from 'zod';
import { acceptMergeProposal, rejectMergeProposal } from '../../app/merge-proposal-use-cases';
import { mergeProposalStream, type ProfileContext } from '../../app/profile-context';
import { MergeProposalError, mergeProposalDecider, type MergeProposalEvent, type MergeProposalState } from '../../domain/merge-proposal.decider';
import { isVisible } from './guest-access';
import { guestIdSchema, mergeProposalViewSchema, proposalIdSchema } from './profile.schemas';
import { callerHeadersSchema, requestScope, type ProfileRouteDeps, type RequestScope } from './request-scope';
import { STEWARD_ROLES } from './guest.routes';

type ProposalView = z.input<typeof mergeProposalViewSchema>;
type LoadedProposal = { view: ProposalView; state: MergeProposalState; version: number };

const notFound = (proposalId: string) => new MergeProposalError('PROPOSAL_NOT_FOUND', `Merge proposal ${proposalId} does not exist.`);

/** Folds the proposal's events into what a steward needs to decide (the decider's state keeps only what decide needs). */
function proposalView(proposalId: string, events: readonly StoredEvent[]): LoadedProposal {
  let view: ProposalView = { proposalId, version: 0, status: 'open', guestIds: [], reason: '', evidence: [], proposedAt: '' };
  let state = mergeProposalDecider.initialState();
  for (const stored of events) {
    const event = { type: stored.type, data: stored.data, metadata: stored.metadata } as MergeProposalEvent;
    state = mergeProposalDecider.evolve(state, event);
    const decided = { decidedAt: stored.metadata.occurredAt, decidedBy: stored.metadata.actor };
    if (event.type === 'MergeProposed') view = { ...view, guestIds: event.data.guestIds, reason: event.data.reason, evidence: event.data.evidence, proposedAt: stored.metadata.occurredAt };
    else if (event.type === 'MergeProposalAccepted') view = { ...view, ...decided, survivorId: event.data.survivorId, mergeIds: event.data.mergeIds };
    else if (event.type === 'MergeProposalRejected') view = { ...view, ...decided, rejectionReason: event.data.reason };
    view.version = stored.streamVersion;
  }
  view.status = state.status === 'none' ? 'open' : state.status;
  return { view, state, version: view.version };
}

/**
 * Loads a proposal of the caller's tenant (the tenant is part of the stream name). It is shown only
 * to callers who may see every guest in it: a steward scoped to some brands must not learn about
 * guests of the others.
 */
async function loadProposal(ctx: ProfileContext, rs: RequestScope, proposalId: string): Promise<LoadedProposal> {
  let events: StoredEvent[];
  try {
    events = await ctx.store.readStream(mergeProposalStream(rs.caller.tenantId, proposalId));
  } catch (error) {
    if (error instanceof StreamNotFoundError) throw notFound(proposalId);
    throw error;
  }
  const loaded = proposalView(proposalId, events);
  if (loaded.state.status === 'none') throw notFound(proposalId);
  const visible = await Promise.all(loaded.state.guestIds.map((id) => isVisible(ctx, rs, id)));
  if (!visible.every(Boolean)) throw notFound(proposalId);
  return loaded;
}

/**
 * Merge proposals recorded by identity resolution: listed by status from the merge-proposals read
 * model (when configured), and read, accepted or rejected by id (the id also comes with the
 * `ambiguous` resolution).
 */
export function mergeProposalRoutes({ ctx, proposals }: ProfileRouteDeps): RouteDefinition[] {
  const params = z.object({ proposalId: proposalIdSchema });
  const responses = {
    200: { description: 'The proposal', body: mergeProposalViewSchema, headers: { ETag: 'Stream version of the proposal' } },
    404: { description: 'PROPOSAL_NOT_FOUND (also for proposals about guests outside your brands)' },
  } as const;

  const listItem = z.object({ proposalId: z.string(), status: z.enum(['open', 'accepted', 'rejected']), guestIds: z.array(z.string()), reason: z.string(), proposedAt: z.string(), survivorId: z.string().optional() });
  return [
    route(
      {
        method: 'get',
        path: '/v1/merge-proposals',
        summary: 'List merge proposals by status (a data steward’s work list)',
        description: 'Oldest first, cursor-paged. Proposals about guests outside your brands are left out, so a page can hold fewer than `limit` items.',
        tags: ['merge-proposals'],
        roles: STEWARD_ROLES,
        headers: callerHeadersSchema,
        query: z.object({ status: z.enum(['open', 'accepted', 'rejected']).default('open'), cursor: z.string().max(2000).optional(), limit: z.coerce.number().int().min(1).max(100).default(20) }),
        responses: { 200: { description: 'A page of proposals', body: z.object({ items: z.array(listItem), nextCursor: z.string().optional() }) }, 400: { description: 'LISTING_NOT_AVAILABLE' } },
      },
      async ({ actor, headers, query, correlationId, requestId }) => {
        if (!proposals) throw new HttpError({ status: 400, code: 'LISTING_NOT_AVAILABLE', detail: 'This instance has no merge-proposals read model: read proposals by id.' });
        const rs = await requestScope(ctx, { actor, headers, correlationId, requestId });
        const page = await proposals.list(rs.caller.tenantId, { status: query.status, limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) });
        const items = [];
        for (const doc of page.items) {
          const visible = await Promise.all(doc.guestIds.map((id) => isVisible(ctx, rs, id)));
          if (visible.every(Boolean)) items.push({ proposalId: doc.id, status: doc.status, guestIds: doc.guestIds, reason: doc.reason, proposedAt: doc.proposedAt, ...(doc.survivorId ? { survivorId: doc.survivorId } : {}) });
        }
        return { status: 200, body: { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) } };
      },
    ),

    route(
      { method: 'get', path: '/v1/merge-proposals/:proposalId', summary: 'Get a merge proposal', tags: ['merge-proposals'], roles: STEWARD_ROLES, headers: callerHeadersSchema, params, responses },
      async ({ actor, headers, params: p, correlationId, requestId }) => {
        const rs = await requestScope(ctx, { actor, headers, correlationId, requestId });
        const { view, version } = await loadProposal(ctx, rs, p.proposalId);
        return { status: 200, body: view, version };
      },
    ),

    route(
      {
        method: 'post',
        path: '/v1/merge-proposals/:proposalId/accept',
        summary: 'Accept a merge proposal',
        description: 'Merges every other guest of the proposal into the survivor (as POST /v1/guests/{survivorId}/merge would), then records the acceptance. Safe to repeat.',
        tags: ['merge-proposals'],
        roles: STEWARD_ROLES,
        headers: callerHeadersSchema,
        params,
        body: z.strictObject({ survivorId: guestIdSchema }),
        responses: { ...responses, 409: { description: 'PROPOSAL_CLOSED (rejected), ALREADY_MERGED' }, 422: { description: 'SURVIVOR_NOT_IN_PROPOSAL' } },
      },
      async ({ actor, headers, params: p, body, correlationId, requestId }) => {
        const rs = await requestScope(ctx, { actor, headers, correlationId, requestId }, { write: true });
        await loadProposal(ctx, rs, p.proposalId); // 404 unless the caller may see every proposed guest
        await acceptMergeProposal(ctx, rs.caller, p.proposalId, body.survivorId);
        const { view, version } = await loadProposal(ctx, rs, p.proposalId);
        return { status: 200, body: view, version };
      },
    ),

    route(
      {
        method: 'post',
        path: '/v1/merge-proposals/:proposalId/reject',
        summary: 'Reject a merge proposal',
        tags: ['merge-proposals'],
        roles: STEWARD_ROLES,
        headers: callerHeadersSchema,
        params,
        body: z.strictObject({ reason: z.string().trim().min(1).max(500) }),
        responses: { ...responses, 409: { description: 'PROPOSAL_CLOSED (already accepted)' } },
      },
      async ({ actor, headers, params: p, body, correlationId, requestId }) => {
        const rs = await requestScope(ctx, { actor, headers, correlationId, requestId }, { write: true });
        await loadProposal(ctx, rs, p.proposalId);
        await rejectMergeProposal(ctx, rs.caller, p.proposalId, body.reason);
        const { view, version } = await loadProposal(ctx, rs, p.proposalId);
        return { status: 200, body: view, version };
      },
    ),
  ];
}
