import type { Decider, DomainEvent } from '@hearth/event-store';

/**
 * A merge proposal awaiting a data steward: recorded when identifiers point to different guests.
 * Stream `mergeProposal-<id>`; its id is derived from the sorted guest ids, so the same conflict seen
 * twice is one proposal.
 */
export type MergeProposalEvent =
  | DomainEvent<'MergeProposed', { proposalId: string; guestIds: string[]; reason: string; evidence: { type: string }[] }>
  | DomainEvent<'MergeProposalAccepted', { survivorId: string; mergeIds: string[] }>
  | DomainEvent<'MergeProposalRejected', { reason: string }>;

export type MergeProposalCommand =
  | { type: 'ProposeMerge'; proposalId: string; guestIds: string[]; reason: string; evidence: { type: string }[] }
  | { type: 'AcceptMergeProposal'; survivorId: string; mergeIds: string[] }
  | { type: 'RejectMergeProposal'; reason: string };

export type MergeProposalState = { status: 'none' | 'open' | 'accepted' | 'rejected'; guestIds: string[]; survivorId?: string; mergeIds: string[] };

export class MergeProposalError extends Error {
  constructor(
    readonly code: 'PROPOSAL_NOT_FOUND' | 'PROPOSAL_CLOSED' | 'SURVIVOR_NOT_IN_PROPOSAL' | 'INVALID_PROPOSAL',
    message: string,
  ) {
    super(message);
    this.name = 'MergeProposalError';
  }
}

/** The proposal id for a set of guests: order-independent. */
export const proposalIdFor = (guestIds: readonly string[]) => [...new Set(guestIds)].sort().join('~');

export const mergeProposalDecider: Decider<MergeProposalState, MergeProposalCommand, MergeProposalEvent> = {
  initialState: () => ({ status: 'none', guestIds: [], mergeIds: [] }),
  decide(command, state) {
    switch (command.type) {
      case 'ProposeMerge': {
        if (new Set(command.guestIds).size < 2) throw new MergeProposalError('INVALID_PROPOSAL', 'a merge proposal needs at least two different guests');
        if (state.status === 'open') return [];
        const { type: _t, ...proposal } = command;
        return [{ type: 'MergeProposed', data: { ...proposal, guestIds: [...new Set(command.guestIds)].sort() } }];
      }
      case 'AcceptMergeProposal': {
        if (state.status === 'none') throw new MergeProposalError('PROPOSAL_NOT_FOUND', 'no such merge proposal');
        if (state.status === 'accepted') return [];
        if (state.status !== 'open') throw new MergeProposalError('PROPOSAL_CLOSED', `the proposal was ${state.status}`);
        if (!state.guestIds.includes(command.survivorId)) throw new MergeProposalError('SURVIVOR_NOT_IN_PROPOSAL', 'the survivor must be one of the proposed guests');
        return [{ type: 'MergeProposalAccepted', data: { survivorId: command.survivorId, mergeIds: command.mergeIds } }];
      }
      case 'RejectMergeProposal': {
        if (state.status === 'none') throw new MergeProposalError('PROPOSAL_NOT_FOUND', 'no such merge proposal');
        if (state.status === 'rejected') return [];
        if (state.status !== 'open') throw new MergeProposalError('PROPOSAL_CLOSED', `the proposal was ${state.status}`);
        return [{ type: 'MergeProposalRejected', data: { reason: command.reason } }];
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'MergeProposed':
        return { status: 'open', guestIds: event.data.guestIds, mergeIds: [] };
      case 'MergeProposalAccepted':
        return { ...state, status: 'accepted', survivorId: event.data.survivorId, mergeIds: event.data.mergeIds };
      case 'MergeProposalRejected':
        return { ...state, status: 'rejected' };
      default:
        return state;
    }
  },
};
