import type { Request, RequestHandler } from 'express';
import '../express-request';
import type { Actor, Role } from './actor';
import { assertRole } from './actor';
import type { TokenVerifier } from './token-verifier';
import { unauthorized } from './token-verifier';

const BEARER = /^Bearer +(\S+) *$/i;

/** The bearer token of a request; 401 `AUTHENTICATION_REQUIRED` when absent, `INVALID_TOKEN` when not a Bearer credential. */
export function bearerToken(req: Request): string {
  const header = req.get('authorization');
  if (header === undefined || header.trim() === '') {
    throw unauthorized('AUTHENTICATION_REQUIRED', 'This operation needs a bearer token: Authorization: Bearer <JWT>.');
  }
  const match = BEARER.exec(header);
  if (!match?.[1]) throw unauthorized('INVALID_TOKEN', 'The Authorization header must be "Bearer <JWT>".');
  return match[1];
}

/** Verifies the request's bearer token and sets `req.actor`. */
export async function authenticateRequest(req: Request, verifier: TokenVerifier): Promise<Actor> {
  const actor = await verifier.verify(bearerToken(req));
  req.actor = actor;
  return actor;
}

/**
 * Express middleware for routes added outside `route()` (e.g. through `createApp({ configure })`):
 * verifies the token, sets `req.actor`, and checks `roles` when given.
 */
export function authenticate(verifier: TokenVerifier, roles: readonly Role[] = []): RequestHandler {
  return async (req, _res, next) => {
    const actor = await authenticateRequest(req, verifier);
    assertRole(actor, roles);
    next();
  };
}

/** `req.actor`, or 401 when the request was not authenticated (a wiring mistake on a public route). */
export function requireActor(req: Request): Actor {
  if (!req.actor) throw unauthorized('AUTHENTICATION_REQUIRED', 'This operation needs a bearer token: Authorization: Bearer <JWT>.');
  return req.actor;
}
