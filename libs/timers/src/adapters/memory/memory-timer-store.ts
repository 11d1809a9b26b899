import type {
  ClaimedTimer,
  ClaimOptions,
  ListTimersQuery,
  ReleaseOptions,
  ReleaseOutcome,
  TimerCounts,
  TimerRecord,
  TimerSpec,
  TimerStatus,
  TimerStore,
  WriteOptions,
} from '../../types';
import {
  normalizeTimer,
  truncateError,
  validateClaimOptions,
  validateListQuery,
  validateReleaseOptions,
  validateTenantAndKey,
} from '../../validation';

type Row = {
  tenantId: string;
  key: string;
  dueAtMs: number;
  payloadJson: string;
  generation: number;
  status: TimerStatus;
  attempts: number;
  /** When the row can next be claimed: its due time, a retry time or the end of a lease. */
  runAtMs: number;
  lockedBy?: string;
  lastError?: string;
  failedAtMs?: number;
};

export type MemoryTimerStoreOptions = {
  /** The store's clock (default the system clock); a fixed or stepped clock makes caller tests deterministic. */
  now?: () => Date;
};

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Timers in process memory, for fast unit tests of callers. Passes the same conformance suite as the
 * PostgreSQL store; not durable and not shared between processes. `client` options are ignored (there
 * are no transactions: a timer scheduled "inside" a rolled-back transaction stays armed).
 */
export class MemoryTimerStore implements TimerStore {
  private readonly rows = new Map<string, Row>();
  private readonly listeners = new Set<(dueInMs: number) => void>();
  private generation = 0;
  private readonly now: () => number;

  constructor(options: MemoryTimerStoreOptions = {}) {
    const clock = options.now;
    this.now = clock ? () => clock().getTime() : () => Date.now();
  }

  private static id(tenantId: string, key: string): string {
    return `${tenantId}\u0000${key}`;
  }

  async schedule(timer: TimerSpec, _options?: WriteOptions): Promise<void> {
    const t = normalizeTimer(timer);
    this.rows.set(MemoryTimerStore.id(t.tenantId, t.key), {
      tenantId: t.tenantId,
      key: t.key,
      dueAtMs: t.dueAtMs,
      payloadJson: t.payloadJson,
      generation: ++this.generation,
      status: 'pending',
      attempts: 0,
      runAtMs: t.dueAtMs,
    });
    const dueInMs = t.dueAtMs - this.now();
    // asynchronous, as a database notification would be
    queueMicrotask(() => {
      for (const listener of this.listeners) listener(dueInMs);
    });
  }

  async cancel(tenantId: string, key: string, _options?: WriteOptions): Promise<boolean> {
    validateTenantAndKey(tenantId, key);
    return this.rows.delete(MemoryTimerStore.id(tenantId, key));
  }

  async get(tenantId: string, key: string): Promise<TimerRecord | undefined> {
    validateTenantAndKey(tenantId, key);
    const row = this.rows.get(MemoryTimerStore.id(tenantId, key));
    return row && toRecord(row);
  }

  async list(query?: ListTimersQuery): Promise<TimerRecord[]> {
    const q = validateListQuery(query);
    return [...this.rows.values()]
      .filter((r) => (q.tenantId === undefined || r.tenantId === q.tenantId) && (q.status === undefined || r.status === q.status))
      .filter((r) => q.dueBeforeMs === undefined || r.dueAtMs < q.dueBeforeMs)
      .sort((a, b) => a.dueAtMs - b.dueAtMs || compare(a.tenantId, b.tenantId) || compare(a.key, b.key))
      .slice(0, q.limit)
      .map(toRecord);
  }

  async counts(): Promise<TimerCounts> {
    const counts = { pending: 0, failed: 0 };
    for (const row of this.rows.values()) counts[row.status]++;
    return counts;
  }

  async claim(options: ClaimOptions): Promise<ClaimedTimer[]> {
    const { limit, leaseMs, workerId } = validateClaimOptions(options);
    const now = this.now();
    const due = [...this.rows.values()]
      .filter((r) => r.status === 'pending' && r.runAtMs <= now)
      .sort((a, b) => a.runAtMs - b.runAtMs || a.dueAtMs - b.dueAtMs)
      .slice(0, limit);
    return due.map((row) => {
      row.attempts++;
      row.runAtMs = now + leaseMs;
      row.lockedBy = workerId;
      return {
        generation: String(row.generation),
        timer: { tenantId: row.tenantId, key: row.key, dueAt: iso(row.dueAtMs), payload: JSON.parse(row.payloadJson), attempt: row.attempts, firedAt: iso(now) },
      };
    });
  }

  async complete(claimed: ClaimedTimer): Promise<boolean> {
    const id = MemoryTimerStore.id(claimed.timer.tenantId, claimed.timer.key);
    if (this.rows.get(id)?.generation !== Number(claimed.generation)) return false;
    return this.rows.delete(id);
  }

  async release(claimed: ClaimedTimer, options: ReleaseOptions): Promise<ReleaseOutcome> {
    const { error, retryInMs } = validateReleaseOptions(options);
    const row = this.rows.get(MemoryTimerStore.id(claimed.timer.tenantId, claimed.timer.key));
    if (!row || row.generation !== Number(claimed.generation) || row.attempts !== claimed.timer.attempt || row.status !== 'pending') return 'stale';
    const now = this.now();
    row.lastError = truncateError(error);
    delete row.lockedBy;
    if (retryInMs !== undefined) {
      row.runAtMs = now + retryInMs;
      return 'retrying';
    }
    row.status = 'failed';
    row.failedAtMs = now;
    return 'failed';
  }

  async nextDueIn(): Promise<number | undefined> {
    let earliest: number | undefined;
    for (const row of this.rows.values()) if (row.status === 'pending' && (earliest === undefined || row.runAtMs < earliest)) earliest = row.runAtMs;
    return earliest === undefined ? undefined : earliest - this.now();
  }

  async onScheduled(listener: (dueInMs: number) => void): Promise<() => Promise<void>> {
    // a distinct wrapper per subscription, so subscribing the same function twice unsubscribes independently
    const wrapper = (dueInMs: number) => listener(dueInMs);
    this.listeners.add(wrapper);
    return async () => {
      this.listeners.delete(wrapper);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

function toRecord(row: Row): TimerRecord {
  const record: TimerRecord = {
    tenantId: row.tenantId,
    key: row.key,
    dueAt: iso(row.dueAtMs),
    payload: JSON.parse(row.payloadJson),
    status: row.status,
    attempts: row.attempts,
  };
  if (row.lastError !== undefined) record.lastError = row.lastError;
  if (row.failedAtMs !== undefined) record.failedAt = iso(row.failedAtMs);
  return record;
}

/** Byte-wise string order, as PostgreSQL's "C" collation; the conformance suite only relies on ASCII keys. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
