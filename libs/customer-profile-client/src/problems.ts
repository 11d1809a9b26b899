import { AmbiguousGuestError, DependencyUnavailableError, InvalidIdentifierError } from './customer-profile.port';
import { UnknownBrandError } from './viewer-scope';

/** An RFC 9457 problem as `@hearth/http`'s `HttpError` takes it (structurally; this lib does no HTTP). */
export type CustomerProfileProblem = {
  status: number;
  code: string;
  title?: string;
  detail: string;
  errors?: { path: string; message: string; code?: string }[];
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
};

/**
 * The HTTP problem for an error of this lib, the same in every service: ambiguous identifiers 422 (with
 * the candidates and the merge proposal), an identifier customer-profile refuses 400, a brand the tenant
 * does not have 400, customer-profile not answering 503 with `Retry-After`. Undefined for other errors.
 * (`BrandNotAllowedError` carries `code: BRAND_NOT_ALLOWED`, which services map to 403.)
 */
export function customerProfileProblem(error: unknown): CustomerProfileProblem | undefined {
  if (error instanceof AmbiguousGuestError) {
    return {
      status: 422,
      code: 'AMBIGUOUS_GUEST',
      title: 'Identifiers match several guests',
      detail: error.message,
      extensions: { candidates: error.candidates.map((c) => ({ guestId: c.guestId, matchedBy: [...c.matchedBy] })), proposalId: error.proposalId },
    };
  }
  if (error instanceof InvalidIdentifierError) {
    return { status: 400, code: 'INVALID_IDENTIFIER', detail: error.message, errors: [{ path: 'body.identifiers', message: error.message, code: 'INVALID_IDENTIFIER' }] };
  }
  if (error instanceof UnknownBrandError) {
    return { status: 400, code: 'UNKNOWN_BRAND', detail: error.message, errors: [{ path: error.field, message: error.message, code: 'UNKNOWN_BRAND' }] };
  }
  if (error instanceof DependencyUnavailableError) {
    return {
      status: 503,
      code: 'DEPENDENCY_UNAVAILABLE',
      title: 'Dependency unavailable',
      detail: `${error.dependency} did not answer in time; retry shortly.`,
      headers: { 'Retry-After': '1' },
      extensions: { dependency: error.dependency },
    };
  }
  return undefined;
}
