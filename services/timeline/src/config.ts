import { bool, csv, duration, port, secret, url } from '@hearth/config';
import { LOG_LEVELS } from '@hearth/observability';
import { z } from 'zod';

/** Services whose JetStream streams the timeline ingests by default (those not running yet are waited for). */
export const DEFAULT_SOURCE_SERVICES = ['customer-profile', 'service-tickets', 'loyalty', 'sales', 'analytics'] as const;

/** timeline's environment. Only index.ts reads process.env (through loadConfig in main). */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port().default(4102),
  DATABASE_URL: url({ protocols: ['postgres', 'postgresql'] }).default('postgres://postgres@127.0.0.1:5432/test'),
  /** The service's own PostgreSQL schema (event store, subject keys, read models, checkpoints). */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).default('timeline'),
  /** Connections of the service's pool (the event store adds a small writer pool of its own). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
  NATS_URL: url({ protocols: ['nats'] }).default('nats://127.0.0.1:4222'),
  /** Master key for crypto-shredding (32 bytes, base64 or hex). Development default: a fixed, public key. */
  ENCRYPTION_MASTER_KEY: secret(z.string().min(32)).default('ZGV2ZWxvcG1lbnQtb25seS1tYXN0ZXIta2V5LTMyYiE='),
  ENCRYPTION_MASTER_KEY_ID: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/).default('dev'),
  JWT_SECRET: secret(z.string().min(32)).optional(),
  JWT_JWKS_URL: url({ protocols: ['https', 'http'] }).optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  /** Services whose integration events land on guest timelines (`hearth.<service>.>` on stream `HEARTH_<SERVICE>`). */
  TIMELINE_SOURCE_SERVICES: csv(z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'expected a service name such as customer-profile'))
    .default([...DEFAULT_SOURCE_SERVICES]),
  /** Durable consumer name on the source streams (one per partition). Give a second, independent timeline its own. */
  TIMELINE_INGEST_DURABLE: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/).default('timeline--ingest'),
  /** Where a new durable starts: `all` (the whole retained stream; production) or `new` (isolated test stacks). */
  TIMELINE_INGEST_DELIVER_POLICY: z.enum(['all', 'new']).default('all'),
  /** How often a source stream that does not exist yet is looked for again. */
  TIMELINE_SOURCE_RETRY: duration().default(5_000),
  /** Deliveries of a failing integration event before it is dead-lettered. */
  NATS_MAX_DELIVER: z.coerce.number().int().min(1).max(100).default(5),
  /** Subject prefix of customer-profile's request/reply (`<prefix>.resolve` …); only isolated test stacks change it. */
  CUSTOMER_PROFILE_RPC_PREFIX: z.string().regex(/^rpc(\.[A-Za-z0-9_-]+)+$/).default('rpc.customer-profile'),
  /** Timeout of each request to customer-profile (resolve, guest-summary, tenant-directory). */
  CUSTOMER_PROFILE_RPC_TIMEOUT: duration().default(2_000),
  /** How long a tenant's directory (brands, properties, data sharing) is cached. */
  TENANT_DIRECTORY_CACHE: duration().default(5_000),
  /** Comment line sent on idle timeline streams (SSE) so proxies keep them open. */
  SSE_HEARTBEAT: duration().default(15_000),
  /**
   * Processes serving HTTP. 1 (default): this process does everything. Above 1: this process keeps the
   * background work (projection, ingest consumers) and forks that many node:cluster workers sharing the
   * port, so reads use more than one core.
   */
  HTTP_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  /** Check every reply against its OpenAPI schema (a broken contract answers 500). Default: on, except with NODE_ENV=production. */
  HTTP_VALIDATE_RESPONSES: bool().optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  SHUTDOWN_GRACE: duration().default(10_000),
  /** Refuse to start with the development defaults above (set true in production). */
  STRICT_PRODUCTION_CONFIG: bool().default(false),
});

/** The parsed, frozen configuration (`loadConfig` deep-freezes it). */
export type TimelineConfig = Readonly<{ [K in keyof z.output<typeof configSchema>]: Readonly<z.output<typeof configSchema>[K]> }>;
