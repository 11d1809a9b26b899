import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, InvalidEventError, InvalidStreamNameError } from './errors';
import type { EventMetadata, ExpectedVersion, NewEvent, ReadAllOptions, ReadStreamOptions } from './types';

export const MAX_STREAM_NAME_LENGTH = 200;
export const MAX_EVENTS_PER_APPEND = 10_000;
export const DEFAULT_READ_ALL_LIMIT = 1_000;
export const MAX_READ_ALL_LIMIT = 10_000;

/** `<category>-<id>`: category is a letter then letters/digits/underscore; id is printable, no whitespace. */
const STREAM_NAME = /^([A-Za-z][A-Za-z0-9_]*)-[^\s\p{Cc}]+$/u;
const CATEGORY = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Validates a stream name and returns its category (the part before the first `-`). */
export function parseStreamName(stream: unknown): { stream: string; category: string } {
  if (typeof stream !== 'string') throw new InvalidStreamNameError(stream, 'must be a string');
  if (stream.length === 0) throw new InvalidStreamNameError(stream, 'must not be empty');
  if (stream.length > MAX_STREAM_NAME_LENGTH) {
    throw new InvalidStreamNameError(stream, `must be at most ${MAX_STREAM_NAME_LENGTH} characters (got ${stream.length})`);
  }
  const match = STREAM_NAME.exec(stream);
  if (!match) {
    throw new InvalidStreamNameError(stream, "must look like '<category>-<id>' (e.g. 'guest-42'), without whitespace or control characters");
  }
  return { stream, category: match[1]! };
}

/** The category of a valid stream name. */
export function categoryOf(stream: string): string {
  return parseStreamName(stream).category;
}

export function validateCategories(categories: readonly string[] | undefined): readonly string[] | undefined {
  if (categories === undefined) return undefined;
  if (!Array.isArray(categories)) throw new InvalidArgumentError('categories', 'must be an array of category names');
  for (const c of categories) {
    if (typeof c !== 'string' || !CATEGORY.test(c)) {
      throw new InvalidArgumentError('categories', `${JSON.stringify(c)} is not a category name (letter, then letters, digits or _)`);
    }
  }
  return categories;
}

export function validateExpectedVersion(expected: ExpectedVersion | undefined): ExpectedVersion {
  if (expected === undefined) return 'any';
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return expected;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return expected;
  throw new InvalidArgumentError(
    'expectedVersion',
    `${JSON.stringify(expected)} is not a non-negative integer, 'no_stream', 'stream_exists' or 'any'`,
  );
}

function nonNegativeInt(field: string, value: unknown, min = 0): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(field, `${JSON.stringify(value)} is not an integer >= ${min}`);
  }
  return value;
}

export function validateReadStreamOptions(options: ReadStreamOptions = {}): Required<Pick<ReadStreamOptions, 'direction'>> &
  Pick<ReadStreamOptions, 'fromVersion' | 'limit'> {
  const direction = options.direction ?? 'forward';
  if (direction !== 'forward' && direction !== 'backward') {
    throw new InvalidArgumentError('direction', `${JSON.stringify(direction)} is not 'forward' or 'backward'`);
  }
  return {
    direction,
    fromVersion: nonNegativeInt('fromVersion', options.fromVersion),
    limit: nonNegativeInt('limit', options.limit, 1),
  };
}

export function validateReadAllOptions(options: ReadAllOptions = {}): {
  fromPosition: number;
  limit: number;
  categories: readonly string[] | undefined;
} {
  const limit = nonNegativeInt('limit', options.limit, 1) ?? DEFAULT_READ_ALL_LIMIT;
  if (limit > MAX_READ_ALL_LIMIT) throw new InvalidArgumentError('limit', `must be at most ${MAX_READ_ALL_LIMIT}`);
  return {
    fromPosition: nonNegativeInt('fromPosition', options.fromPosition) ?? 0,
    limit,
    categories: validateCategories(options.categories),
  };
}

/** A validated event, with its data and metadata already serialised once. */
export type PreparedEvent = {
  eventId: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  dataJson: string;
  metadataJson: string;
};

const MAX_EVENT_ID_LENGTH = 100;
const MAX_TYPE_LENGTH = 200;

/**
 * Validates events before anything is written: a bad event rejects the whole append.
 * Data must be plain JSON (no functions, symbols, bigints, non-finite numbers, class instances or
 * cycles) so that what is read back equals what was appended.
 */
export function prepareEvents(events: readonly NewEvent[]): PreparedEvent[] {
  if (!Array.isArray(events)) throw new InvalidArgumentError('events', 'must be an array');
  if (events.length === 0) throw new InvalidArgumentError('events', 'must contain at least one event');
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidArgumentError('events', `at most ${MAX_EVENTS_PER_APPEND} events per append (got ${events.length})`);
  }
  const seen = new Set<string>();
  return events.map((event, index) => {
    if (event === null || typeof event !== 'object') throw new InvalidEventError(index, '', 'must be an object');
    const eventId = event.eventId ?? randomUUID();
    if (typeof eventId !== 'string' || eventId.length === 0 || eventId.length > MAX_EVENT_ID_LENGTH) {
      throw new InvalidEventError(index, 'eventId', `must be a non-empty string of at most ${MAX_EVENT_ID_LENGTH} characters`);
    }
    if (seen.has(eventId)) throw new InvalidEventError(index, 'eventId', `'${eventId}' appears twice in the same append`);
    seen.add(eventId);
    if (typeof event.type !== 'string' || event.type.length === 0 || event.type.length > MAX_TYPE_LENGTH) {
      throw new InvalidEventError(index, 'type', `must be a non-empty string of at most ${MAX_TYPE_LENGTH} characters`);
    }
    assertPlainJson(event.data, index, 'data', new Set());
    const metadata = validateMetadata(event.metadata, index);
    return {
      eventId,
      type: event.type,
      data: event.data,
      metadata,
      dataJson: JSON.stringify(event.data),
      metadataJson: JSON.stringify(metadata),
    };
  });
}

function validateMetadata(metadata: unknown, index: number): EventMetadata {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new InvalidEventError(index, 'metadata', 'must be an object');
  }
  const m = metadata as Record<string, unknown>;
  for (const field of ['tenantId', 'actor', 'correlationId', 'causationId', 'occurredAt'] as const) {
    if (typeof m[field] !== 'string' || (m[field] as string).length === 0) {
      throw new InvalidEventError(index, `metadata.${field}`, 'is required (non-empty string)');
    }
  }
  for (const field of ['brandId', 'guestId', 'channel', 'traceparent'] as const) {
    if (m[field] !== undefined && typeof m[field] !== 'string') {
      throw new InvalidEventError(index, `metadata.${field}`, 'must be a string when present');
    }
  }
  if (Number.isNaN(Date.parse(m.occurredAt as string))) {
    throw new InvalidEventError(index, 'metadata.occurredAt', 'must be an ISO 8601 date-time');
  }
  if (typeof m.schemaVersion !== 'number' || !Number.isSafeInteger(m.schemaVersion) || m.schemaVersion < 1) {
    throw new InvalidEventError(index, 'metadata.schemaVersion', 'must be a positive integer');
  }
  assertPlainJson(m, index, 'metadata', new Set());
  return m as EventMetadata;
}

function assertPlainJson(value: unknown, index: number, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidEventError(index, path, `${value} is not a finite number`);
      return;
    case 'undefined':
      throw new InvalidEventError(index, path, 'undefined is not JSON');
    case 'object':
      break;
    default:
      throw new InvalidEventError(index, path, `a ${typeof value} is not JSON`);
  }
  if (value === null) return;
  if (ancestors.has(value)) throw new InvalidEventError(index, path, 'circular reference');
  ancestors.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertPlainJson(item, index, `${path}[${i}]`, ancestors));
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new InvalidEventError(index, path, `a ${proto?.constructor?.name ?? 'class'} instance is not plain JSON (convert it first)`);
    }
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue; // optional fields left unset are dropped, as JSON does
      assertPlainJson(child, index, `${path}.${key}`, ancestors);
    }
  }
  ancestors.delete(value);
}
