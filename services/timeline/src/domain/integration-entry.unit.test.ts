import type { AnyIntegrationEvent } from '@hearth/contracts';
import { entryFromIntegrationEvent, moneyOf, reactionOf } from './integration-entry';

const envelope = (overrides: Partial<AnyIntegrationEvent>): AnyIntegrationEvent => ({
  id: '0b7e5c9e-0a57-4a47-9f4e-7a1f3c0d9a11',
  type: 'hearth.customer-profile.guest-registered',
  version: 1,
  source: 'customer-profile',
  tenantId: 't-1',
  guestId: 'g-1',
  occurredAt: '2026-03-01T10:00:00Z',
  correlationId: 'c-1',
  data: { guestId: 'g-1', registeredAt: '2026-03-01T10:00:00Z' },
  ...overrides,
});

describe('entryFromIntegrationEvent', () => {
  it('given any envelope naming a guest, then it becomes an event entry with the data as facts', () => {
    expect(entryFromIntegrationEvent(envelope({ brandId: 'brand-a' }), '2026-03-01T10:00:01Z')).toEqual({
      entryId: '0b7e5c9e-0a57-4a47-9f4e-7a1f3c0d9a11',
      guestId: 'g-1',
      kind: 'event',
      type: 'hearth.customer-profile.guest-registered',
      contractVersion: 1,
      source: 'customer-profile',
      sourceEventId: '0b7e5c9e-0a57-4a47-9f4e-7a1f3c0d9a11',
      brandId: 'brand-a',
      propertyId: null,
      channel: null,
      occurredAt: '2026-03-01T10:00:00Z',
      recordedAt: '2026-03-01T10:00:01Z',
      actor: 'service:customer-profile',
      visibility: 'shared',
      amount: null,
      facts: { guestId: 'g-1', registeredAt: '2026-03-01T10:00:00Z' },
      personal: null,
    });
  });

  it('takes brand, property, channel, visibility and money from data of unknown contracts', () => {
    const entry = entryFromIntegrationEvent(
      envelope({
        type: 'hearth.sales.sale-completed',
        source: 'sales',
        version: 3,
        data: { brandId: 'brand-b', propertyId: 'p-9', channel: 'pos', visibility: 'brand', amount: { currency: 'EUR', amount: '12.50' }, lines: 2 },
      }),
      '2026-03-01T10:00:01Z',
    );
    expect(entry).toEqual(
      expect.objectContaining({ brandId: 'brand-b', propertyId: 'p-9', channel: 'pos', visibility: 'brand', contractVersion: 3, amount: { currency: 'EUR', minor: 1250 } }),
    );
    expect(entry?.facts.lines).toBe(2);
  });

  it('prefers the envelope brand and reads money in minor units from data.value', () => {
    const entry = entryFromIntegrationEvent(
      envelope({ type: 'hearth.service-tickets.recovery-given', brandId: 'brand-a', data: { brandId: 'brand-z', ticketId: 'T-1', value: { currency: 'JPY', minor: 3000 } } }),
      '2026-03-01T10:00:01Z',
    );
    expect(entry).toEqual(expect.objectContaining({ brandId: 'brand-a', amount: { currency: 'JPY', minor: 3000 } }));
  });

  it('stores no entry for an envelope without a guest', () => {
    const { guestId: _omitted, ...rest } = envelope({});
    expect(entryFromIntegrationEvent(rest, '2026-03-01T10:00:01Z')).toBeUndefined();
  });

  it('keeps data that is not an object as a value fact', () => {
    expect(entryFromIntegrationEvent(envelope({ data: 'ping' }), 'now')?.facts).toEqual({ value: 'ping' });
  });

  it('ignores money it cannot read', () => {
    expect(moneyOf({ currency: 'EUR', amount: '1.999' })).toBeUndefined();
    expect(moneyOf({ currency: 'euro', minor: 5 })).toBeUndefined();
    expect(moneyOf({ currency: 'EUR', minor: 1.5 })).toBeUndefined();
    expect(moneyOf({ currency: 'EUR', amount: 12.5 })).toEqual({ currency: 'EUR', minor: 1250 });
    expect(moneyOf('12 EUR')).toBeUndefined();
  });
});

describe('reactionOf', () => {
  const merge = { mergeId: 'm-1', survivorId: 'g-1', mergedId: 'g-2' };

  it('links on a merge and unlinks on an unmerge', () => {
    expect(reactionOf(envelope({ type: 'hearth.customer-profile.guests-merged', data: merge }))).toEqual({ kind: 'link', ...merge });
    expect(reactionOf(envelope({ type: 'hearth.customer-profile.guests-unmerged', data: merge }))).toEqual({ kind: 'unlink', ...merge });
    expect(reactionOf(envelope({ type: 'hearth.customer-profile.guests-merged', data: { mergeId: 'm-1', survivorId: 'g-1' } }))).toBeUndefined();
  });

  it('erases on guest-erased', () => {
    expect(reactionOf(envelope({ type: 'hearth.customer-profile.guest-erased', data: { guestId: 'g-7', erasedAt: '2026-03-01T10:00:00Z' } }))).toEqual({
      kind: 'erase',
      guestId: 'g-7',
    });
  });

  it.each([
    'guest-registered',
    'guest-profile-updated',
    'guest-identity-added',
    'guest-identity-removed',
    'guest-preference-set',
    'guest-preference-removed',
    'guest-consent-changed',
  ])('refreshes the profile snapshot on %s', (event) => {
    expect(reactionOf(envelope({ type: `hearth.customer-profile.${event}` }))).toEqual({ kind: 'refresh-profile', guestId: 'g-1' });
  });

  it('has no reaction to other events', () => {
    expect(reactionOf(envelope({ type: 'hearth.loyalty.tier-changed', data: { tier: 'gold' } }))).toBeUndefined();
  });
});
