/** @jest-environment ./libs/http/src/testing/native-jose.environment.ts */
import { SignJWT, generateKeyPair } from 'jose';
import { HttpError } from '../problem';
import { b64url, TEST_SECRET, testToken } from '../testing/fixtures';
import { AuthConfigError, authOptionsFromEnv, createTokenVerifier, DEFAULT_DEVELOPMENT_JWT_SECRET } from './token-verifier';

jest.mock('jose', () => (globalThis as { __hearthNativeJose?: unknown }).__hearthNativeJose);

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('createTokenVerifier (HS256)', () => {
  const verifier = createTokenVerifier({ mode: 'hs256', secret: TEST_SECRET });
  const now = () => Math.floor(Date.now() / 1000);

  it('returns the actor of a valid token', async () => {
    const actor = await verifier.verify(await testToken({ sub: 'u-7', tenant: 'acme', roles: ['agent', 'manager'], brands: ['b1', 'b2'] }));
    expect(actor).toMatchObject({ userId: 'u-7', tenantId: 'acme', roles: ['agent', 'manager'], brands: ['b1', 'b2'] });
    expect(actor.canSeeBrand('b2')).toBe(true);
    expect(actor.canSeeBrand('b3')).toBe(false);
  });

  it('accepts brands "*" and drops unknown roles', async () => {
    const token = await new SignJWT({ tenant: 'acme', roles: ['agent', 'superhero'], brands: '*' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(TEST_SECRET));
    const actor = await verifier.verify(token);
    expect(actor.roles).toEqual(['agent']);
    expect(actor.brands).toBe('*');
    expect(actor.canSeeBrand('anything')).toBe(true);
  });

  it('rejects an expired token with 401 TOKEN_EXPIRED', async () => {
    const error = await rejection(verifier.verify(await testToken({}, { issuedAt: now() - 7200, ttl: '1h' })));
    expect(error).toMatchObject({ status: 401, code: 'TOKEN_EXPIRED' });
    expect(error.headers['WWW-Authenticate']).toBe('Bearer realm="hearth", error="invalid_token"');
  });

  it('rejects a token signed with another secret', async () => {
    const error = await rejection(verifier.verify(await testToken({}, { secret: DEFAULT_DEVELOPMENT_JWT_SECRET })));
    expect(error).toMatchObject({ status: 401, code: 'INVALID_TOKEN', message: 'The token signature is not valid.' });
  });

  it('rejects a tampered payload', async () => {
    const [header, , signature] = (await testToken({ tenant: 'tenant-a' })).split('.');
    const forged = `${header}.${b64url({ sub: 'u1', tenant: 'tenant-b', roles: ['admin'], brands: '*', exp: now() + 600 })}.${signature}`;
    expect(await rejection(verifier.verify(forged))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  it('rejects alg "none" and other algorithms than HS256', async () => {
    const claims = { sub: 'u1', tenant: 'tenant-a', roles: ['admin'], brands: '*', exp: now() + 600 };
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    expect(await rejection(verifier.verify(unsigned))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });

    // Same secret, other HMAC: only the algorithm allow-list stops it.
    const hs512 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS512' }).sign(new TextEncoder().encode(TEST_SECRET));
    expect(await rejection(verifier.verify(hs512))).toMatchObject({ status: 401, code: 'INVALID_TOKEN', message: expect.stringMatching(/algorithm/) });

    const { privateKey } = await generateKeyPair('ES256');
    const es256 = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    expect(await rejection(verifier.verify(es256))).toMatchObject({ status: 401, code: 'INVALID_TOKEN', message: expect.stringMatching(/algorithm/) });
  });

  it('rejects garbage and oversized tokens before touching crypto', async () => {
    for (const token of ['not-a-jwt', 'a.b', 'a.b.c.d', `${'a'.repeat(9000)}.b.c`, 'eyJ.eyJ.x y']) {
      expect(await rejection(verifier.verify(token))).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    }
  });

  it('rejects tokens without the Hearth claims or without exp', async () => {
    const key = new TextEncoder().encode(TEST_SECRET);
    const noTenant = await new SignJWT({ roles: ['agent'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime('1h').sign(key);
    expect(await rejection(verifier.verify(noTenant))).toMatchObject({ status: 401, code: 'INVALID_TOKEN', message: expect.stringMatching(/tenant/) });
    const badBrands = await new SignJWT({ tenant: 't', brands: 'all' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime('1h').sign(key);
    expect(await rejection(verifier.verify(badBrands))).toMatchObject({ status: 401, code: 'INVALID_TOKEN', message: expect.stringMatching(/brands/) });
    const noExp = await new SignJWT({ tenant: 't' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').sign(key);
    expect(await rejection(verifier.verify(noExp))).toMatchObject({ status: 401, code: 'INVALID_TOKEN', message: expect.stringMatching(/exp/) });
  });

  it('checks issuer and audience when configured', async () => {
    const strict = createTokenVerifier({ mode: 'hs256', secret: TEST_SECRET, issuer: 'https://id.hearth.test', audience: 'hearth-api' });
    const good = await testToken({}, { issuer: 'https://id.hearth.test', audience: 'hearth-api' });
    expect((await strict.verify(good)).userId).toBe('user-1');
    expect(await rejection(strict.verify(await testToken({}, { issuer: 'https://evil.test', audience: 'hearth-api' })))).toMatchObject({ status: 401, code: 'INVALID_TOKEN', message: expect.stringMatching(/iss/) });
    expect(await rejection(strict.verify(await testToken({}, { issuer: 'https://id.hearth.test' })))).toMatchObject({ status: 401, code: 'INVALID_TOKEN', message: expect.stringMatching(/aud/) });
  });

  describe('verified-token cache', () => {
    afterEach(() => jest.restoreAllMocks());

    it('answers a token it verified before with the same caller, without verifying it again', async () => {
      const cached = createTokenVerifier({ mode: 'hs256', secret: TEST_SECRET });
      const token = await testToken({ sub: 'u-cache' });
      const first = await cached.verify(token);
      expect(await cached.verify(token)).toBe(first);
      // another token of the same user is verified on its own
      const other = await cached.verify(await testToken({ sub: 'u-cache' }, { issuedAt: now() - 1 }));
      expect(other).not.toBe(first);
      expect(other.userId).toBe('u-cache');
    });

    it('verifies again once the token has expired (exp plus tolerance) or the entry is older than maxAgeMs', async () => {
      const cached = createTokenVerifier({ mode: 'hs256', secret: TEST_SECRET, clockToleranceSeconds: 5, verifiedTokenCache: { maxAgeMs: 60_000 } });
      const token = await testToken({}, { ttl: '1h' });
      const first = await cached.verify(token);
      const realNow = Date.now();
      // jose keeps the real clock (it runs outside the test realm), so a bypassed cache shows as a fresh caller object
      jest.spyOn(Date, 'now').mockReturnValue(realNow + 59_000);
      expect(await cached.verify(token)).toBe(first);
      jest.spyOn(Date, 'now').mockReturnValue(realNow + 61_000);
      const second = await cached.verify(token);
      expect(second).not.toBe(first);
      expect(await cached.verify(token)).toBe(second);
      jest.spyOn(Date, 'now').mockReturnValue(realNow + 3_600_000 + 6_000);
      expect(await cached.verify(token)).not.toBe(second);
    });

    it('never caches failures, and size 0 verifies every request', async () => {
      const uncached = createTokenVerifier({ mode: 'hs256', secret: TEST_SECRET, verifiedTokenCache: { size: 0 } });
      const token = await testToken();
      expect(await uncached.verify(token)).not.toBe(await uncached.verify(token));
      const bad = await testToken({}, { secret: DEFAULT_DEVELOPMENT_JWT_SECRET });
      expect(await rejection(verifier.verify(bad))).toMatchObject({ code: 'INVALID_TOKEN' });
      expect(await rejection(verifier.verify(bad))).toMatchObject({ code: 'INVALID_TOKEN' });
    });

    it('evicts the oldest entry when full', async () => {
      const small = createTokenVerifier({ mode: 'hs256', secret: TEST_SECRET, verifiedTokenCache: { size: 2 } });
      const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((sub) => testToken({ sub })));
      const actorA = await small.verify(a!);
      const actorB = await small.verify(b!);
      await small.verify(c!);
      expect(await small.verify(b!)).toBe(actorB);
      expect(await small.verify(a!)).not.toBe(actorA);
    });
  });

  it('refuses a secret shorter than 256 bits', () => {
    expect(() => createTokenVerifier({ mode: 'hs256', secret: 'short' })).toThrow(AuthConfigError);
  });
});

describe('authOptionsFromEnv', () => {
  it('uses JWT_SECRET, or JWT_JWKS_URL, with issuer and audience', () => {
    expect(authOptionsFromEnv({ JWT_SECRET: TEST_SECRET, JWT_ISSUER: 'iss', JWT_AUDIENCE: 'aud' })).toEqual({ mode: 'hs256', secret: TEST_SECRET, issuer: 'iss', audience: 'aud' });
    expect(authOptionsFromEnv({ JWT_JWKS_URL: 'https://id.example/.well-known/jwks.json' })).toMatchObject({ mode: 'jwks', jwksUrl: 'https://id.example/.well-known/jwks.json' });
  });

  it('falls back to the development secret outside production only', () => {
    expect(authOptionsFromEnv({})).toMatchObject({ mode: 'hs256', secret: DEFAULT_DEVELOPMENT_JWT_SECRET });
    expect(authOptionsFromEnv({ JWT_SECRET: '' })).toMatchObject({ secret: DEFAULT_DEVELOPMENT_JWT_SECRET });
    expect(() => authOptionsFromEnv({ NODE_ENV: 'production' })).toThrow(/production/);
  });

  it('refuses ambiguous or invalid settings', () => {
    expect(() => authOptionsFromEnv({ JWT_SECRET: TEST_SECRET, JWT_JWKS_URL: 'https://id.example/jwks' })).toThrow(/not both/);
    expect(() => authOptionsFromEnv({ JWT_SECRET: 'too-short' })).toThrow(/at least 32/);
    expect(() => authOptionsFromEnv({ JWT_JWKS_URL: 'not a url' })).toThrow(/valid URL/);
    expect(() => authOptionsFromEnv({ JWT_JWKS_URL: 'ftp://id.example/jwks' })).toThrow(/http/);
  });
});
