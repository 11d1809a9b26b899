import { createHash } from 'node:crypto';

/** What an idempotency record is keyed by: the caller's tenant, the route template and the client's key. */
export type IdempotencyScope = {
  readonly tenantId: string;
  /** `METHOD /path/template`, e.g. `POST /v1/tickets`. */
  readonly route: string;
  /** The `Idempotency-Key` header. */
  readonly key: string;
};

/** A response as stored for replay. `body` is the exact JSON text sent the first time. */
export type StoredResponse = {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
};

/** What `begin` found. */
export type IdempotencyBegin =
  /** First use of the key (or its record expired): run the request, then `complete` or `release` with this lease. */
  | { readonly outcome: 'started'; readonly lease: string }
  /** Same key, same request, already answered: send `response` again. */
  | { readonly outcome: 'replay'; readonly response: StoredResponse }
  /** Same key, same request, still running elsewhere (409). */
  | { readonly outcome: 'in-flight' }
  /** Same key, different request (422 `IDEMPOTENCY_KEY_REUSED`). */
  | { readonly outcome: 'mismatch' };

/**
 * Port for Idempotency-Key records. Adapters: `MemoryIdempotencyStore` (one process, tests) and
 * `PostgresIdempotencyStore` (shared by every instance of a service, in the service's schema).
 * Every adapter passes `describeIdempotencyStoreConformance`.
 */
export interface IdempotencyStore {
  /** Claims the key for a request with this fingerprint, or reports why it cannot (see `IdempotencyBegin`). */
  begin(scope: IdempotencyScope, fingerprint: string): Promise<IdempotencyBegin>;
  /** Stores the response of a started request; ignored when the lease was lost (the record expired and was taken over). */
  complete(scope: IdempotencyScope, lease: string, response: StoredResponse): Promise<void>;
  /** Forgets a started request that must not be replayed (it failed on our side), so a retry runs again. */
  release(scope: IdempotencyScope, lease: string): Promise<void>;
  /** Deletes expired records; returns how many. */
  purgeExpired(): Promise<number>;
  /**
   * Deletes a tenant's records whose stored response (body or headers) contains `text`, e.g. a guest id
   * on erasure: replayable responses are copies of personal data too. Returns how many.
   */
  forgetResponsesMentioning(tenantId: string, text: string): Promise<number>;
  close(): Promise<void>;
}

/** Options shared by the adapters. */
export type IdempotencyStoreOptions = {
  /** How long a completed response is replayed (default 24 h). */
  ttlMs?: number;
  /** How long a started request keeps its claim before a retry may take over, e.g. after a crash (default 60 s). */
  inFlightTimeoutMs?: number;
  /** Clock in ms since the epoch (tests use a fixed one). */
  now?: () => number;
};

export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_IN_FLIGHT_TIMEOUT_MS = 60_000;

/** JSON with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` fingerprint alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Fingerprint of a request for Idempotency-Key matching: method, concrete path (a key reused for
 * another resource under the same route template is a different request), caller and JSON body.
 */
export function requestFingerprint(input: { method: string; path: string; userId: string | undefined; body: unknown }): string {
  return createHash('sha256')
    .update(canonicalJson([input.method.toUpperCase(), input.path, input.userId ?? null, input.body ?? null]))
    .digest('base64url');
}
