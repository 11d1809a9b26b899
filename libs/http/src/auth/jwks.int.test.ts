/** @jest-environment ./libs/http/src/testing/native-jose.environment.ts */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import request from 'supertest';
import { z } from 'zod';
import { createApp } from '../create-app';
import { route } from '../route';
import { recordingLogger, TEST_SECRET, testToken } from '../testing/fixtures';

jest.mock('jose', () => (globalThis as { __hearthNativeJose?: unknown }).__hearthNativeJose);

/** A tiny identity provider: serves a JWKS over real HTTP and counts fetches. */
async function startJwksServer(keys: JWK[]): Promise<{ url: string; fetches: () => number; close: () => Promise<void> }> {
  let fetches = 0;
  const server = http.createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    fetches++;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    fetches: () => fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('JWKS mode (RS256/ES256 via JWT_JWKS_URL)', () => {
  let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  let ec: { privateKey: CryptoKey; publicKey: CryptoKey };
  let rogue: { privateKey: CryptoKey; publicKey: CryptoKey };
  let idp: Awaited<ReturnType<typeof startJwksServer>>;
  const claims = { tenant: 'acme', roles: ['steward'], brands: ['brand-a'] };

  const sign = (key: CryptoKey, alg: 'RS256' | 'ES256', kid: string, extra: { issuer?: string; audience?: string } = {}) => {
    let jwt = new SignJWT(claims).setProtectedHeader({ alg, kid }).setSubject('u-42').setIssuedAt().setExpirationTime('5m');
    jwt = jwt.setIssuer(extra.issuer ?? 'https://id.hearth.test').setAudience(extra.audience ?? 'hearth-api');
    return jwt.sign(key);
  };

  const appFor = (jwksUrl: string) =>
    createApp({
      serviceName: 'jwks-test',
      auth: { mode: 'jwks', jwksUrl, issuer: 'https://id.hearth.test', audience: 'hearth-api', timeoutMs: 1_000 },
      openapi: { title: 't', version: '1' },
      logger: recordingLogger(),
      routes: [
        route({ method: 'get', path: '/v1/me', roles: ['steward'], responses: { 200: { description: 'me', body: z.object({ userId: z.string(), tenantId: z.string() }) } } }, ({ actor }) => ({
          status: 200,
          body: { userId: actor.userId, tenantId: actor.tenantId },
        })),
      ],
    });

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    ec = await generateKeyPair('ES256');
    rogue = await generateKeyPair('RS256');
    const keys = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    idp = await startJwksServer(keys);
  });
  afterAll(async () => {
    await idp.close();
  });

  it('accepts RS256 and ES256 tokens signed by keys of the JWKS, fetching the set once', async () => {
    const app = appFor(idp.url);
    const before = idp.fetches();
    const viaRsa = await request(app).get('/v1/me').set('Authorization', `Bearer ${await sign(rsa.privateKey, 'RS256', 'rsa-1')}`);
    expect(viaRsa.status).toBe(200);
    expect(viaRsa.body).toEqual({ userId: 'u-42', tenantId: 'acme' });
    const viaEc = await request(app).get('/v1/me').set('Authorization', `Bearer ${await sign(ec.privateKey, 'ES256', 'ec-1')}`);
    expect(viaEc.status).toBe(200);
    expect(idp.fetches() - before).toBe(1);
  });

  it('rejects a token signed by a key outside the JWKS, or with a known kid but another key', async () => {
    const app = appFor(idp.url);
    const unknownKid = await request(app).get('/v1/me').set('Authorization', `Bearer ${await sign(rogue.privateKey, 'RS256', 'rogue-1')}`);
    expect(unknownKid.status).toBe(401);
    expect(unknownKid.body).toMatchObject({ code: 'INVALID_TOKEN', detail: 'The token was signed with an unknown key.' });
    const spoofedKid = await request(app).get('/v1/me').set('Authorization', `Bearer ${await sign(rogue.privateKey, 'RS256', 'rsa-1')}`);
    expect(spoofedKid.status).toBe(401);
    expect(spoofedKid.body.code).toBe('INVALID_TOKEN');
  });

  it('rejects HS256 tokens (no algorithm confusion) and wrong issuer or audience', async () => {
    const app = appFor(idp.url);
    const hs = await request(app).get('/v1/me').set('Authorization', `Bearer ${await testToken({ tenant: 'acme', roles: ['steward'] }, { secret: TEST_SECRET })}`);
    expect(hs.status).toBe(401);
    expect(hs.body.code).toBe('INVALID_TOKEN');
    const wrongIssuer = await request(app).get('/v1/me').set('Authorization', `Bearer ${await sign(rsa.privateKey, 'RS256', 'rsa-1', { issuer: 'https://evil.test' })}`);
    expect(wrongIssuer.status).toBe(401);
    const wrongAudience = await request(app).get('/v1/me').set('Authorization', `Bearer ${await sign(rsa.privateKey, 'RS256', 'rsa-1', { audience: 'another-api' })}`);
    expect(wrongAudience.status).toBe(401);
  });

  it('answers 503 AUTHENTICATION_UNAVAILABLE when the JWKS cannot be fetched', async () => {
    const down = await startJwksServer([]);
    const url = down.url;
    await down.close();
    const app = appFor(url);
    const res = await request(app).get('/v1/me').set('Authorization', `Bearer ${await sign(rsa.privateKey, 'RS256', 'rsa-1')}`);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body.code).toBe('AUTHENTICATION_UNAVAILABLE');
    expect(res.headers['retry-after']).toBe('5');
  });
});
