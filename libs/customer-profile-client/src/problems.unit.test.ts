import { AmbiguousGuestError, DependencyUnavailableError, InvalidIdentifierError } from './customer-profile.port';
import { customerProfileProblem } from './problems';
import { BrandNotAllowedError, UnknownBrandError } from './viewer-scope';

describe('customerProfileProblem', () => {
  it('gives every service the same problem for customer-profile trouble', () => {
    expect(customerProfileProblem(new AmbiguousGuestError([{ guestId: 'g1', matchedBy: ['email'] }, { guestId: 'g2', matchedBy: ['phone'] }], 'p1'))).toMatchObject({
      status: 422,
      code: 'AMBIGUOUS_GUEST',
      extensions: { candidates: [{ guestId: 'g1', matchedBy: ['email'] }, { guestId: 'g2', matchedBy: ['phone'] }], proposalId: 'p1' },
    });
    expect(customerProfileProblem(new InvalidIdentifierError('not an e-mail'))).toMatchObject({ status: 400, code: 'INVALID_IDENTIFIER', errors: [{ path: 'body.identifiers' }] });
    expect(customerProfileProblem(new UnknownBrandError('nowhere', 'header.x-brand-id'))).toMatchObject({ status: 400, errors: [{ path: 'header.x-brand-id', code: 'UNKNOWN_BRAND' }] });
    expect(customerProfileProblem(new DependencyUnavailableError('customer-profile', 'request timeout'))).toMatchObject({ status: 503, headers: { 'Retry-After': '1' }, extensions: { dependency: 'customer-profile' } });
    // mapped by code (403) by the services, not here; anything else is not ours
    expect(customerProfileProblem(new BrandNotAllowedError('hotels'))).toBeUndefined();
    expect(customerProfileProblem(new Error('other'))).toBeUndefined();
  });
});
