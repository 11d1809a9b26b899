import { customerProfileProblem } from '@hearth/customer-profile-client';
import { HttpError, withErrorTranslation } from '@hearth/http';
import type { ErrorMappings, RouteDefinition } from '@hearth/http';
import type { Request } from 'express';
import { GuestMergedError, InvalidTouchpointError } from '../../app/errors';

/** The service's error codes → HTTP status (on top of the library's defaults). */
export const TIMELINE_ERROR_MAPPINGS: ErrorMappings = {
  GUEST_NOT_FOUND: { status: 404, title: 'Guest not found' },
  AMBIGUOUS_GUEST: { status: 422, title: 'Identifiers match several guests' },
  BRAND_NOT_ALLOWED: { status: 403, title: 'Brand not allowed' },
  UNKNOWN_BRAND: 400,
  INVALID_IDENTIFIER: 400,
  INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },
  DEPENDENCY_UNAVAILABLE: { status: 503, title: 'Dependency unavailable' },
  UNUSABLE_INTEGRATION_EVENT: 422,
};

/** `/v1/guests/<from>/…` → `/v1/guests/<to>/…`, keeping the rest of the path and the query. */
export function survivorLocation(originalUrl: string, from: string, to: string): string {
  const prefix = `/v1/guests/${encodeURIComponent(from)}`;
  return originalUrl.startsWith(prefix) ? `/v1/guests/${encodeURIComponent(to)}${originalUrl.slice(prefix.length)}` : `/v1/guests/${encodeURIComponent(to)}/view`;
}

/**
 * Errors of the use cases that need more than a status: a merged guest is a 301 problem with `Location`
 * → the same resource of the survivor (reads only); ambiguous identifiers list the candidates and the
 * merge proposal; field problems carry their paths; an unavailable dependency asks to retry.
 */
export function translateError(error: unknown, req: Pick<Request, 'method' | 'originalUrl'>): unknown {
  if (error instanceof HttpError) return error;
  if (error instanceof GuestMergedError) {
    const location = survivorLocation(req.originalUrl, error.guestId, error.survivorId);
    return new HttpError({
      status: 301,
      code: 'GUEST_MERGED',
      title: 'Moved Permanently',
      detail: `The guest was merged into ${error.survivorId}; its history is shown there.`,
      headers: { Location: location },
      extensions: { survivorId: error.survivorId },
      cause: error,
    });
  }
  if (error instanceof InvalidTouchpointError) {
    return new HttpError({ status: 400, code: 'VALIDATION_FAILED', detail: error.message, errors: [...error.errors], cause: error });
  }
  const problem = customerProfileProblem(error);
  return problem ? new HttpError({ ...problem, cause: error }) : error;
}

/** Wraps a route so the use cases' errors become the problems of `translateError`. */
export const withTimelineErrors = (definition: RouteDefinition): RouteDefinition => withErrorTranslation(definition, (error, ctx) => translateError(error, ctx.req));
