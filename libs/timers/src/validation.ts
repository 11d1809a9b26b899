import { InvalidTimerError, InvalidTimerOptionError } from './errors';
import type { ClaimOptions, ListTimersQuery, ReleaseOptions, TimerSpec, TimerStatus } from './types';

export const MAX_TENANT_ID_LENGTH = 200;
export const MAX_KEY_LENGTH = 500;
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1_000;
export const MAX_CLAIM_LIMIT = 1_000;
const MIN_DATE_MS = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_DATE_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** A validated timer: dueAt in epoch milliseconds, payload checked to be plain JSON and serialised once. */
export type NormalizedTimer = { tenantId: string; key: string; dueAtMs: number; payload: unknown; payloadJson: string };

export function validateTenantAndKey(tenantId: unknown, key: unknown): { tenantId: string; key: string } {
  nonEmpty('tenantId', tenantId, MAX_TENANT_ID_LENGTH);
  nonEmpty('key', key, MAX_KEY_LENGTH);
  return { tenantId: tenantId as string, key: key as string };
}

function nonEmpty(field: string, value: unknown, max: number): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new InvalidTimerError(field, `must be a non-empty string of at most ${max} characters`);
  }
  // PostgreSQL text cannot hold NUL; refusing it everywhere keeps the adapters interchangeable.
  if (value.includes('\u0000')) throw new InvalidTimerError(field, 'must not contain NUL characters');
}

/** Epoch milliseconds of a `Date` or an ISO 8601 string; `field` names it in the error. */
export function toEpochMs(field: string, value: unknown): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' && value.length > 0 ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw new InvalidTimerError(field, 'must be a valid Date or ISO 8601 date-time');
  // four-digit years only: every adapter stores and prints them the same way
  if (ms < MIN_DATE_MS || ms > MAX_DATE_MS) throw new InvalidTimerError(field, 'must be between the years 0001 and 9999');
  return ms;
}

export function normalizeTimer(timer: TimerSpec): NormalizedTimer {
  if (timer === null || typeof timer !== 'object') throw new InvalidTimerError('timer', 'must be an object');
  const { tenantId, key } = validateTenantAndKey(timer.tenantId, timer.key);
  const dueAtMs = toEpochMs('dueAt', timer.dueAt);
  assertPlainJson(timer.payload, 'payload', new Set());
  return { tenantId, key, dueAtMs, payload: timer.payload, payloadJson: JSON.stringify(timer.payload) };
}

/**
 * The payload must survive a JSON round trip unchanged (what the handler receives equals what was
 * scheduled, in memory and in jsonb): no functions, symbols, bigints, non-finite numbers, class
 * instances (Dates included: pass an ISO string), cycles, or NUL characters (jsonb refuses them).
 */
function assertPlainJson(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'boolean':
      return;
    case 'string':
      if (value.includes('\u0000')) throw new InvalidTimerError(path, 'strings must not contain NUL characters');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidTimerError(path, `${value} is not a finite number`);
      return;
    case 'undefined':
      throw new InvalidTimerError(path, 'undefined is not JSON');
    case 'object':
      break;
    default:
      throw new InvalidTimerError(path, `a ${typeof value} is not JSON`);
  }
  if (value === null) return;
  if (ancestors.has(value)) throw new InvalidTimerError(path, 'circular reference');
  ancestors.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertPlainJson(item, `${path}[${i}]`, ancestors));
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new InvalidTimerError(path, `a ${proto?.constructor?.name ?? 'class'} instance is not plain JSON (convert it first)`);
    }
    for (const [key, child] of Object.entries(value)) {
      if (key.includes('\u0000')) throw new InvalidTimerError(path, 'keys must not contain NUL characters');
      if (child === undefined) continue; // dropped by JSON, as optional fields left unset should be
      assertPlainJson(child, `${path}.${key}`, ancestors);
    }
  }
  ancestors.delete(value);
}

function positiveInt(option: string, value: unknown, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new InvalidTimerOptionError(option, `${JSON.stringify(value)} is not an integer between 1 and ${max}`);
  }
  return value;
}

export function validateListQuery(query: ListTimersQuery = {}): {
  tenantId?: string;
  status?: TimerStatus;
  dueBeforeMs?: number;
  limit: number;
} {
  const out: { tenantId?: string; status?: TimerStatus; dueBeforeMs?: number; limit: number } = {
    limit: query.limit === undefined ? DEFAULT_LIST_LIMIT : positiveInt('limit', query.limit, MAX_LIST_LIMIT),
  };
  if (query.tenantId !== undefined) out.tenantId = validateTenantAndKey(query.tenantId, '-').tenantId;
  if (query.status !== undefined) {
    if (query.status !== 'pending' && query.status !== 'failed') throw new InvalidTimerOptionError('status', `${JSON.stringify(query.status)} is not 'pending' or 'failed'`);
    out.status = query.status;
  }
  if (query.dueBefore !== undefined) out.dueBeforeMs = toEpochMs('dueBefore', query.dueBefore);
  return out;
}

export function validateClaimOptions(options: ClaimOptions): ClaimOptions {
  positiveInt('limit', options.limit, MAX_CLAIM_LIMIT);
  positiveInt('leaseMs', options.leaseMs, 24 * 3_600_000);
  if (typeof options.workerId !== 'string' || options.workerId.length === 0) throw new InvalidTimerOptionError('workerId', 'must be a non-empty string');
  return options;
}

export function validateReleaseOptions(options: ReleaseOptions): ReleaseOptions {
  if (typeof options.error !== 'string') throw new InvalidTimerOptionError('error', 'must be a string');
  if (options.retryInMs !== undefined && (typeof options.retryInMs !== 'number' || !Number.isFinite(options.retryInMs) || options.retryInMs < 0)) {
    throw new InvalidTimerOptionError('retryInMs', `${JSON.stringify(options.retryInMs)} is not a non-negative number`);
  }
  return options;
}

/** Error messages are stored for diagnostics; a huge one (a stack with a payload dump) is cut. */
export function truncateError(message: string, max = 4_000): string {
  const clean = message.replaceAll('\u0000', '');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
