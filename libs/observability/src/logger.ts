import pino from 'pino';
import { InvalidTelemetrySettingError } from './errors';
import { activeTraceIds } from './trace-context';

/** A pino logger: `logger.info({ guestId }, 'merged')`, `logger.child({ consumer: 'timeline--all' })`. */
export type Logger = pino.Logger;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Paths whose values never reach a log line. pino paths match fixed depths (`*` is one level), so
 * secrets are covered at the top level, one level down and inside request/response headers.
 */
export const DEFAULT_REDACT_PATHS: readonly string[] = [
  ...['password', 'passphrase', 'secret', 'token', 'accessToken', 'refreshToken', 'idToken', 'apiKey', 'clientSecret', 'authorization', 'cookie', 'jwt'].flatMap(
    (key) => [key, `*.${key}`],
  ),
  ...['authorization', 'cookie', 'set-cookie', 'x-api-key', 'proxy-authorization'].flatMap((header) => [
    `headers["${header}"]`,
    `*.headers["${header}"]`,
    `*.*.headers["${header}"]`,
  ]),
];

export type LoggerOptions = {
  /** Written as `service` on every line. */
  serviceName: string;
  /** `LOG_LEVEL`; default `info`. */
  level?: LogLevel | string;
  /** Extra paths to redact (pino syntax: `body.card.number`, `*.iban`), added to `DEFAULT_REDACT_PATHS`. */
  redact?: readonly string[];
  /** Extra fields on every line (e.g. `{ version }`). */
  base?: Record<string, unknown>;
  /** Where lines go; stdout by default. Tests pass a stream to read them back. */
  destination?: pino.DestinationStream;
};

/**
 * A JSON-lines logger (pino). Every line carries `time` (ISO 8601), `level` (a label), `service`,
 * `msg`, and — when a span is active — `trace_id` and `span_id`, so logs join the trace they belong
 * to. Secrets at `DEFAULT_REDACT_PATHS` are replaced by `[REDACTED]`. Errors go under `err`
 * (`logger.error({ err }, '…')`) and are serialised with their stack, `code` and `cause`.
 * Throws `InvalidTelemetrySettingError` (`INVALID_TELEMETRY_SETTING`) for an unknown level.
 */
export function createLogger(options: LoggerOptions): Logger {
  const level = (options.level ?? 'info').trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new InvalidTelemetrySettingError('LOG_LEVEL', `'${options.level}' is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const pinoOptions: pino.LoggerOptions = {
    level,
    base: { service: options.serviceName, ...options.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Labels ("info") instead of numbers (30): readable and what log pipelines map by default.
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...DEFAULT_REDACT_PATHS, ...(options.redact ?? [])], censor: '[REDACTED]' },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    mixin() {
      const ids = activeTraceIds();
      return ids ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
    },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
