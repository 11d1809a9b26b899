/**
 * A timer to (re-)arm: it fires once at or after `dueAt`, for `(tenantId, key)`. Scheduling the same
 * `(tenantId, key)` again replaces `dueAt` and `payload` and re-arms it.
 */
export type TimerSpec = {
  tenantId: string;
  /** Unique within the tenant and the timer table, e.g. `ticket-42:first-response`. */
  key: string;
  /** A `Date` or an ISO 8601 date-time; stored with millisecond precision. */
  dueAt: Date | string;
  /** Plain JSON handed to the handler when the timer fires. */
  payload: unknown;
};

/** What a handler receives when a timer fires. */
export type FiredTimer = {
  tenantId: string;
  key: string;
  /** The armed due time (ISO 8601, UTC), unchanged by retries. */
  dueAt: string;
  payload: unknown;
  /** 1 for the first firing of this arming, 2 for the first retry… (counts firings lost with a dead worker too). */
  attempt: number;
  /** When this attempt was claimed (ISO 8601, store clock); `firedAt − dueAt` is the firing lag. */
  firedAt: string;
};

/** `pending`: waiting, in flight or waiting for a retry. `failed`: gave up after `maxAttempts`; kept until re-scheduled or cancelled. */
export type TimerStatus = 'pending' | 'failed';

/** A stored timer, as `get` and `list` return it. */
export type TimerRecord = {
  tenantId: string;
  key: string;
  /** ISO 8601, UTC. */
  dueAt: string;
  payload: unknown;
  status: TimerStatus;
  /** Firings of the current arming so far (0 until it first fires; reset by re-scheduling). */
  attempts: number;
  /** The error of the last failed attempt. */
  lastError?: string;
  /** When it was marked failed (ISO 8601). */
  failedAt?: string;
};

/** Anything with pg's `query(text, values)`: a `pg.PoolClient` inside the caller's transaction, a `pg.Pool`, a `pg.Client`. */
export type Queryable = {
  query(text: string, values?: unknown[]): Promise<{ rowCount: number | null }>;
};

export type WriteOptions = {
  /** Run the write on this connection, e.g. inside the caller's transaction (the timer is armed when it commits). */
  client?: Queryable;
};

export type ListTimersQuery = {
  tenantId?: string;
  status?: TimerStatus;
  /** Only timers due strictly before this instant. */
  dueBefore?: Date | string;
  /** 1…1000, default 100. */
  limit?: number;
};

export type TimerCounts = { pending: number; failed: number };

/** A timer a worker has claimed: the fired timer plus what identifies this arming and this attempt. */
export type ClaimedTimer = {
  timer: FiredTimer;
  /** Identifies the arming: re-scheduling gives a new one, so a stale firing cannot delete a newer arming. */
  generation: string;
};

export type ClaimOptions = {
  /** Most timers to claim (1…1000). */
  limit: number;
  /** How long the claim is exclusive; afterwards another claim may take the timer again (at-least-once). */
  leaseMs: number;
  /** Recorded on the row (`locked_by`) for diagnostics. */
  workerId: string;
};

/** How an attempt ended badly: with `retryInMs` the timer is retried after that delay, without it the timer is marked failed. */
export type ReleaseOptions = { error: string; retryInMs?: number };

/** `stale`: the timer was re-scheduled, cancelled, or claimed again since this attempt; nothing changed. */
export type ReleaseOutcome = 'retrying' | 'failed' | 'stale';

/**
 * Durable timers of one service (one table). Reads and writes are tenant-scoped except the worker's
 * `claim` and the diagnostics (`list` without `tenantId`, `counts`), which span tenants by design.
 */
export interface TimerStore {
  /** Arms or re-arms `(tenantId, key)`: replaces due time and payload, resets attempts and a failed status. */
  schedule(timer: TimerSpec, options?: WriteOptions): Promise<void>;
  /** Disarms `(tenantId, key)` (pending or failed); whether there was something to cancel. */
  cancel(tenantId: string, key: string, options?: WriteOptions): Promise<boolean>;
  get(tenantId: string, key: string): Promise<TimerRecord | undefined>;
  /** Timers by due time (then tenant and key), for diagnostics and tests. */
  list(query?: ListTimersQuery): Promise<TimerRecord[]>;
  counts(): Promise<TimerCounts>;

  /** Claims up to `limit` due timers, earliest first, each under a lease; never a timer another live lease holds. */
  claim(options: ClaimOptions): Promise<ClaimedTimer[]>;
  /** The attempt succeeded: deletes the timer unless it was re-armed meanwhile. Whether it was deleted. */
  complete(claimed: ClaimedTimer): Promise<boolean>;
  /** The attempt failed: schedules a retry or marks the timer failed, unless the attempt went stale. */
  release(claimed: ClaimedTimer, options: ReleaseOptions): Promise<ReleaseOutcome>;
  /**
   * Milliseconds until the earliest pending timer becomes claimable (its due time, retry time or lease
   * expiry; ≤ 0 when one is claimable now), measured on the store's clock; undefined when none is pending.
   */
  nextDueIn(): Promise<number | undefined>;
  /**
   * Calls `listener(dueInMs)` soon after a timer is scheduled (committed), from any process sharing the
   * store, so a worker can wake before its next poll. Resolves to an unsubscribe function.
   */
  onScheduled(listener: (dueInMs: number) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
