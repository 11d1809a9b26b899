import { currentTraceHeaders, withSpan, type TraceHeaders } from '@hearth/observability';
import { RequestError, errors as natsErrors, type Msg, type NatsConnection, type Subscription as NatsSubscription } from '@nats-io/transport-node';
import {
  InvalidMessagingOptionError,
  MessagingClosedError,
  NoRespondersError,
  RemoteError,
  RequestTimeoutError,
  RequestValidationError,
  ResponseValidationError,
  type ValidationIssue,
} from './errors';
import { HEADERS, buildHeaders, headersToRecord, traceHeadersOf } from './headers';
import { sleep } from './retry';

/**
 * Any schema with zod's `safeParse` shape (a `z.ZodType` fits), so this library does not depend on
 * zod itself.
 */
export type Schema<T> = {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: unknown };
};

/** The wire format of a reply. */
export type ReplyBody<T> =
  | { ok: true; data: T }
  | { ok: false; error: { code: string; message: string; issues?: readonly ValidationIssue[] } };

/** What a responder's handler knows besides the request. */
export type RequestContext = {
  readonly subject: string;
  readonly headers: Readonly<Record<string, string>>;
};

export type ResponderOptions<TReq, TRes> = {
  /** `rpc.<service>.<query>`, e.g. `rpc.customer-profile.resolve-guest`. Must not start with `hearth.` (stream subjects). */
  subject: string;
  /** Validates requests; an invalid one is answered with `INVALID_REQUEST` and field-level issues. */
  requestSchema: Schema<TReq>;
  /**
   * Answers one request. A thrown error with a string `code` is sent back as that code and its
   * message; any other error as `INTERNAL_ERROR` with a generic message (no internals leak).
   */
  handle: (request: TReq, context: RequestContext) => Promise<TRes>;
  /** Queue group shared by the service's instances so each request is answered once (default: the subject). */
  queue?: string;
};

export type Responder = {
  readonly subject: string;
  /** Stops taking requests, waits (bounded) for requests in progress to be answered. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
};

export type RequestOptions<TRes> = {
  /** Default 2,000 ms. */
  timeoutMs?: number;
  /** Validates the reply's data (`ResponseValidationError`). Without it the data is returned unchecked. */
  responseSchema?: Schema<TRes>;
  /** Validates the payload before sending (`RequestValidationError`). */
  requestSchema?: Schema<unknown>;
  /** Trace context to continue when no span is active. */
  traceHeaders?: TraceHeaders;
};

function assertRpcSubject(subject: string): void {
  if (typeof subject !== 'string' || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(subject)) {
    throw new InvalidMessagingOptionError('subject', `'${String(subject)}' must be a literal NATS subject`);
  }
  if (subject.startsWith('hearth.')) {
    // A JetStream stream listening on hearth.<service>.> would store the request and answer it with a PubAck.
    throw new InvalidMessagingOptionError('subject', `'${subject}' is inside the stream subject space hearth.>; use rpc.<service>.<query>`);
  }
}

/** Field-level issues of a failed `safeParse` (zod's `issues`, else the error's message). */
export function issuesOf(error: unknown): ValidationIssue[] {
  const issues = (error as { issues?: unknown })?.issues;
  if (Array.isArray(issues)) {
    return issues.map((issue: { path?: readonly PropertyKey[]; message?: string }) => ({
      path: (issue.path ?? []).map((segment) => (typeof segment === 'number' ? `[${segment}]` : String(segment))).join('.').replaceAll('.[', '['),
      message: issue.message ?? 'invalid',
    }));
  }
  return [{ path: '', message: error instanceof Error ? error.message : String(error) }];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Answers requests on `subject` (a queue group, so instances share the load). */
export function createResponder<TReq, TRes>(nc: NatsConnection, options: ResponderOptions<TReq, TRes>): Responder {
  assertRpcSubject(options.subject);
  if (nc.isClosed() || nc.isDraining()) throw new MessagingClosedError('create a responder');
  const inFlight = new Set<Promise<void>>();

  const answer = async (msg: Msg): Promise<void> => {
    const headers = headersToRecord(msg.headers);
    const reply = await withSpan(`respond ${options.subject}`, { kind: 'server', parent: traceHeadersOf(headers), attributes: { 'rpc.system': 'nats', 'rpc.method': options.subject } }, async (): Promise<ReplyBody<TRes>> => {
      let payload: unknown;
      try {
        payload = JSON.parse(decoder.decode(msg.data));
      } catch {
        return { ok: false, error: { code: 'INVALID_REQUEST', message: 'the request is not JSON', issues: [{ path: '', message: 'not JSON' }] } };
      }
      const parsed = options.requestSchema.safeParse(payload);
      if (!parsed.success) {
        const issues = issuesOf(parsed.error);
        return { ok: false, error: { code: 'INVALID_REQUEST', message: 'the request does not match the schema', issues } };
      }
      try {
        return { ok: true, data: await options.handle(parsed.data, { subject: msg.subject, headers }) };
      } catch (error) {
        const code = (error as { code?: unknown })?.code;
        if (typeof code === 'string' && code !== '') {
          return { ok: false, error: { code, message: error instanceof Error ? error.message : String(error) } };
        }
        return { ok: false, error: { code: 'INTERNAL_ERROR', message: 'the responder failed' } };
      }
    }).catch((): ReplyBody<TRes> => ({ ok: false, error: { code: 'INTERNAL_ERROR', message: 'the responder failed' } }));
    if (msg.reply) msg.respond(encoder.encode(JSON.stringify(reply)));
  };

  const sub: NatsSubscription = nc.subscribe(options.subject, {
    queue: options.queue ?? options.subject,
    callback: (error, msg) => {
      if (error) return;
      const job = answer(msg).catch(() => undefined);
      inFlight.add(job);
      void job.finally(() => inFlight.delete(job));
    },
  });

  return {
    subject: options.subject,
    async stop({ timeoutMs = 10_000 } = {}) {
      if (!sub.isClosed()) await sub.drain().catch(() => undefined);
      const timeout = new AbortController();
      await Promise.race([Promise.all([...inFlight]), sleep(timeoutMs, timeout.signal)]);
      timeout.abort();
    },
  };
}

/**
 * Sends a request and returns the reply's data. Throws `RequestTimeoutError`, `NoRespondersError`,
 * `RemoteError` (the responder's code and message; `INVALID_REQUEST` when it rejected the payload),
 * `RequestValidationError` (payload checked here first when `requestSchema` is given) or
 * `ResponseValidationError`.
 */
export async function request<TRes = unknown>(
  nc: NatsConnection,
  subject: string,
  payload: unknown,
  options: RequestOptions<TRes> = {},
): Promise<TRes> {
  assertRpcSubject(subject);
  const timeoutMs = options.timeoutMs ?? 2_000;
  if (options.requestSchema) {
    const checked = options.requestSchema.safeParse(payload);
    if (!checked.success) throw new RequestValidationError(subject, issuesOf(checked.error), { cause: checked.error });
  }
  return withSpan(`request ${subject}`, { kind: 'client', parent: options.traceHeaders, attributes: { 'rpc.system': 'nats', 'rpc.method': subject } }, async () => {
    const active = currentTraceHeaders();
    const trace = active.traceparent ? active : (options.traceHeaders ?? {});
    let msg: Msg;
    try {
      msg = await nc.request(subject, encoder.encode(JSON.stringify(payload)), {
        timeout: timeoutMs,
        headers: buildHeaders({ [HEADERS.traceparent]: trace.traceparent, [HEADERS.tracestate]: trace.tracestate }),
      });
    } catch (error) {
      if (error instanceof natsErrors.TimeoutError) throw new RequestTimeoutError(subject, timeoutMs, { cause: error });
      if ((error instanceof RequestError && error.isNoResponders()) || error instanceof natsErrors.NoRespondersError) {
        throw new NoRespondersError(subject, { cause: error });
      }
      if (error instanceof natsErrors.ClosedConnectionError || error instanceof natsErrors.DrainingConnectionError) {
        throw new MessagingClosedError(`request ${subject}`);
      }
      throw error;
    }
    let body: ReplyBody<unknown>;
    try {
      body = JSON.parse(decoder.decode(msg.data)) as ReplyBody<unknown>;
    } catch (error) {
      throw new ResponseValidationError(subject, [{ path: '', message: 'the reply is not JSON' }], { cause: error });
    }
    if (body?.ok === false && typeof body.error?.code === 'string') {
      throw new RemoteError(subject, body.error.code, String(body.error.message ?? ''), body.error.issues ?? []);
    }
    if (body?.ok !== true || !('data' in body)) {
      throw new ResponseValidationError(subject, [{ path: '', message: 'the reply is not a Hearth reply ({ ok, data | error })' }]);
    }
    if (!options.responseSchema) return body.data as TRes;
    const parsed = options.responseSchema.safeParse(body.data);
    if (!parsed.success) throw new ResponseValidationError(subject, issuesOf(parsed.error), { cause: parsed.error });
    return parsed.data;
  });
}
