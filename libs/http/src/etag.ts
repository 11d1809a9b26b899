import type { Request, Response } from 'express';
import { HttpError } from './problem';

/** The strong ETag of a stream version: `"7"`. */
export function etagOf(version: number): string {
  if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`A stream version must be a non-negative integer, got ${version}`);
  return `"${version}"`;
}

/** Sets `ETag: "<stream version>"` (strong: the version identifies the exact state). */
export function setEtag(res: Response, version: number): void {
  res.setHeader('ETag', etagOf(version));
}

export type IfMatchOptions = {
  /** When true, a missing If-Match is 428 `PRECONDITION_REQUIRED` (RFC 6585) instead of `undefined`. */
  required?: boolean;
};

const STRONG_VERSION_TAG = /^"(0|[1-9]\d{0,15})"$/;

/**
 * The expected stream version from `If-Match`, or `undefined` when the header is absent or `*`
 * (any current version). A list of tags, a weak tag (`W/"3"`, which RFC 9110 says never matches
 * strongly) or anything but a version tag is 400 `INVALID_IF_MATCH`.
 */
export function parseIfMatch(req: Request, options: IfMatchOptions = {}): number | undefined {
  const header = req.get('if-match');
  if (header === undefined || header.trim() === '') {
    if (options.required) {
      throw new HttpError({ status: 428, code: 'PRECONDITION_REQUIRED', detail: 'This operation needs an If-Match header with the ETag you last read.' });
    }
    return undefined;
  }
  const value = header.trim();
  if (value === '*') return undefined;
  const match = STRONG_VERSION_TAG.exec(value);
  const version = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(version)) {
    throw new HttpError({
      status: 400,
      code: 'INVALID_IF_MATCH',
      detail: 'If-Match must be a single strong ETag as returned by this API, e.g. "7".',
      errors: [{ path: 'header.if-match', message: 'expected one strong ETag such as "7"' }],
    });
  }
  return version;
}
