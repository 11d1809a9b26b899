import { randomUUID } from 'node:crypto';
import { StreamNotFoundError, WrongExpectedVersionError } from './errors';
import type { SnapshotPolicy } from './snapshots';
import type { EventMetadata, EventStore, ExpectedVersion, StoredEvent } from './types';

/**
 * A domain event as deciders see it. When folded from the store, `metadata` (who, when, where) is
 * attached too, so `evolve` can keep provenance; `decide` returns events without it.
 */
export type DomainEvent<Type extends string = string, Data = unknown> = { type: Type; data: Data; metadata?: EventMetadata };

/**
 * An event-sourced aggregate as three pure functions (conventions: Deciders).
 * `decide` returns `[]` for an idempotent repeat and throws a typed error for a broken invariant;
 * `evolve` is total, never throws and ignores unknown event types.
 */
export type Decider<S, C, E extends DomainEvent> = {
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
  initialState(): S;
};

/** Event metadata as a command supplies it: `occurredAt` and `schemaVersion` may be left to defaults. */
export type CommandMetadata = Omit<KnownMetadata, 'occurredAt' | 'schemaVersion'> &
  Partial<Pick<KnownMetadata, 'occurredAt' | 'schemaVersion'>>;
type KnownMetadata = { [K in keyof EventMetadata as string extends K ? never : K]: EventMetadata[K] };

export type HandleCommandOptions<E extends DomainEvent> = {
  /**
   * The version the caller based its command on (e.g. from If-Match). When given, a mismatch throws
   * `WrongExpectedVersionError` at once (HTTP 412) and nothing is retried.
   */
  expectedVersion?: number | 'no_stream';
  /** Metadata stamped on every produced event. `occurredAt` defaults to now, `schemaVersion` to 1. */
  metadata: CommandMetadata;
  /** Deterministic event ids (e.g. derived from an Idempotency-Key); random UUIDs otherwise. */
  eventId?: (event: E, index: number) => string;
  /** Conflict retries when no version was pinned (default 3). */
  maxRetries?: number;
};

/** Options of `handleCommand` that depend on the state type. */
export type HandleCommandStateOptions<S> = {
  /** Load from snapshots (see snapshots.ts). */
  snapshots?: SnapshotPolicy<S>;
  /**
   * Checks the folded state before anything else (even the pinned-version comparison) and throws to
   * refuse, e.g. a tenant or existence check that must answer "not found" rather than "version
   * mismatch". Runs on the state that is read anyway: no extra read.
   */
  assertState?: (state: S, streamVersion: number | undefined) => void;
};

export type HandleCommandResult<S, E> = {
  state: S;
  /** Events produced by this command (empty for an idempotent repeat). */
  events: E[];
  /** Stream version after the command (`undefined` if the stream still does not exist). */
  streamVersion: number | undefined;
};

/**
 * Reads a stream and folds it with `evolve`; a missing stream yields the initial state. With a
 * snapshot policy, folding starts from the latest usable snapshot and a new snapshot is saved once
 * `every` events were folded after it.
 */
export async function aggregateStream<S, E extends DomainEvent>(
  store: EventStore,
  stream: string,
  decider: Pick<Decider<S, never, E>, 'evolve' | 'initialState'>,
  options: { snapshots?: SnapshotPolicy<S> } = {},
): Promise<{ state: S; streamVersion: number | undefined }> {
  const policy = options.snapshots;
  let state = decider.initialState();
  let fromVersion = 0;
  const snapshot = policy ? await policy.store.load(stream).catch((error: unknown) => void policy.onError?.(error)) : undefined;
  if (policy && snapshot && snapshot.schemaVersion === policy.schemaVersion) {
    state = policy.fromJson ? policy.fromJson(snapshot.state) : (snapshot.state as S);
    fromVersion = snapshot.streamVersion + 1;
  }
  let events: StoredEvent[];
  try {
    events = await store.readStream(stream, { fromVersion });
  } catch (error) {
    if (error instanceof StreamNotFoundError) return { state: decider.initialState(), streamVersion: undefined };
    throw error;
  }
  for (const e of events) state = decider.evolve(state, { type: e.type, data: e.data, metadata: e.metadata } as E);
  const streamVersion = events.at(-1)?.streamVersion ?? (fromVersion > 0 ? fromVersion - 1 : undefined);
  if (policy && streamVersion !== undefined && events.length >= (policy.every ?? 500)) {
    await policy.store
      .save({
        stream,
        streamVersion,
        schemaVersion: policy.schemaVersion,
        state: policy.toJson ? policy.toJson(state) : state,
        takenAt: new Date().toISOString(),
      })
      .catch((error: unknown) => policy.onError?.(error));
  }
  return { state, streamVersion };
}

/**
 * Read → fold → decide → append with the expected version. On a concurrent write the whole cycle is
 * retried (bounded) unless the caller pinned a version, in which case the conflict is the caller's to see.
 */
export async function handleCommand<S, C, E extends DomainEvent>(
  store: EventStore,
  decider: Decider<S, C, E>,
  stream: string,
  command: C,
  options: HandleCommandOptions<E> & HandleCommandStateOptions<S>,
): Promise<HandleCommandResult<S, E>> {
  const pinned = options.expectedVersion;
  const maxRetries = pinned === undefined ? (options.maxRetries ?? 3) : 0;
  for (let attempt = 0; ; attempt++) {
    const { state, streamVersion } = await aggregateStream(store, stream, decider, options);
    options.assertState?.(state, streamVersion);
    if (pinned !== undefined && pinned !== (streamVersion ?? 'no_stream')) {
      throw new WrongExpectedVersionError(stream, pinned, streamVersion);
    }
    const events = decider.decide(command, state);
    if (events.length === 0) return { state, events, streamVersion };
    const occurredAt = options.metadata.occurredAt ?? new Date().toISOString();
    const expectedVersion: ExpectedVersion = streamVersion ?? 'no_stream';
    try {
      const result = await store.appendToStream(
        stream,
        events.map((event, index) => ({
          eventId: options.eventId?.(event, index) ?? randomUUID(),
          type: event.type,
          data: event.data,
          metadata: { ...options.metadata, schemaVersion: options.metadata.schemaVersion ?? 1, occurredAt },
        })),
        { expectedVersion },
      );
      if (result.duplicate) {
        // every event id was already stored (a retried command with deterministic ids): report what is there
        const current = await aggregateStream(store, stream, decider, options);
        return { state: current.state, events: [], streamVersion: current.streamVersion };
      }
      const metadata = { ...options.metadata, schemaVersion: options.metadata.schemaVersion ?? 1, occurredAt };
      const newState = events.reduce((s, e) => decider.evolve(s, { ...e, metadata }), state);
      return { state: newState, events, streamVersion: result.streamVersion };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError && attempt < maxRetries) continue;
      throw error;
    }
  }
}
