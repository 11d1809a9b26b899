import { z } from 'zod';

/** What a secret value is replaced with in descriptions and logs. */
export const SECRET_MASK = '***';

/**
 * Marks a schema as secret: its value is masked by `describeConfig` and in the start-up log.
 * Same as `.meta({ secret: true })`; either survives `.optional()`/`.default()` around it.
 * Names ending in PASSWORD, SECRET, TOKEN, KEY… are masked anyway (see `isSecretName`).
 */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta({ ...schema.meta(), secret: true });
}

/** True when the schema, or a schema it wraps (optional, default, pipe…), is marked `secret`. */
export function isSecretSchema(schema: z.core.$ZodType): boolean {
  const seen = new Set<z.core.$ZodType>();
  const visit = (s: z.core.$ZodType | undefined): boolean => {
    if (!s || seen.has(s)) return false;
    seen.add(s);
    if (z.globalRegistry.get(s)?.secret === true) return true;
    const def = s._zod.def as { innerType?: z.core.$ZodType; in?: z.core.$ZodType; out?: z.core.$ZodType };
    return visit(def.innerType) || visit(def.in) || visit(def.out);
  };
  return visit(schema);
}

/** The top-level keys of an object schema whose fields are marked secret. */
export function secretKeysOf(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => isSecretSchema(field))
    .map(([key]) => key);
}

/** Name segments that make a variable secret wherever they appear. */
const SECRET_ANYWHERE = new Set(['PASSWORD', 'PASSWD', 'SECRET', 'SECRETS', 'CREDENTIAL', 'CREDENTIALS']);
/** Name segments that make a variable secret when they end its name (`API_KEY`, but not `KEYCLOAK_URL` or `TOKEN_TTL`). */
const SECRET_SUFFIX = new Set(['PASS', 'TOKEN', 'KEY', 'APIKEY', 'AUTH']);

/**
 * The name-based rule: `*_PASSWORD`, `*_SECRET`, `*_TOKEN`, `*_KEY` (and PASSWD, PASS, APIKEY, AUTH,
 * CREDENTIALS), plus any name containing a PASSWORD, SECRET or CREDENTIALS segment
 * (`AWS_SECRET_ACCESS_KEY`). Works for SCREAMING_SNAKE, kebab and camelCase names.
 */
export function isSecretName(name: string): boolean {
  const segments = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((s) => s !== '');
  const last = segments.at(-1);
  return segments.some((s) => SECRET_ANYWHERE.has(s)) || (last !== undefined && SECRET_SUFFIX.has(last));
}

/** `scheme://userinfo@` — greedy up to the last `@` of the authority, so an unencoded `@` in a password is covered. */
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s/?#]*)@/gi;
const QUERY_PARAM = /([?&])([^=&#\s]+)=([^&#\s]*)/g;

/**
 * Masks credentials inside URLs found in a string: `postgres://user:pass@host` → `postgres://user:***@host`,
 * a user-only token (`https://token@host`) → `https://***@host`, and secret-named query parameters
 * (`?password=…`, `?access_token=…`) → `?password=***`. Other text is left alone.
 */
export function maskUrlCredentials(text: string): string {
  if (!text.includes('://')) return text;
  return text
    .replace(URL_USERINFO, (_match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon === -1 ? `${scheme}${SECRET_MASK}@` : `${scheme}${userinfo.slice(0, colon)}:${SECRET_MASK}@`;
    })
    .replace(QUERY_PARAM, (match, sep: string, key: string) => (isSecretName(safeDecode(key)) ? `${sep}${key}=${SECRET_MASK}` : match));
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Secret keys known for configs returned by `loadConfig` (from `secret()` / `.meta({ secret: true })` markers). */
const markedSecretKeys = new WeakMap<object, ReadonlySet<string>>();

/** Remembers which keys of a loaded config were marked secret in its schema. */
export function rememberSecretKeys(config: object, keys: Iterable<string>): void {
  markedSecretKeys.set(config, new Set(keys));
}

/**
 * A printable copy of a config with every secret masked: values marked secret in the schema
 * (known automatically for configs returned by `loadConfig`, or pass the schema), values whose name
 * is secret-like (`isSecretName`), and credentials inside URLs (`maskUrlCredentials`). Unset secrets
 * stay `undefined`, so the description still shows they are missing.
 */
export function describeConfig(config: object, schema?: z.ZodObject): Record<string, unknown> {
  const marked = new Set([...(markedSecretKeys.get(config) ?? []), ...(schema ? secretKeysOf(schema) : [])]);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    out[key] = marked.has(key) || isSecretName(key) ? maskWhole(value) : describeValue(value);
  }
  return out;
}

function maskWhole(value: unknown): unknown {
  return value === undefined ? undefined : SECRET_MASK;
}

function describeValue(value: unknown): unknown {
  if (typeof value === 'string') return maskUrlCredentials(value);
  if (value instanceof URL) return maskUrlCredentials(value.href);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(describeValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = isSecretName(key) ? maskWhole(child) : describeValue(child);
    return out;
  }
  return value;
}
