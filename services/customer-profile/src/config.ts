import { secret, serviceConfigShape } from '@hearth/config';
import { z } from 'zod';

/** customer-profile's environment. Only index.ts reads process.env (through loadConfig). */
export const configSchema = z.object({
  ...serviceConfigShape({ port: 4101, schema: 'customer_profile' }),
  /** Keyed hash for identifier-claim stream names, so they do not reveal e-mails or phone numbers. */
  IDENTITY_PEPPER: secret(z.string().min(16)).default('development-only-identity-pepper'),
  /** Country used to read phone numbers given without a country code (ISO 3166-1 alpha-2). */
  DEFAULT_COUNTRY: z.string().regex(/^[A-Z]{2}$/).optional(),
  /** Subject prefix of this service's request/reply (`<prefix>.resolve` …); only isolated test stacks change it. */
  CUSTOMER_PROFILE_RPC_PREFIX: z.string().regex(/^rpc(\.[A-Za-z0-9_-]+)+$/).default('rpc.customer-profile'),
});

export type ProfileConfig = z.output<typeof configSchema>;
