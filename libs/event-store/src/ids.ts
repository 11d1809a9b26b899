import { createHash } from 'node:crypto';

/**
 * RFC 9562 UUID version 5 (SHA-1) of `name` in `namespace`: the same name always gives the same id, so
 * services derive event and entity ids from idempotency keys and source ids (a retry appends an event id
 * the stream already has, which the store recognises). Each service uses a namespace of its own.
 */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  if (ns.length !== 16) throw new RangeError(`'${namespace}' is not a UUID`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
