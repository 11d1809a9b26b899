import { createApp, createTokenVerifier, MemoryIdempotencyStore } from '@hearth/http';
import type { AuthOptions, HttpLogger, IdempotencyStore, RateLimitOptions, ReadinessChecks, RouteDefinition, TokenVerifier } from '@hearth/http';
import type { DocumentStore } from '@hearth/read-models';
import type { Express } from 'express';
import type { AssignedTickets } from '../../app/ticket-use-cases';
import type { ErasureHook, TicketsContext } from '../../app/tickets-context';
import { agentRoutes } from './agent.routes';
import { TICKETS_ERROR_MAPPINGS, withTicketErrors } from './errors';
import { assignedTicketsFromQueue, queueRoutes } from './queue.routes';
import { settingsRoutes } from './settings.routes';
import { ticketRoutes } from './ticket.routes';

export type TicketsHttpAppOptions = {
  ctx: TicketsContext;
  /** How tokens are verified (`authOptionsFromEnv(config)`), or a shared verifier. */
  auth: AuthOptions | TokenVerifier;
  /** The queue and reporting read models (`GET /v1/tickets`, `/v1/tickets/metrics`, bulk delegation). */
  readModels: DocumentStore;
  /** Override where bulk delegation finds an agent's tickets (default: the queue read model). */
  assignedTickets?: AssignedTickets;
  /** Replayed responses of `POST /v1/tickets` with an Idempotency-Key (default: in memory). */
  idempotencyStore?: IdempotencyStore;
  /** More routes served by this app (the knowledge base's `routes`). */
  extraRoutes?: readonly RouteDefinition[];
  readiness?: ReadinessChecks;
  logger?: HttpLogger;
  rateLimit?: RateLimitOptions;
  trustProxy?: boolean | number | string;
  /** Check replies against their schemas (default true; `HTTP_VALIDATE_RESPONSES`). */
  validateResponses?: boolean;
  /** Raw Express additions (e.g. `/metrics`), passed to `createApp`. */
  configure?: (app: Express) => void;
};

const stderrLogger: HttpLogger = { error: (fields) => console.error(JSON.stringify({ level: 'error', service: 'service-tickets', ...fields })), warn: () => undefined };

/**
 * Replayable responses of ticket creation quote the ticket (subject, description): on a guest's erasure
 * they are deleted with the ticket keys (add to the context's `erasureHooks`).
 */
export function idempotencyErasureHook(store: IdempotencyStore): ErasureHook {
  return async (tenantId, guestId, ticketIds) => {
    for (const id of [guestId, ...ticketIds]) await store.forgetResponsesMentioning(tenantId, id);
  };
}

/**
 * The service-tickets HTTP API on `createApp`: tickets (open, read, every lifecycle verb), the unified
 * queue and metrics, bulk delegation, the tenant's ticket settings, and any extra routes (the knowledge
 * base); JWT auth with roles, brand scoping, zod validation, problem+json errors, ETag/If-Match,
 * Idempotency-Key, `/healthz`, `/readyz`, `/openapi.json`.
 */
export function createTicketsHttpApp(options: TicketsHttpAppOptions): Express {
  const verifier = typeof (options.auth as TokenVerifier).verify === 'function' ? (options.auth as TokenVerifier) : createTokenVerifier(options.auth as AuthOptions);
  const logger = options.logger ?? stderrLogger;
  const deps = { ctx: options.ctx, readModels: options.readModels, assignedTickets: options.assignedTickets ?? assignedTicketsFromQueue(options.readModels) };
  const routes = [
    // before /v1/tickets/:ticketId, which would otherwise take "metrics" for a ticket id
    ...queueRoutes(deps),
    ...ticketRoutes(deps),
    ...agentRoutes(deps, { mappings: TICKETS_ERROR_MAPPINGS, logger }),
    ...settingsRoutes(deps),
  ].map(withTicketErrors);
  return createApp({
    serviceName: 'service-tickets',
    routes: [...routes, ...(options.extraRoutes ?? [])],
    auth: verifier,
    openapi: {
      title: 'Hearth service tickets',
      version: '1.0.0',
      description:
        'Tickets (inquiries, requests, complaints) from every channel, worked through open → assigned → in progress ↔ waiting on guest → resolved → closed (reopen within a window); assignment, delegation, referral, comments, attachments by reference, complaints, service recovery and satisfaction; SLA targets in business hours with automatic escalation; the unified queue and reporting; the knowledge base. ' +
        'Writes take If-Match (ETag = ticket stream version; 412 on mismatch); illegal transitions are 409 with a stable code and the ticket status.',
    },
    errorMappings: TICKETS_ERROR_MAPPINGS,
    idempotencyStore: options.idempotencyStore ?? new MemoryIdempotencyStore(),
    logger,
    ...(options.readiness ? { readiness: options.readiness } : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    ...(options.validateResponses !== undefined ? { validateResponses: options.validateResponses } : {}),
    ...(options.configure ? { configure: options.configure } : {}),
  });
}
