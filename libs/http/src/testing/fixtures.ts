import type { Role } from '../auth/actor';
import { signHs256Token } from '../auth/sign-token';
import { DEFAULT_DEVELOPMENT_JWT_SECRET } from '../auth/token-verifier';
import type { HttpLogger } from '../logger';

/** Secret used by the library's own tests (not the development default, so mixing them up fails). */
export const TEST_SECRET = 'test-secret-for-hearth-http-0123456789abcdef';
export { DEFAULT_DEVELOPMENT_JWT_SECRET };

/** An HS256 token for tests, with sensible defaults. */
export function testToken(
  claims: Partial<{ sub: string; tenant: string; roles: Role[]; brands: string[] | '*' }> = {},
  options: { secret?: string; ttl?: string; issuedAt?: number; issuer?: string; audience?: string } = {},
): Promise<string> {
  return signHs256Token(
    { sub: claims.sub ?? 'user-1', tenant: claims.tenant ?? 'tenant-a', roles: claims.roles ?? ['agent'], brands: claims.brands ?? ['brand-a'] },
    { secret: options.secret ?? TEST_SECRET, ttl: options.ttl ?? '1h', issuedAt: options.issuedAt, issuer: options.issuer, audience: options.audience },
  );
}

/** A logger that records entries, for asserting what was logged. */
export function recordingLogger(): HttpLogger & { entries: { level: 'error' | 'warn'; fields: Record<string, unknown>; message: string }[] } {
  const entries: { level: 'error' | 'warn'; fields: Record<string, unknown>; message: string }[] = [];
  return {
    entries,
    error: (fields, message) => entries.push({ level: 'error', fields, message }),
    warn: (fields, message) => entries.push({ level: 'warn', fields, message }),
  };
}

/** Base64url JSON, for hand-made (unsigned or tampered) tokens. */
export function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
