import { bool, duration, serviceConfigShape } from '@hearth/config';
import { customerProfileClientConfigShape } from '@hearth/customer-profile-client';
import { LOG_LEVELS } from '@hearth/observability';
import { z } from 'zod';

/** service-tickets' environment. Only index.ts reads process.env (through loadConfig in main). */
export const configSchema = z.object({
  ...serviceConfigShape({ port: 4103, schema: 'service_tickets' }),
  ...customerProfileClientConfigShape(),
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
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

/** The parsed, frozen configuration (`loadConfig` deep-freezes it). */
export type TicketsConfig = Readonly<{ [K in keyof z.output<typeof configSchema>]: Readonly<z.output<typeof configSchema>[K]> }>;
