import { randomBytes, randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent } from '../types';

/** Complete, valid event metadata for tests; override what the test is about. */
export function testMetadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    tenantId: 'tenant-test',
    actor: 'user:test',
    correlationId: randomUUID(),
    causationId: randomUUID(),
    occurredAt: '2026-11-01T10:00:00.000Z',
    schemaVersion: 1,
    ...overrides,
  };
}

/** A valid NewEvent with test metadata. */
export function testEvent<D>(type: string, data: D, overrides: Partial<NewEvent<D>> = {}): NewEvent<D> {
  return { eventId: randomUUID(), type, data, metadata: testMetadata(), ...overrides };
}

/** A unique event-store category (letters and digits), so tests never see each other's streams. */
export function uniqueCategory(prefix = 'test'): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}
