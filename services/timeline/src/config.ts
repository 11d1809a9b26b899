import { csv, duration, serviceConfigShape } from '@hearth/config';
import { customerProfileClientConfigShape } from '@hearth/customer-profile-client';
import { LOG_LEVELS } from '@hearth/observability';
import { z } from 'zod';

/** Services whose JetStream streams the timeline ingests by default (those not running yet are waited for). */
export const DEFAULT_SOURCE_SERVICES = ['customer-profile', 'service-tickets', 'loyalty', 'sales', 'analytics'] as const;

/** timeline's environment. Only index.ts reads process.env (through loadConfig in main). */
export const configSchema = z.object({
  ...serviceConfigShape({ port: 4102, schema: 'timeline' }),
  ...customerProfileClientConfigShape(),
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
  /** Comment line sent on idle timeline streams (SSE) so proxies keep them open. */
  SSE_HEARTBEAT: duration().default(15_000),
  /** Guest views kept in each process's memory (exact: dropped when the projection changes them; 0 turns the cache off). */
  VIEW_CACHE_SIZE: z.coerce.number().int().min(0).max(10_000_000).default(50_000),
  /** And at most this many MiB of them (their JSON text); views the projection of this process writes are kept as written. */
  VIEW_CACHE_MB: z.coerce.number().int().min(1).max(65_536).default(256),
  /** Rendered guest views (JSON) kept per process, in MiB (0 turns it off): a read of an unchanged view sends them as they are. */
  VIEW_RENDER_CACHE_MB: z.coerce.number().int().min(0).max(4_096).default(32),
  /** How old a kept rendering may be (its `generatedAt`, and the clock its cues were computed at). */
  VIEW_RENDER_MAX_AGE: duration().default(60_000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

/** The parsed, frozen configuration (`loadConfig` deep-freezes it). */
export type TimelineConfig = Readonly<{ [K in keyof z.output<typeof configSchema>]: Readonly<z.output<typeof configSchema>[K]> }>;
