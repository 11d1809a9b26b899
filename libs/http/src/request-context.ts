import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import './express-request';

/** Ids accepted from callers: short, printable, no separators that could forge log lines or headers. */
const ACCEPTED_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** Returns `value` when it is an acceptable request/correlation id, else `undefined`. */
export function acceptedId(value: string | undefined): string | undefined {
  return value !== undefined && ACCEPTED_ID.test(value) ? value : undefined;
}

/**
 * Sets `req.requestId` (`X-Request-Id`, honoured or generated) and `req.correlationId`
 * (`X-Correlation-Id`, honoured or the request id) and echoes both on the response. Ill-formed
 * incoming ids are replaced rather than rejected: they are diagnostics, not input.
 */
export function requestContext(): RequestHandler {
  return (req, res, next) => {
    applyRequestContext(req, res);
    next();
  };
}

/** What `requestContext()` does, for a caller that sets up several things in one middleware (`createApp`). */
export function applyRequestContext(req: Request, res: Response): void {
  req.requestId = acceptedId(req.get('x-request-id')) ?? randomUUID();
  req.correlationId = acceptedId(req.get('x-correlation-id')) ?? req.requestId;
  res.setHeader('X-Request-Id', req.requestId);
  res.setHeader('X-Correlation-Id', req.correlationId);
}
