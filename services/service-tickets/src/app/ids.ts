import { createHash } from 'node:crypto';

/** Namespace of service-tickets' deterministic ids (a fixed random UUID). */
export const TICKETS_ID_NAMESPACE = '0f5d8c2a-6b3e-4f71-9c0d-7e2a4b9f1c36';

/** RFC 9562 UUID version 5 (SHA-1) of `name` in `namespace`. */
export function uuidV5(name: string, namespace: string = TICKETS_ID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  if (ns.length !== 16) throw new RangeError(`'${namespace}' is not a UUID`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of a ticket opened with an Idempotency-Key: the same tenant and key always give the same
 * ticket, so a retry that outlives the idempotency record still cannot open a second ticket.
 */
export const ticketIdForKey = (tenantId: string, idempotencyKey: string): string => uuidV5(`ticket\n${tenantId}\n${idempotencyKey}`);
