import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Actor, Role } from './auth/actor';
import type { FieldError } from './problem';

/** HTTP methods routes may use. */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One documented response of a route. */
export type ResponseSpec = {
  description: string;
  /** JSON body schema; replies are parsed through it (unknown fields are stripped) before they are sent. */
  body?: z.ZodType;
  /** Documented response headers: name → description (e.g. `{ ETag: 'Stream version' }`). */
  headers?: Readonly<Record<string, string>>;
};

/** Responses by status code; problem responses (4xx/5xx) are added to the OpenAPI document automatically. */
export type ResponsesSpec = { readonly [status: number]: ResponseSpec };

/** Schemas for path parameters, query and headers must be zod objects (each key becomes an OpenAPI parameter). */
export type ObjectSchema = z.ZodObject;

/**
 * What a route is: transport, validation, authorisation and documentation in one place. The same
 * object drives request validation, the handler's types and the OpenAPI document.
 */
export type RouteSpec<
  P extends ObjectSchema | undefined = ObjectSchema | undefined,
  Q extends ObjectSchema | undefined = ObjectSchema | undefined,
  H extends ObjectSchema | undefined = ObjectSchema | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends ResponsesSpec = ResponsesSpec,
  Pub extends boolean = boolean,
> = {
  method: HttpMethod;
  /** Express 5 path: `/v1/tickets/:ticketId` (becomes `/v1/tickets/{ticketId}` in OpenAPI). */
  path: string;
  summary?: string;
  description?: string;
  tags?: readonly string[];
  /** Defaults to `<method><Path in camel case>`. */
  operationId?: string;
  deprecated?: boolean;
  params?: P;
  query?: Q;
  /** Header names in lower case, e.g. `z.object({ 'x-brand-id': z.string() })`. */
  headers?: H;
  /** JSON request body; requests with another content type get 415. */
  body?: B;
  responses: R;
  /** The caller needs at least one of these roles (403 `ROLE_REQUIRED` otherwise). Empty or absent: any authenticated caller. */
  roles?: readonly Role[];
  /** No token needed (the route's `actor` is then `undefined`). Use sparingly; health and OpenAPI are public already. */
  public?: Pub;
  /** Name of a path parameter that must equal the token's tenant (403 `TENANT_MISMATCH`). */
  tenantParam?: string;
  /** `If-Match` handling: parsed into `ctx.expectedVersion`; `'required'` answers 428 without it. */
  ifMatch?: 'optional' | 'required';
  /** `Idempotency-Key` handling for creates (needs `createApp({ idempotencyStore })`); `'required'` answers 400 without it. */
  idempotency?: 'optional' | 'required';
  /** Override the app's token-bucket limit for this route: `false` exempts it. */
  rateLimit?: false;
};

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

/** What a handler receives: validated, typed input and the caller. */
export type RouteContext<
  P extends ObjectSchema | undefined,
  Q extends ObjectSchema | undefined,
  H extends ObjectSchema | undefined,
  B extends z.ZodType | undefined,
  Pub extends boolean,
> = {
  params: Out<P> extends undefined ? Record<string, never> : Out<P>;
  query: Out<Q> extends undefined ? Record<string, never> : Out<Q>;
  headers: Out<H> extends undefined ? Record<string, never> : Out<H>;
  body: Out<B>;
  /** The caller; `undefined` only on `public` routes. */
  actor: Pub extends true ? Actor | undefined : Actor;
  /** The version from `If-Match` (routes with `ifMatch`); `undefined` when absent or `*`. */
  expectedVersion: number | undefined;
  /** The `Idempotency-Key` (routes with `idempotency`). */
  idempotencyKey: string | undefined;
  requestId: string;
  correlationId: string;
  /** Escape hatches: prefer returning a `Reply`. Writing to `res` directly is not possible on idempotent routes. */
  req: Request;
  res: Response;
};

type ReplyExtras = {
  /** Extra response headers. */
  headers?: Readonly<Record<string, string>>;
  /** Stream version → `ETag: "<version>"`. */
  version?: number;
  /** `Location` header (e.g. for 201). */
  location?: string;
};

declare const serializedBodyOf: unique symbol;
/**
 * A response body already serialized to JSON (`serializeBody(value)`), typed by the value it came from:
 * a handler that keeps rendered answers (a cache) sends the string as it is, without serializing again.
 */
export type SerializedBody<T> = string & { readonly [serializedBodyOf]?: T };

/** `JSON.stringify(value)`, typed as a body of the value's type (see `SerializedBody`). */
export const serializeBody = <T>(value: T): SerializedBody<T> => JSON.stringify(value) as SerializedBody<T>;

/**
 * A handler's answer: one of the route's declared responses, with a body of its schema's input type, or
 * that body already serialized (`json`; parsed and checked like any body when responses are validated).
 */
export type Reply<R extends ResponsesSpec> = {
  [S in keyof R & number]: (R[S] extends { body: infer Schema extends z.ZodType }
    ? { status: S; body: z.input<Schema>; json?: undefined } | { status: S; json: SerializedBody<z.input<Schema>>; body?: undefined }
    : { status: S; body?: undefined }) &
    ReplyExtras;
}[keyof R & number];

export type RouteHandler<
  P extends ObjectSchema | undefined,
  Q extends ObjectSchema | undefined,
  H extends ObjectSchema | undefined,
  B extends z.ZodType | undefined,
  R extends ResponsesSpec,
  Pub extends boolean,
> = (ctx: RouteContext<P, Q, H, B, Pub>) => Promise<Reply<R> | void> | Reply<R> | void;

/** Loosely typed reply as the runtime sees it. */
export type AnyReply = { status: number; body?: unknown; json?: string } & ReplyExtras;

/** A route ready for `createApp({ routes })`. */
export type RouteDefinition = {
  readonly spec: RouteSpec;
  /** Type-erased handler; `route()` guarantees it matches `spec`. */
  readonly handler: (ctx: RouteContext<ObjectSchema, ObjectSchema, ObjectSchema, z.ZodType, boolean>) => Promise<AnyReply | void> | AnyReply | void;
};

/**
 * Defines a route. Validation happens before the handler runs (400 `VALIDATION_FAILED` with field
 * errors); the handler gets typed values and the actor, and returns one of the declared responses:
 *
 * ```ts
 * route({
 *   method: 'post', path: '/v1/tickets', roles: ['agent'], idempotency: 'optional',
 *   body: z.object({ guestId: z.string(), subject: z.string().min(1) }),
 *   responses: { 201: { description: 'Opened', body: TicketView } },
 * }, async ({ body, actor }) => ({ status: 201, body: await openTicket(actor, body), version: 0 }));
 * ```
 */
export function route<
  P extends ObjectSchema | undefined = undefined,
  Q extends ObjectSchema | undefined = undefined,
  H extends ObjectSchema | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  const R extends ResponsesSpec = ResponsesSpec,
  Pub extends boolean = false,
>(spec: RouteSpec<P, Q, H, B, R, Pub>, handler: RouteHandler<P, Q, H, B, NoInfer<R>, Pub>): RouteDefinition {
  for (const status of Object.keys(spec.responses)) {
    const code = Number(status);
    if (!Number.isInteger(code) || code < 100 || code > 599) throw new RangeError(`Route ${spec.method.toUpperCase()} ${spec.path}: '${status}' is not an HTTP status`);
  }
  return { spec: spec as RouteSpec, handler: handler as unknown as RouteDefinition['handler'] };
}

/** Zod issues → field errors prefixed with where the value came from (`path`, `query`, `header`, `body`). */
export function fieldErrors(location: 'path' | 'query' | 'header' | 'body', error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    return keys.map((key) => ({
      path: [location, ...issue.path.map(String), ...(key === undefined ? [] : [key])].join('.'),
      message: issue.message,
      code: issue.code,
    }));
  }).flat();
}
