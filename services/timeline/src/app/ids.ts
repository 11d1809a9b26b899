import { createHash } from 'node:crypto';

/** Namespace of the timeline's deterministic ids (a fixed random UUID). */
export const TIMELINE_ID_NAMESPACE = '5b7a3c1e-4d0f-4c8e-9a61-2f3e8d7c6b50';

/** RFC 9562 UUID version 5 (SHA-1) of `name` in `namespace`. */
export function uuidV5(name: string, namespace: string = TIMELINE_ID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  if (ns.length !== 16) throw new RangeError(`'${namespace}' is not a UUID`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The entry id of a touchpoint sent with a key: the same tenant and key always give the same id, so a
 * retry is recognised by the event store (an event id already in the stream is not appended again).
 * A source event id and an Idempotency-Key live in separate name spaces.
 */
export function touchpointEntryId(tenantId: string, key: { sourceEventId: string } | { idempotencyKey: string }): string {
  const name = 'sourceEventId' in key ? `source\n${key.sourceEventId}` : `idempotency\n${key.idempotencyKey}`;
  return uuidV5(`touchpoint\n${tenantId}\n${name}`);
}

/** Id of an event the timeline derives from another one (e.g. GuestLinked in the survivor's stream for a merge envelope). */
export function derivedEventId(sourceId: string, purpose: string): string {
  return uuidV5(`derived\n${sourceId}\n${purpose}`);
}
