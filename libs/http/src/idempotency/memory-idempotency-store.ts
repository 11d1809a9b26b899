import { randomUUID } from 'node:crypto';
import { DEFAULT_IDEMPOTENCY_TTL_MS, DEFAULT_IN_FLIGHT_TIMEOUT_MS } from './idempotency-store';
import type { IdempotencyBegin, IdempotencyScope, IdempotencyStore, IdempotencyStoreOptions, StoredResponse } from './idempotency-store';

type MemoryRecord = {
  fingerprint: string;
  lease: string;
  response: StoredResponse | undefined;
  lockedUntil: number;
  expiresAt: number;
};

/** In-process IdempotencyStore for tests and single-instance tools; records vanish with the process. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly records = new Map<string, MemoryRecord>();
  private readonly ttlMs: number;
  private readonly inFlightTimeoutMs: number;
  private readonly now: () => number;

  constructor(options: IdempotencyStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
    this.inFlightTimeoutMs = options.inFlightTimeoutMs ?? DEFAULT_IN_FLIGHT_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  async begin(scope: IdempotencyScope, fingerprint: string): Promise<IdempotencyBegin> {
    const id = keyOf(scope);
    const now = this.now();
    const existing = this.records.get(id);
    const stale = existing !== undefined && existing.response === undefined && existing.lockedUntil <= now && existing.fingerprint === fingerprint;
    if (existing === undefined || existing.expiresAt <= now || stale) {
      const lease = randomUUID();
      this.records.set(id, { fingerprint, lease, response: undefined, lockedUntil: now + this.inFlightTimeoutMs, expiresAt: now + this.ttlMs });
      return { outcome: 'started', lease };
    }
    if (existing.fingerprint !== fingerprint) return { outcome: 'mismatch' };
    if (existing.response === undefined) return { outcome: 'in-flight' };
    return { outcome: 'replay', response: existing.response };
  }

  async complete(scope: IdempotencyScope, lease: string, response: StoredResponse): Promise<void> {
    const record = this.records.get(keyOf(scope));
    if (record?.lease !== lease) return;
    record.response = { status: response.status, headers: { ...response.headers }, ...(response.body === undefined ? {} : { body: response.body }) };
    record.expiresAt = this.now() + this.ttlMs;
  }

  async release(scope: IdempotencyScope, lease: string): Promise<void> {
    const id = keyOf(scope);
    if (this.records.get(id)?.lease === lease) this.records.delete(id);
  }

  async purgeExpired(): Promise<number> {
    const now = this.now();
    let purged = 0;
    for (const [id, record] of this.records) {
      if (record.expiresAt <= now) {
        this.records.delete(id);
        purged++;
      }
    }
    return purged;
  }

  async forgetResponsesMentioning(tenantId: string, text: string): Promise<number> {
    let forgotten = 0;
    for (const [id, record] of this.records) {
      const response = record.response;
      if ((JSON.parse(id) as string[])[0] !== tenantId || !response) continue; // ids are keyOf(scope)
      if ((response.body ?? '').includes(text) || JSON.stringify(response.headers).includes(text)) {
        this.records.delete(id);
        forgotten++;
      }
    }
    return forgotten;
  }

  async close(): Promise<void> {
    this.records.clear();
  }
}

function keyOf(scope: IdempotencyScope): string {
  return JSON.stringify([scope.tenantId, scope.route, scope.key]);
}
