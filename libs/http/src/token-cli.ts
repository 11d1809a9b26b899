import { parseArgs } from 'node:util';
import { isRole, ROLES } from './auth/actor';
import type { BrandScope, Role } from './auth/actor';
import { signHs256Token } from './auth/sign-token';
import { DEFAULT_DEVELOPMENT_JWT_SECRET } from './auth/token-verifier';

export const TOKEN_CLI_USAGE = `Usage: npm run token -- --tenant <id> --roles <role,...> [--brands <id,...>|*] [--sub <user>] [--ttl 8h]

Prints a development HS256 token signed with JWT_SECRET (or the documented development default).
Roles: ${ROLES.join(', ')}. JWT_ISSUER and JWT_AUDIENCE are added as iss/aud when set.`;

/** A usage error of the token CLI (exit code 2). */
export class TokenCliError extends Error {
  readonly code = 'INVALID_TOKEN_CLI_ARGUMENTS';
  constructor(message: string) {
    super(`${message}\n\n${TOKEN_CLI_USAGE}`);
    this.name = 'TokenCliError';
  }
}

const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** `npm run token` without the process: parses `argv`, reads `JWT_*` from `env`, returns the token. */
export async function runTokenCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<string> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        tenant: { type: 'string' },
        roles: { type: 'string' },
        brands: { type: 'string' },
        sub: { type: 'string' },
        ttl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new TokenCliError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) throw new TokenCliError('Help requested.');
  const tenant = typeof values.tenant === 'string' ? values.tenant.trim() : '';
  if (!tenant) throw new TokenCliError('--tenant is required.');
  const roleNames = list(values.roles as string | undefined);
  if (roleNames.length === 0) throw new TokenCliError('--roles is required (comma-separated).');
  const unknown = roleNames.filter((r) => !isRole(r));
  if (unknown.length > 0) throw new TokenCliError(`Unknown role(s): ${unknown.join(', ')}.`);
  const brands: BrandScope = values.brands === '*' ? '*' : list(values.brands as string | undefined);
  return signHs256Token(
    { sub: typeof values.sub === 'string' && values.sub ? values.sub : 'dev-user', tenant, roles: roleNames as Role[], brands },
    {
      secret: env.JWT_SECRET || DEFAULT_DEVELOPMENT_JWT_SECRET,
      ttl: typeof values.ttl === 'string' ? values.ttl : '8h',
      issuer: env.JWT_ISSUER || undefined,
      audience: env.JWT_AUDIENCE || undefined,
    },
  );
}
