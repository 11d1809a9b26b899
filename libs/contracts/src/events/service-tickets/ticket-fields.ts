import { z } from 'zod';

/**
 * Vocabulary and payload fields shared by the service-tickets contracts. Every payload starts with
 * `ticketRefFields`: ids only, so a consumer can place the event (tenant, brand, property, guest) without
 * calling service-tickets. Nothing personal travels: no comment bodies, subjects, notes or guest names.
 */

/** What a ticket is about. */
export const ticketKinds = ['inquiry', 'request', 'complaint'] as const;
/** Where the ticket came in. */
export const ticketChannels = ['phone', 'email', 'chat', 'web', 'walk-in', 'social'] as const;
/** Ticket priorities, lowest first. */
export const ticketPriorities = ['low', 'normal', 'high', 'urgent'] as const;
/** Ticket statuses (the suffix of each lifecycle event type names the status it enters). */
export const ticketStatuses = ['open', 'assigned', 'in-progress', 'waiting-on-guest', 'resolved', 'closed'] as const;
/** The two targets an SLA policy sets. */
export const slaTargets = ['first-response', 'resolution'] as const;
/** How serious a complaint is, least first. */
export const complaintSeverities = ['low', 'medium', 'high', 'critical'] as const;
/** Service-recovery actions. */
export const recoveryActions = ['apology', 'refund', 'upgrade', 'points', 'voucher'] as const;

/** A lower-kebab code such as a complaint type (`noise`, `room-cleanliness`) or a resolution code. */
export const kebabCode = () => z.string().regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, 'must be a lower-kebab code');

export const ticketRefFields = {
  ticketId: z.string().min(1).describe('The ticket (its event stream is ticket-<ticketId>).'),
  brandId: z.string().min(1).describe('The brand the ticket belongs to.'),
  propertyId: z.string().min(1).optional().describe('The property (hotel, restaurant) the ticket is about, when there is one.'),
} as const;

/** For events of tickets that may not be linked to a guest (yet). */
export const optionalGuestField = {
  guestId: z
    .string()
    .min(1)
    .optional()
    .describe('The guest the ticket is about; absent while the ticket is not linked to a guest (e.g. an unidentified web inquiry).'),
} as const;

/** For events that only exist for a known guest (recovery, satisfaction). */
export const requiredGuestField = {
  guestId: z.string().min(1).describe('The guest the ticket is about.'),
} as const;

/** Money in minor units of an ISO 4217 currency: EUR 240.00 is `{ currency: 'EUR', minor: 24000 }`. */
export const moneySchema = () =>
  z
    .object({
      currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code').describe('ISO 4217 currency code, e.g. EUR.'),
      minor: z.number().int().nonnegative().describe('Amount in minor units of the currency (cents for EUR).'),
    })
    .describe('An amount of money in minor units.');

export const isoDateTime = () => z.iso.datetime({ offset: true });
