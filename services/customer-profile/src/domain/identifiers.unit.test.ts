import { identityKey, normaliseIdentity, parseIdentifierQuery } from './identifiers';

describe('identifiers', () => {
  it.each([
    [{ type: 'email', value: '  Ana.Lopes@Example.COM ' }, { type: 'email', value: 'ana.lopes@example.com' }],
    [{ type: 'phone', value: '+351 912 345 678' }, { type: 'phone', value: '+351912345678' }],
    [{ type: 'phone', value: '(415) 555-2671' }, { type: 'phone', value: '+14155552671' }],
    [{ type: 'member', value: ' hx-100234 ' }, { type: 'member', value: 'HX-100234' }],
    [{ type: 'booking', value: 'abc123' }, { type: 'booking', value: 'ABC123' }],
    [{ type: 'card', value: `SHA256:${'A'.repeat(64)}` }, { type: 'card', value: `sha256:${'a'.repeat(64)}` }],
    [{ type: 'external', system: 'Opera-PMS', value: 'P-77' }, { type: 'external', system: 'opera-pms', value: 'P-77' }],
  ])('normalises %j', (input, expected) => {
    expect(normaliseIdentity(input, { defaultCountry: 'US' })).toEqual(expected);
  });

  it.each([
    [{ type: 'email', value: 'not-an-email' }, 'identifier.value', /not a valid e-mail/],
    [{ type: 'email', value: 'a@b' }, 'identifier.value', /not a valid e-mail/],
    [{ type: 'phone', value: '12345' }, 'identifier.value', /not a valid phone number/],
    [{ type: 'phone', value: '912345678' }, 'identifier.value', /country code/],
    [{ type: 'card', value: '4111111111111111' }, 'identifier.value', /must be hashed/],
    [{ type: 'external', value: 'P-77' }, 'identifier.system', /system name/],
    [{ type: 'passport', value: 'X1' }, 'identifier.type', /unknown identifier type/],
    [{ type: 'member', value: '   ' }, 'identifier.value', /must not be empty/],
  ])('rejects %j with a field error', (input, field, message) => {
    let error: unknown;
    try {
      normaliseIdentity(input);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'INVALID_IDENTIFIER', field });
    expect((error as Error).message).toMatch(message);
  });

  it('reads the type:value query form, including external ids', () => {
    expect(parseIdentifierQuery('email:Ana@Example.com')).toEqual({ type: 'email', value: 'ana@example.com' });
    expect(parseIdentifierQuery('external:opera-pms:P:77')).toEqual({ type: 'external', system: 'opera-pms', value: 'P:77' });
    expect(parseIdentifierQuery('phone:912345678', { defaultCountry: 'PT' })).toEqual({ type: 'phone', value: '+351912345678' });
    expect(() => parseIdentifierQuery('ana@example.com')).toThrow(/expected '<type>:<value>'/);
  });

  it('keys identities for uniqueness', () => {
    expect(identityKey({ type: 'email', value: 'a@b.pt' })).toBe('email:a@b.pt');
    expect(identityKey({ type: 'external', system: 'pos', value: '9' })).toBe('external:pos:9');
  });
});
