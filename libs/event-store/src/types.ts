/**
 * The EventStore port. Every adapter (PostgreSQL, KurrentDB, in-memory) implements it and passes the
 * same conformance suite (`conformance/event-store.conformance.ts`).
 */

/** Metadata carried by every stored event (conventions: who, for whom, why, when, under which trace). */
export type EventMetadata = {
  /** The chain that owns the data. Every query in Hearth is scoped by it. */
  tenantId: string;
  /** The brand on whose behalf the change was made, when there is one. */
  brandId?: string;
  /** The guest the event concerns, when there is one. */
  guestId?: string;
  /** Who caused the change: a user id, `service:<name>` or `integration:<name>`. */
  actor: string;
  /** Where it happened: `front-desk`, `phone`, `web`, `pos`, `api`… */
  channel?: string;
  /** Groups every message caused by one original request. */
  correlationId: string;
  /** The id of the command or message that directly caused this event. */
  causationId: string;
  /** W3C trace context of the request that produced the event, when it was traced. */
  traceparent?: string;
  /** When the fact happened in the guest's world (ISO 8601); may be earlier than `recordedAt`. */
  occurredAt: string;
  /** Version of the event's `data` shape, for upcasting. Positive integer. */
  schemaVersion: number;
  /** Adapters keep unknown metadata keys untouched (forward compatibility). */
  [extra: string]: unknown;
};

/** An event as handed to `appendToStream`. */
export type NewEvent<Data = unknown> = {
  /**
   * Unique id of the event. Appending an event whose id is already in the stream is a no-op that
   * reports success (idempotent append). Generated (UUID v4) when omitted.
   */
  eventId?: string;
  type: string;
  data: Data;
  metadata: EventMetadata;
};

/** An event as read back from the store. */
export type StoredEvent<Data = unknown> = {
  eventId: string;
  type: string;
  data: Data;
  metadata: EventMetadata;
  streamName: string;
  /** 0-based position of the event inside its stream; the stream version after the event. */
  streamVersion: number;
  /**
   * Position in the store-wide order used by `readAll`/`subscribeToAll`. Opaque and monotonic,
   * always > 0, not necessarily dense (gaps are normal). Use it only as a checkpoint.
   */
  globalPosition: number;
  /** When the store recorded the event (ISO 8601). */
  recordedAt: string;
};

/**
 * Optimistic concurrency expectation for an append.
 * - a number: the version of the stream's last event must equal it;
 * - `'no_stream'`: the stream must not exist yet;
 * - `'stream_exists'`: the stream must already exist;
 * - `'any'`: no check.
 */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

export type AppendOptions = { expectedVersion?: ExpectedVersion };

export type AppendResult = {
  /** Version of the stream's last event after the append. */
  streamVersion: number;
  /** Global position of the last event of this append (of the already stored one when duplicate). */
  globalPosition: number;
  /** True when every event was already stored (idempotent repeat): nothing was written. */
  duplicate: boolean;
};

export type ReadDirection = 'forward' | 'backward';

export type ReadStreamOptions = {
  /** First version to read (inclusive). Defaults to 0 forward and the last version backward. */
  fromVersion?: number;
  direction?: ReadDirection;
  /** Maximum number of events; defaults to all. */
  limit?: number;
};

/** The beginning of the global order: every real position is greater. */
export const START_POSITION = 0;

export type ReadAllOptions = {
  /**
   * Checkpoint to continue from: events *after* this position are returned. Defaults to
   * `START_POSITION` (the beginning). Pass the `globalPosition` of the last event you processed.
   */
  fromPosition?: number;
  /** Maximum number of events (default 1000, at most 10,000). */
  limit?: number;
  /** Only events of streams in these categories (the part of the stream name before the first `-`). */
  categories?: readonly string[];
};

export type SubscribeOptions = ReadAllOptions & {
  /** Ends the subscription: the iterator finishes without error. */
  signal?: AbortSignal;
  /** Called once, when the subscription has caught up with the history and goes live. */
  onCaughtUp?: () => void;
};

export interface EventStore {
  /** Appends events atomically to one stream under an optimistic-concurrency expectation. */
  appendToStream(stream: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Reads a stream. Throws `StreamNotFoundError` when the stream does not exist. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** Reads the store-wide log in global order, after `fromPosition`. Never skips an event committed later. */
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /** Catches up from `fromPosition`, then delivers new events live, in global order, until aborted. */
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<StoredEvent>;
  /** Version of the stream's last event, or `undefined` when the stream does not exist. */
  streamVersion(stream: string): Promise<number | undefined>;
  /** Releases connections and ends live subscriptions. */
  close(): Promise<void>;
}
