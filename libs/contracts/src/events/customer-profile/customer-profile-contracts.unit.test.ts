import { allContracts } from '../index';

const customerProfile = allContracts.filter((c) => c.type.startsWith('hearth.customer-profile.'));

/** All property names anywhere in a JSON Schema. */
function propertyNames(schema: unknown): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const node = schema as { properties?: Record<string, unknown> };
  const own = node.properties ? Object.keys(node.properties) : [];
  return [...own, ...Object.values(schema).flatMap(propertyNames)];
}

describe('customer-profile integration events', () => {
  it('cover every change the service publishes', () => {
    expect(customerProfile.map((c) => c.type.split('.')[2]).sort()).toEqual([
      'guest-consent-changed', 'guest-erased', 'guest-identity-added', 'guest-identity-removed', 'guest-preference-removed',
      'guest-preference-set', 'guest-profile-updated', 'guest-registered', 'guests-merged', 'guests-unmerged',
    ]);
  });

  it.each(customerProfile.map((c) => [c.subject, c] as const))('%s carries no personal values', (_subject, contract) => {
    const names = propertyNames(contract.toJsonSchema());
    for (const personal of ['email', 'phone', 'name', 'givenName', 'familyName', 'address', 'dateOfBirth', 'value', 'identifier']) {
      expect(names).not.toContain(personal);
    }
  });

  it.each(customerProfile.map((c) => [c.subject, c] as const))('%s round-trips its example', (_subject, contract) => {
    expect(contract.parse(JSON.parse(JSON.stringify(contract.exampleEvent)))).toEqual(contract.exampleEvent);
  });
});
