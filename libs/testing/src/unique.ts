import { randomBytes } from 'node:crypto';

/**
 * A name no other test (or parallel test file) will use: `<prefix>_<12 hex chars>`. Valid as a
 * PostgreSQL identifier, an event-store category and a NATS subject token when `prefix` is.
 */
export function uniqueName(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

