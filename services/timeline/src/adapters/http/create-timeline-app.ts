import { createApp, createTokenVerifier } from '@hearth/http';
import type { AuthOptions, HttpLogger, RateLimitOptions, ReadinessChecks, TokenVerifier } from '@hearth/http';
import type { Express } from 'express';
import type { TimelineContext } from '../../app/timeline-context';
import { TIMELINE_ERROR_MAPPINGS, withTimelineErrors } from './errors';
import { guestRoutes } from './guest.routes';
import type { TimelineFeed } from './timeline-feed';
import { registerTimelineStream, type OpenStreams } from './timeline-stream';
import { touchpointRoutes } from './touchpoint.routes';

export type TimelineHttpAppOptions = {
  ctx: TimelineContext;
  /** How tokens are verified (`authOptionsFromEnv(config)`), or a shared verifier. */
  auth: AuthOptions | TokenVerifier;
  /** The live feed behind `GET /v1/guests/{id}/timeline/stream`. */
  feed: TimelineFeed;
  readiness?: ReadinessChecks;
  logger?: HttpLogger;
  rateLimit?: RateLimitOptions;
  trustProxy?: boolean | number | string;
  /** Check reply bodies against the response schemas (default true; see `createApp`). */
  validateResponses?: boolean;
  /** SSE heartbeat interval (default 15 s). */
  heartbeatMs?: number;
  /** Raw Express additions (e.g. `/metrics`), passed to `createApp`. */
  configure?: (app: Express) => void;
};

export type TimelineHttpApp = { app: Express; streams: OpenStreams };

const stderrLogger: HttpLogger = { error: (fields) => console.error(JSON.stringify({ level: 'error', service: 'timeline', ...fields })), warn: () => undefined };

/**
 * The timeline HTTP API on `createApp`: touchpoints (single and batch), the guest view (and time travel),
 * the timeline (paged and live over SSE) and the arrivals briefing; JWT auth with roles, brand scoping,
 * zod validation, problem+json errors, `/healthz`, `/readyz`, `/openapi.json`.
 */
export function createTimelineHttpApp(options: TimelineHttpAppOptions): TimelineHttpApp {
  const verifier = typeof (options.auth as TokenVerifier).verify === 'function' ? (options.auth as TokenVerifier) : createTokenVerifier(options.auth as AuthOptions);
  const logger = options.logger ?? stderrLogger;
  const deps = { ctx: options.ctx };
  const routes = [...touchpointRoutes(deps, { mappings: TIMELINE_ERROR_MAPPINGS, logger }), ...guestRoutes(deps)].map(withTimelineErrors);
  let streams: OpenStreams | undefined;
  const app = createApp({
    serviceName: 'timeline',
    routes,
    auth: verifier,
    openapi: {
      title: 'Hearth timeline',
      version: '1.0.0',
      description:
        'Every touchpoint of a guest on one event-sourced timeline, and the unified guest view front-line apps read: brand-scoped (shared data plus the acting brand’s private data), merge-aware (a survivor shows the merged guests’ histories; unmerge restores both) and erasure-aware (personal data gone, facts and totals kept). ' +
        'GET /v1/guests/{guestId}/timeline/stream (not listed as an operation) is a Server-Sent Events stream of new entries: event "entry", id = global position (resume with Last-Event-ID), data = TimelineEntry; roles as the other reads.',
    },
    errorMappings: TIMELINE_ERROR_MAPPINGS,
    logger,
    ...(options.readiness ? { readiness: options.readiness } : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    ...(options.validateResponses !== undefined ? { validateResponses: options.validateResponses } : {}),
    configure: (express) => {
      streams = registerTimelineStream(express, { ctx: options.ctx, feed: options.feed, verifier, ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}) });
      options.configure?.(express);
    },
  });
  return { app, streams: streams! };
}
