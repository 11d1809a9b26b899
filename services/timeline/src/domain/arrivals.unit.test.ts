import { reservationOf } from './arrivals';
import type { TimelineEntry } from './timeline.types';

const entry = (type: string, facts: TimelineEntry['facts'], kind: TimelineEntry['kind'] = 'touchpoint'): TimelineEntry => ({
  entryId: 'e-1',
  guestId: 'g-1',
  kind,
  type,
  source: 'touchpoints-api',
  brandId: 'brand-a',
  propertyId: 'p-1',
  channel: 'web',
  occurredAt: '2026-03-01T10:00:00Z',
  recordedAt: '2026-03-01T10:00:01Z',
  actor: 'user:u',
  visibility: 'shared',
  amount: null,
  facts,
  personal: { specialRequests: 'quiet room' },
});

describe('reservationOf', () => {
  it('reads a booking with its dates', () => {
    expect(reservationOf(entry('reservation-made', { reservationId: 'R-1', arrivalDate: '2026-04-01', departureDate: '2026-04-03' }))).toEqual({
      reservationId: 'R-1',
      propertyId: 'p-1',
      brandId: 'brand-a',
      arrivalDate: '2026-04-01',
      departureDate: '2026-04-03',
      status: 'booked',
    });
  });

  it('reads a cancellation without dates', () => {
    expect(reservationOf(entry('reservation-cancelled', { reservationId: 'R-1', reason: 'change-of-plans' }))).toEqual({
      reservationId: 'R-1',
      propertyId: 'p-1',
      brandId: 'brand-a',
      status: 'cancelled',
    });
  });

  it('ignores other entries', () => {
    expect(reservationOf(entry('stay', { reservationId: 'R-1' }))).toBeUndefined();
    expect(reservationOf(entry('reservation-made', { reservationId: 'R-1' }, 'event'))).toBeUndefined();
    expect(reservationOf(entry('reservation-made', {}))).toBeUndefined();
  });
});
