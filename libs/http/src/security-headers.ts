import type { RequestHandler, Response } from 'express';

/**
 * Security headers for a JSON API (what helmet would set for one, without the dependency): nothing
 * here is ever rendered as a page, framed, sniffed or cached by intermediaries.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Browsers ignore HSTS over plain HTTP; behind the TLS-terminating ingress it takes effect.
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  // Responses carry tenant and guest data: no shared or browser caching unless a route says otherwise.
  'Cache-Control': 'no-store',
};

const SECURITY_HEADER_ENTRIES = Object.entries(SECURITY_HEADERS);

/** Sets `SECURITY_HEADERS` on every response (routes may override `Cache-Control`). */
export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    applySecurityHeaders(res);
    next();
  };
}

/** What `securityHeaders()` does, for a caller that sets up several things in one middleware (`createApp`). */
export function applySecurityHeaders(res: Response): void {
  for (const [name, value] of SECURITY_HEADER_ENTRIES) res.setHeader(name, value);
}
