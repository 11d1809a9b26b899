import express from 'express';
import type { Express } from 'express';
import { registerRuntime } from './app-runtime';
import type { AppRuntime } from './app-runtime';
import { createTokenVerifier } from './auth/token-verifier';
import type { AuthOptions, TokenVerifier } from './auth/token-verifier';
import { problemErrorHandler, routeNotFound } from './error-mapping';
import type { ErrorMappings } from './error-mapping';
import { healthHandler, readinessHandler } from './health';
import type { ReadinessChecks } from './health';
import type { IdempotencyStore } from './idempotency/idempotency-store';
import { jsonLineLogger } from './logger';
import type { HttpLogger } from './logger';
import { buildOpenApiDocument } from './openapi';
import type { OpenApiDocument, OpenApiInfo } from './openapi';
import { createRateLimiter } from './rate-limit';
import type { RateLimitOptions } from './rate-limit';
import { applyRequestContext } from './request-context';
import type { RouteDefinition } from './route';
import { compileRoute } from './route-pipeline';
import { applySecurityHeaders } from './security-headers';

/** JSON request bodies above this are refused with 413 (1 MiB). */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export type CreateAppOptions = {
  /** Used in logs. */
  serviceName: string;
  routes: readonly RouteDefinition[];
  /** How tokens are verified (see `authOptionsFromEnv`), or a verifier shared between apps. */
  auth: AuthOptions | TokenVerifier;
  /** Dependency checks for `/readyz`, e.g. `{ postgres: () => pool.query('SELECT 1') }`. */
  readiness?: ReadinessChecks;
  /** Per-check timeout for `/readyz` (default 2 s). */
  readinessTimeoutMs?: number;
  openapi: OpenApiInfo;
  /** The service's typed-error codes → status, on top of `DEFAULT_ERROR_MAPPINGS`. */
  errorMappings?: ErrorMappings;
  /** Needed when any route has `idempotency`. */
  idempotencyStore?: IdempotencyStore;
  /** Per-tenant token bucket (in memory, per instance); off when absent. */
  rateLimit?: RateLimitOptions;
  /** Defaults to JSON lines on stderr; pass the service's pino logger. */
  logger?: HttpLogger;
  /** Default 1 MiB. */
  bodyLimitBytes?: number;
  /**
   * Check every reply body against the route's declared response schema (default true): a handler that
   * breaks the contract answers 500 instead of sending it. It costs a schema parse per response, so a
   * service may turn it off in production once its tests run with it on (services: `HTTP_VALIDATE_RESPONSES`).
   */
  validateResponses?: boolean;
  /** Express `trust proxy` (e.g. `1` behind one ingress) so `req.ip` is the client's. */
  trustProxy?: boolean | number | string;
  /** Adds raw Express middleware or routes after the library's and before the 404 and error handlers. */
  configure?: (app: Express) => void;
};

function isVerifier(auth: AuthOptions | TokenVerifier): auth is TokenVerifier {
  return typeof (auth as TokenVerifier).verify === 'function';
}

/**
 * Builds a service's Express 5 app: request and correlation ids, security headers, `/healthz`,
 * `/readyz`, `/openapi.json`, the routes (each with JWT auth, roles, tenant check, JSON body limit,
 * zod validation, If-Match and Idempotency-Key handling as declared) and problem+json errors.
 * Configuration mistakes (duplicate routes, idempotent routes without a store, weak secrets) throw here.
 */
export function createApp(options: CreateAppOptions): Express {
  const seen = new Set<string>();
  for (const { spec } of options.routes) {
    const key = `${spec.method.toUpperCase()} ${spec.path}`;
    if (seen.has(key)) throw new Error(`Route ${key} is defined twice`);
    seen.add(key);
    if (spec.idempotency && !options.idempotencyStore) throw new Error(`Route ${key} uses Idempotency-Key but createApp has no idempotencyStore`);
    if (spec.tenantParam !== undefined && !spec.path.includes(`:${spec.tenantParam}`)) throw new Error(`Route ${key}: tenantParam '${spec.tenantParam}' is not a path parameter`);
  }

  const logger = options.logger ?? jsonLineLogger(options.serviceName);
  const runtime: AppRuntime = {
    serviceName: options.serviceName,
    problems: { mappings: options.errorMappings ?? {}, logger },
    verifier: isVerifier(options.auth) ? options.auth : createTokenVerifier(options.auth),
    idempotencyStore: options.idempotencyStore,
    rateLimiter: options.rateLimit ? createRateLimiter(options.rateLimit) : undefined,
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    validateResponses: options.validateResponses ?? true,
    shuttingDown: false,
  };
  // Built once at start: a schema zod cannot express fails here, not on the first request for the document.
  const openApiDocument: OpenApiDocument = buildOpenApiDocument(options.openapi, options.routes);
  const openApiJson = JSON.stringify(openApiDocument);

  const app = express();
  registerRuntime(app, runtime);
  app.disable('x-powered-by');
  // Express would add weak body-hash ETags; ours are stream versions, set explicitly.
  app.set('etag', false);
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);

  // One middleware instead of three: every Express layer costs a router step (and a span check) per request.
  app.use((req, res, next) => {
    const received = performance.now();
    applyRequestContext(req, res);
    applySecurityHeaders(res);
    // While draining, ask keep-alive clients to reconnect (to another instance) after this response. Decided
    // when the headers go out, not when the request came in, so requests already in flight are covered too.
    // Server-Timing says how long the service took until it answered (clients and benchmarks tell server
    // time from network and client time with it).
    const writeHead = res.writeHead;
    res.writeHead = function writeHeadWhileDraining(this: typeof res, ...args: unknown[]) {
      if (!this.headersSent) {
        if (runtime.shuttingDown) this.setHeader('Connection', 'close');
        this.setHeader('Server-Timing', `app;dur=${(performance.now() - received).toFixed(2)}`);
      }
      return (writeHead as (...a: unknown[]) => typeof res).apply(this, args);
    } as typeof res.writeHead;
    next();
  });

  app.get('/healthz', healthHandler());
  app.get(
    '/readyz',
    readinessHandler({ checks: options.readiness ?? {}, timeoutMs: options.readinessTimeoutMs ?? 2_000, logger, isShuttingDown: () => runtime.shuttingDown }),
  );
  app.get('/openapi.json', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('application/json').send(openApiJson);
  });

  for (const definition of options.routes) {
    app[definition.spec.method](definition.spec.path, compileRoute(definition, runtime));
  }
  options.configure?.(app);

  app.use(routeNotFound());
  app.use(problemErrorHandler(runtime.problems));
  return app;
}
