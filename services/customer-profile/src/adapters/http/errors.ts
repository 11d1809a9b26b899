import { HttpError, withErrorTranslation } from '@hearth/http';
import type { ErrorMappings, FieldError, RouteDefinition } from '@hearth/http';
import type { AttributeValue } from '../../domain/guest.events';
import { identityKey, normaliseIdentity, type Identity } from '../../domain/identifiers';
import { validateAttributes, type TenantState } from '../../domain/tenant.decider';

/**
 * The service's typed-error codes → HTTP status (on top of the library's defaults). GUEST_MERGED is
 * 409 here because writes to a merged guest are conflicts; reads of a merged guest become a 301
 * problem pointing to the survivor (see `translateDomainError`).
 */
export const PROFILE_ERROR_MAPPINGS: ErrorMappings = {
  GUEST_NOT_FOUND: { status: 404, title: 'Guest not found' },
  GUEST_ERASED: { status: 410, title: 'Guest erased' },
  GUEST_MERGED: { status: 409, title: 'Guest merged' },
  GUEST_ALREADY_EXISTS: 409,
  IDENTITY_TAKEN: { status: 409, title: 'Identifier belongs to another guest' },
  INVALID_IDENTIFIER: 400,
  INVALID_ATTRIBUTE: 400,
  INVALID_PREFERENCE: 422,
  CANNOT_MERGE_WITH_ITSELF: 422,
  ALREADY_MERGED: 409,
  MERGE_NOT_FOUND: 404,
  BRAND_EXISTS: 409,
  PROPERTY_EXISTS: 409,
  BRAND_NOT_FOUND: 404,
  PROPERTY_NOT_FOUND: 404,
  ATTRIBUTE_TYPE_CONFLICT: 409,
  PROPOSAL_NOT_FOUND: { status: 404, title: 'Merge proposal not found' },
  PROPOSAL_CLOSED: 409,
  SURVIVOR_NOT_IN_PROPOSAL: 422,
  INVALID_PROPOSAL: 422,
  SUBJECT_ERASED: { status: 410, title: 'Guest erased' },
};

type CodedError = { code?: unknown; message?: unknown; field?: unknown; survivorId?: unknown };

/** The guest's current location in this API. */
export const guestLocation = (guestId: string) => `/v1/guests/${encodeURIComponent(guestId)}`;

/**
 * Domain errors that need more than a status: field errors for invalid identifiers/attributes, and
 * the survivor of a merged guest. A read (GET) of a merged guest is answered `301 Moved Permanently`
 * with `Location` → the survivor and a problem body (`code: GUEST_MERGED`, `survivorId`), so a client
 * following redirects lands on the guest that answers today. A write stays 409 with `survivorId`:
 * redirecting a command would let user agents replay it as a GET and report success.
 */
export function translateDomainError(error: unknown, method: string): unknown {
  if (typeof error !== 'object' || error === null || error instanceof HttpError) return error;
  const e = error as CodedError;
  const message = typeof e.message === 'string' ? e.message : 'invalid value';
  if ((e.code === 'INVALID_IDENTIFIER' || e.code === 'INVALID_ATTRIBUTE') && typeof e.field === 'string') {
    return new HttpError({ status: 400, code: e.code, detail: message, errors: [{ path: e.field, message, code: e.code }], cause: error });
  }
  if ((e.code === 'GUEST_MERGED' || e.code === 'ALREADY_MERGED') && typeof e.survivorId === 'string') {
    if (e.code === 'GUEST_MERGED' && (method === 'GET' || method === 'HEAD')) {
      return new HttpError({
        status: 301,
        code: 'GUEST_MERGED',
        title: 'Moved Permanently',
        detail: `The guest was merged into ${e.survivorId}; use that guest.`,
        headers: { Location: guestLocation(e.survivorId) },
        extensions: { survivorId: e.survivorId },
        cause: error,
      });
    }
    return new HttpError({ status: 409, code: e.code, title: 'Guest merged', detail: message, extensions: { survivorId: e.survivorId }, cause: error });
  }
  return error;
}

/** Wraps a route so domain errors become the problems described in `translateDomainError`, on idempotent routes too. */
export const withDomainErrors = (definition: RouteDefinition): RouteDefinition => withErrorTranslation(definition, (error, ctx) => translateDomainError(error, ctx.req.method));

/** A 400 listing every field problem at once; its code is the domain's when all errors share one. */
export function fieldProblem(errors: readonly FieldError[]): HttpError {
  const codes = new Set(errors.map((e) => e.code));
  const code = codes.size === 1 ? [...codes][0]! : 'VALIDATION_FAILED';
  const detail = errors.length === 1 ? `${errors[0]!.path}: ${errors[0]!.message}` : 'The request is not valid.';
  return new HttpError({ status: 400, code, detail, errors });
}

/**
 * Normalises identifiers a caller sent (`normaliseIdentity`), collecting every problem as a field error
 * under `path` (`body.identities.1.value`, the library's dotted form). Duplicates after normalisation
 * collapse into one; each result keeps the path it came from (to name it in a conflict).
 */
export function normaliseIdentities(
  inputs: readonly { type: string; value: string; system?: string | undefined }[],
  path: string,
  defaultCountry: string | undefined,
  errors: FieldError[],
): { identity: Identity; path: string }[] {
  const out = new Map<string, { identity: Identity; path: string }>();
  inputs.forEach((input, index) => {
    const at = `${path}.${index}`;
    const identity = normaliseAt(input, at, defaultCountry, errors);
    if (identity && !out.has(identityKey(identity))) out.set(identityKey(identity), { identity, path: `${at}.value` });
  });
  return [...out.values()];
}

/** One identifier; `undefined` (with a field error pushed) when invalid. */
export function normaliseAt(
  input: { type: string; value: string; system?: string | undefined },
  path: string,
  defaultCountry: string | undefined,
  errors: FieldError[],
): Identity | undefined {
  try {
    return normaliseIdentity({ type: input.type, value: input.value, ...(input.system !== undefined ? { system: input.system } : {}) }, {
      field: path,
      ...(defaultCountry ? { defaultCountry } : {}),
    });
  } catch (error) {
    const e = error as CodedError;
    if (e.code !== 'INVALID_IDENTIFIER' || typeof e.field !== 'string') throw error;
    errors.push({ path: e.field, message: String(e.message), code: 'INVALID_IDENTIFIER' });
    return undefined;
  }
}

/** Checks attributes against the tenant's registry, one field error per bad key (`body.attributes.vip`). */
export function checkAttributes(tenant: TenantState, attributes: Readonly<Record<string, AttributeValue | null>>, path: string, errors: FieldError[]): void {
  for (const [key, value] of Object.entries(attributes)) {
    try {
      validateAttributes(tenant, { [key]: value });
    } catch (error) {
      const e = error as CodedError;
      if (e.code !== 'INVALID_ATTRIBUTE') throw error;
      errors.push({ path: `${path}.${key}`, message: String(e.message), code: 'INVALID_ATTRIBUTE' });
    }
  }
}
