/** One field-level problem: where (`body.guest.email`, `query.limit`, `path.id`, `header.if-match`) and what. */
export type FieldError = {
  /** Location-prefixed dotted path: `body.items.0.quantity`, `query.limit`, `path.id`, `header.x-brand`. */
  readonly path: string;
  readonly message: string;
  /** Zod's issue code (`invalid_type`, `too_small`, …) when the error comes from schema validation. */
  readonly code?: string;
};

/**
 * An RFC 9457 problem document as Hearth sends it (`application/problem+json`). Extension members:
 * `code` (stable, SCREAMING_SNAKE, what clients branch on), `errors` (field level) and `traceId`.
 */
export type ProblemDetails = {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly instance?: string;
  readonly errors?: readonly FieldError[];
  readonly traceId: string;
  /** Further extension members, e.g. the failed readiness checks. */
  readonly [extension: string]: unknown;
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** `urn:hearth:problem:<kebab-code>`: a stable URI per code that does not pretend to be a web page. */
export function problemType(code: string): string {
  return `urn:hearth:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

const STATUS_TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The standard reason phrase of a status, used as the default problem `title`. */
export function statusTitle(status: number): string {
  return STATUS_TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

/** What an `HttpError` is made of. */
export type HttpErrorInit = {
  status: number;
  code: string;
  detail: string;
  title?: string;
  errors?: readonly FieldError[];
  /** Response headers that belong to the problem, e.g. `Retry-After`, `WWW-Authenticate`, `Allow`. */
  headers?: Readonly<Record<string, string>>;
  /** Extra problem members (must not collide with the standard ones). */
  extensions?: Readonly<Record<string, unknown>>;
  cause?: unknown;
};

/**
 * An error that already knows its HTTP status. The library throws these for transport-level problems
 * (authentication, validation, preconditions); services may throw them from handlers too, although
 * domain errors with a `code` plus an `errorMappings` entry keep HTTP out of the domain.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly errors: readonly FieldError[] | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(init: HttpErrorInit) {
    super(init.detail, { cause: init.cause });
    this.name = 'HttpError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title ?? statusTitle(init.status);
    this.errors = init.errors;
    this.headers = init.headers ?? {};
    this.extensions = init.extensions ?? {};
  }
}

/** 400 with field-level errors (`VALIDATION_FAILED`). */
export function validationError(errors: readonly FieldError[], detail = 'The request is not valid.'): HttpError {
  return new HttpError({ status: 400, code: 'VALIDATION_FAILED', detail, errors });
}

/** 404 (`NOT_FOUND` unless a more precise code is given, e.g. `GUEST_NOT_FOUND`). */
export function notFound(detail: string, code = 'NOT_FOUND'): HttpError {
  return new HttpError({ status: 404, code, detail });
}

/** 409: the request conflicts with the current state (a business rule). */
export function conflict(code: string, detail: string): HttpError {
  return new HttpError({ status: 409, code, detail });
}

/** 422: the request is well-formed but cannot be processed as asked. */
export function unprocessable(code: string, detail: string, errors?: readonly FieldError[]): HttpError {
  return new HttpError({ status: 422, code, detail, errors });
}

/** 403 (`FORBIDDEN` unless a more precise code is given). */
export function forbidden(detail: string, code = 'FORBIDDEN'): HttpError {
  return new HttpError({ status: 403, code, detail });
}

/** 429 with `Retry-After` in whole seconds (at least 1). */
export function tooManyRequests(retryAfterSeconds: number, detail = 'Too many requests; retry later.'): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new HttpError({ status: 429, code: 'RATE_LIMITED', detail, headers: { 'Retry-After': String(seconds) }, extensions: { retryAfterSeconds: seconds } });
}
