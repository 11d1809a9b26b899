import { uuidV5 as deterministicId } from '@hearth/event-store';

/** Namespace of service-tickets' deterministic ids (a fixed random UUID). */
export const TICKETS_ID_NAMESPACE = '0f5d8c2a-6b3e-4f71-9c0d-7e2a4b9f1c36';

/** UUID v5 of `name` in this service's namespace (`uuidV5` of @hearth/event-store). */
export const uuidV5 = (name: string, namespace: string = TICKETS_ID_NAMESPACE): string => deterministicId(name, namespace);

/**
 * The id of a ticket opened with an Idempotency-Key: the same tenant and key always give the same
 * ticket, so a retry that outlives the idempotency record still cannot open a second ticket.
 */
export const ticketIdForKey = (tenantId: string, idempotencyKey: string): string => uuidV5(`ticket\n${tenantId}\n${idempotencyKey}`);
