/**
 * Unit tests of the KurrentDB adapter without a server:
 * 1. the pure mappings of kurrentdb-mapping.ts;
 * 2. the adapter's own logic (idempotent append, $all paging and position fallback, catch-up → live
 *    switch, resubscription) driven through `KurrentDbEventStore.fromClient` by `FakeKurrentDb`, a small
 *    in-memory model of the client's behaviour as documented and as read in the server's source
 *    (revisions, stream states, inclusive $all reads that refuse non-record positions, exclusive
 *    subscription starts, $ce- link events). It proves the adapter against that model, not the server:
 *    the int suite does that when KURRENTDB_URL is set.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AccessDeniedError,
  ANY,
  CancelledError,
  DeadlineExceededError,
  END,
  FORWARDS,
  NO_STREAM,
  NotLeaderError,
  START,
  STREAM_EXISTS,
  STREAM_NAME,
  StreamDeletedError as KurrentStreamDeletedError,
  StreamNotFoundError as KurrentStreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import type { AppendStreamState, EventData, Filter, Position, ReadPosition, ReadRevision } from '@kurrent/kurrentdb-client';
import { testEvent, testMetadata } from '../../conformance/fixtures';
import { describeEventStoreConformance } from '../../conformance/event-store.conformance';
import { InvalidArgumentError, StreamNotFoundError, WrongExpectedVersionError } from '../../errors';
import type { EventMetadata, StoredEvent } from '../../types';
import type { KurrentDbClientLike } from './kurrentdb-event-store';
import { KurrentDbEventStore } from './kurrentdb-event-store';
import type { RecordedEventLike } from './kurrentdb-mapping';
import {
  CHUNK_SIZE,
  chunkStartOf,
  comparePositions,
  consumeAllPage,
  decodeMetadata,
  encodeMetadata,
  fallbackCursors,
  fromKurrentStreamName,
  HEARTH_STREAM_REGEX,
  isMissingStream,
  isTransientError,
  isWrongExpectedVersion,
  mayBeInvalidPosition,
  startCursor,
  toActualVersion,
  toAllFilter,
  toGlobalPosition,
  toKurrentStreamName,
  toLogPosition,
  toReadPosition,
  toStoredEvent,
  toStreamState,
  toWrongExpectedVersionError,
  validateStreamPrefix,
} from './kurrentdb-mapping';

const pos = (n: number | bigint): Position => ({ commit: BigInt(n), prepare: BigInt(n) });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function metadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return testMetadata({ correlationId: 'corr-1', causationId: 'cause-1', ...overrides });
}

/** A recorded event as the client hands it over, for a Hearth event unless overridden. */
function recorded(overrides: Partial<RecordedEventLike> = {}): RecordedEventLike {
  return {
    streamId: 'guest-42',
    id: randomUUID(),
    revision: 3n,
    type: 'GuestRegistered',
    created: new Date('2026-11-02T08:30:00.123Z'),
    isJson: true,
    data: { name: 'Ana' },
    metadata: encodeMetadata(metadata(), 'evt-1'),
    position: pos(5_000),
    ...overrides,
  };
}

describe('kurrentdb-mapping', () => {
  describe('expected version → stream state', () => {
    it('maps every expectation to the client constant or a bigint revision', () => {
      expect(toStreamState('any')).toBe(ANY);
      expect(toStreamState('no_stream')).toBe(NO_STREAM);
      expect(toStreamState('stream_exists')).toBe(STREAM_EXISTS);
      expect(toStreamState(0)).toBe(0n);
      expect(toStreamState(41)).toBe(41n);
      expect(toStreamState(Number.MAX_SAFE_INTEGER)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    });

    it('reads the actual version back from a stream state', () => {
      expect(toActualVersion(0n)).toBe(0);
      expect(toActualVersion(7n)).toBe(7);
      expect(toActualVersion(NO_STREAM)).toBeUndefined();
      expect(toActualVersion(-5n)).toBeUndefined(); // deleted
      expect(toActualVersion(-6n)).toBeUndefined(); // tombstoned
      expect(toActualVersion(ANY)).toBeUndefined();
      expect(toActualVersion(undefined)).toBeUndefined();
    });
  });

  describe('positions', () => {
    it('maps an event position to its log offset and back', () => {
      for (const n of [1, 4096, 268_435_456, 9_876_543_210, Number.MAX_SAFE_INTEGER]) {
        expect(toGlobalPosition(pos(n))).toBe(n);
        expect(toGlobalPosition(toLogPosition(n))).toBe(n);
      }
    });

    it('refuses positions that are not those of a gRPC-appended event', () => {
      expect(() => toGlobalPosition({ commit: 900n, prepare: 880n })).toThrow(RangeError); // legacy explicit transaction
      expect(() => toGlobalPosition(pos(0))).toThrow(RangeError);
      expect(() => toGlobalPosition(pos(BigInt(Number.MAX_SAFE_INTEGER) + 1n))).toThrow(RangeError);
      expect(() => toGlobalPosition(pos(18_446_744_073_709_551_615n))).toThrow(RangeError); // "no position" from old servers
    });

    it('reads from the beginning for position 0 and from the event itself otherwise', () => {
      expect(toReadPosition(0)).toBe(START);
      expect(toReadPosition(1234)).toEqual(pos(1234));
    });

    it('orders positions like $all: commit first, then prepare', () => {
      expect(comparePositions(pos(10), pos(10))).toBe(0);
      expect(comparePositions(pos(9), pos(10))).toBe(-1);
      expect(comparePositions(pos(11), pos(10))).toBe(1);
      expect(comparePositions({ commit: 10n, prepare: 2n }, { commit: 10n, prepare: 3n })).toBe(-1);
      expect(comparePositions({ commit: 9n, prepare: 99n }, { commit: 10n, prepare: 0n })).toBe(-1);
    });

    it('finds the chunk start of a position', () => {
      expect(chunkStartOf(pos(1))).toEqual(pos(0));
      expect(chunkStartOf(pos(CHUNK_SIZE - 1))).toEqual(pos(0));
      expect(chunkStartOf(pos(CHUNK_SIZE))).toEqual(pos(CHUNK_SIZE));
      expect(chunkStartOf(pos(3 * CHUNK_SIZE + 77))).toEqual(pos(3 * CHUNK_SIZE));
    });

    it('starts a cursor at the beginning for 0, else at the position, untrusted, dropping what is at or before it', () => {
      expect(startCursor(0)).toEqual({ from: START, after: undefined, trusted: true });
      expect(startCursor(5000)).toEqual({ from: pos(5000), after: pos(5000), trusted: false });
    });

    it('falls back to the chunk start, then the beginning, only for untrusted cursors', () => {
      const inSecondChunk = startCursor(CHUNK_SIZE + 500);
      expect(fallbackCursors(inSecondChunk)).toEqual([
        { from: pos(CHUNK_SIZE), after: pos(CHUNK_SIZE + 500), trusted: false },
        { from: START, after: pos(CHUNK_SIZE + 500), trusted: false },
      ]);
      // in the first chunk the chunk start is the beginning
      expect(fallbackCursors(startCursor(4095))).toEqual([{ from: START, after: pos(4095), trusted: false }]);
      // a chunk start itself has nothing safer than the beginning
      expect(fallbackCursors(startCursor(2 * CHUNK_SIZE))).toEqual([{ from: START, after: pos(2 * CHUNK_SIZE), trusted: false }]);
      expect(fallbackCursors(startCursor(0))).toEqual([]);
      expect(fallbackCursors({ from: pos(5000), after: pos(5000), trusted: true })).toEqual([]);
    });
  });

  describe('stream names, prefixes and categories', () => {
    it('accepts prefixes that keep KurrentDB categories intact and rejects the rest', () => {
      expect(validateStreamPrefix(undefined)).toBe('');
      expect(validateStreamPrefix('')).toBe('');
      expect(validateStreamPrefix('timeline.')).toBe('timeline.');
      expect(validateStreamPrefix('test_1a2b.')).toBe('test_1a2b.');
      expect(validateStreamPrefix('svc:crm:')).toBe('svc:crm:');
      expect(validateStreamPrefix('a.b.')).toBe('a.b.');
      for (const bad of ['with-dash.', '$system.', '1digit.', 'has space.', 'noSeparator', 'trailing_', `${'x'.repeat(100)}.`, 42]) {
        expect(() => validateStreamPrefix(bad)).toThrow(InvalidArgumentError);
      }
    });

    it('round-trips stream names through the prefix and extracts the category', () => {
      expect(toKurrentStreamName('guest-42', '')).toBe('guest-42');
      expect(toKurrentStreamName('guest-42', 'crm.')).toBe('crm.guest-42');
      expect(fromKurrentStreamName('crm.guest-42', 'crm.')).toEqual({ stream: 'guest-42', category: 'guest' });
      expect(fromKurrentStreamName('loyaltyAccount-a-b-c', '')).toEqual({ stream: 'loyaltyAccount-a-b-c', category: 'loyaltyAccount' });
      expect(fromKurrentStreamName('ticket_v2-9', '')).toEqual({ stream: 'ticket_v2-9', category: 'ticket_v2' });
    });

    it('does not claim streams of other prefixes, in either direction', () => {
      expect(fromKurrentStreamName('crm.guest-1', '')).toBeUndefined();
      expect(fromKurrentStreamName('a.b.guest-1', 'a.')).toBeUndefined();
      expect(fromKurrentStreamName('b.guest-1', 'a.b.')).toBeUndefined();
      expect(new RegExp(HEARTH_STREAM_REGEX).test('crm.guest-1')).toBe(false);
    });

    it('does not claim streams outside the prefix, system streams or streams not shaped <category>-<id>', () => {
      expect(fromKurrentStreamName('other.guest-42', 'crm.')).toBeUndefined();
      expect(fromKurrentStreamName('guest-42', 'crm.')).toBeUndefined();
      expect(fromKurrentStreamName('$ce-guest', '')).toBeUndefined();
      expect(fromKurrentStreamName('$$guest-42', '')).toBeUndefined();
      expect(fromKurrentStreamName('$settings', '')).toBeUndefined();
      expect(fromKurrentStreamName('guest', '')).toBeUndefined();
      expect(fromKurrentStreamName('crm.', 'crm.')).toBeUndefined();
    });

    it('builds the server-side $all filter: category prefixes, the store prefix, or a regex that skips system streams', () => {
      expect(toAllFilter('', ['guest', 'ticket'])).toEqual({ filterOn: STREAM_NAME, checkpointInterval: 1, prefixes: ['guest-', 'ticket-'] });
      expect(toAllFilter('crm.', ['guest'])).toEqual({ filterOn: STREAM_NAME, checkpointInterval: 1, prefixes: ['crm.guest-'] });
      expect(toAllFilter('crm.', undefined)).toEqual({ filterOn: STREAM_NAME, checkpointInterval: 1, prefixes: ['crm.'] });
      expect(toAllFilter('', undefined)).toEqual({ filterOn: STREAM_NAME, checkpointInterval: 1, regex: HEARTH_STREAM_REGEX });
      const regex = new RegExp(HEARTH_STREAM_REGEX);
      expect(['guest-1', 'loyaltyAccount-x', 'a_b-c'].every((s) => regex.test(s))).toBe(true);
      expect(['$ce-guest', '$all', '$$guest-1', '$et-Counted', 'guest', '-x', '1abc-x'].some((s) => regex.test(s))).toBe(false);
    });

    it('category prefixes do not match a longer category that starts the same', () => {
      const { prefixes } = toAllFilter('', ['guest']) as { prefixes: string[] };
      expect(prefixes.some((p) => 'guestBook-1'.startsWith(p))).toBe(false);
      expect(prefixes.some((p) => 'guest-1'.startsWith(p))).toBe(true);
    });
  });

  describe('metadata', () => {
    it('round-trips metadata with extra keys through the JSON the client writes', () => {
      const m = metadata({ brandId: 'brand-a', guestId: 'g-1', extra: { nested: [1, 'two', null] }, $correlationId: 'kept' });
      const wire = JSON.parse(JSON.stringify(encodeMetadata(m, 'evt-1')));
      expect(wire.$hearth).toEqual({ v: 1, eventId: 'evt-1' });
      expect(decodeMetadata(wire)).toEqual({ eventId: 'evt-1', metadata: m });
    });

    it("keeps a caller's own $hearth key", () => {
      const m = metadata({ $hearth: { mine: true } });
      const decoded = decodeMetadata(JSON.parse(JSON.stringify(encodeMetadata(m, 'evt-2'))));
      expect(decoded).toEqual({ eventId: 'evt-2', metadata: m });
    });

    it('does not mutate the metadata it encodes', () => {
      const m = metadata();
      const copy = structuredClone(m);
      encodeMetadata(m, 'evt-3');
      expect(m).toEqual(copy);
    });

    it('recognises only metadata written by Hearth', () => {
      expect(decodeMetadata(undefined)).toBeUndefined();
      expect(decodeMetadata(new Uint8Array([1, 2]))).toBeUndefined();
      expect(decodeMetadata(['$hearth'])).toBeUndefined();
      expect(decodeMetadata({ $correlationId: 'x' })).toBeUndefined();
      expect(decodeMetadata({ $hearth: { v: 2, eventId: 'x' } })).toBeUndefined();
      expect(decodeMetadata({ $hearth: { v: 1 } })).toBeUndefined();
      expect(decodeMetadata({ $hearth: { v: 1, eventId: '' } })).toBeUndefined();
      expect(decodeMetadata({ $hearth: 'yes' })).toBeUndefined();
    });
  });

  describe('recorded event → StoredEvent', () => {
    it('maps every field and returns the caller id, not the KurrentDB id', () => {
      const record = recorded({ streamId: 'crm.guest-42', data: { name: 'Ana', tags: ['vip'] } });
      expect(toStoredEvent(record, 'crm.')).toEqual({
        eventId: 'evt-1',
        type: 'GuestRegistered',
        data: { name: 'Ana', tags: ['vip'] },
        metadata: metadata(),
        streamName: 'guest-42',
        streamVersion: 3,
        globalPosition: 5_000,
        recordedAt: '2026-11-02T08:30:00.123Z',
        category: 'guest',
      });
    });

    it('keeps JSON data that is not an object', () => {
      for (const data of ['text', 42, null, true, [1, 2]]) expect(toStoredEvent(recorded({ data }), '')?.data).toEqual(data);
    });

    it('skips system, foreign and binary events', () => {
      expect(toStoredEvent(recorded({ streamId: '$ce-guest', type: '$>', isJson: false, metadata: undefined }), '')).toBeUndefined();
      expect(toStoredEvent(recorded({ metadata: { $correlationId: 'x' } }), '')).toBeUndefined();
      expect(toStoredEvent(recorded({ metadata: undefined }), '')).toBeUndefined();
      expect(toStoredEvent(recorded({ isJson: false, data: new Uint8Array([1]) }), '')).toBeUndefined();
      expect(toStoredEvent(recorded({ streamId: 'other.guest-42' }), 'crm.')).toBeUndefined();
    });

    it('fails loudly for a Hearth event without a position (server older than 22.6)', () => {
      expect(() => toStoredEvent(recorded({ position: undefined }), '')).toThrow(/without a log position/);
    });
  });

  describe('consuming $all pages', () => {
    const hearth = (n: number, streamId = 'guest-1') =>
      recorded({ streamId, position: pos(n), revision: BigInt(n), metadata: encodeMetadata(metadata(), `e${n}`) });
    const ids = (events: StoredEvent[]) => events.map((e) => e.eventId);

    it('drops records at or before the cursor and moves the cursor onto the last record looked at', () => {
      const page = [hearth(100), hearth(200), hearth(300)];
      const { events, cursor } = consumeAllPage(page, { from: pos(100), after: pos(100), trusted: false }, 10, '', undefined);
      expect(ids(events)).toEqual(['e200', 'e300']);
      expect(cursor).toEqual({ from: pos(300), after: pos(300), trusted: true });
    });

    it('walks over records before the cursor read from a fallback start without returning them', () => {
      const page = [hearth(10), hearth(20), hearth(30), hearth(40)];
      const { events, cursor } = consumeAllPage(page, { from: START, after: pos(25), trusted: false }, 10, '', undefined);
      expect(ids(events)).toEqual(['e30', 'e40']);
      expect(cursor.from).toEqual(pos(40));
      // a page entirely before the requested position still moves the read start forward
      const early = consumeAllPage(page.slice(0, 2), { from: START, after: pos(25), trusted: false }, 10, '', undefined);
      expect(early).toEqual({ events: [], cursor: { from: pos(20), after: pos(25), trusted: true } });
    });

    it('stops at `room` and leaves the rest for the next read', () => {
      const page = [hearth(1), hearth(2), hearth(3)];
      const { events, cursor } = consumeAllPage(page, startCursor(0), 2, '', undefined);
      expect(ids(events)).toEqual(['e1', 'e2']);
      expect(cursor).toEqual({ from: pos(2), after: pos(2), trusted: true });
      const next = consumeAllPage(page.slice(1), cursor, 2, '', undefined);
      expect(ids(next.events)).toEqual(['e3']);
    });

    it('passes over foreign records and other categories but still advances past them', () => {
      const page = [
        hearth(1, 'guest-1'),
        recorded({ streamId: '$ce-guest', type: '$>', isJson: false, metadata: undefined, position: pos(2) }),
        hearth(3, 'ticket-9'),
        recorded({ streamId: 'guest-2', metadata: {}, position: pos(4) }),
      ];
      const { events, cursor } = consumeAllPage(page, startCursor(0), 10, '', ['guest']);
      expect(ids(events)).toEqual(['e1']);
      expect(cursor.after).toEqual(pos(4));
    });
  });

  describe('errors', () => {
    it("translates the client's WrongExpectedVersionError, keeping it as the cause", () => {
      const current = new KurrentWrongExpectedVersionError(undefined, { streamName: 'guest-1', expected: 3n, current: 5n });
      const mapped = toWrongExpectedVersionError('guest-1', 3, current);
      expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
      expect(mapped).toMatchObject({ code: 'WRONG_EXPECTED_VERSION', stream: 'guest-1', expectedVersion: 3, actualVersion: 5, cause: current });

      const missing = new KurrentWrongExpectedVersionError(undefined, { streamName: 'guest-1', expected: STREAM_EXISTS, current: NO_STREAM });
      expect(toWrongExpectedVersionError('guest-1', 'stream_exists', missing)).toMatchObject({ expectedVersion: 'stream_exists', actualVersion: undefined });
    });

    it('classifies client errors', () => {
      const wev = new KurrentWrongExpectedVersionError(undefined, { streamName: 's-1', expected: 0n, current: 1n });
      expect(isWrongExpectedVersion(wev)).toBe(true);
      expect(isWrongExpectedVersion(new Error('x'))).toBe(false);

      expect(isMissingStream(new KurrentStreamNotFoundError(undefined, 's-1'))).toBe(true);
      expect(isMissingStream(KurrentStreamDeletedError.fromStreamName('s-1'))).toBe(true);
      expect(isMissingStream(new UnavailableError())).toBe(false);

      for (const transient of [new UnavailableError(), new DeadlineExceededError(), new TimeoutError(), new CancelledError()]) {
        expect(isTransientError(transient)).toBe(true);
        expect(mayBeInvalidPosition(transient)).toBe(false);
      }
      expect(isTransientError(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }))).toBe(true);
      expect(isTransientError(new AccessDeniedError())).toBe(false);
      expect(mayBeInvalidPosition(new AccessDeniedError())).toBe(false);
      expect(isTransientError(new UnknownError(undefined, 'Invalid position'))).toBe(false);
      expect(mayBeInvalidPosition(new UnknownError(undefined, 'Invalid position'))).toBe(true);
      expect(isTransientError(wev)).toBe(false);
    });

    it('treats a NotLeader answer as transient', () => {
      const notLeader = Object.create(NotLeaderError.prototype) as NotLeaderError; // its constructor needs a gRPC error
      expect(isTransientError(notLeader)).toBe(true);
    });
  });
});

// =================================================================================================
// An in-memory model of the KurrentDB client, for driving the adapter without a server.

type FakeRecord = {
  position: bigint;
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  created: Date;
  isJson: boolean;
  data: string;
  metadata: string;
};

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function matchesFilter(filter: Filter | undefined, streamId: string): boolean {
  if (!filter) return true;
  if (filter.filterOn !== STREAM_NAME) throw new Error('fake KurrentDB: only stream-name filters are modelled');
  return 'prefixes' in filter ? filter.prefixes.some((p) => streamId.startsWith(p)) : new RegExp(filter.regex).test(streamId);
}

class FakeSubscription extends Readable {
  active = true;
  constructor(
    private readonly db: FakeKurrentDb,
    private readonly from: ReadPosition,
    private readonly streamFilter: Filter | undefined,
  ) {
    super({ objectMode: true, read: () => undefined });
    // the server replays from the position (exclusive), then sends live events
    setImmediate(() => {
      if (!this.active) return;
      for (const record of db.log) this.deliver(record);
      db.subscriptions.add(this);
    });
  }

  deliver(record: FakeRecord): void {
    if (!this.active || !matchesFilter(this.streamFilter, record.streamId)) return;
    if (this.from === END || (this.from !== START && record.position <= this.from.commit)) return;
    this.push({ event: this.db.toRecorded(record), commitPosition: record.position });
  }

  async unsubscribe(): Promise<void> {
    // like the real one: cancels the call; no 'end' is emitted
    this.active = false;
    this.db.subscriptions.delete(this);
  }
}

class FakeKurrentDb {
  readonly log: FakeRecord[] = [];
  readonly subscriptions = new Set<FakeSubscription>();
  readonly calls = { appendToStream: 0, readStream: 0, readAll: [] as ReadPosition[], subscribeToAll: [] as ReadPosition[] };
  readonly deleted = new Set<string>();
  disposed = false;
  /** Emulates `throwOnAppendFailure=false` in the connection string. */
  throwOnAppendFailure = true;
  private readonly streams = new Map<string, FakeRecord[]>();
  private nextPosition: bigint;

  constructor(firstPosition = 4_096n) {
    this.nextPosition = firstPosition;
    this.write('$settings', '$settings', '{}', true, '');
  }

  asClient(): KurrentDbClientLike {
    return this as unknown as KurrentDbClientLike;
  }

  /** An event not written by Hearth (no marker, or binary). */
  writeForeign(streamId: string, type: string, data: unknown, options: { isJson?: boolean; metadata?: unknown } = {}): void {
    const isJson = options.isJson ?? true;
    const record = this.write(streamId, type, isJson ? JSON.stringify(data) : String(data), isJson, options.metadata === undefined ? '' : JSON.stringify(options.metadata));
    this.publish([record]);
  }

  failSubscriptions(error: Error): void {
    for (const subscription of [...this.subscriptions]) {
      subscription.active = false;
      this.subscriptions.delete(subscription);
      subscription.destroy(error);
    }
  }

  streamRecords(streamId: string): FakeRecord[] {
    return this.streams.get(streamId) ?? [];
  }

  toRecorded(r: FakeRecord): RecordedEventLike {
    let metadata: unknown;
    if (r.metadata.length > 0) {
      try {
        metadata = JSON.parse(r.metadata);
      } catch {
        metadata = new Uint8Array(Buffer.from(r.metadata));
      }
    }
    return {
      streamId: r.streamId,
      id: r.id,
      revision: r.revision,
      type: r.type,
      created: new Date(r.created),
      isJson: r.isJson,
      data: r.isJson ? JSON.parse(r.data) : new Uint8Array(Buffer.from(r.data)),
      metadata,
      position: { commit: r.position, prepare: r.position },
    };
  }

  async appendToStream(streamName: string, input: EventData | EventData[], options: { streamState?: AppendStreamState } = {}) {
    this.calls.appendToStream++;
    const events = Array.isArray(input) ? input : [input];
    await tick(); // the request travels: concurrent callers interleave here, the server then checks and writes atomically
    if (this.deleted.has(streamName)) throw KurrentStreamDeletedError.fromStreamName(streamName);
    const state = options.streamState ?? ANY;
    const existing = this.streams.get(streamName);
    const current = existing ? BigInt(existing.length - 1) : undefined;
    const ok =
      state === ANY ||
      (state === NO_STREAM && current === undefined) ||
      (state === STREAM_EXISTS && current !== undefined) ||
      (typeof state === 'bigint' && state === current);
    if (!ok) {
      if (!this.throwOnAppendFailure) return { success: false, nextExpectedRevision: 1n, position: undefined }; // sic: batch append reports BigInt(true)
      throw new KurrentWrongExpectedVersionError(undefined, { streamName, expected: state, current: current ?? NO_STREAM });
    }
    for (const e of events) {
      if (!UUID.test(e.id)) throw new Error(`fake KurrentDB: event id '${e.id}' is not a UUID`);
      if (existing?.some((r) => r.id === e.id)) {
        throw new Error(`fake KurrentDB: event id ${e.id} written twice to ${streamName} (a server would run its idempotency check)`);
      }
    }
    const written = events.map((e) =>
      this.write(streamName, e.type, JSON.stringify(e.data), e.contentType === 'application/json', e.metadata ? JSON.stringify(e.metadata) : '', e.id),
    );
    const last = written.at(-1)!;
    // the system projection's link events ($ce-<category>), as on a server with projections running
    const links = written.map((r) => this.write(`$ce-${streamName.split('-')[0]}`, '$>', `${r.revision}@${streamName}`, false, ''));
    this.publish([...written, ...links]);
    return { success: true, nextExpectedRevision: last.revision, position: { commit: last.position, prepare: last.position } };
  }

  readStream(streamName: string, options: { direction?: string; fromRevision?: ReadRevision; maxCount?: number | bigint } = {}) {
    this.calls.readStream++;
    return this.streamPage(streamName, options);
  }

  readAll(options: { fromPosition?: ReadPosition; maxCount?: number | bigint; filter?: Filter; direction?: string } = {}) {
    this.calls.readAll.push(options.fromPosition ?? START);
    return this.allPage(options);
  }

  subscribeToAll(options: { fromPosition?: ReadPosition; filter?: Filter } = {}): FakeSubscription {
    const from = options.fromPosition ?? START;
    this.calls.subscribeToAll.push(from);
    const subscription = new FakeSubscription(this, from, options.filter);
    subscription.on('error', () => undefined); // the adapter attaches its own listener right away; keep the model quiet
    return subscription;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const subscription of [...this.subscriptions]) await subscription.unsubscribe();
  }

  private async *streamPage(streamName: string, options: { direction?: string; fromRevision?: ReadRevision; maxCount?: number | bigint }) {
    await tick();
    const stream = this.streams.get(streamName);
    if (this.deleted.has(streamName)) throw KurrentStreamDeletedError.fromStreamName(streamName);
    if (!stream) throw new KurrentStreamNotFoundError(undefined, streamName);
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const last = stream.length - 1;
    let page: FakeRecord[];
    if ((options.direction ?? FORWARDS) === FORWARDS) {
      const from = options.fromRevision === undefined || options.fromRevision === START ? 0 : options.fromRevision === END ? last + 1 : Number(options.fromRevision);
      page = stream.slice(from, from + max);
    } else {
      // like the server's index reader: the range is computed from the requested revision, not clamped to the last one
      const end = options.fromRevision === undefined || options.fromRevision === END ? last : options.fromRevision === START ? 0 : Number(options.fromRevision);
      const start = Math.max(0, end - max + 1);
      page = stream.slice(start, Math.min(end, last) + 1).reverse();
    }
    for (const record of page) {
      yield { event: this.toRecorded(record) };
      await tick();
    }
  }

  private async *allPage(options: { fromPosition?: ReadPosition; maxCount?: number | bigint; filter?: Filter; direction?: string }) {
    const from = options.fromPosition ?? START;
    await tick();
    if ((options.direction ?? FORWARDS) !== FORWARDS) throw new Error('fake KurrentDB: only forward $all reads are modelled');
    if (from !== START && from !== END) {
      const isRecordStart = from.commit >= this.nextPosition || from.commit % BigInt(CHUNK_SIZE) === 0n || this.log.some((r) => r.position === from.commit);
      if (!isRecordStart) throw new UnknownError(undefined, 'Invalid position'); // the server: ReadAllResult.InvalidPosition
    }
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const page = this.log
      .filter((r) => from !== END && (from === START || r.position >= from.commit) && matchesFilter(options.filter, r.streamId))
      .slice(0, max);
    for (const record of page) yield { event: this.toRecorded(record), commitPosition: record.position };
  }

  private write(streamId: string, type: string, data: string, isJson: boolean, metadata: string, id: string = randomUUID()): FakeRecord {
    const stream = this.streams.get(streamId) ?? [];
    const record: FakeRecord = { position: this.nextPosition, streamId, id, revision: BigInt(stream.length), type, created: new Date(), isJson, data, metadata };
    // records are sized like real ones, so positions are sparse byte offsets
    this.nextPosition += BigInt(64 + streamId.length + type.length + Buffer.byteLength(data) + Buffer.byteLength(metadata));
    stream.push(record);
    this.streams.set(streamId, stream);
    this.log.push(record);
    return record;
  }

  private publish(records: FakeRecord[]): void {
    for (const subscription of this.subscriptions) for (const record of records) subscription.deliver(record);
  }
}

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

// =================================================================================================
// The adapter against the model

describeEventStoreConformance(
  'KurrentDB adapter over an in-memory model of the client (no prefix)',
  async () => ({ store: KurrentDbEventStore.fromClient(new FakeKurrentDb().asClient()) }),
  { detectsEventIdReuseAcrossStreams: false },
);

describeEventStoreConformance(
  'KurrentDB adapter over an in-memory model of the client (stream prefix, positions beyond the first chunk)',
  async () => ({ store: KurrentDbEventStore.fromClient(new FakeKurrentDb(3n * BigInt(CHUNK_SIZE) + 4_096n).asClient(), { streamPrefix: 'crm.' }) }),
  { detectsEventIdReuseAcrossStreams: false },
);

describe('KurrentDbEventStore against the client model', () => {
  let db: FakeKurrentDb;
  let store: KurrentDbEventStore;
  beforeEach(() => {
    db = new FakeKurrentDb();
    store = KurrentDbEventStore.fromClient(db.asClient());
  });
  afterEach(() => store.close());

  it('appends events without caller ids in one call, using their generated ids as KurrentDB ids', async () => {
    const result = await store.appendToStream('guest-1', [{ type: 'Noted', data: { n: 1 }, metadata: testMetadata() }]);
    expect(db.calls).toMatchObject({ appendToStream: 1, readStream: 0 });
    const [event] = await store.readStream('guest-1');
    expect(event!.eventId).toMatch(UUID);
    expect(db.streamRecords('guest-1')[0]!.id).toBe(event!.eventId);
    expect(result).toEqual({ streamVersion: 0, globalPosition: event!.globalPosition, duplicate: false });
  });

  it("writes fresh KurrentDB ids for caller ids (UUID or not) and keeps the caller's id in $hearth metadata", async () => {
    const uuid = randomUUID();
    await store.appendToStream('guest-1', [testEvent('A', {}, { eventId: 'not-a-uuid' }), testEvent('B', {}, { eventId: uuid })]);
    const [a, b] = db.streamRecords('guest-1');
    expect(a!.id).toMatch(UUID);
    expect(b!.id).toMatch(UUID);
    expect(b!.id).not.toBe(uuid);
    expect(JSON.parse(a!.metadata).$hearth).toEqual({ v: 1, eventId: 'not-a-uuid' });
    expect((await store.readStream('guest-1')).map((e) => e.eventId)).toEqual(['not-a-uuid', uuid]);
  });

  it('reports a conflict returned as a value (throwOnAppendFailure=false) as WrongExpectedVersionError with the real version', async () => {
    db.throwOnAppendFailure = false;
    await store.appendToStream('guest-1', [{ type: 'A', data: {}, metadata: testMetadata() }]);
    await expect(store.appendToStream('guest-1', [{ type: 'B', data: {}, metadata: testMetadata() }], { expectedVersion: 5 })).rejects.toMatchObject({
      code: 'WRONG_EXPECTED_VERSION',
      actualVersion: 0,
    });
    // the idempotent path re-reads and decides itself
    await expect(store.appendToStream('guest-1', [testEvent('C', {})], { expectedVersion: 5 })).rejects.toMatchObject({ actualVersion: 0 });
  });

  it('reads a deleted stream as not found', async () => {
    await store.appendToStream('guest-1', [testEvent('A', {})]);
    db.deleted.add('guest-1');
    await expect(store.readStream('guest-1')).rejects.toBeInstanceOf(StreamNotFoundError);
    expect(await store.streamVersion('guest-1')).toBeUndefined();
  });

  it('hides system events, $ce- links and events other writers put in Hearth-shaped streams', async () => {
    const mine = testEvent('Mine', { ok: true });
    await store.appendToStream('guest-1', [mine]);
    db.writeForeign('guest-1', 'Foreign', { from: 'elsewhere' }, { metadata: { $correlationId: 'x' } });
    db.writeForeign('guest-2', 'Binary', 'raw-bytes', { isJson: false });
    db.writeForeign('$stats-node', '$statsCollected', {});
    expect((await store.readAll()).map((e) => e.eventId)).toEqual([mine.eventId]);
    expect((await store.readStream('guest-1')).map((e) => e.eventId)).toEqual([mine.eventId]);
    expect(await store.streamVersion('guest-1')).toBe(1); // the foreign event still counts for concurrency
  });

  it('reads $all after a position that is not a record start by falling back to a safe start', async () => {
    const events = [testEvent('A', {}), testEvent('B', {}), testEvent('C', {})];
    await store.appendToStream('guest-1', events);
    const all = await store.readAll();
    db.calls.readAll.length = 0;
    const after = await store.readAll({ fromPosition: all[1]!.globalPosition - 1 });
    expect(after.map((e) => e.eventId)).toEqual([events[1]!.eventId, events[2]!.eventId]);
    expect(db.calls.readAll).toEqual([pos(all[1]!.globalPosition - 1), START]);
  });

  it('pages forward from a fallback start through many earlier events in small pages', async () => {
    const events = Array.from({ length: 30 }, (_, i) => testEvent('N', { i }));
    await store.appendToStream('guest-1', events);
    const all = await store.readAll();
    const after = await store.readAll({ fromPosition: all[25]!.globalPosition - 1, limit: 2 });
    expect(after.map((e) => e.eventId)).toEqual([events[25]!.eventId, events[26]!.eventId]);
  });

  it('falls back to the chunk start rather than the beginning when the position is past the first chunk', async () => {
    db = new FakeKurrentDb(2n * BigInt(CHUNK_SIZE) + 100n);
    store = KurrentDbEventStore.fromClient(db.asClient());
    const events = [testEvent('A', {}), testEvent('B', {})];
    await store.appendToStream('guest-1', events);
    const [first] = await store.readAll();
    const after = await store.readAll({ fromPosition: first!.globalPosition - 1 });
    expect(after.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    expect(db.calls.readAll.slice(-2)).toEqual([pos(first!.globalPosition - 1), pos(2 * CHUNK_SIZE)]);
  });

  it('returns nothing for an empty category list, and such a subscription only catches up and waits', async () => {
    await store.appendToStream('guest-1', [testEvent('A', {})]);
    expect(await store.readAll({ categories: [] })).toEqual([]);
    const abort = new AbortController();
    const seen: StoredEvent[] = [];
    for await (const e of store.subscribeToAll({ categories: [], signal: abort.signal, onCaughtUp: () => abort.abort() })) seen.push(e);
    expect(seen).toEqual([]);
    expect(db.calls.readAll).toEqual([]);
  });

  it('switches from catch-up to a live subscription at the last position it read, and calls onCaughtUp once', async () => {
    const history = [testEvent('H1', {}), testEvent('H2', {}), testEvent('H3', {})];
    await store.appendToStream('guest-1', history);
    const all = await store.readAll();
    const abort = new AbortController();
    let caughtUp = 0;
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of store.subscribeToAll({ signal: abort.signal, limit: 2, onCaughtUp: () => caughtUp++ })) {
        seen.push(e.eventId);
        if (seen.length === 5) abort.abort();
      }
    })();
    await until(() => caughtUp === 1);
    expect(seen).toEqual(history.map((e) => e.eventId));
    expect(db.calls.subscribeToAll).toEqual([pos(all[2]!.globalPosition)]);
    const live = [testEvent('L1', {}), testEvent('L2', {})];
    await store.appendToStream('guest-2', [live[0]!]);
    await store.appendToStream('guest-3', [live[1]!]);
    await done;
    expect(seen).toEqual([...history, ...live].map((e) => e.eventId));
    expect(caughtUp).toBe(1);
    expect(db.subscriptions.size).toBe(0); // unsubscribed on abort
  });

  it('delivers events appended between the last catch-up page and the live subscription exactly once', async () => {
    await store.appendToStream('guest-1', [testEvent('H', {})]);
    const abort = new AbortController();
    const seen: string[] = [];
    const racer = testEvent('AppendedDuringSwitch', {});
    const done = (async () => {
      for await (const e of store.subscribeToAll({
        signal: abort.signal,
        onCaughtUp: () => void store.appendToStream('guest-1', [racer]),
      })) {
        seen.push(e.type);
        if (seen.length === 2) abort.abort();
      }
    })();
    await done;
    expect(seen).toEqual(['H', 'AppendedDuringSwitch']);
  });

  it('resubscribes from the last delivered position after a transient failure, without gap or duplicate', async () => {
    const first = testEvent('First', {});
    await store.appendToStream('guest-1', [first]);
    const abort = new AbortController();
    let caughtUp = false;
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of store.subscribeToAll({ signal: abort.signal, onCaughtUp: () => (caughtUp = true) })) {
        seen.push(e.type);
        if (seen.length === 4) abort.abort();
      }
    })();
    await until(() => caughtUp && db.subscriptions.size === 1);
    await store.appendToStream('guest-1', [testEvent('Second', {})]);
    await until(() => seen.length === 2);
    db.failSubscriptions(new UnavailableError());
    await store.appendToStream('guest-1', [testEvent('Third', {})]);
    await store.appendToStream('guest-1', [testEvent('Fourth', {})]);
    await done;
    expect(seen).toEqual(['First', 'Second', 'Third', 'Fourth']);
    expect(db.calls.subscribeToAll).toHaveLength(2);
    const second = (await store.readAll()).find((e) => e.type === 'Second')!;
    expect(db.calls.subscribeToAll[1]).toEqual(pos(second.globalPosition));
  });

  it('ends the iteration with a non-transient subscription error', async () => {
    const abort = new AbortController();
    let caughtUp = false;
    const iteration = (async () => {
      for await (const _ of store.subscribeToAll({ signal: abort.signal, onCaughtUp: () => (caughtUp = true) })) {
        // nothing is appended
      }
    })();
    await until(() => caughtUp && db.subscriptions.size === 1);
    const denied = new AccessDeniedError();
    db.failSubscriptions(denied);
    await expect(iteration).rejects.toBe(denied);
  });

  it('close() ends live subscriptions cleanly and leaves a client it does not own undisposed', async () => {
    let caughtUp = false;
    const iteration = (async () => {
      const seen: StoredEvent[] = [];
      for await (const e of store.subscribeToAll({ onCaughtUp: () => (caughtUp = true) })) seen.push(e);
      return seen;
    })();
    await until(() => caughtUp && db.subscriptions.size === 1);
    await store.close();
    await expect(iteration).resolves.toEqual([]);
    expect(db.subscriptions.size).toBe(0);
    expect(db.disposed).toBe(false);
  });

  it('releases the server subscription the moment it is aborted', async () => {
    const abort = new AbortController();
    const iterator = store.subscribeToAll({ signal: abort.signal })[Symbol.asyncIterator]();
    const pending = iterator.next(); // catches up (nothing), subscribes, waits for an event
    await until(() => db.subscriptions.size === 1);
    abort.abort();
    expect(db.subscriptions.size).toBe(0);
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
  });

  it('keeps stores with different prefixes apart on one server', async () => {
    const a = KurrentDbEventStore.fromClient(db.asClient(), { streamPrefix: 'a.' });
    const b = KurrentDbEventStore.fromClient(db.asClient(), { streamPrefix: 'a.b.' });
    const ea = testEvent('A', {});
    const eb = testEvent('B', {});
    await a.appendToStream('guest-1', [ea]);
    await b.appendToStream('guest-1', [eb]);
    expect((await a.readStream('guest-1')).map((e) => e.eventId)).toEqual([ea.eventId]);
    expect((await b.readAll()).map((e) => [e.eventId, e.streamName])).toEqual([[eb.eventId, 'guest-1']]);
    expect((await a.readAll()).map((e) => e.eventId)).toEqual([ea.eventId]); // not 'a.b.guest-1'
    expect(await store.readAll()).toEqual([]); // neither is a Hearth stream name without a prefix
    expect(db.streamRecords('a.guest-1')).toHaveLength(1);
    expect(db.streamRecords('a.b.guest-1')).toHaveLength(1);
  });
});

describe('KurrentDbEventStore.connect', () => {
  it('rejects a missing connection string or a bad prefix before connecting', async () => {
    await expect(KurrentDbEventStore.connect({ connectionString: '' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      KurrentDbEventStore.connect({ connectionString: 'kurrentdb://127.0.0.1:1?tls=false', streamPrefix: 'bad-prefix' }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('opens nothing until used when verification is off, and closes', async () => {
    const store = await KurrentDbEventStore.connect({ connectionString: 'kurrentdb://127.0.0.1:1?tls=false', verifyConnection: false });
    expect(store.streamPrefix).toBe('');
    await store.close();
  });

  it('fails fast with the client error when no server answers', async () => {
    await expect(KurrentDbEventStore.connect({ connectionString: 'kurrentdb://127.0.0.1:1?tls=false' })).rejects.toBeInstanceOf(UnavailableError);
  });
});

