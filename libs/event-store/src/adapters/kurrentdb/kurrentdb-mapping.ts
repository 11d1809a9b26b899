/**
 * Pure translations between the EventStore port and the KurrentDB client's shapes: expected versions,
 * positions, stream names and categories, stored metadata, errors and $all filters. No I/O here, so
 * every rule the adapter relies on is unit tested without a server (kurrentdb-mapping.unit.test.ts).
 */
import {
  AccessDeniedError,
  ANY,
  CancelledError,
  DeadlineExceededError,
  END,
  NO_STREAM,
  NotLeaderError,
  START,
  STREAM_EXISTS,
  STREAM_NAME,
  StreamDeletedError as KurrentStreamDeletedError,
  StreamNotFoundError as KurrentStreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import type { AppendStreamState, CurrentStreamState, Filter, Position, ReadPosition } from '@kurrent/kurrentdb-client';
import { InvalidArgumentError, WrongExpectedVersionError } from '../../errors';
import type { EventMetadata, ExpectedVersion, StoredEvent } from '../../types';
import { parseStreamName } from '../../validation';

// ---------------------------------------------------------------------------------------------
// Expected versions and stream states

/** Our expected version as the client's `streamState` (stream versions are KurrentDB revisions, both 0-based). */
export function toStreamState(expected: ExpectedVersion): AppendStreamState {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

/**
 * The stream version the port reports for a state the client reports: a revision, or `undefined` when
 * the stream does not exist. Negative revisions (-5 deleted, -6 tombstoned in consistency violations)
 * and the expectation constants also mean "no usable version".
 */
export function toActualVersion(state: CurrentStreamState | AppendStreamState | undefined): number | undefined {
  return typeof state === 'bigint' && state >= 0n ? Number(state) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Positions
//
// KurrentDB positions are {commit, prepare} byte offsets in the transaction log, and $all is ordered by
// (commit, prepare). Every event written through the gRPC API is an implicitly committed prepare record
// (PrepareFlags.IsCommitted), and for those the server reports commit == prepare == the event record's
// own log position (AllReader: `new CommitEventRecord(eventRecord, eventRecord.LogPosition)`); the append
// response carries the position of the batch's last record (the one flagged TransactionEnd). That offset
// is unique per event, strictly increasing in $all order and > 0 (the log opens with an epoch record),
// and KurrentDB's own newer APIs treat a log position as that single number. So `globalPosition` is the
// commit position. Only legacy explicit transactions (TCP API, removed in KurrentDB 24.2) produce
// commit != prepare: such events were never written by Hearth and are skipped, and the $all readers
// still compare full (commit, prepare) pairs so they page through them correctly.
//
// A log offset is only a valid read start when it is the start of a record. Positions of events are;
// arbitrary numbers (e.g. `globalPosition - 1`) are not, and the server rejects them (InvalidPosition).
// Readers therefore fall back to the start of the position's chunk (chunk starts are record starts),
// then to the beginning, and drop everything at or before the requested number.

/** Default KurrentDB chunk size (256 MiB). Records never span chunks, so a chunk start is a record start. */
export const CHUNK_SIZE = 256 * 1024 * 1024;

export function toGlobalPosition(position: Position): number {
  if (position.commit !== position.prepare || position.commit <= 0n || position.commit > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(
      `KurrentDB position {commit: ${position.commit}, prepare: ${position.prepare}} is not the position of an event appended ` +
        'through the gRPC API (KurrentDB/EventStoreDB 22.6 or later report commit == prepare for those)',
    );
  }
  return Number(position.commit);
}

/** The read position of a global position: the event at exactly that position is the first one read. */
export function toLogPosition(globalPosition: number): Position {
  const p = BigInt(globalPosition);
  return { commit: p, prepare: p };
}

/** Where a forward read of "events after `globalPosition`" starts (the caller drops what is at or before it). */
export function toReadPosition(globalPosition: number): ReadPosition {
  return globalPosition === 0 ? START : toLogPosition(globalPosition);
}

/** The start of the chunk holding `position`: a safe place to start reading when `position` may not be a record start. */
export function chunkStartOf(position: Position): Position {
  const start = position.commit - (position.commit % BigInt(CHUNK_SIZE));
  return { commit: start, prepare: start };
}

/** Orders positions the way $all is ordered: by commit position, then prepare position. */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/**
 * Where a forward $all reader stands.
 * - `from`: where the next read starts (inclusive);
 * - `after`: records at or before it were already delivered or skipped and are dropped;
 * - `trusted`: `from` is known to be a record start (the server returned a record there or accepted a
 *   read from it); an untrusted `from` came from a caller's number.
 */
export type AllCursor = { from: ReadPosition; after: Position | undefined; trusted: boolean };

/** The cursor for "events after `globalPosition`". */
export function startCursor(globalPosition: number): AllCursor {
  if (globalPosition === 0) return { from: START, after: undefined, trusted: true };
  return { from: toReadPosition(globalPosition), after: toLogPosition(globalPosition), trusted: false };
}

/**
 * Safer starts for an untrusted cursor, earliest last: the start of its chunk, then the beginning of
 * the log. `after` is kept, so reading from them returns the same events, only scanning more.
 */
export function fallbackCursors(cursor: AllCursor): AllCursor[] {
  if (cursor.trusted || cursor.from === START || cursor.from === END) return [];
  const chunkStart = chunkStartOf(cursor.from);
  const fallbacks: AllCursor[] = [];
  if (chunkStart.commit > 0n && chunkStart.commit !== cursor.from.commit) fallbacks.push({ ...cursor, from: chunkStart });
  fallbacks.push({ ...cursor, from: START });
  return fallbacks;
}

/**
 * Consumes one page of a forward $all read (or one live event): keeps the Hearth events after the
 * cursor (in the categories, when given), at most `room` of them, and moves the cursor onto every record
 * it looked at, so the next read neither repeats nor skips one. Records past `room` are left for the
 * next read.
 */
export function consumeAllPage(
  records: readonly RecordedEventLike[],
  cursor: AllCursor,
  room: number,
  prefix: string,
  categories: readonly string[] | undefined,
): { events: StoredEvent[]; cursor: AllCursor } {
  const events: StoredEvent[] = [];
  let { from, after, trusted } = cursor;
  for (const record of records) {
    if (events.length >= room) break;
    const position = record.position;
    if (!position) continue; // $all records always carry one
    from = position;
    trusted = true;
    if (after && comparePositions(position, after) <= 0) continue;
    after = position;
    const event = toStoredEvent(record, prefix);
    if (event && (!categories || categories.includes(event.category))) events.push(withoutCategory(event));
  }
  return { events, cursor: { from, after, trusted } };
}

// ---------------------------------------------------------------------------------------------
// Stream names, prefixes and categories

const STREAM_PREFIX = /^[A-Za-z][A-Za-z0-9_.:]{0,98}[.:]$/;

/**
 * Validates the optional stream-name prefix that isolates one service's (or one test run's) streams on
 * a shared server, e.g. `timeline.` or `test_1a2b3c.`. It starts with a letter and ends with `.` or `:`,
 * characters a category cannot contain, so no store ever mistakes another store's streams for its own
 * (`crm.guest-1` is not a Hearth stream name for an unprefixed store, nor for a store prefixed `c.`).
 * It contains no `-`, so KurrentDB's `$ce-` projection still sees one category per Hearth category.
 */
export function validateStreamPrefix(prefix: unknown): string {
  if (prefix === undefined || prefix === '') return '';
  if (typeof prefix !== 'string' || !STREAM_PREFIX.test(prefix)) {
    throw new InvalidArgumentError(
      'streamPrefix',
      `${JSON.stringify(prefix)} must start with a letter, end with '.' or ':' and contain only letters, digits, '_', '.' or ':' (at most 100 characters)`,
    );
  }
  return prefix;
}

/** The KurrentDB stream that holds a (valid) Hearth stream. */
export function toKurrentStreamName(stream: string, prefix: string): string {
  return `${prefix}${stream}`;
}

/**
 * The Hearth stream (and its category) behind a KurrentDB stream id, or `undefined` when the stream is
 * not one of ours: outside the prefix, a system stream (`$…`), or not shaped `<category>-<id>`.
 */
export function fromKurrentStreamName(streamId: string, prefix: string): { stream: string; category: string } | undefined {
  if (!streamId.startsWith(prefix) || streamId.startsWith('$')) return undefined;
  try {
    return parseStreamName(streamId.slice(prefix.length));
  } catch {
    return undefined;
  }
}

/** Matches KurrentDB streams shaped like Hearth streams when no prefix narrows the scan (excludes `$` streams). */
export const HEARTH_STREAM_REGEX = '^[A-Za-z][A-Za-z0-9_]*-';

/**
 * The server-side $all filter: stream-name prefixes `<prefix><category>-` for a category filter, the
 * prefix alone, or a stream-name regex that skips system streams. Events still pass the client-side
 * checks (`toStoredEvent`) because a filter only narrows what the server sends.
 */
export function toAllFilter(prefix: string, categories: readonly string[] | undefined): Filter {
  if (categories) return { filterOn: STREAM_NAME, checkpointInterval: 1, prefixes: categories.map((c) => `${prefix}${c}-`) };
  if (prefix) return { filterOn: STREAM_NAME, checkpointInterval: 1, prefixes: [prefix] };
  return { filterOn: STREAM_NAME, checkpointInterval: 1, regex: HEARTH_STREAM_REGEX };
}

// ---------------------------------------------------------------------------------------------
// Metadata

/**
 * The reserved KurrentDB metadata key that marks an event as written by Hearth and carries what the port
 * needs beyond KurrentDB's own fields: the caller's event id (KurrentDB event ids are UUIDs chosen by
 * the adapter, see the store). A caller's own `$hearth` metadata key is kept under `shadowed`, so
 * metadata round-trips exactly whatever keys it has.
 */
export const HEARTH_METADATA_KEY = '$hearth';

type HearthMarker = { v: 1; eventId: string; shadowed?: unknown };

export function encodeMetadata(metadata: EventMetadata, eventId: string): Record<string, unknown> {
  const marker: HearthMarker = { v: 1, eventId };
  if (Object.hasOwn(metadata, HEARTH_METADATA_KEY)) marker.shadowed = metadata[HEARTH_METADATA_KEY];
  return { ...metadata, [HEARTH_METADATA_KEY]: marker };
}

/** The caller's event id and metadata, or `undefined` when the metadata was not written by Hearth. */
export function decodeMetadata(raw: unknown): { eventId: string; metadata: EventMetadata } | undefined {
  if (!isPlainObject(raw)) return undefined;
  const marker = raw[HEARTH_METADATA_KEY];
  if (!isPlainObject(marker) || marker.v !== 1 || typeof marker.eventId !== 'string' || marker.eventId.length === 0) return undefined;
  const metadata: Record<string, unknown> = { ...raw };
  delete metadata[HEARTH_METADATA_KEY];
  if (Object.hasOwn(marker, 'shadowed')) metadata[HEARTH_METADATA_KEY] = marker.shadowed;
  return { eventId: marker.eventId, metadata: metadata as EventMetadata };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

// ---------------------------------------------------------------------------------------------
// Recorded events

/** The fields of a client `RecordedEvent` the adapter reads (same shape from reads and subscriptions). */
export type RecordedEventLike = {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  created: Date;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  position?: Position;
};

/**
 * A recorded event as the port's StoredEvent (with its category), or `undefined` when it is not a Hearth
 * event: a system or foreign stream, binary content, or metadata without the Hearth marker (system
 * events such as `$metadata` or `$>` links never carry it).
 */
export function toStoredEvent(record: RecordedEventLike, prefix: string): (StoredEvent & { category: string }) | undefined {
  const name = fromKurrentStreamName(record.streamId, prefix);
  if (!name || !record.isJson) return undefined;
  const decoded = decodeMetadata(record.metadata);
  if (!decoded) return undefined;
  if (!record.position) {
    throw new RangeError(`KurrentDB returned event ${record.id} of '${record.streamId}' without a log position (server older than 22.6?)`);
  }
  return {
    eventId: decoded.eventId,
    type: record.type,
    data: record.data,
    metadata: decoded.metadata,
    streamName: name.stream,
    streamVersion: Number(record.revision),
    globalPosition: toGlobalPosition(record.position),
    recordedAt: record.created.toISOString(),
    category: name.category,
  };
}

/** Drops the helper `category` field before an event leaves the adapter. */
export function withoutCategory({ category: _category, ...event }: StoredEvent & { category: string }): StoredEvent {
  return event;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** The client's optimistic-concurrency failure as the port's typed error. */
export function toWrongExpectedVersionError(
  stream: string,
  expected: ExpectedVersion,
  error: KurrentWrongExpectedVersionError,
): WrongExpectedVersionError {
  return new WrongExpectedVersionError(stream, expected, toActualVersion(error.actualState), { cause: error });
}

export function isWrongExpectedVersion(error: unknown): error is KurrentWrongExpectedVersionError {
  return error instanceof KurrentWrongExpectedVersionError;
}

/** A read of a stream that does not exist (or was deleted): the port reports it as StreamNotFoundError. */
export function isMissingStream(error: unknown): boolean {
  return error instanceof KurrentStreamNotFoundError || error instanceof KurrentStreamDeletedError;
}

/** gRPC status codes CANCELLED, DEADLINE_EXCEEDED, UNAVAILABLE: the client passes some through unconverted. */
const TRANSIENT_GRPC_CODES: ReadonlySet<unknown> = new Set([1, 4, 14]);

/** Connection-level failures worth retrying later (a live subscription resubscribes after them). */
export function isTransientError(error: unknown): boolean {
  return (
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    error instanceof CancelledError ||
    (error instanceof Error && TRANSIENT_GRPC_CODES.has((error as { code?: unknown }).code))
  );
}

/**
 * Whether a failed $all read from a caller-supplied position may be retried from a safer, earlier start:
 * not for connectivity or permission problems, which a different position cannot fix.
 */
export function mayBeInvalidPosition(error: unknown): boolean {
  return !isTransientError(error) && !(error instanceof AccessDeniedError);
}
