import {
  EVENT_TYPE_PATTERN,
  parseEnvelope,
  parseSubject,
  safeParseEnvelope,
  subjectOf,
  type AnyIntegrationEvent,
} from './envelope';
import { ContractValidationError } from './errors';

const validEnvelope = (): AnyIntegrationEvent => ({
  id: '5d2c0a8e-3f41-4b7e-9c1a-2e6f8d9b0a71',
  type: 'hearth.service-tickets.ticket-opened',
  version: 3,
  source: 'service-tickets',
  tenantId: 'tenant-1',
  occurredAt: '2025-03-04T05:06:07.000+01:00',
  correlationId: 'corr-1',
  data: { anything: ['goes', 1] },
});

describe('EVENT_TYPE_PATTERN', () => {
  it.each(['hearth.customer-profile.guest-registered', 'hearth.loyalty.points-earned', 'hearth.a1.b2-c3'])('accepts %s', (type) => {
    expect(EVENT_TYPE_PATTERN.test(type)).toBe(true);
  });

  it.each([
    'customer-profile.guest-registered',
    'hearth.customer-profile',
    'hearth.Customer-Profile.guest-registered',
    'hearth.customer_profile.guest-registered',
    'hearth.customer-profile.guest--registered',
    'hearth.customer-profile.guest-registered.v1',
    'hearth.customer-profile.-guest',
    'hearth.1service.event',
  ])('rejects %s', (type) => {
    expect(EVENT_TYPE_PATTERN.test(type)).toBe(false);
  });
});

describe('subjects', () => {
  it('are <type>.v<N>', () => {
    expect(subjectOf('hearth.service-tickets.ticket-opened', 1)).toBe('hearth.service-tickets.ticket-opened.v1');
  });

  it('parse back into type and version', () => {
    expect(parseSubject('hearth.service-tickets.ticket-opened.v12')).toEqual({
      type: 'hearth.service-tickets.ticket-opened',
      version: 12,
    });
    expect(parseSubject('hearth.service-tickets.ticket-opened')).toBeUndefined();
    expect(parseSubject('hearth.service-tickets.ticket-opened.v0')).toBeUndefined();
    expect(parseSubject('hearth.>')).toBeUndefined();
  });
});

describe('generic envelope validation', () => {
  it('accepts any versioned contract and leaves data untouched', () => {
    const input = validEnvelope();
    expect(parseEnvelope(input)).toEqual(input);
  });

  it('is a tolerant reader: unknown top-level fields are dropped, not rejected', () => {
    const parsed = parseEnvelope({ ...validEnvelope(), addedLater: true });
    expect(parsed).not.toHaveProperty('addedLater');
  });

  it('accepts the optional fields', () => {
    const input = { ...validEnvelope(), brandId: 'brand-1', guestId: 'guest-1', causationId: 'cmd-1' };
    expect(parseEnvelope(input)).toEqual(input);
  });

  it('lists every broken field with its path', () => {
    const result = safeParseEnvelope({
      ...validEnvelope(),
      id: 'not-a-uuid',
      type: 'hearth.Bad.type',
      version: 0,
      source: 'Service Tickets',
      occurredAt: 'yesterday',
      tenantId: undefined,
      data: undefined,
    });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error).toBeInstanceOf(ContractValidationError);
    expect(result.error.code).toBe('CONTRACT_VALIDATION_FAILED');
    expect(result.error.contract).toBe('envelope');
    expect(result.error.issues.map((i) => i.path).sort()).toEqual(
      ['data', 'id', 'occurredAt', 'source', 'tenantId', 'type', 'version'].sort(),
    );
    expect(result.error.issues).toContainEqual({ path: 'tenantId', message: 'Required' });
    expect(result.error.issues).toContainEqual({ path: 'data', message: 'Required' });
    expect(result.error.issues).toContainEqual({
      path: 'type',
      message: 'must look like hearth.<service>.<event> with lower-kebab segments',
    });
  });

  it('throws ContractValidationError from parseEnvelope', () => {
    expect(() => parseEnvelope('not an object')).toThrow(ContractValidationError);
    expect(() => parseEnvelope(null)).toThrow(/Invalid envelope message/);
  });
});
