import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyEventContract } from './define-event';
import { allContracts } from './events';

/** Suffix of every committed JSON Schema file. */
export const JSON_SCHEMA_FILE_SUFFIX = '.schema.json';

/** `<type>.v<N>.schema.json`: the committed JSON Schema file of one contract version. */
export function jsonSchemaFileName(contract: Pick<AnyEventContract, 'subject'>): string {
  return `${contract.subject}${JSON_SCHEMA_FILE_SUFFIX}`;
}

/** The exact text written for a contract (stable formatting, trailing newline). */
export function renderJsonSchema(contract: AnyEventContract): string {
  return `${JSON.stringify(contract.toJsonSchema(), null, 2)}\n`;
}

/** What `exportJsonSchemas` did, as file names relative to the directory. */
export type ExportJsonSchemasResult = {
  /** Files that did not exist and were written. */
  readonly written: readonly string[];
  /** Files that already existed and were left untouched, whatever their content. */
  readonly kept: readonly string[];
};

/**
 * Writes one `<type>.v<N>.schema.json` per contract into `dir` (created if needed), **only for files
 * that do not exist yet**. It never overwrites: a published version is frozen, and replacing its file
 * must be a deliberate, reviewed deletion. Use `verifyJsonSchemas` to compare existing files.
 */
export function exportJsonSchemas(
  dir: string,
  contracts: readonly AnyEventContract[] = allContracts,
): ExportJsonSchemasResult {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const kept: string[] = [];
  for (const contract of contracts) {
    const file = jsonSchemaFileName(contract);
    try {
      // 'wx' fails when the file exists, so a concurrent or repeated run cannot overwrite.
      writeFileSync(join(dir, file), renderJsonSchema(contract), { flag: 'wx' });
      written.push(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      kept.push(file);
    }
  }
  return { written, kept };
}

/** The comparison of one contract with its committed file. */
export type JsonSchemaCheck = {
  readonly contract: AnyEventContract;
  readonly file: string;
  /**
   * `missing`: no committed file yet; `extended`: the contract only gained optional fields (allowed for a
   * published version; the file must be refreshed to record them); `changed`: anything else (forbidden).
   */
  readonly status: 'unchanged' | 'missing' | 'extended' | 'changed';
  /** For `changed`: JSON Pointers of what was added, removed or changed relative to the committed file. */
  readonly differences: readonly string[];
};

/** The result of `verifyJsonSchemas`. */
export type JsonSchemaVerification = {
  readonly checks: readonly JsonSchemaCheck[];
  /** Committed `*.schema.json` files that no contract produces (a version removed from the catalogue). */
  readonly orphans: readonly string[];
};

/** Compares the JSON Schema of every contract with the committed file in `dir`. Writes nothing. */
export function verifyJsonSchemas(
  dir: string,
  contracts: readonly AnyEventContract[] = allContracts,
): JsonSchemaVerification {
  let existing: string[];
  try {
    existing = readdirSync(dir).filter((f) => f.endsWith(JSON_SCHEMA_FILE_SUFFIX));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    existing = [];
  }
  const checks = contracts.map((contract): JsonSchemaCheck => {
    const file = jsonSchemaFileName(contract);
    if (!existing.includes(file)) return { contract, file, status: 'missing', differences: [] };
    let committed: unknown;
    try {
      committed = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      return { contract, file, status: 'changed', differences: [`(file) is not valid JSON: ${(error as Error).message}`] };
    }
    const fresh: unknown = contract.toJsonSchema();
    if (jsonEqual(committed, fresh)) return { contract, file, status: 'unchanged', differences: [] };
    const status = isOptionalExtension(committed, fresh) ? 'extended' : 'changed';
    return { contract, file, status, differences: jsonDifferences(committed, fresh) };
  });
  const produced = new Set(checks.map((c) => c.file));
  return { checks, orphans: existing.filter((f) => !produced.has(f)).sort() };
}

/**
 * True when `after` is `before` plus new optional object properties and nothing else: every existing
 * property is kept (recursively compatible), `required` is unchanged, no other keyword differs. This
 * is the one change a published contract version allows (conventions: Two kinds of events).
 */
export function isOptionalExtension(before: unknown, after: unknown): boolean {
  if (jsonEqual(before, after)) return true;
  if (!isJsonObject(before) || !isJsonObject(after)) return false;
  const sameSet = (a: unknown, b: unknown) => {
    const x = new Set(Array.isArray(a) ? a : []);
    const y = new Set(Array.isArray(b) ? b : []);
    return x.size === y.size && [...x].every((v) => y.has(v));
  };
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'required') {
      if (!sameSet(before.required, after.required)) return false;
    } else if (key === 'properties' && isJsonObject(before.properties) && isJsonObject(after.properties)) {
      const oldProps = before.properties;
      const newProps = after.properties;
      for (const name of Object.keys(oldProps)) {
        if (!(name in newProps) || !isOptionalExtension(oldProps[name], newProps[name])) return false;
      }
      // new properties are fine as long as they are optional (required is compared above)
    } else if (!(key in before) || !(key in after) || !isOptionalExtension(before[key], after[key])) {
      return false;
    }
  }
  return true;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Rewrites the committed files of contracts that only gained optional fields (status `extended`).
 * Files of changed contracts are never touched.
 */
export function refreshExtendedJsonSchemas(dir: string, contracts: readonly AnyEventContract[] = allContracts): string[] {
  const refreshed: string[] = [];
  for (const check of verifyJsonSchemas(dir, contracts).checks) {
    if (check.status !== 'extended') continue;
    writeFileSync(join(dir, check.file), renderJsonSchema(check.contract));
    refreshed.push(check.file);
  }
  return refreshed;
}

/** Differences between two JSON values as `added|removed|changed <JSON Pointer>` lines (from `before` to `after`). */
export function jsonDifferences(before: unknown, after: unknown, pointer = ''): string[] {
  if (jsonEqual(before, after)) return [];
  const bothObjects =
    before !== null && after !== null && typeof before === 'object' && typeof after === 'object' &&
    Array.isArray(before) === Array.isArray(after);
  if (!bothObjects) return [`changed ${pointer || '/'}: ${preview(before)} → ${preview(after)}`];
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const out: string[] = [];
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    const child = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (!(key in a)) out.push(`removed ${child}`);
    else if (!(key in b)) out.push(`added ${child}: ${preview(a[key])}`);
    else out.push(...jsonDifferences(b[key], a[key], child));
  }
  return out;
}

/** Structural equality of JSON values (key order and object prototypes ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  return keys.every((key) => Object.hasOwn(rb, key) && jsonEqual(ra[key], rb[key]));
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
