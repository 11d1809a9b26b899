import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { JWTVerifyGetKey, JWTVerifyOptions } from 'jose';
import { z } from 'zod';
import { HttpError } from '../problem';
import { createActor, isRole } from './actor';
import type { Actor, Role } from './actor';

/**
 * The documented development secret: used by `npm run token` and by `authOptionsFromEnv` when neither
 * `JWT_SECRET` nor `JWT_JWKS_URL` is set outside production. Never use it anywhere reachable.
 */
export const DEFAULT_DEVELOPMENT_JWT_SECRET = 'hearth-development-secret-do-not-use-in-production';

/** HS256 needs a key of at least 256 bits (RFC 7518 §3.2); shorter secrets are refused at start. */
export const MIN_SECRET_LENGTH = 32;

/** Asymmetric algorithms accepted from a JWKS. */
export type JwksAlgorithm = 'RS256' | 'ES256';

type CommonAuthOptions = {
  /** Checked against `iss` when set (`JWT_ISSUER`). */
  issuer?: string;
  /** Checked against `aud` when set (`JWT_AUDIENCE`). */
  audience?: string;
  /** Allowed clock skew for `exp`/`nbf`/`iat` (default 5 s). */
  clockToleranceSeconds?: number;
  /**
   * Verified tokens are remembered (token string → caller) so a client reusing its token is not
   * re-verified on every request. An entry is used only while the token's `exp` (and `nbf`) still
   * pass and for at most `maxAgeMs`; failures are never cached. Default `{ size: 1000, maxAgeMs: 60_000 }`;
   * `{ size: 0 }` verifies every request.
   */
  verifiedTokenCache?: { size?: number; maxAgeMs?: number };
};

/** How tokens are verified: a shared HS256 secret (development), or a JWKS URL (production). */
export type AuthOptions =
  | (CommonAuthOptions & { mode: 'hs256'; secret: string })
  | (CommonAuthOptions & {
      mode: 'jwks';
      jwksUrl: string;
      /** Default `['RS256', 'ES256']`. HMAC is never accepted in this mode (no algorithm confusion). */
      algorithms?: readonly JwksAlgorithm[];
      /** JWKS fetch timeout (default 5 s). */
      timeoutMs?: number;
      /** Minimum time between refetches on an unknown `kid` (default 30 s). */
      cooldownMs?: number;
    });

/** Verifies a bearer token and returns the caller. Rejections are `HttpError`s (401, or 503 when the JWKS cannot be fetched). */
export type TokenVerifier = { verify(token: string): Promise<Actor> };

/** A bad auth configuration, found at start. */
export class AuthConfigError extends Error {
  readonly code = 'INVALID_AUTH_CONFIG';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthConfigError';
  }
}

const claimsSchema = z.object({
  sub: z.string().min(1).max(256),
  tenant: z.string().min(1).max(128),
  // Unknown roles are dropped rather than rejected so an identity provider can add roles before every service knows them.
  roles: z.array(z.string()).optional().default([]),
  brands: z.union([z.literal('*'), z.array(z.string().min(1).max(128))]).optional().default([]),
});

/** Longest accepted token; real ones are far below, and Node caps all headers at 16 KiB anyway. */
const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/** jose error codes that mean "the token is bad" (401) rather than "we could not check it" (503). */
const INVALID_TOKEN_CODES = new Set([
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JWK_INVALID',
]);

/** 401 with the RFC 6750 challenge. */
export function unauthorized(code: string, detail: string, cause?: unknown): HttpError {
  const error = code === 'AUTHENTICATION_REQUIRED' ? '' : ', error="invalid_token"';
  return new HttpError({ status: 401, code, detail, headers: { 'WWW-Authenticate': `Bearer realm="hearth"${error}` }, cause });
}

type CachedToken = { actor: Actor; exp: number; nbf: number | undefined; cachedAt: number };

/**
 * Creates the verifier once per app: the JWKS is cached and refreshed by jose (`createRemoteJWKSet`),
 * and verified tokens are cached (see `verifiedTokenCache`): a signature check costs far more than
 * the rest of a cheap read request.
 */
export function createTokenVerifier(options: AuthOptions): TokenVerifier {
  validateAuthOptions(options);
  const tolerance = options.clockToleranceSeconds ?? 5;
  const cacheSize = options.verifiedTokenCache?.size ?? 1_000;
  const cacheMaxAgeMs = options.verifiedTokenCache?.maxAgeMs ?? 60_000;
  // Insertion order is refresh order: the first key is the oldest entry, evicted when full.
  const verified = new Map<string, CachedToken>();
  const fromCache = (token: string): Actor | undefined => {
    const hit = verified.get(token);
    if (hit === undefined) return undefined;
    const nowMs = Date.now();
    const now = Math.floor(nowMs / 1000);
    // The same checks jose makes (with the same tolerance): an expired token is verified again, and fails there.
    if (nowMs - hit.cachedAt >= cacheMaxAgeMs || hit.exp <= now - tolerance || (hit.nbf !== undefined && hit.nbf > now + tolerance)) {
      verified.delete(token);
      return undefined;
    }
    return hit.actor;
  };
  const remember = (token: string, payload: unknown, actor: Actor): void => {
    if (cacheSize <= 0) return;
    const { exp, nbf } = payload as { exp?: unknown; nbf?: unknown };
    if (typeof exp !== 'number') return;
    if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
    verified.set(token, { actor, exp, nbf: typeof nbf === 'number' ? nbf : undefined, cachedAt: Date.now() });
  };
  const verifyOptions: JWTVerifyOptions = {
    requiredClaims: ['exp', 'sub'],
    clockTolerance: tolerance,
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  };
  let verify: (token: string) => Promise<unknown>;
  if (options.mode === 'hs256') {
    const key = new TextEncoder().encode(options.secret);
    const hsOptions = { ...verifyOptions, algorithms: ['HS256'] };
    verify = async (token) => (await jwtVerify(token, key, hsOptions)).payload;
  } else {
    const jwks: JWTVerifyGetKey = createRemoteJWKSet(new URL(options.jwksUrl), {
      timeoutDuration: options.timeoutMs ?? 5_000,
      cooldownDuration: options.cooldownMs ?? 30_000,
    });
    const jwksOptions = { ...verifyOptions, algorithms: [...(options.algorithms ?? ['RS256', 'ES256'])] };
    verify = async (token) => (await jwtVerify(token, jwks, jwksOptions)).payload;
  }

  return {
    async verify(token: string): Promise<Actor> {
      const cached = fromCache(token);
      if (cached) return cached;
      if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
        throw unauthorized('INVALID_TOKEN', 'The bearer token is not a compact JWT.');
      }
      let payload: unknown;
      try {
        payload = await verify(token);
      } catch (error) {
        throw toAuthError(error, options.mode);
      }
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) {
        const fields = claims.error.issues.map((issue) => issue.path.join('.') || '(token)').join(', ');
        throw unauthorized('INVALID_TOKEN', `The token lacks valid Hearth claims (${fields}).`);
      }
      const actor = createActor({
        userId: claims.data.sub,
        tenantId: claims.data.tenant,
        roles: claims.data.roles.filter((role): role is Role => isRole(role)),
        brands: claims.data.brands,
      });
      remember(token, payload, actor);
      return actor;
    },
  };
}

function toAuthError(error: unknown, mode: AuthOptions['mode']): HttpError {
  // jose runs outside Jest's realm in tests, so errors are recognised by `code`, never by `instanceof`.
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === 'ERR_JWT_EXPIRED') return unauthorized('TOKEN_EXPIRED', 'The token has expired.', error);
  if (typeof code === 'string' && INVALID_TOKEN_CODES.has(code)) {
    return unauthorized('INVALID_TOKEN', invalidTokenDetail(code, error), error);
  }
  if (mode === 'jwks') {
    return new HttpError({
      status: 503,
      code: 'AUTHENTICATION_UNAVAILABLE',
      detail: 'The signing keys could not be fetched; retry shortly.',
      headers: { 'Retry-After': '5' },
      cause: error,
    });
  }
  return unauthorized('INVALID_TOKEN', 'The token could not be verified.', error);
}

function invalidTokenDetail(code: string, error: unknown): string {
  switch (code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'The token signature is not valid.';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'The token is signed with an algorithm this service does not accept.';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      // jose's claim messages are safe to show (`"iss" claim check failed`, `missing required "exp" claim`).
      const message = (error as { message?: unknown }).message;
      return `The token's claims are not acceptable: ${typeof message === 'string' ? message : 'claim check failed'}.`;
    }
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'The token was signed with an unknown key.';
    default:
      return 'The token is malformed.';
  }
}

function validateAuthOptions(options: AuthOptions): void {
  if (options.mode === 'hs256') {
    if (options.secret.length < MIN_SECRET_LENGTH) {
      throw new AuthConfigError(`JWT_SECRET must have at least ${MIN_SECRET_LENGTH} characters (HS256 needs a 256-bit key).`);
    }
    return;
  }
  let url: URL;
  try {
    url = new URL(options.jwksUrl);
  } catch (cause) {
    throw new AuthConfigError('JWT_JWKS_URL is not a valid URL.', { cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AuthConfigError('JWT_JWKS_URL must be an http(s) URL.');
  for (const alg of options.algorithms ?? []) {
    if (alg !== 'RS256' && alg !== 'ES256') throw new AuthConfigError(`Unsupported JWKS algorithm '${String(alg)}'.`);
  }
}

/**
 * Auth options from environment variables (`JWT_SECRET`, `JWT_JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE`).
 * Pass the service's parsed config or `process.env` from its composition root. Exactly one of
 * `JWT_SECRET`/`JWT_JWKS_URL` may be set; with neither, the development default secret is used unless
 * `NODE_ENV=production`, where that is refused.
 */
export function authOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): AuthOptions {
  const value = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const secret = value('JWT_SECRET');
  const jwksUrl = value('JWT_JWKS_URL');
  const common = { issuer: value('JWT_ISSUER'), audience: value('JWT_AUDIENCE') };
  if (secret && jwksUrl) throw new AuthConfigError('Set JWT_SECRET (development) or JWT_JWKS_URL (production), not both.');
  let options: AuthOptions;
  if (jwksUrl) options = { mode: 'jwks', jwksUrl, ...common };
  else if (secret) options = { mode: 'hs256', secret, ...common };
  else if (value('NODE_ENV') === 'production') throw new AuthConfigError('JWT_JWKS_URL (or JWT_SECRET) must be set in production.');
  else options = { mode: 'hs256', secret: DEFAULT_DEVELOPMENT_JWT_SECRET, ...common };
  validateAuthOptions(options);
  return options;
}
