import { aggregateStream, handleCommand } from '@hearth/event-store';
import { MergeProposalError, mergeProposalDecider, type MergeProposalState } from '../domain/merge-proposal.decider';
import { mergeGuests } from './guest-use-cases';
import { mergeProposalStream, metadataOf, type Caller, type ProfileContext } from './profile-context';

export async function loadMergeProposal(ctx: ProfileContext, caller: Caller, proposalId: string): Promise<{ state: MergeProposalState; version: number | undefined }> {
  const { state, streamVersion } = await aggregateStream(ctx.store, mergeProposalStream(caller.tenantId, proposalId), mergeProposalDecider);
  return { state, version: streamVersion };
}

/**
 * Accepts a proposal: merges every other proposed guest into the survivor, then records the
 * acceptance. Everything is checked before the first merge (a closed proposal or a stranger as
 * survivor merges nobody); repeating an accepted proposal with the same survivor is a no-op.
 */
export async function acceptMergeProposal(ctx: ProfileContext, caller: Caller, proposalId: string, survivorId: string): Promise<{ mergeIds: string[] }> {
  const { state } = await loadMergeProposal(ctx, caller, proposalId);
  if (state.status === 'accepted') {
    if (state.survivorId === survivorId) return { mergeIds: state.mergeIds };
    throw new MergeProposalError('PROPOSAL_CLOSED', `the proposal was already accepted with survivor ${state.survivorId}`);
  }
  mergeProposalDecider.decide({ type: 'AcceptMergeProposal', survivorId, mergeIds: [] }, state); // validates, writes nothing
  const mergeIds: string[] = [];
  for (const guestId of state.guestIds) {
    if (guestId !== survivorId) mergeIds.push((await mergeGuests(ctx, caller, survivorId, guestId)).mergeId);
  }
  await handleCommand(ctx.store, mergeProposalDecider, mergeProposalStream(caller.tenantId, proposalId), { type: 'AcceptMergeProposal', survivorId, mergeIds }, {
    metadata: metadataOf(ctx, caller),
  });
  return { mergeIds };
}

export async function rejectMergeProposal(ctx: ProfileContext, caller: Caller, proposalId: string, reason: string): Promise<void> {
  await handleCommand(ctx.store, mergeProposalDecider, mergeProposalStream(caller.tenantId, proposalId), { type: 'RejectMergeProposal', reason }, {
    metadata: metadataOf(ctx, caller),
  });
}
