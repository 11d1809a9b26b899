import './express-request';

export { createApp, DEFAULT_BODY_LIMIT_BYTES } from './create-app';
export type { CreateAppOptions } from './create-app';
export { startHttpServer } from './server';
export type { RunningHttpServer, StartHttpServerOptions } from './server';
export { beginShutdown, isShuttingDown } from './app-runtime';
export { forkHttpWorkers, processRole } from './http-workers';
export type { ForkHttpWorkersOptions, ProcessRole } from './http-workers';
export { runService } from './service-runner';
export type { ServiceRunOptions, Stop } from './service-runner';

export { route, fieldErrors, serializeBody } from './route';
export { withErrorTranslation } from './error-translation';
export type { AnyReply, HttpMethod, ObjectSchema, Reply, ResponseSpec, ResponsesSpec, RouteContext, RouteDefinition, RouteHandler, RouteSpec, SerializedBody } from './route';
export { ResponseValidationError, JSON_TYPES } from './route-pipeline';

export {
  HttpError,
  PROBLEM_CONTENT_TYPE,
  conflict,
  forbidden,
  notFound,
  problemType,
  statusTitle,
  tooManyRequests,
  unprocessable,
  validationError,
} from './problem';
export type { FieldError, HttpErrorInit, ProblemDetails } from './problem';
export { DEFAULT_ERROR_MAPPINGS, currentTraceId, problemErrorHandler, routeNotFound, sendProblem, toProblem } from './error-mapping';
export type { ErrorMapping, ErrorMappings, ProblemContext, ProblemResponse } from './error-mapping';

export { ROLES, assertBrand, assertRole, assertTenant, createActor, isRole } from './auth/actor';
export type { Actor, BrandScope, Role } from './auth/actor';
export {
  AuthConfigError,
  DEFAULT_DEVELOPMENT_JWT_SECRET,
  MIN_SECRET_LENGTH,
  authOptionsFromEnv,
  createTokenVerifier,
  unauthorized,
} from './auth/token-verifier';
export type { AuthOptions, JwksAlgorithm, TokenVerifier } from './auth/token-verifier';
export { authenticate, authenticateRequest, bearerToken, requireActor } from './auth/authenticate';
export { signHs256Token } from './auth/sign-token';
export type { HearthClaims, SignTokenOptions } from './auth/sign-token';

export { etagOf, parseIfMatch, setEtag } from './etag';
export type { IfMatchOptions } from './etag';

export {
  DEFAULT_IDEMPOTENCY_TTL_MS,
  DEFAULT_IN_FLIGHT_TIMEOUT_MS,
  canonicalJson,
  requestFingerprint,
} from './idempotency/idempotency-store';
export type {
  IdempotencyBegin,
  IdempotencyScope,
  IdempotencyStore,
  IdempotencyStoreOptions,
  StoredResponse,
} from './idempotency/idempotency-store';
export { MemoryIdempotencyStore } from './idempotency/memory-idempotency-store';
export { PostgresIdempotencyStore } from './idempotency/postgres-idempotency-store';
export type { PostgresIdempotencyStoreOptions } from './idempotency/postgres-idempotency-store';
export { describeIdempotencyStoreConformance } from './idempotency/idempotency-store.conformance';
export type { IdempotencyStoreFactory } from './idempotency/idempotency-store.conformance';

export { buildOpenApiDocument, defaultOperationId, openApiPath, problemDetailsSchema } from './openapi';
export type { OpenApiDocument, OpenApiInfo } from './openapi';
export { healthHandler, readinessHandler } from './health';
export type { CheckStatus, ReadinessCheck, ReadinessChecks } from './health';
export { createRateLimiter } from './rate-limit';
export type { RateLimitDecision, RateLimitOptions, RateLimiter } from './rate-limit';
export { acceptedId, requestContext } from './request-context';
export { SECURITY_HEADERS, securityHeaders } from './security-headers';
export { jsonLineLogger, serializeError } from './logger';
export type { HttpLogger } from './logger';
export { TOKEN_CLI_USAGE, TokenCliError, runTokenCli } from './token-cli';
