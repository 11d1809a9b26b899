import type { MergeProposalList } from '../read-models/merge-proposals.read-model';
import { createApp, MemoryIdempotencyStore } from '@hearth/http';
import type { AuthOptions, HttpLogger, IdempotencyStore, RateLimitOptions, ReadinessChecks, TokenVerifier } from '@hearth/http';
import type { Express } from 'express';
import type { ProfileContext } from '../../app/profile-context';
import { PROFILE_ERROR_MAPPINGS, withDomainErrors } from './errors';
import type { GuestSearch } from './guest-search';
import { guestRoutes } from './guest.routes';
import { mergeProposalRoutes } from './merge-proposal.routes';
import { tenantRoutes } from './tenant.routes';

/** What the customer-profile HTTP API is built from (the composition root passes real adapters). */
export type ProfileHttpAppOptions = {
  /** The use cases' context: crypto-shredding event store, key destruction, identity pepper, ids, clock. */
  ctx: ProfileContext;
  /** How tokens are verified (`authOptionsFromEnv(config)`), or a shared verifier. */
  auth: AuthOptions | TokenVerifier;
  /**
   * Where Idempotency-Key outcomes are kept. Defaults to an in-memory store, which only protects
   * retries that reach the same instance: pass `PostgresIdempotencyStore` when running several.
   */
  idempotencyStore?: IdempotencyStore;
  /** Checks for `/readyz`, e.g. `{ postgres: () => pool.query('SELECT 1') }`. */
  readiness?: ReadinessChecks;
  logger?: HttpLogger;
  /** The guest search read model; without it only `GET /v1/guests?identifier=` lookups are available. */
  search?: GuestSearch;
  /** Country for phone numbers given without a country code (`DEFAULT_COUNTRY`). */
  defaultCountry?: string;
  rateLimit?: RateLimitOptions;
  trustProxy?: boolean | number | string;
  /** Check reply bodies against the response schemas (default true; see `createApp`). */
  validateResponses?: boolean;
  /** The merge-proposals read model, for `GET /v1/merge-proposals`. */
  proposals?: MergeProposalList;
  /** Raw Express additions (e.g. `/metrics`), passed to `createApp`. */
  configure?: (app: Express) => void;
};

/**
 * The customer-profile HTTP API (`/v1/guests…`, `/v1/merge-proposals…`, `/v1/brands`, `/v1/properties`,
 * `/v1/attributes`) on `createApp`: JWT auth with roles and brand scopes, zod validation, problem+json
 * errors, ETag/If-Match, Idempotency-Key, `/healthz`, `/readyz` and `/openapi.json`.
 */
export function createProfileHttpApp(options: ProfileHttpAppOptions): Express {
  const idempotencyStore = options.idempotencyStore ?? new MemoryIdempotencyStore();
  // replayable responses are copies of personal data too: erasure forgets those naming the guest
  const ctx: ProfileContext = {
    ...options.ctx,
    erasureHooks: [...options.ctx.erasureHooks, (tenantId, guestId) => idempotencyStore.forgetResponsesMentioning(tenantId, guestId)],
  };
  const deps = {
    ctx,
    ...(options.search ? { search: options.search } : {}),
    ...(options.proposals ? { proposals: options.proposals } : {}),
    ...(options.defaultCountry ? { defaultCountry: options.defaultCountry } : {}),
  };
  const routes = [...guestRoutes(deps), ...mergeProposalRoutes(deps), ...tenantRoutes(deps)].map(withDomainErrors);
  return createApp({
    serviceName: 'customer-profile',
    routes,
    auth: options.auth,
    openapi: {
      title: 'Hearth customer-profile',
      version: '1.0.0',
      description:
        'Who a guest is, across the brands of a chain: identities and lookup, resolution and merge proposals, preferences, consents, merge and unmerge, export and erasure; tenant configuration. ' +
        'Brand-scoped tokens see shared data plus their own brands’ private data, and only guests of brands in their data-sharing view. Merged guests answer GET with 301 (problem+json, Location → survivor).',
    },
    errorMappings: PROFILE_ERROR_MAPPINGS,
    idempotencyStore,
    ...(options.readiness ? { readiness: options.readiness } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.configure ? { configure: options.configure } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    ...(options.validateResponses !== undefined ? { validateResponses: options.validateResponses } : {}),
  });
}
