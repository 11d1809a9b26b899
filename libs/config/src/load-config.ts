import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from './errors';
import { describeConfig, rememberSecretKeys, secretKeysOf } from './secrets';

/** A value whose nested objects and arrays are all read-only, as `loadConfig` returns it. */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer U)[]
    ? readonly DeepReadonly<U>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/** The one-line start-up summary `loadConfig` logs, secrets masked. */
export type ConfigSummary = {
  readonly level: 'info';
  readonly msg: 'configuration loaded';
  readonly service?: string;
  readonly config: Record<string, unknown>;
};

/** Options of `loadConfig`. */
export type LoadConfigOptions = {
  /** Where to read variables from. Defaults to `process.env`; tests pass a plain object. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Named in the error and in the start-up summary. */
  serviceName?: string;
  /**
   * What to do when the environment is invalid:
   * - `true` (default): print every problem to stderr and `process.exit(1)`;
   * - a function: print, then call it with `1` (tests inject one instead of killing the process);
   * - `false`: print nothing and throw `ConfigError`.
   * When an injected function returns, `ConfigError` is thrown so an invalid config is never returned.
   */
  exit?: boolean | ((code: number) => void);
  /** Receives the start-up summary. Defaults to `console.log` of the summary as one JSON line; `false` to stay quiet. */
  log?: ((summary: ConfigSummary) => void) | false;
  /** Receives the problem report before exiting. Defaults to writing it to stderr. */
  logError?: (message: string) => void;
};

/** Zod's "expected string, received undefined" becomes what an operator needs to read. */
const errorMap: z.core.$ZodErrorMap = (issue) =>
  issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')
    ? 'is required but not set'
    : undefined;

/**
 * Parses the environment once with a zod object schema and returns a deeply frozen, typed config.
 * Only the schema's own variables are read; an empty value (`FOO=`) counts as not set, so defaults apply.
 * Every problem is collected and reported at once (variable + message, never a secret's value).
 * On success, logs a one-line summary with secrets masked (see `describeConfig`).
 *
 * ```ts
 * const config = loadConfig(z.object({ PORT: port().default(3000), DATABASE_URL: url({ protocols: ['postgres'] }) }), {
 *   serviceName: 'customer-profile',
 * });
 * ```
 */
export function loadConfig<S extends z.ZodObject>(schema: S, options: LoadConfigOptions = {}): DeepReadonly<z.output<S>> {
  const { env = process.env, serviceName, exit = true } = options;
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    input[key] = value === '' ? undefined : value;
  }

  const result = schema.safeParse(input, { error: errorMap });
  if (!result.success) {
    const problems: ConfigProblem[] = result.error.issues.map((issue) => ({
      variable: formatVariable(issue.path),
      message: issue.message,
    }));
    const error = new ConfigError(problems, serviceName, { cause: result.error });
    if (exit === false) throw error;
    (options.logError ?? writeToStderr)(error.message);
    if (exit === true) process.exit(1);
    else exit(1);
    throw error;
  }

  const config = deepFreeze(result.data as z.output<S>);
  rememberSecretKeys(config, secretKeysOf(schema));
  if (options.log !== false) {
    const summary: ConfigSummary = {
      level: 'info',
      msg: 'configuration loaded',
      ...(serviceName !== undefined && { service: serviceName }),
      config: describeConfig(config),
    };
    (options.log ?? logAsJson)(summary);
  }
  return config as DeepReadonly<z.output<S>>;
}

function formatVariable(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(config)';
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`)).join('');
}

function writeToStderr(message: string): void {
  process.stderr.write(`${message}\n`);
}

function logAsJson(summary: ConfigSummary): void {
  console.log(JSON.stringify(summary));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
