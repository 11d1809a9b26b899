import { deciderSpec } from '@hearth/testing';
import { mergeProposalDecider, proposalIdFor } from './merge-proposal.decider';
import { decideResolution } from './resolution';

const email = { type: 'email' as const, value: 'ana@example.com' };
const phone = { type: 'phone' as const, value: '+351912345678' };
const member = { type: 'member' as const, value: 'HX-1' };

describe('decideResolution', () => {
  it('creates a new guest when nothing is known', () => {
    expect(decideResolution([email, phone], new Map())).toEqual({ kind: 'new', identities: [email, phone] });
  });
  it('matches one guest and lists identifiers it does not have yet', () => {
    expect(decideResolution([email, phone], new Map([['email:ana@example.com', 'g1']]))).toEqual({ kind: 'matched', guestId: 'g1', unknown: [phone] });
  });
  it('does not guess between different guests: it returns ranked candidates', () => {
    const owners = new Map([['email:ana@example.com', 'g2'], ['phone:+351912345678', 'g1'], ['member:HX-1', 'g1']]);
    expect(decideResolution([email, phone, member], owners)).toEqual({
      kind: 'ambiguous',
      candidates: [{ guestId: 'g1', matchedBy: [phone, member] }, { guestId: 'g2', matchedBy: [email] }],
    });
  });
});

describe('merge proposals', () => {
  const spec = deciderSpec(mergeProposalDecider);
  const proposed = { type: 'MergeProposed' as const, data: { proposalId: 'g1~g2', guestIds: ['g1', 'g2'], reason: 'identifiers of different guests', evidence: [{ type: 'email' }] } };
  it('opens one proposal per set of guests', () => {
    expect(proposalIdFor(['g2', 'g1', 'g2'])).toBe('g1~g2');
    spec.given([]).when({ type: 'ProposeMerge', proposalId: 'g1~g2', guestIds: ['g2', 'g1'], reason: 'identifiers of different guests', evidence: [{ type: 'email' }] }).then([proposed]);
    spec.given([proposed]).when({ type: 'ProposeMerge', proposalId: 'g1~g2', guestIds: ['g1', 'g2'], reason: 'again', evidence: [] }).thenNothingHappened();
    spec.given([]).when({ type: 'ProposeMerge', proposalId: 'g1', guestIds: ['g1', 'g1'], reason: 'x', evidence: [] }).thenThrows('INVALID_PROPOSAL');
  });
  it('is accepted with a survivor among the guests, or rejected, once', () => {
    spec.given([proposed]).when({ type: 'AcceptMergeProposal', survivorId: 'g1', mergeIds: ['m1'] }).then([{ type: 'MergeProposalAccepted', data: { survivorId: 'g1', mergeIds: ['m1'] } }]);
    spec.given([proposed]).when({ type: 'AcceptMergeProposal', survivorId: 'g9', mergeIds: [] }).thenThrows('SURVIVOR_NOT_IN_PROPOSAL');
    spec.given([proposed]).when({ type: 'RejectMergeProposal', reason: 'different people' }).then([{ type: 'MergeProposalRejected', data: { reason: 'different people' } }]);
    spec.given([proposed, { type: 'MergeProposalRejected', data: { reason: 'x' } }]).when({ type: 'AcceptMergeProposal', survivorId: 'g1', mergeIds: [] }).thenThrows('PROPOSAL_CLOSED');
    spec.given([]).when({ type: 'RejectMergeProposal', reason: 'x' }).thenThrows('PROPOSAL_NOT_FOUND');
  });
});
