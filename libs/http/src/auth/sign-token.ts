import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { BrandScope, Role } from './actor';
import { AuthConfigError, MIN_SECRET_LENGTH } from './token-verifier';

/** The Hearth claims of a token. */
export type HearthClaims = {
  sub: string;
  tenant: string;
  roles: readonly Role[];
  brands: BrandScope;
};

export type SignTokenOptions = {
  secret: string;
  /** Lifetime as jose understands it: `'8h'`, `'15m'`, `'30 s'`, `'2 days'` (default `'8h'`). */
  ttl?: string;
  issuer?: string;
  audience?: string;
  /** Issue time in seconds since the epoch (tests); defaults to now. */
  issuedAt?: number;
};

/** TTL strings accepted by `signHs256Token` (a subset of what jose parses, checked up front for a clear error). */
const TTL = /^\d+\s?(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks)$/i;

/**
 * Signs an HS256 token with Hearth claims: for development (`npm run token`) and tests. Production
 * tokens come from the identity provider and are verified through `JWT_JWKS_URL`.
 */
export async function signHs256Token(claims: HearthClaims, options: SignTokenOptions): Promise<string> {
  if (options.secret.length < MIN_SECRET_LENGTH) throw new AuthConfigError(`The secret must have at least ${MIN_SECRET_LENGTH} characters.`);
  const ttl = options.ttl ?? '8h';
  if (!TTL.test(ttl.trim())) throw new AuthConfigError(`Invalid ttl '${ttl}' (examples: 8h, 15m, 2d).`);
  const issuedAt = options.issuedAt ?? Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ tenant: claims.tenant, roles: [...claims.roles], brands: claims.brands === '*' ? '*' : [...claims.brands] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt(issuedAt)
    .setJti(randomUUID())
    .setExpirationTime(expiry(issuedAt, ttl.trim()));
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Absolute expiry relative to `issuedAt` (jose's relative strings count from the wall clock, not from `issuedAt`). */
function expiry(issuedAt: number, ttl: string): number {
  const match = /^(\d+)\s?([a-z]+)$/i.exec(ttl);
  const amount = Number(match?.[1]);
  const unit = (match?.[2] ?? 's').toLowerCase();
  const key = unit.startsWith('mi') || unit === 'm' ? 'm' : unit.startsWith('h') ? 'h' : unit.startsWith('d') ? 'd' : unit.startsWith('w') ? 'w' : 's';
  return issuedAt + amount * (UNIT_SECONDS[key] ?? 1);
}
