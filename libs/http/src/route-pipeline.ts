import { setHttpRoute } from '@hearth/observability';
import express from 'express';
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { AppRuntime } from './app-runtime';
import type { Actor } from './auth/actor';
import { assertRole, assertTenant } from './auth/actor';
import { authenticateRequest } from './auth/authenticate';
import { toProblem } from './error-mapping';
import type { ProblemResponse } from './error-mapping';
import { etagOf, parseIfMatch } from './etag';
import { requestFingerprint } from './idempotency/idempotency-store';
import type { IdempotencyScope, IdempotencyStore, StoredResponse } from './idempotency/idempotency-store';
import { HttpError, PROBLEM_CONTENT_TYPE, tooManyRequests, validationError } from './problem';
import type { FieldError } from './problem';
import { fieldErrors } from './route';
import type { AnyReply, RouteDefinition, RouteSpec } from './route';
import './express-request';

/** Media types parsed as JSON bodies. */
export const JSON_TYPES = ['application/json', 'application/*+json'];

/** The reply did not match the route's declared response (a server bug: 500, logged with the issues). */
export class ResponseValidationError extends Error {
  readonly code = 'RESPONSE_VALIDATION_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ResponseValidationError';
  }
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function parsePart(schema: z.ZodType | undefined, value: unknown, location: 'path' | 'query' | 'header' | 'body', errors: FieldError[]): unknown {
  if (!schema) return location === 'body' ? undefined : {};
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  errors.push(...fieldErrors(location, result.error));
  return undefined;
}

/**
 * The reply as it goes on the wire (and into the idempotency store). The status must be declared; with
 * `validate` (the default) the body is parsed with the declared schema too (unknown keys stripped), so a
 * handler bug is a 500 instead of a broken contract.
 */
export function toStoredResponse(reply: AnyReply, spec: RouteSpec, validate = true): StoredResponse {
  const declared = spec.responses[reply.status];
  if (!declared) throw new ResponseValidationError(`${spec.method.toUpperCase()} ${spec.path} replied ${reply.status}, which the route does not declare`);
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.version !== undefined) headers.ETag = etagOf(reply.version);
  if (reply.location !== undefined) headers.Location = reply.location;
  if (reply.json !== undefined && !(declared.body && validate)) {
    // already serialized by the handler (e.g. a cached rendering): sent as it is
    return { status: reply.status, headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' }, body: reply.json };
  }
  let body: unknown = reply.json !== undefined ? JSON.parse(reply.json) : reply.body;
  if (declared.body && validate) {
    const parsed = declared.body.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new ResponseValidationError(`${spec.method.toUpperCase()} ${spec.path} replied ${reply.status} with a body that does not match its schema: ${issues}`);
    }
    body = parsed.data;
  }
  if (body === undefined || reply.status === 204 || reply.status === 304) return { status: reply.status, headers };
  headers['Content-Type'] = 'application/json; charset=utf-8';
  return { status: reply.status, headers, body: JSON.stringify(body) };
}

function storedProblem({ problem, headers }: ProblemResponse): StoredResponse {
  return { status: problem.status, headers: { ...headers, 'Content-Type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8` }, body: JSON.stringify(problem) };
}

/** Writes a stored (or freshly built) response. */
export function sendStoredResponse(res: Response, response: StoredResponse, extraHeaders: Readonly<Record<string, string>> = {}): void {
  res.status(response.status);
  for (const name in response.headers) res.setHeader(name, response.headers[name]!);
  for (const name in extraHeaders) res.setHeader(name, extraHeaders[name]!);
  if (response.body === undefined) res.end();
  else res.send(response.body);
}

/**
 * The request pipeline of one route, in this order: authenticate → rate limit → roles → tenant →
 * content type and JSON body → validation → If-Match → Idempotency-Key → handler. The body is
 * only read after the caller is known to be allowed, so anonymous callers cannot make us parse 1 MiB.
 */
export function compileRoute(def: RouteDefinition, runtime: AppRuntime): RequestHandler {
  const { spec, handler } = def;
  const parseJson = express.json({ limit: runtime.bodyLimitBytes, type: JSON_TYPES, strict: true });
  const routeKey = `${spec.method.toUpperCase()} ${spec.path}`;

  return async (req, res) => {
    setHttpRoute(spec.path);
    let actor: Actor | undefined;
    if (!spec.public) {
      actor = await authenticateRequest(req, runtime.verifier);
      if (runtime.rateLimiter && spec.rateLimit !== false) {
        const decision = runtime.rateLimiter.take(actor.tenantId);
        if (!decision.allowed) throw tooManyRequests(decision.retryAfterSeconds, 'Too many requests for this tenant; retry later.');
      }
      assertRole(actor, spec.roles ?? []);
      if (spec.tenantParam !== undefined) assertTenant(actor, String(req.params[spec.tenantParam] ?? ''));
    }

    if (spec.body) {
      if (hasBody(req) && !req.is(JSON_TYPES)) {
        throw new HttpError({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'The request body must be JSON (Content-Type: application/json).', headers: { 'Accept-Post': 'application/json' } });
      }
      await new Promise<void>((resolve, reject) => parseJson(req, res, (error?: unknown) => (error ? reject(error) : resolve())));
    }

    const errors: FieldError[] = [];
    const params = parsePart(spec.params, { ...req.params }, 'path', errors);
    const query = parsePart(spec.query, req.query, 'query', errors);
    const headers = parsePart(spec.headers, req.headers, 'header', errors);
    const body = parsePart(spec.body, req.body, 'body', errors);
    if (errors.length > 0) throw validationError(errors);

    const expectedVersion = spec.ifMatch ? parseIfMatch(req, { required: spec.ifMatch === 'required' }) : undefined;

    let idempotencyKey: string | undefined;
    if (spec.idempotency) {
      idempotencyKey = req.get('idempotency-key');
      if (idempotencyKey === undefined && spec.idempotency === 'required') {
        throw new HttpError({ status: 400, code: 'IDEMPOTENCY_KEY_REQUIRED', detail: 'This operation needs an Idempotency-Key header.' });
      }
      if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
        throw new HttpError({
          status: 400,
          code: 'INVALID_IDEMPOTENCY_KEY',
          detail: 'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice).',
          errors: [{ path: 'header.idempotency-key', message: 'expected 1 to 255 visible ASCII characters' }],
        });
      }
    }

    const run = async (): Promise<StoredResponse | undefined> => {
      const reply = await handler({
        params: params as never,
        query: query as never,
        headers: headers as never,
        body,
        actor: actor as Actor,
        expectedVersion,
        idempotencyKey,
        requestId: req.requestId,
        correlationId: req.correlationId,
        req,
        res,
      });
      if (reply === undefined) {
        if (res.headersSent) return undefined;
        throw new ResponseValidationError(`${routeKey} returned no reply and sent no response`);
      }
      return toStoredResponse(reply, spec, runtime.validateResponses);
    };

    if (idempotencyKey === undefined || !runtime.idempotencyStore) {
      const response = await run();
      if (response) sendStoredResponse(res, response);
      return;
    }
    await runIdempotently(runtime.idempotencyStore, { tenantId: actor?.tenantId ?? '-', route: routeKey, key: idempotencyKey }, req, res, run, runtime);
  };
}

async function runIdempotently(
  store: IdempotencyStore,
  scope: IdempotencyScope,
  req: Request,
  res: Response,
  run: () => Promise<StoredResponse | undefined>,
  runtime: AppRuntime,
): Promise<void> {
  const fingerprint = requestFingerprint({ method: req.method, path: req.path, userId: req.actor?.userId, body: req.body });
  const begun = await store.begin(scope, fingerprint);
  switch (begun.outcome) {
    case 'replay':
      sendStoredResponse(res, begun.response, { 'Idempotent-Replayed': 'true' });
      return;
    case 'mismatch':
      throw new HttpError({
        status: 422,
        code: 'IDEMPOTENCY_KEY_REUSED',
        detail: 'This Idempotency-Key was already used for a different request; use a new key for a new request.',
      });
    case 'in-flight':
      throw new HttpError({
        status: 409,
        code: 'IDEMPOTENCY_REQUEST_IN_PROGRESS',
        detail: 'A request with this Idempotency-Key is still being processed; retry shortly.',
        headers: { 'Retry-After': '1' },
      });
    case 'started':
      break;
  }

  let response: StoredResponse | undefined;
  try {
    response = await run();
  } catch (error) {
    response = storedProblem(toProblem(error, req, runtime.problems));
  }
  const { logger } = runtime.problems;
  if (response === undefined) {
    logger.warn({ requestId: req.requestId, route: scope.route }, 'idempotent route wrote its response directly; it cannot be replayed');
    await store.release(scope, begun.lease).catch((err: unknown) => logger.error({ err, requestId: req.requestId }, 'releasing an idempotency key failed'));
    return;
  }
  // Outcomes below 500 are the request's answer and are replayed; a server failure is released so a retry runs again.
  const settle = response.status < 500 ? store.complete(scope, begun.lease, response) : store.release(scope, begun.lease);
  await settle.catch((err: unknown) => logger.error({ err, requestId: req.requestId, route: scope.route }, 'storing the idempotent response failed'));
  sendStoredResponse(res, response);
}
