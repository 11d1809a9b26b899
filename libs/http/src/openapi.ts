import { z } from 'zod';
import { ROLES } from './auth/actor';
import { PROBLEM_CONTENT_TYPE } from './problem';
import type { ObjectSchema, RouteDefinition, RouteSpec } from './route';

/** The document's `info` and `servers`. */
export type OpenApiInfo = {
  title: string;
  version: string;
  description?: string;
  servers?: readonly { url: string; description?: string }[];
};

type JsonSchema = Record<string, unknown>;
/** An OpenAPI 3.1 document (plain JSON). */
export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
};

/** The RFC 9457 problem document Hearth sends, as a zod schema (for OpenAPI and for tests of clients). */
export const problemDetailsSchema = z.looseObject({
  type: z.string().describe('URI identifying the problem type: urn:hearth:problem:<kebab-code>'),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string(),
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/).describe('Stable machine-readable code (SCREAMING_SNAKE)'),
  instance: z.string().optional(),
  errors: z
    .array(z.object({ path: z.string().describe('location-prefixed path, e.g. body.guest.email'), message: z.string(), code: z.string().optional() }))
    .optional()
    .describe('Field-level validation errors'),
  traceId: z.string().describe('Trace id of the request (or its request id) to quote when reporting a problem'),
});

const HEALTH_SCHEMA: JsonSchema = { type: 'object', properties: { status: { type: 'string', const: 'ok' } }, required: ['status'] };
const READY_SCHEMA: JsonSchema = {
  type: 'object',
  properties: { status: { type: 'string', const: 'ready' }, checks: { type: 'object', additionalProperties: { type: 'string', enum: ['up', 'down', 'timeout'] } } },
  required: ['status', 'checks'],
};

/**
 * `/v1/tickets/:ticketId` → `/v1/tickets/{ticketId}`. Characters escaped for path-to-regexp v8 are literal:
 * `/v1/touchpoints\\:batch` (a custom method) → `/v1/touchpoints:batch`.
 */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/(?<!\\)[:*]([A-Za-z_$][A-Za-z0-9_$]*)/g, '{$1}').replace(/\\(.)/g, '$1');
}

/** `post` + `/v1/tickets/:ticketId/escalate` → `postV1TicketsByTicketIdEscalate`. */
export function defaultOperationId(method: string, expressPath: string): string {
  const words = expressPath
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith(':') || segment.startsWith('*') ? `by-${segment.slice(1)}` : segment))
    .flatMap((segment) => segment.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** Collects `$defs` of converted schemas into `components.schemas`, renaming a def whose name is taken by different content. */
class SchemaCollector {
  constructor(private readonly components: Record<string, JsonSchema>) {}

  /** `hint` names anonymous defs (zod's `__schema0` for recursive schemas without an id), e.g. `postV1PricesBody`. */
  convert(schema: z.ZodType, io: 'input' | 'output', hint: string): JsonSchema {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', cycles: 'ref', reused: 'inline' }) as JsonSchema;
    delete json.$schema;
    const defs = json.$defs as Record<string, JsonSchema> | undefined;
    if (!defs) return json;
    delete json.$defs;
    // Refs inside an embedded schema resolve against the OpenAPI document, so `#/$defs/X` must become `#/components/schemas/X`.
    const baseName = (name: string) => {
      const anonymous = /^__schema(\d+)$/.exec(name);
      return anonymous ? `${hint}${anonymous[1]}` : name.replace(/[^A-Za-z0-9._-]/g, '_');
    };
    const names = new Map(Object.keys(defs).map((name) => [name, baseName(name)]));
    const rewrite = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(rewrite);
      if (node === null || typeof node !== 'object') return node;
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) {
        const target = key === '$ref' && typeof value === 'string' && value.startsWith('#/$defs/') ? names.get(value.slice(8)) : undefined;
        out[key] = target === undefined ? rewrite(value) : `#/components/schemas/${target}`;
      }
      return out;
    };
    // Input and output forms of one schema (defaults, transforms) may differ under the same id: suffix the later one.
    const suffix = io === 'input' ? 'Input' : 'Output';
    const attempts = new Map<string, number>();
    for (;;) {
      const conflict = [...names].find(([name, target]) => {
        const existing = this.components[target];
        return existing !== undefined && JSON.stringify(existing) !== JSON.stringify(rewrite(defs[name]));
      });
      if (!conflict) break;
      const [name] = conflict;
      const attempt = (attempts.get(name) ?? 0) + 1;
      if (attempt > 20) throw new Error(`Too many different schemas named '${name}'`);
      attempts.set(name, attempt);
      names.set(name, `${baseName(name)}${suffix}${attempt === 1 ? '' : attempt}`);
    }
    for (const [name, target] of names) this.components[target] = rewrite(defs[name]) as JsonSchema;
    return rewrite(json) as JsonSchema;
  }
}

function parameters(collector: SchemaCollector, schema: ObjectSchema | undefined, location: 'path' | 'query' | 'header', hint: string): unknown[] {
  if (!schema) return [];
  const json = collector.convert(schema, 'input', hint);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, propertySchema]) => {
    const { description, ...rest } = propertySchema;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

const problemResponse = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** Problem responses the library itself may produce for a route. */
function libraryProblems(spec: RouteSpec): Record<number, string> {
  const out: Record<number, string> = { 400: 'Invalid request (problem+json with field errors)', 500: 'Unexpected error' };
  if (!spec.public) {
    out[401] = 'Missing, malformed, expired or invalid bearer token';
    out[403] = spec.roles?.length ? `Needs one of the roles: ${spec.roles.join(', ')}; or another tenant/brand` : 'Another tenant or brand than the token allows';
    out[429] = 'Rate limited (see Retry-After)';
    out[503] = 'Signing keys unavailable (JWKS mode)';
  }
  if (spec.body) {
    out[413] = 'Body larger than the limit';
    out[415] = 'Body is not JSON';
  }
  if (spec.ifMatch) out[412] = 'If-Match does not match the current version';
  if (spec.ifMatch === 'required') out[428] = 'If-Match is required';
  if (spec.idempotency) {
    out[409] = 'A request with this Idempotency-Key is in progress, or a business conflict';
    out[422] = 'The Idempotency-Key was used for a different request';
  }
  return out;
}

function operation(collector: SchemaCollector, spec: RouteSpec): Record<string, unknown> {
  const operationId = spec.operationId ?? defaultOperationId(spec.method, spec.path);
  const params = [
    ...parameters(collector, spec.params, 'path', `${operationId}Path`),
    ...parameters(collector, spec.query, 'query', `${operationId}Query`),
    ...parameters(collector, spec.headers, 'header', `${operationId}Headers`),
  ];
  // Request schemas first, so a schema used both ways keeps its plain name for the input form.
  const requestBody = spec.body
    ? {
        required: !spec.body.safeParse(undefined).success,
        content: { 'application/json': { schema: collector.convert(spec.body, 'input', `${operationId}Body`) } },
      }
    : undefined;
  if (spec.ifMatch) {
    params.push({
      name: 'If-Match',
      in: 'header',
      required: spec.ifMatch === 'required',
      description: 'The ETag (stream version) last read, e.g. "7"',
      schema: { type: 'string', pattern: '^"\\d+"$|^\\*$' },
    });
  }
  if (spec.idempotency) {
    params.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: spec.idempotency === 'required',
      description: 'Client-chosen unique key (e.g. a UUID); a retry with the same key and body replays the first response',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  }

  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    const headers = Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, description]) => [name, { description, schema: { type: 'string' } }]));
    const withHeaders = Object.keys(headers).length > 0 ? { headers } : {};
    if (response.body) {
      responses[status] = {
        description: response.description,
        ...withHeaders,
        content: { 'application/json': { schema: collector.convert(response.body, 'output', `${operationId}Response${status}`) } },
      };
    } else if (Number(status) >= 400) {
      responses[status] = { ...problemResponse(response.description), ...withHeaders };
    } else {
      responses[status] = { description: response.description, ...withHeaders };
    }
  }
  for (const [status, description] of Object.entries(libraryProblems(spec))) {
    if (!(status in responses)) responses[status] = problemResponse(description);
  }

  const op: Record<string, unknown> = {
    operationId,
    ...(spec.summary ? { summary: spec.summary } : {}),
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.tags?.length ? { tags: [...spec.tags] } : {}),
    ...(spec.deprecated ? { deprecated: true } : {}),
    security: spec.public ? [] : [{ bearerAuth: [] }],
    ...(spec.roles?.length ? { 'x-hearth-roles': [...spec.roles] } : {}),
    ...(params.length ? { parameters: params } : {}),
  };
  if (requestBody) op.requestBody = requestBody;
  op.responses = responses;
  return op;
}

/**
 * Builds the OpenAPI 3.1 document from route definitions: paths, parameters, request bodies,
 * responses (JSON Schema 2020-12 from zod 4's `z.toJSONSchema`), problem+json error responses and
 * the bearer JWT security scheme. Health and OpenAPI endpoints are included as public operations.
 */
export function buildOpenApiDocument(info: OpenApiInfo, routes: readonly RouteDefinition[]): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  const collector = new SchemaCollector(schemas);
  schemas.Problem = collector.convert(problemDetailsSchema, 'output', 'Problem');
  const paths: OpenApiDocument['paths'] = {
    '/healthz': {
      get: { operationId: 'getHealthz', summary: 'Liveness: the process is up', tags: ['operations'], security: [], responses: { 200: { description: 'Alive', content: { 'application/json': { schema: HEALTH_SCHEMA } } } } },
    },
    '/readyz': {
      get: {
        operationId: 'getReadyz',
        summary: 'Readiness: dependencies reachable and not shutting down',
        tags: ['operations'],
        security: [],
        responses: { 200: { description: 'Ready', content: { 'application/json': { schema: READY_SCHEMA } } }, 503: problemResponse('Not ready (NOT_READY with failed checks) or SHUTTING_DOWN') },
      },
    },
    '/openapi.json': {
      get: { operationId: 'getOpenApi', summary: 'This document', tags: ['operations'], security: [], responses: { 200: { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } } },
    },
  };
  for (const { spec } of routes) {
    const path = openApiPath(spec.path);
    paths[path] ??= {};
    paths[path][spec.method] = operation(collector, spec);
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    ...(info.servers?.length ? { servers: info.servers.map((s) => ({ ...s })) } : {}),
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `JWT with claims sub, tenant, roles (${ROLES.join(', ')}) and brands (list or "*").`,
        },
      },
    },
  };
}
