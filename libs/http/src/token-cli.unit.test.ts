/** @jest-environment ./libs/http/src/testing/native-jose.environment.ts */
import { decodeJwt } from 'jose';
import { createTokenVerifier, DEFAULT_DEVELOPMENT_JWT_SECRET } from './auth/token-verifier';
import { TEST_SECRET } from './testing/fixtures';
import { runTokenCli } from './token-cli';

jest.mock('jose', () => (globalThis as { __hearthNativeJose?: unknown }).__hearthNativeJose);

describe('npm run token', () => {
  it('prints a token the development verifier accepts (default secret)', async () => {
    const token = await runTokenCli(['--tenant', 'demo', '--roles', 'agent', '--brands', 'brand-a'], {});
    const actor = await createTokenVerifier({ mode: 'hs256', secret: DEFAULT_DEVELOPMENT_JWT_SECRET }).verify(token);
    expect(actor).toMatchObject({ userId: 'dev-user', tenantId: 'demo', roles: ['agent'], brands: ['brand-a'] });
    const claims = decodeJwt(token);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(8 * 3600);
  });

  it('uses JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE and the options', async () => {
    const token = await runTokenCli(['--tenant', 'acme', '--roles', 'manager,steward', '--brands', '*', '--sub', 'u1', '--ttl', '15m'], {
      JWT_SECRET: TEST_SECRET,
      JWT_ISSUER: 'https://id.dev',
      JWT_AUDIENCE: 'hearth',
    });
    const actor = await createTokenVerifier({ mode: 'hs256', secret: TEST_SECRET, issuer: 'https://id.dev', audience: 'hearth' }).verify(token);
    expect(actor).toMatchObject({ userId: 'u1', tenantId: 'acme', roles: ['manager', 'steward'], brands: '*' });
    const claims = decodeJwt(token);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(15 * 60);
    await expect(createTokenVerifier({ mode: 'hs256', secret: DEFAULT_DEVELOPMENT_JWT_SECRET }).verify(token)).rejects.toMatchObject({ status: 401 });
  });

  it('explains mistakes', async () => {
    await expect(runTokenCli(['--roles', 'agent'], {})).rejects.toThrow(/--tenant is required[\s\S]*Usage/);
    await expect(runTokenCli(['--tenant', 'demo'], {})).rejects.toThrow(/--roles is required/);
    await expect(runTokenCli(['--tenant', 'demo', '--roles', 'agent,wizard'], {})).rejects.toThrow(/Unknown role\(s\): wizard/);
    await expect(runTokenCli(['--tenant', 'demo', '--roles', 'agent', '--colour', 'red'], {})).rejects.toMatchObject({ code: 'INVALID_TOKEN_CLI_ARGUMENTS' });
    await expect(runTokenCli(['--tenant', 'demo', '--roles', 'agent', '--ttl', 'forever'], {})).rejects.toThrow(/Invalid ttl/);
    await expect(runTokenCli(['--tenant', 'demo', '--roles', 'agent'], { JWT_SECRET: 'short' })).rejects.toMatchObject({ code: 'INVALID_AUTH_CONFIG' });
  });
});
