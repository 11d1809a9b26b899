import { z } from 'zod';

/**
 * Schemas for common environment-variable shapes. Each takes the raw string and outputs a typed value;
 * chain `.optional()` or `.default(<output value>)` as usual (`port().default(3000)`).
 */

const show = (value: string): string => JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);

/** A TCP port: an integer from 1 to 65535. */
export function port(): z.ZodType<number, string> {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim();
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isInteger(n) && n >= 1 && n <= 65535) return n;
    ctx.issues.push({ code: 'custom', input: raw, message: `must be a port number: an integer from 1 to 65535 (got ${show(raw)})` });
    return z.NEVER;
  });
}

/** Options of `url()`. */
export type UrlOptions = {
  /** Accepted schemes, with or without the trailing colon: `['postgres', 'postgresql']`. Any scheme when omitted. */
  protocols?: readonly string[];
};

const ABSOLUTE_URL = /^([a-z][a-z0-9+.-]*):\/\/([^\s/?#]+)([/?#]\S*)?$/i;

/**
 * An absolute URL with a host (`nats://localhost:4222`), kept as the exact string given. Multi-host
 * connection strings (`mongodb://a:27017,b:27017/db`) are accepted. The value is never echoed in
 * messages: URLs often carry credentials.
 */
export function url(options: UrlOptions = {}): z.ZodType<string, string> {
  const protocols = options.protocols?.map((p) => p.replace(/:$/, '').toLowerCase());
  return z.string().transform((raw, ctx) => {
    const value = raw.trim();
    const match = ABSOLUTE_URL.exec(value);
    // WHATWG URL rejects comma-separated hosts, which MongoDB and others use; check single-host URLs strictly.
    const valid = match !== null && (match[2]!.includes(',') || URL.canParse(value));
    if (!valid) {
      ctx.issues.push({ code: 'custom', input: raw, message: 'must be an absolute URL with a host, e.g. scheme://host:port/path' });
      return z.NEVER;
    }
    const scheme = match[1]!.toLowerCase();
    if (protocols && !protocols.includes(scheme)) {
      ctx.issues.push({
        code: 'custom',
        input: raw,
        message: `must use ${protocols.length === 1 ? 'the scheme' : 'one of the schemes'} ${protocols.join(', ')} (got ${scheme})`,
      });
      return z.NEVER;
    }
    return value;
  });
}

/**
 * A comma-separated list: items are trimmed and empty items dropped (`"a, b,,c"` → `['a', 'b', 'c']`).
 * Pass an item schema to validate and convert each item: `csv(z.enum(['email', 'sms']))`, `csv(url())`.
 */
export function csv(): z.ZodType<string[], string>;
export function csv<T extends z.ZodType<unknown, string>>(item: T): z.ZodType<z.output<T>[], string>;
export function csv(item: z.ZodType<unknown, string> = z.string()): z.ZodType<unknown[], string> {
  return z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .pipe(z.array(item));
}

const TRUE = new Set(['true', '1']);
const FALSE = new Set(['false', '0']);

/** A boolean: `true`/`false` (any case) or `1`/`0`. Anything else (`yes`, `on`, `""`…) is rejected rather than guessed. */
export function bool(): z.ZodType<boolean, string> {
  return z.string().transform((raw, ctx) => {
    const value = raw.trim().toLowerCase();
    if (TRUE.has(value)) return true;
    if (FALSE.has(value)) return false;
    ctx.issues.push({ code: 'custom', input: raw, message: `must be true, false, 1 or 0 (got ${show(raw)})` });
    return z.NEVER;
  });
}

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const DURATION = /^(\d+)\s*(ms|s|m|h)?$/;

/** A duration in milliseconds (integer output): `1500` (ms), or a whole number with a unit: `500ms`, `10s`, `5m`, `2h`. */
export function duration(): z.ZodType<number, string> {
  return z.string().transform((raw, ctx) => {
    const match = DURATION.exec(raw.trim().toLowerCase());
    const ms = match ? Number(match[1]) * UNIT_MS[(match[2] ?? 'ms') as keyof typeof UNIT_MS] : Number.NaN;
    if (Number.isSafeInteger(ms)) return ms;
    ctx.issues.push({
      code: 'custom',
      input: raw,
      message: `must be a duration: whole milliseconds (1500) or a whole number with a unit ms, s, m or h (500ms, 10s, 5m) (got ${show(raw)})`,
    });
    return z.NEVER;
  });
}
