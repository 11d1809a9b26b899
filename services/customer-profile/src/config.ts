import { bool, duration, port, secret, url } from '@hearth/config';
import { z } from 'zod';

/** customer-profile's environment. Only index.ts reads process.env (through loadConfig). */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port().default(4101),
  DATABASE_URL: url({ protocols: ['postgres', 'postgresql'] }).default('postgres://postgres@127.0.0.1:5432/test'),
  /** The service's own PostgreSQL schema (event store, read models, keys). */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).default('customer_profile'),
  NATS_URL: url({ protocols: ['nats'] }).default('nats://127.0.0.1:4222'),
  /** Master key for crypto-shredding (32 bytes, base64 or hex). Development default: a fixed, public key. */
  ENCRYPTION_MASTER_KEY: secret(z.string().min(32)).default('ZGV2ZWxvcG1lbnQtb25seS1tYXN0ZXIta2V5LTMyYiE='),
  ENCRYPTION_MASTER_KEY_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/).default('dev'),
  /** Keyed hash for identifier-claim stream names, so they do not reveal e-mails or phone numbers. */
  IDENTITY_PEPPER: secret(z.string().min(16)).default('development-only-identity-pepper'),
  /** Country used to read phone numbers given without a country code (ISO 3166-1 alpha-2). */
  DEFAULT_COUNTRY: z.string().regex(/^[A-Z]{2}$/).optional(),
  /** Subject prefix of this service's request/reply (`<prefix>.resolve` …); only isolated test stacks change it. */
  CUSTOMER_PROFILE_RPC_PREFIX: z.string().regex(/^rpc(\.[A-Za-z0-9_-]+)+$/).default('rpc.customer-profile'),
  JWT_SECRET: secret(z.string().min(32)).optional(),
  JWT_JWKS_URL: url({ protocols: ['https', 'http'] }).optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  /** Check every reply against its OpenAPI schema (a broken contract answers 500). Default: on, except with NODE_ENV=production. */
  HTTP_VALIDATE_RESPONSES: bool().optional(),
  SHUTDOWN_GRACE: duration().default(10_000),
  /** Refuse to start with the development defaults above (set true in production). */
  STRICT_PRODUCTION_CONFIG: bool().default(false),
});

export type ProfileConfig = z.output<typeof configSchema>;
