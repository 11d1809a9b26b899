import type { JsonValue } from './timeline.types';

/** Small total helpers for reading untrusted JSON (tolerant readers) and comparing instants. */

export type JsonRecord = { [key: string]: JsonValue };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function finiteNumberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * A JSON-safe copy of a value: drops `undefined` and functions, turns non-finite numbers into null, and
 * stops at depth 32 (anything deeper becomes null), so whatever a producer sent can be stored as facts.
 */
export function toJsonValue(value: unknown, depth = 0): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (depth >= 32) return null;
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toJsonValue(item, depth + 1)));
  if (isRecord(value)) {
    const out: JsonRecord = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      out[key] = toJsonValue(item, depth + 1);
    }
    return out;
  }
  return null;
}

/** Milliseconds since the epoch of an ISO date-time (offsets honoured); NaN when unparsable. */
export function instant(iso: string): number {
  return Date.parse(iso);
}

/** Orders ISO date-times by the instant they denote (`+02:00` and `Z` compare correctly); unparsable ones first. */
export function compareInstants(a: string, b: string): number {
  return compareParsedInstants(a, instant(a), b, instant(b));
}

/** `compareInstants` of two date-times whose `instant` is known already (sorting many: parse each once). */
export function compareParsedInstants(a: string, x: number, b: string, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? a.localeCompare(b) : -1) : 1;
  return x - y || a.localeCompare(b);
}

/** The earlier / later of two optional ISO instants. */
export function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareInstants(a, b) <= 0 ? a : b;
}

export function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareInstants(a, b) >= 0 ? a : b;
}

/** A real calendar date written YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Whole days from one YYYY-MM-DD date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
