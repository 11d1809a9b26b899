import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { activeTraceIds } from '@hearth/observability';
import type { HttpLogger } from './logger';
import { HttpError, PROBLEM_CONTENT_TYPE, problemType, statusTitle } from './problem';
import type { ProblemDetails } from './problem';
import './express-request';

/** How a typed error's `code` maps to HTTP: a status, optionally with a title. */
export type ErrorMapping = number | { status: number; title?: string };

/** `code` → status, e.g. `{ INSUFFICIENT_POINTS: 422, TICKET_CLOSED: 409 }`. */
export type ErrorMappings = Readonly<Record<string, ErrorMapping>>;

/**
 * Codes every service gets. `WRONG_EXPECTED_VERSION` is handled on its own (412 with If-Match, else 409).
 * Services add their business codes through `createApp({ errorMappings })`; a code nobody mapped
 * is treated as an unexpected error (500), because guessing could turn a server bug into a 4xx.
 */
export const DEFAULT_ERROR_MAPPINGS: ErrorMappings = {
  VALIDATION_FAILED: 400,
  INVALID_ARGUMENT: 400,
  INVALID_STREAM_NAME: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  STREAM_NOT_FOUND: 404,
  CONFLICT: 409,
  DUPLICATE_EVENT_ID: 409,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
};

/** A problem ready to send: the document and the headers that go with it. */
export type ProblemResponse = { problem: ProblemDetails; headers: Readonly<Record<string, string>> };

/** Everything `toProblem` needs besides the error. */
export type ProblemContext = { mappings: ErrorMappings; logger: HttpLogger };

/** body-parser's error `type`s → status and code (it marks client errors with `expose`). */
const BODY_PARSER_ERRORS: Readonly<Record<string, { status: number; code: string; detail: string }>> = {
  'entity.too.large': { status: 413, code: 'PAYLOAD_TOO_LARGE', detail: 'The request body exceeds the size limit.' },
  'entity.parse.failed': { status: 400, code: 'MALFORMED_JSON', detail: 'The request body is not valid JSON.' },
  'encoding.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'The request body encoding is not supported.' },
  'charset.unsupported': { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'The request body charset is not supported; use UTF-8.' },
  'request.aborted': { status: 400, code: 'REQUEST_ABORTED', detail: 'The request body was not received completely.' },
  'request.size.invalid': { status: 400, code: 'REQUEST_SIZE_INVALID', detail: 'The request body length does not match Content-Length.' },
  'parameters.too.many': { status: 413, code: 'PAYLOAD_TOO_LARGE', detail: 'The request has too many parameters.' },
};

type Inspectable = { code?: unknown; message?: unknown; type?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown; actualVersion?: unknown };

/** The trace id for a problem: the active span's, else the request id (so a client can quote something we can find). */
export function currentTraceId(req: Request): string {
  return activeTraceIds()?.traceId ?? req.requestId;
}

function problem(req: Request, init: { status: number; code: string; detail: string; title?: string; errors?: ProblemDetails['errors']; extensions?: Record<string, unknown> }): ProblemDetails {
  return {
    type: problemType(init.code),
    title: init.title ?? statusTitle(init.status),
    status: init.status,
    detail: init.detail,
    code: init.code,
    instance: req.originalUrl.split('?')[0],
    ...(init.errors && init.errors.length > 0 ? { errors: init.errors } : {}),
    ...init.extensions,
    traceId: currentTraceId(req),
  };
}

/**
 * Maps any thrown value to an RFC 9457 problem. Order: `HttpError`; body-parser errors; the event
 * store's version conflict; typed errors whose `code` is mapped; other exposed 4xx http-errors; and
 * finally 500 with a generic detail (the error itself is logged, never sent). 5xx are always logged.
 */
export function toProblem(error: unknown, req: Request, context: ProblemContext): ProblemResponse {
  const result = mapError(error, req, context);
  if (result.problem.status >= 500) {
    context.logger.error(
      { err: error, requestId: req.requestId, correlationId: req.correlationId, traceId: result.problem.traceId, method: req.method, path: req.originalUrl.split('?')[0], status: result.problem.status },
      result.problem.status === 500 ? 'unhandled error in HTTP request' : 'HTTP request failed on a dependency',
    );
  }
  return result;
}

function mapError(error: unknown, req: Request, { mappings }: ProblemContext): ProblemResponse {
  if (error instanceof HttpError) {
    return {
      problem: problem(req, { status: error.status, code: error.code, detail: error.message, title: error.title, errors: error.errors, extensions: { ...error.extensions } }),
      headers: error.headers,
    };
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as Inspectable;

  const bodyParserError = typeof e.type === 'string' && e.expose === true ? BODY_PARSER_ERRORS[e.type] : undefined;
  if (bodyParserError) return { problem: problem(req, bodyParserError), headers: {} };

  if (e.code === 'WRONG_EXPECTED_VERSION') {
    const pinned = req.get('if-match') !== undefined;
    const current = typeof e.actualVersion === 'number' ? { currentVersion: e.actualVersion } : {};
    return {
      problem: problem(req, {
        status: pinned ? 412 : 409,
        code: 'WRONG_EXPECTED_VERSION',
        detail: pinned
          ? 'The resource has changed since the version given in If-Match; read it again and retry.'
          : 'The resource was changed concurrently; retry the request.',
        extensions: current,
      }),
      headers: {},
    };
  }

  if (typeof e.code === 'string') {
    const mapping = mappings[e.code] ?? DEFAULT_ERROR_MAPPINGS[e.code];
    if (mapping !== undefined) {
      const { status, title } = typeof mapping === 'number' ? { status: mapping, title: undefined } : mapping;
      // Typed errors carry messages written for callers (conventions: errors have a stable code and a clear message).
      const detail = typeof e.message === 'string' && e.message !== '' ? e.message : statusTitle(status);
      return { problem: problem(req, { status, code: e.code, detail, title }), headers: status === 429 ? { 'Retry-After': '1' } : {} };
    }
  }

  if (isDatabaseUnavailable(e)) {
    return {
      problem: problem(req, { status: 503, code: 'DATABASE_UNAVAILABLE', title: 'Database unavailable', detail: 'The database cannot take the request right now; retry shortly.' }),
      headers: { 'Retry-After': '1' },
    };
  }

  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined && status >= 400 && status < 500 && e.expose === true) {
    const code = statusTitle(status).toUpperCase().replace(/[^A-Z]+/g, '_');
    return { problem: problem(req, { status, code, detail: typeof e.message === 'string' ? e.message : statusTitle(status) }), headers: {} };
  }

  return { problem: problem(req, { status: 500, code: 'INTERNAL_ERROR', detail: 'An unexpected error occurred. Quote the traceId when reporting it.' }), headers: {} };
}

/** Writes a problem response. */
export function sendProblem(res: Response, { problem: body, headers }: ProblemResponse): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** The final error middleware: everything thrown or passed to `next(err)` becomes problem+json. */
export function problemErrorHandler(context: ProblemContext): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      // Too late for a problem document: log it and let Express close the connection.
      context.logger.error({ err: error, requestId: req.requestId }, 'error after the response started');
      next(error);
      return;
    }
    sendProblem(res, toProblem(error, req, context));
  };
}

/** 404 for paths no route matched. */
export function routeNotFound(): RequestHandler {
  return (req, _res, next) => {
    next(new HttpError({ status: 404, code: 'ROUTE_NOT_FOUND', detail: `No route for ${req.method} ${req.path}.` }));
  };
}

/**
 * PostgreSQL cannot serve the request for now, which a retry may cure: a connection it refused or
 * lost (SQLSTATE class 08, or the socket's ECONNREFUSED/ECONNRESET), too many clients or no resources
 * (class 53), a server shutting down or restarting (57P01–57P03). 503 with Retry-After, not 500.
 */
function isDatabaseUnavailable(e: Inspectable): boolean {
  const code = typeof e.code === 'string' ? e.code : '';
  const pgError = typeof (e as { severity?: unknown }).severity === 'string' || typeof (e as { routine?: unknown }).routine === 'string';
  if (pgError && (/^08/.test(code) || /^53/.test(code) || /^57P0[123]$/.test(code))) return true;
  return (code === 'ECONNREFUSED' || code === 'ECONNRESET') && typeof (e as { syscall?: unknown }).syscall === 'string';
}
