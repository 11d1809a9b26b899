import { InvalidEventError } from '../errors';
import { open, seal } from './subject-keys';

/**
 * An encrypted personal value as it is stored inside event data: `{ "$pii": 1, "s": subject, "d": base64 }`.
 * It names its subject, so reading needs no configuration and survives changes to what is declared personal.
 */
export type EncryptedValue = { $pii: 1; s: string; d: string };

/** What an erased personal value reads back as. */
export const ERASED = null;

export function isEncryptedValue(value: unknown): value is EncryptedValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as EncryptedValue).$pii === 1 &&
    typeof (value as EncryptedValue).s === 'string' &&
    typeof (value as EncryptedValue).d === 'string'
  );
}

export function encryptValue(key: Buffer, subjectId: string, value: unknown): EncryptedValue {
  return { $pii: 1, s: subjectId, d: seal(key, Buffer.from(JSON.stringify(value), 'utf8'), subjectId).toString('base64') };
}

export function decryptValue(key: Buffer, encrypted: EncryptedValue): unknown {
  return JSON.parse(open(key, Buffer.from(encrypted.d, 'base64'), encrypted.s).toString('utf8'));
}

/**
 * Personal-field paths: dot-separated property names, `[*]` for every element of an array, e.g.
 * `name`, `name.given`, `emails[*]`, `phones[*].number`. A missing path is skipped.
 */
export function parsePath(path: string): (string | '*')[] {
  const steps: (string | '*')[] = [];
  for (const segment of path.split('.')) {
    const match = /^([^[\]]+)((?:\[\*\])*)$/.exec(segment);
    if (!match) throw new Error(`invalid personal-data path '${path}'`);
    steps.push(match[1]!);
    for (let i = 0; i < match[2]!.length / 3; i++) steps.push('*');
  }
  return steps;
}

/** Returns a copy of `data` where the value at every path is replaced by `replace(value)`. */
export function mapPaths(data: unknown, paths: readonly (string | '*')[][], replace: (value: unknown) => unknown): unknown {
  let out = data;
  for (const steps of paths) out = mapPath(out, steps, 0, replace);
  return out;
}

function mapPath(node: unknown, steps: readonly (string | '*')[], i: number, replace: (value: unknown) => unknown): unknown {
  if (i === steps.length) return node === undefined || node === null ? node : replace(node);
  const step = steps[i]!;
  if (step === '*') {
    if (!Array.isArray(node)) return node;
    return node.map((child) => mapPath(child, steps, i + 1, replace));
  }
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
  const record = node as Record<string, unknown>;
  if (!(step in record)) return node;
  return { ...record, [step]: mapPath(record[step], steps, i + 1, replace) };
}

/** Adds the subject of every encrypted value anywhere in `data` to `subjects`. */
export function collectSubjects(data: unknown, subjects: Set<string>): void {
  if (typeof data !== 'object' || data === null) return;
  if (isEncryptedValue(data)) subjects.add(data.s);
  else for (const child of Array.isArray(data) ? data : Object.values(data)) collectSubjects(child, subjects);
}

/**
 * Replaces every encrypted value anywhere in `data` by `reveal(value)`. Arrays and objects without an
 * encrypted value inside are returned as they are (not copied), so plain data costs no allocation.
 */
export function mapEncrypted(data: unknown, reveal: (value: EncryptedValue) => unknown): unknown {
  if (typeof data !== 'object' || data === null) return data;
  if (isEncryptedValue(data)) return reveal(data);
  if (Array.isArray(data)) {
    const mapped = data.map((child) => mapEncrypted(child, reveal));
    return mapped.some((child, i) => child !== data[i]) ? mapped : data;
  }
  const entries = Object.entries(data);
  let changed = false;
  for (const entry of entries) {
    const mapped = mapEncrypted(entry[1], reveal);
    if (mapped !== entry[1]) {
      entry[1] = mapped;
      changed = true;
    }
  }
  return changed ? Object.fromEntries(entries) : data;
}

export function missingSubject(index: number, type: string): InvalidEventError {
  return new InvalidEventError(index, 'metadata.guestId', `event type '${type}' carries personal data but names no subject (guest)`);
}
