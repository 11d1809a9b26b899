import { context, createContextKey, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span } from '@opentelemetry/api';

/** W3C trace context as it travels in HTTP headers, NATS headers and event metadata. */
export type TraceHeaders = { traceparent?: string; tracestate?: string };

/** Attribute names Hearth puts on spans and metrics (conventions: Errors, config, observability). */
export const HEARTH_ATTRIBUTES = {
  commandType: 'hearth.command.type',
  streamName: 'hearth.stream.name',
  eventType: 'hearth.event.type',
  eventId: 'hearth.event.id',
  tenantId: 'hearth.tenant.id',
  brandId: 'hearth.brand.id',
  consumer: 'hearth.consumer',
  projection: 'hearth.projection',
  /** `ok` or `error`: how a command, message or publish ended (metrics). */
  outcome: 'hearth.outcome',
} as const;

const TRACER_NAME = 'hearth';

/** The active trace context as W3C headers; empty when no span is active or no SDK is running. */
export function currentTraceHeaders(ctx: Context = context.active()): TraceHeaders {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const out: TraceHeaders = {};
  if (carrier.traceparent) out.traceparent = carrier.traceparent;
  if (carrier.tracestate) out.tracestate = carrier.tracestate;
  return out;
}

/**
 * Names the HTTP server span of the request being handled by its route template (`/v1/guests/:guestId/view`):
 * the http instrumentation then calls the span `GET /v1/guests/:guestId/view` and records `http.route` on
 * the span and on the `http.server.request.duration` metric. Called by @hearth/http for every route, so
 * Hearth needs no Express instrumentation (its router and handler spans cost about 0.1 ms of CPU per
 * request, a fifth of a cached guest-view read); plain Express apps call it in their handlers.
 */
export function setHttpRoute(route: string, ctx: Context = context.active()): void {
  const rpc = ctx.getValue(RPC_METADATA_KEY) as { type?: unknown; route?: string } | undefined;
  if (rpc?.type === 'http') rpc.route = route;
}

/**
 * Where the http instrumentation keeps a request's route (@opentelemetry/core's `getRPCMetadata`; the
 * key is a registered symbol, so it is the same key): not imported from core, which would load ~0.2 s
 * of SDK code into every lib that only propagates context. The trace-chain tests check the span names.
 */
const RPC_METADATA_KEY = createContextKey('OpenTelemetry SDK Context Key RPC_METADATA');

/** A context whose parent is the trace described by `headers` (the active context when there are none). */
export function contextFromTraceHeaders(headers: TraceHeaders | undefined, base: Context = context.active()): Context {
  if (!headers?.traceparent) return base;
  const carrier: Record<string, string> = { traceparent: headers.traceparent };
  if (headers.tracestate) carrier.tracestate = headers.tracestate;
  return propagation.extract(base, carrier);
}

export type SpanOptions = {
  kind?: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  attributes?: Attributes;
  /** Continue this remote trace (e.g. from NATS headers or event metadata) instead of the active one. */
  parent?: TraceHeaders;
};

const KINDS = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
} as const;

/**
 * Runs `fn` inside a new span that is active for everything `fn` awaits; records an exception and an
 * error status when `fn` throws; always ends the span. A no-op span when no SDK is running.
 */
export async function withSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = contextFromTraceHeaders(options.parent);
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind: KINDS[options.kind ?? 'internal'], attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/** Trace and span id of the active span, for log lines; undefined when none is active. */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const span = trace.getSpan(context.active());
  const ctx = span?.spanContext();
  if (!ctx || !trace.isSpanContextValid(ctx)) return undefined;
  return { traceId: ctx.traceId, spanId: ctx.spanId };
}
