import { z } from 'zod';
import { bool, duration, port, url } from './env-helpers';
import { secret } from './secrets';

/** The development master key of every service: public, so `STRICT_PRODUCTION_CONFIG` refuses it. */
const DEVELOPMENT_MASTER_KEY = 'ZGV2ZWxvcG1lbnQtb25seS1tYXN0ZXIta2V5LTMyYiE=';

/**
 * The environment every Hearth service reads, as zod fields to spread into its own schema
 * (`z.object({ ...serviceConfigShape({ port: 4102, schema: 'timeline' }), TIMELINE_…: … })`), so names,
 * defaults and rules are the same everywhere: the process, PostgreSQL (own schema), NATS, the
 * crypto-shredding master key, JWT verification, HTTP workers and reply validation, shutdown, strictness.
 */
export function serviceConfigShape(defaults: { port: number; schema: string }) {
  return {
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: port().default(defaults.port),
    DATABASE_URL: url({ protocols: ['postgres', 'postgresql'] }).default('postgres://postgres@127.0.0.1:5432/test'),
    /** The service's own PostgreSQL schema (event store, keys, read models, checkpoints). */
    DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case PostgreSQL identifier').default(defaults.schema),
    /**
     * Connections of the service instance, shared out equally among its processes when HTTP_WORKERS > 1 (at
     * least 2 each); the event store adds a small writer pool of its own per process.
     */
    DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
    /** Connections kept open while idle (no reconnect churn under a steady load). */
    DATABASE_POOL_MIN: z.coerce.number().int().min(0).max(200).default(2),
    /** Idle connections above the minimum close after this long. */
    DATABASE_POOL_IDLE_TIMEOUT: duration().default(60_000),
    NATS_URL: url({ protocols: ['nats'] }).default('nats://127.0.0.1:4222'),
    /** Master key for crypto-shredding (32 bytes, base64 or hex). Development default: a fixed, public key. */
    ENCRYPTION_MASTER_KEY: secret(z.string().min(32)).default(DEVELOPMENT_MASTER_KEY),
    ENCRYPTION_MASTER_KEY_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/).default('dev'),
    JWT_SECRET: secret(z.string().min(32)).optional(),
    JWT_JWKS_URL: url({ protocols: ['https', 'http'] }).optional(),
    JWT_ISSUER: z.string().optional(),
    JWT_AUDIENCE: z.string().optional(),
    /**
     * Processes serving HTTP. 1 (default): this process does everything. Above 1: this process keeps the
     * background work and forks that many node:cluster workers sharing the port, so requests use more than one core.
     */
    HTTP_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
    /** Check every reply against its OpenAPI schema (a broken contract answers 500). Default: on, except with NODE_ENV=production. */
    HTTP_VALIDATE_RESPONSES: bool().optional(),
    SHUTDOWN_GRACE: duration().default(10_000),
    /** Refuse to start with the development defaults of secrets (set true in production). */
    STRICT_PRODUCTION_CONFIG: bool().default(false),
  };
}

/** Whether replies are checked against their schemas: `HTTP_VALIDATE_RESPONSES` when set, else everywhere but production. */
export function validatesResponses(config: { HTTP_VALIDATE_RESPONSES?: boolean | undefined; NODE_ENV: string }): boolean {
  return config.HTTP_VALIDATE_RESPONSES ?? config.NODE_ENV !== 'production';
}
