import { bool, duration, port, secret, url } from '@hearth/config';
import { LOG_LEVELS } from '@hearth/observability';
import { z } from 'zod';

/** service-tickets' environment. Only index.ts reads process.env (through loadConfig in main). */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port().default(4103),
  DATABASE_URL: url({ protocols: ['postgres', 'postgresql'] }).default('postgres://postgres@127.0.0.1:5432/test'),
  /** The service's own PostgreSQL schema (event store, subject keys, read models, timers, checkpoints). */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).default('service_tickets'),
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
  /** Subject prefix of customer-profile's request/reply (`<prefix>.resolve` …); only isolated test stacks change it. */
  CUSTOMER_PROFILE_RPC_PREFIX: z.string().regex(/^rpc(\.[A-Za-z0-9_-]+)+$/).default('rpc.customer-profile'),
  /** Timeout of each request to customer-profile (resolve, guest-summary, tenant-directory). */
  CUSTOMER_PROFILE_RPC_TIMEOUT: duration().default(2_000),
  /** How long a tenant's directory (brands, properties with time zones, data sharing) is cached. */
  TENANT_DIRECTORY_CACHE: duration().default(5_000),
  /** How long a tenant's ticket settings are cached by other instances (this one applies its own changes at once). */
  TICKET_SETTINGS_CACHE: duration().default(5_000),
  /** Relay the ticket events to NATS (`HEARTH_SERVICE_TICKETS`). Off only for isolated test stacks. */
  FORWARD_INTEGRATION_EVENTS: bool().default(true),
  /** Durable consumer of customer-profile's guest events (erasure). Give an isolated test stack its own. */
  GUEST_EVENTS_DURABLE: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/).default('service-tickets--guests'),
  /** Where a new durable starts: `all` (production: no erasure may be missed) or `new` (isolated test stacks). */
  GUEST_EVENTS_DELIVER_POLICY: z.enum(['all', 'new']).default('all'),
  /** How often customer-profile's stream is looked for while it does not exist yet. */
  GUEST_EVENTS_RETRY: duration().default(5_000),
  /** Deliveries of a failing guest event before it is dead-lettered. */
  NATS_MAX_DELIVER: z.coerce.number().int().min(1).max(100).default(5),
  /** Longest idle wait of the SLA timer worker between two looks at the timers (it also wakes on NOTIFY and at the next due time). */
  SLA_TIMER_POLL_INTERVAL: duration().default(5_000),
  /** How long a fired SLA timer is exclusively held by one instance before another may fire it again. */
  SLA_TIMER_LEASE: duration().default(30_000),
  /** Attempts of a failing SLA timer before it is marked failed (kept, visible in the timers table and metrics). */
  SLA_TIMER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1_000).default(10),
  /**
   * Processes serving HTTP. 1 (default): this process does everything. Above 1: this process keeps the
   * background work (forwarder, projections, SLA scheduler and timers, guest events) and forks that many
   * node:cluster workers sharing the port.
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
export type TicketsConfig = Readonly<{ [K in keyof z.output<typeof configSchema>]: Readonly<z.output<typeof configSchema>[K]> }>;
