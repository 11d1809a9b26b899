/** The logging this library needs; a pino logger fits as is (`logger.error({ err, requestId }, 'msg')`). */
export type HttpLogger = {
  error(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
};

/** Plain-object form of an error for JSON logs: message, code, stack and causes (never sent to clients). */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const e = error as { name?: unknown; message?: unknown; code?: unknown; stack?: unknown; cause?: unknown };
  const out: Record<string, unknown> = { type: e.name, message: e.message };
  if (e.code !== undefined) out.code = e.code;
  if (e.stack !== undefined) out.stack = e.stack;
  if (e.cause !== undefined && depth < 3) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

/** Default logger: one JSON line per entry on stderr, shaped like pino's so log pipelines treat both alike. */
export function jsonLineLogger(serviceName: string, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): HttpLogger {
  const log = (level: number, fields: Record<string, unknown>, msg: string) => {
    const { err, ...rest } = fields;
    write(JSON.stringify({ level, time: Date.now(), service: serviceName, msg, ...rest, ...(err === undefined ? {} : { err: serializeError(err) }) }));
  };
  return {
    error: (fields, msg) => log(50, fields, msg),
    warn: (fields, msg) => log(40, fields, msg),
  };
}
