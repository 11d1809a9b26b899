import { randomUUID } from 'node:crypto';
import { BACKWARDS, END, FORWARDS, jsonEvent, KurrentDBClient, NO_STREAM, START } from '@kurrent/kurrentdb-client';
import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  AppendStreamState,
  EventData,
  Filter,
  JSONType,
  ReadStreamOptions as KurrentReadStreamOptions,
  ReadRevision,
} from '@kurrent/kurrentdb-client';
import { InvalidArgumentError, StreamNotFoundError, WrongExpectedVersionError } from '../../errors';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
} from '../../types';
import type { PreparedEvent } from '../../validation';
import {
  parseStreamName,
  prepareEvents,
  validateExpectedVersion,
  validateReadAllOptions,
  validateReadStreamOptions,
} from '../../validation';
import { checkExpectedVersion } from '../shared';
import type { AllCursor, RecordedEventLike } from './kurrentdb-mapping';
import {
  consumeAllPage,
  encodeMetadata,
  fallbackCursors,
  isMissingStream,
  isTransientError,
  isWrongExpectedVersion,
  mayBeInvalidPosition,
  startCursor,
  toActualVersion,
  toAllFilter,
  toGlobalPosition,
  toKurrentStreamName,
  toStoredEvent,
  toStreamState,
  validateStreamPrefix,
  withoutCategory,
} from './kurrentdb-mapping';

/** The part of `KurrentDBClient` the adapter uses: the seam through which tests drive it without a server. */
export type KurrentDbClientLike = Pick<KurrentDBClient, 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;

export type KurrentDbEventStoreOptions = {
  /** e.g. `kurrentdb://localhost:2113?tls=false` (conventions: `KURRENTDB_URL`). */
  connectionString: string;
  /**
   * Prepended to every stream name, e.g. `timeline.` or a per-test-run `test_1a2b3c.`. KurrentDB has no
   * schemas, so this is how services (or test runs) share one server without seeing each other's
   * streams: reads and subscriptions only return streams under the prefix. A letter first, `.` or `:`
   * last (characters no category contains, so prefixed and unprefixed stores never overlap), letters,
   * digits, `_`, `.` or `:` between; no `-`, so KurrentDB's `$ce-` projection sees `<prefix><category>`.
   */
  streamPrefix?: string;
  /** Read once at connect so a wrong URL or a down server fails at start (default true). */
  verifyConnection?: boolean;
};

/** Read-check-append cycles before giving up on a stream that keeps moving (only `any`/`stream_exists` ever need more than two). */
const MAX_APPEND_ATTEMPTS = 10;
/** Live-subscription events buffered before the gRPC stream is paused (backpressure). */
const INBOX_HIGH_WATER = 1_000;
const RESUBSCRIBE_MAX_BACKOFF_MS = 5_000;
const PROBE_STREAM = 'hearthConnectionCheck-probe';

/**
 * EventStore on KurrentDB (the EventStoreDB successor) through `@kurrent/kurrentdb-client` 1.x.
 *
 * - Stream versions are KurrentDB revisions; `globalPosition` is the event's log position
 *   (commit == prepare for every gRPC-appended event; see kurrentdb-mapping.ts).
 * - Data and metadata are JSON events. The metadata carries a `$hearth` marker with the caller's event
 *   id; events without it (system events, links, other writers) are invisible to `readAll`/`subscribeToAll`
 *   and `readStream`.
 * - Idempotent append: see `appendToStream`.
 * - Limitation: `DuplicateEventIdError` (the same event id in a *different* stream) is never raised.
 *   KurrentDB has no store-wide index of event ids a client can query; checking would mean scanning $all
 *   on every append. Ids are checked within the target stream only (conformance option
 *   `detectsEventIdReuseAcrossStreams: false`).
 */
export class KurrentDbEventStore implements EventStore {
  private readonly subscriptions = new Set<AbortController>();
  private closed = false;

  private constructor(
    private readonly client: KurrentDbClientLike,
    /** The validated stream-name prefix ('' for none). */
    readonly streamPrefix: string,
    private readonly ownsClient: boolean,
  ) {}

  /** Opens a client for `connectionString` (nothing connects at import time) and, by default, checks the server answers. */
  static async connect(options: KurrentDbEventStoreOptions): Promise<KurrentDbEventStore> {
    const prefix = validateStreamPrefix(options.streamPrefix);
    if (typeof options.connectionString !== 'string' || options.connectionString.length === 0) {
      throw new InvalidArgumentError('connectionString', "give a KurrentDB connection string, e.g. 'kurrentdb://localhost:2113?tls=false'");
    }
    const client = KurrentDBClient.connectionString(options.connectionString);
    const store = new KurrentDbEventStore(client, prefix, true);
    if (options.verifyConnection !== false) {
      try {
        await store.lastVersion(toKurrentStreamName(PROBE_STREAM, prefix));
      } catch (error) {
        await client.dispose().catch(() => undefined);
        throw error;
      }
    }
    return store;
  }

  /** Wraps a client the caller owns (and disposes): for sharing one client, and for tests. */
  static fromClient(client: KurrentDbClientLike, options: { streamPrefix?: string } = {}): KurrentDbEventStore {
    return new KurrentDbEventStore(client, validateStreamPrefix(options.streamPrefix), false);
  }

  /**
   * Appends under the expectation, idempotently by event id.
   *
   * When the caller gave no event ids, the ids are fresh UUIDs that cannot be stored yet, so the events
   * go straight to KurrentDB under the expectation (one round trip).
   *
   * When the caller gave ids, the adapter reads the stream, drops the events whose ids are already in
   * it (all of them → `duplicate: true`, whatever the expectation), checks the expectation against the
   * version it read and appends the rest at exactly that revision, so nothing can slip in between the
   * check and the write. If the stream moved meanwhile, KurrentDB refuses and the cycle runs again; a
   * concurrent retry of the same batch then shows up as a duplicate. Cost: one read of the whole stream
   * per such append (KurrentDB cannot look events up by id); `handleCommand` reads the stream anyway.
   *
   * KurrentDB event ids are fresh random UUIDs on every write and the caller's id lives in the `$hearth`
   * metadata. Reusing caller-derived UUIDs would switch on KurrentDB's own idempotency check, which
   * answers a repeated write with a success that cannot be told apart from a real one (so `duplicate`
   * would be wrong), and drops the write outright while the first copy is not yet indexed
   * ("IdempotentNotReady": the client then only sees a timeout). Duplicate detection here needs neither.
   */
  async appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    parseStreamName(stream);
    const expected = validateExpectedVersion(options.expectedVersion);
    const prepared = prepareEvents(events);
    const kurrentStream = toKurrentStreamName(stream, this.streamPrefix);
    if (events.every((event) => event.eventId === undefined)) {
      const outcome = await this.tryAppend(kurrentStream, prepared, (e) => e.eventId, toStreamState(expected));
      if (outcome.ok) return { streamVersion: outcome.streamVersion, globalPosition: outcome.globalPosition, duplicate: false };
      throw new WrongExpectedVersionError(stream, expected, outcome.actualVersion, { cause: outcome.cause });
    }
    return this.appendIdempotently(stream, kurrentStream, prepared, expected);
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    parseStreamName(stream);
    const { direction, fromVersion, limit } = validateReadStreamOptions(options);
    const kurrentStream = toKurrentStreamName(stream, this.streamPrefix);
    let fromRevision: ReadRevision;
    if (fromVersion === undefined) {
      fromRevision = direction === 'forward' ? START : END;
    } else if (direction === 'backward') {
      // A backward read from beyond the last revision is not clamped by every server version (it may
      // answer with an empty page), so clamp here.
      const last = await this.lastVersion(kurrentStream);
      if (last === undefined) throw new StreamNotFoundError(stream);
      fromRevision = fromVersion >= last ? END : BigInt(fromVersion);
    } else {
      fromRevision = BigInt(fromVersion);
    }
    const records = await this.readStreamRecords(kurrentStream, {
      direction: direction === 'forward' ? FORWARDS : BACKWARDS,
      fromRevision,
      maxCount: limit ?? Number.MAX_SAFE_INTEGER,
    });
    if (!records) throw new StreamNotFoundError(stream);
    return records.flatMap((record) => {
      const event = toStoredEvent(record, this.streamPrefix);
      return event ? [withoutCategory(event)] : [];
    });
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    const { fromPosition, limit, categories } = validateReadAllOptions(options);
    if (categories?.length === 0) return [];
    const page = await this.readAllFrom(startCursor(fromPosition), limit, toAllFilter(this.streamPrefix, categories), categories);
    return page.events;
  }

  /**
   * Catch-up with `readAll` pages (`limit` events each) until a page comes back short, then
   * `onCaughtUp`, then a KurrentDB live subscription started at the last position the pages looked at.
   * The subscription replays from there server-side before going live, so whatever was appended between
   * the last page and the subscription is delivered: no gap. Anything at or before that position is
   * dropped: no duplicate. (The client's own `caughtUp` notification is not used: it is emitted while
   * earlier events may still sit in the stream's buffer, so it does not mark a point in delivery order.)
   * A live subscription that fails transiently (server restart, network) resubscribes from the last
   * delivered position with backoff; other failures end the iteration with the error.
   */
  subscribeToAll(options: SubscribeOptions = {}): AsyncIterable<StoredEvent> {
    return this.follow(options);
  }

  async streamVersion(stream: string): Promise<number | undefined> {
    parseStreamName(stream);
    return this.lastVersion(toKurrentStreamName(stream, this.streamPrefix));
  }

  /** Ends live subscriptions (their iterators finish without error) and disposes the client it opened. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.abort();
    if (this.ownsClient) await this.client.dispose();
  }

  // -------------------------------------------------------------------------------------------
  // appends

  private async appendIdempotently(
    stream: string,
    kurrentStream: string,
    prepared: PreparedEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    const ids = new Set(prepared.map((e) => e.eventId));
    for (let attempt = 1; ; attempt++) {
      const state = await this.readStoredIds(kurrentStream, ids);
      const fresh = prepared.filter((e) => !state.found.has(e.eventId));
      if (fresh.length === 0) {
        return { streamVersion: state.version!, globalPosition: state.lastFoundPosition!, duplicate: true };
      }
      checkExpectedVersion(stream, expected, state.version);
      const outcome = await this.tryAppend(kurrentStream, fresh, () => randomUUID(), state.version === undefined ? NO_STREAM : BigInt(state.version));
      if (outcome.ok) return { streamVersion: outcome.streamVersion, globalPosition: outcome.globalPosition, duplicate: false };
      if (attempt >= MAX_APPEND_ATTEMPTS) {
        throw new WrongExpectedVersionError(stream, expected, outcome.actualVersion, { cause: outcome.cause });
      }
      // the stream moved since it was read: read it again (the re-check decides); spread out hot retries
      if (attempt > 2) await sleep(Math.random() * 10 * attempt);
    }
  }

  /** The stream's current version and, for the given ids, where they are stored (undefined version: no stream). */
  private async readStoredIds(
    kurrentStream: string,
    ids: ReadonlySet<string>,
  ): Promise<{ version: number | undefined; found: Set<string>; lastFoundPosition: number | undefined }> {
    const records = await this.readStreamRecords(kurrentStream, { direction: FORWARDS, fromRevision: START, requiresLeader: true });
    const found = new Set<string>();
    let lastFoundPosition: number | undefined;
    for (const record of records ?? []) {
      const event = toStoredEvent(record, this.streamPrefix);
      if (event && ids.has(event.eventId)) {
        found.add(event.eventId);
        lastFoundPosition = event.globalPosition;
      }
    }
    const last = records?.at(-1);
    return { version: last === undefined ? undefined : Number(last.revision), found, lastFoundPosition };
  }

  private async tryAppend(
    kurrentStream: string,
    events: PreparedEvent[],
    kurrentId: (event: PreparedEvent) => string,
    streamState: AppendStreamState,
  ): Promise<{ ok: true; streamVersion: number; globalPosition: number } | { ok: false; actualVersion: number | undefined; cause: unknown }> {
    const data: EventData[] = events.map((e) =>
      jsonEvent({ id: kurrentId(e), type: e.type, data: e.data as JSONType, metadata: encodeMetadata(e.metadata, e.eventId) }),
    );
    let result;
    try {
      result = await this.client.appendToStream(kurrentStream, data, { streamState });
    } catch (error) {
      if (isWrongExpectedVersion(error)) return { ok: false, actualVersion: toActualVersion(error.actualState), cause: error };
      throw error;
    }
    if (!result.success) {
      // `throwOnAppendFailure=false` in the connection string: the conflict comes back as a value whose
      // revision is unreliable (batch appends), so ask the stream itself
      return { ok: false, actualVersion: await this.lastVersion(kurrentStream), cause: undefined };
    }
    const streamVersion = Number(result.nextExpectedRevision);
    // the append's position is the one of its last record, i.e. of the batch's last event
    const globalPosition = result.position ? toGlobalPosition(result.position) : await this.positionAt(kurrentStream, streamVersion);
    return { ok: true, streamVersion, globalPosition };
  }

  // -------------------------------------------------------------------------------------------
  // stream reads

  /** All records of a read, or `undefined` when the stream does not exist. Reads are always consumed to the end. */
  private async readStreamRecords(kurrentStream: string, options: KurrentReadStreamOptions): Promise<RecordedEventLike[] | undefined> {
    const records: RecordedEventLike[] = [];
    try {
      for await (const resolved of this.client.readStream(kurrentStream, { ...options, resolveLinkTos: false })) {
        if (resolved.event) records.push(resolved.event);
      }
    } catch (error) {
      if (isMissingStream(error)) return undefined;
      throw error;
    }
    return records;
  }

  private async lastVersion(kurrentStream: string): Promise<number | undefined> {
    const records = await this.readStreamRecords(kurrentStream, { direction: BACKWARDS, fromRevision: END, maxCount: 1, requiresLeader: true });
    const last = records?.[0];
    return last === undefined ? undefined : Number(last.revision);
  }

  private async positionAt(kurrentStream: string, version: number): Promise<number> {
    const records = await this.readStreamRecords(kurrentStream, { direction: FORWARDS, fromRevision: BigInt(version), maxCount: 1, requiresLeader: true });
    const position = records?.[0]?.position;
    if (!position) throw new RangeError(`KurrentDB did not report the log position of '${kurrentStream}'@${version}`);
    return toGlobalPosition(position);
  }

  // -------------------------------------------------------------------------------------------
  // $all

  /**
   * Up to `limit` Hearth events after the cursor, reading pages of `limit + 1` (the first record of a
   * page may be the one at the cursor, which is dropped). `exhausted`: the server had nothing more.
   */
  private async readAllFrom(
    cursor: AllCursor,
    limit: number,
    filter: Filter,
    categories: readonly string[] | undefined,
  ): Promise<{ events: StoredEvent[]; cursor: AllCursor; exhausted: boolean }> {
    const events: StoredEvent[] = [];
    while (events.length < limit) {
      const room = limit - events.length;
      const want = room + 1;
      const page = await this.readAllRecords(cursor, want, filter);
      const step = consumeAllPage(page.records, page.cursor, room, this.streamPrefix, categories);
      events.push(...step.events);
      cursor = step.cursor;
      if (page.records.length < want) return { events, cursor, exhausted: true };
    }
    return { events, cursor, exhausted: false };
  }

  /**
   * One forward page of $all from the cursor. A cursor built from a caller's number may not be a record
   * start, which the server refuses: then the page is read from the earlier, safe starts of
   * `fallbackCursors` (the records up to the number are dropped by `consumeAllPage`).
   */
  private async readAllRecords(cursor: AllCursor, maxCount: number, filter: Filter): Promise<{ records: RecordedEventLike[]; cursor: AllCursor }> {
    const attempts = [cursor, ...fallbackCursors(cursor)];
    for (let i = 0; ; i++) {
      const attempt = attempts[i]!;
      try {
        const records: RecordedEventLike[] = [];
        for await (const resolved of this.client.readAll({ fromPosition: attempt.from, maxCount, filter, direction: FORWARDS, resolveLinkTos: false })) {
          if (resolved.event) records.push(resolved.event);
        }
        return { records, cursor: { ...attempt, trusted: true } };
      } catch (error) {
        if (i === attempts.length - 1 || !mayBeInvalidPosition(error)) throw error;
      }
    }
  }

  private async *follow(options: SubscribeOptions): AsyncGenerator<StoredEvent> {
    const { fromPosition, limit, categories } = validateReadAllOptions(options);
    if (options.signal?.aborted || this.closed) return;
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    options.signal?.addEventListener('abort', stop, { once: true });
    this.subscriptions.add(controller);
    const { signal } = controller;
    try {
      if (categories?.length === 0) {
        options.onCaughtUp?.();
        await sleepUntilAborted(signal);
        return;
      }
      const filter = toAllFilter(this.streamPrefix, categories);
      let cursor = startCursor(fromPosition);
      for (;;) {
        const page = await this.readAllFrom(cursor, limit, filter, categories);
        cursor = page.cursor;
        for (const event of page.events) {
          if (signal.aborted) return;
          yield event;
        }
        if (signal.aborted) return;
        if (page.exhausted) break;
      }
      options.onCaughtUp?.();
      yield* this.followLive(cursor, filter, categories, signal);
    } finally {
      options.signal?.removeEventListener('abort', stop);
      this.subscriptions.delete(controller);
    }
  }

  private async *followLive(
    cursor: AllCursor,
    filter: Filter,
    categories: readonly string[] | undefined,
    signal: AbortSignal,
  ): AsyncGenerator<StoredEvent> {
    let backoffMs = 100;
    while (!signal.aborted) {
      const inbox = new SubscriptionInbox(
        this.client.subscribeToAll({ fromPosition: cursor.from, filter, resolveLinkTos: false }),
        signal,
      );
      try {
        for (;;) {
          const next = await inbox.next();
          if (next.kind === 'aborted') return;
          if (next.kind === 'event') {
            backoffMs = 100;
            const record = next.event.event;
            if (!record) continue;
            const step = consumeAllPage([record], cursor, 1, this.streamPrefix, categories);
            cursor = step.cursor;
            for (const event of step.events) yield event;
            continue;
          }
          if (next.kind === 'error' && !isTransientError(next.error)) throw next.error;
          break; // ended or failed transiently: resubscribe from the cursor
        }
      } finally {
        inbox.close();
      }
      await sleep(backoffMs, signal);
      backoffMs = Math.min(backoffMs * 2, RESUBSCRIBE_MAX_BACKOFF_MS);
    }
  }
}

type InboxItem = { kind: 'event'; event: AllStreamResolvedEvent } | { kind: 'error'; error: unknown } | { kind: 'ended' } | { kind: 'aborted' };

/**
 * Turns a client subscription (a Node stream with events, errors and end) into ordered pulls that end
 * when the signal aborts, pausing the stream while too many events wait. Aborting releases the
 * server-side subscription at once, even while the consumer is not pulling.
 */
class SubscriptionInbox {
  private readonly queue: AllStreamResolvedEvent[] = [];
  private outcome: { kind: 'error'; error: unknown } | { kind: 'ended' } | undefined;
  private wake: (() => void) | undefined;
  private paused = false;
  private closed = false;

  constructor(
    private readonly subscription: AllStreamSubscription,
    private readonly signal: AbortSignal,
  ) {
    subscription.on('data', this.onData);
    subscription.on('error', this.onError);
    subscription.on('end', this.onEnd);
    subscription.on('close', this.onEnd);
    signal.addEventListener('abort', this.onAbort);
    if (signal.aborted) this.close();
  }

  async next(): Promise<InboxItem> {
    for (;;) {
      if (this.signal.aborted) return { kind: 'aborted' };
      const event = this.queue.shift();
      if (event) {
        if (this.paused && this.queue.length <= INBOX_HIGH_WATER / 2) {
          this.paused = false;
          this.subscription.resume();
        }
        return { kind: 'event', event };
      }
      if (this.outcome) return this.outcome;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Detaches and unsubscribes (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.signal.removeEventListener('abort', this.onAbort);
    this.subscription.removeListener('data', this.onData);
    this.subscription.removeListener('end', this.onEnd);
    this.subscription.removeListener('close', this.onEnd);
    // keep an error listener: an 'error' emitted after this point must not crash the process
    this.subscription.removeListener('error', this.onError);
    this.subscription.on('error', ignore);
    this.subscription.unsubscribe().catch(ignore);
  }

  private readonly onData = (event: AllStreamResolvedEvent): void => {
    this.queue.push(event);
    if (!this.paused && this.queue.length >= INBOX_HIGH_WATER) {
      this.paused = true;
      this.subscription.pause();
    }
    this.notify();
  };

  private readonly onError = (error: unknown): void => {
    this.outcome ??= { kind: 'error', error };
    this.notify();
  };

  private readonly onEnd = (): void => {
    this.outcome ??= { kind: 'ended' };
    this.notify();
  };

  private readonly onAbort = (): void => {
    this.close();
    this.notify();
  };

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

function ignore(): void {}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function sleepUntilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
