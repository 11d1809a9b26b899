import { guestRegisteredV1 } from './guest-registered.v1';

describe('hearth.customer-profile.guest-registered v1', () => {
  it('is published on hearth.customer-profile.guest-registered.v1', () => {
    expect(guestRegisteredV1.subject).toBe('hearth.customer-profile.guest-registered.v1');
  });

  it('builds a valid envelope from the minimal payload', () => {
    const event = guestRegisteredV1.create({
      id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      tenantId: 'tenant-1',
      guestId: 'guest-1',
      occurredAt: '2025-02-01T08:30:00Z',
      correlationId: 'corr-1',
      data: { guestId: 'guest-1', registeredAt: '2025-02-01T08:30:00Z' },
    });
    expect(event.source).toBe('customer-profile');
    expect(guestRegisteredV1.parse(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('rejects an unknown lifecycle stage and a missing registeredAt', () => {
    const result = guestRegisteredV1.safeParse({ ...guestRegisteredV1.exampleEvent, data: { guestId: 'g', lifecycleStage: 'vip' } });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((i) => i.path)).toEqual(['data.lifecycleStage', 'data.registeredAt']);
  });

  it('carries no personal data: unknown payload fields are dropped', () => {
    const event = guestRegisteredV1.parse({
      ...guestRegisteredV1.exampleEvent,
      data: { ...guestRegisteredV1.example, email: 'someone@example.com' },
    });
    expect(event.data).not.toHaveProperty('email');
  });
});
