import { isCalendarDate, stringOf } from './json';
import type { TimelineEntry } from './timeline.types';

/** A reservation as the arrivals briefing indexes it (`arrivals` read model: id = reservationId). */
export type ReservationFact = {
  reservationId: string;
  propertyId: string | null;
  brandId: string | null;
  arrivalDate?: string;
  departureDate?: string;
  status: 'booked' | 'cancelled';
};

/**
 * The reservation a `reservation-made` / `reservation-cancelled` touchpoint entry speaks of; undefined for
 * any other entry. A cancellation carries no dates: merge it into what is known (and remember that entries
 * arrive out of order: a cancellation may be seen before the booking; the later `occurredAt` decides the
 * status). Special requests are personal and are not part of it (the guest view holds them).
 */
export function reservationOf(entry: TimelineEntry): ReservationFact | undefined {
  if (entry.kind !== 'touchpoint') return undefined;
  if (entry.type !== 'reservation-made' && entry.type !== 'reservation-cancelled') return undefined;
  const reservationId = stringOf(entry.facts.reservationId);
  if (!reservationId) return undefined;
  const fact: ReservationFact = {
    reservationId,
    propertyId: entry.propertyId,
    brandId: entry.brandId,
    status: entry.type === 'reservation-made' ? 'booked' : 'cancelled',
  };
  const arrivalDate = stringOf(entry.facts.arrivalDate);
  const departureDate = stringOf(entry.facts.departureDate);
  if (entry.type === 'reservation-made' && arrivalDate && isCalendarDate(arrivalDate)) fact.arrivalDate = arrivalDate;
  if (entry.type === 'reservation-made' && departureDate && isCalendarDate(departureDate)) fact.departureDate = departureDate;
  return fact;
}
