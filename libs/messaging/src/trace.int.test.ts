/**
 * Trace context flows producer → NATS headers → consumer (and requester → responder) when an
 * OpenTelemetry SDK is running. The SDK packages come with @hearth/observability.
 */
import { activeTraceIds, withSpan } from '@hearth/observability';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { eventually } from '@hearth/testing';
import { z } from 'zod';
import { createTestKit, type TestKit } from './test-support/nats-test-kit';

describe('trace propagation through NATS', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const contextManager = new AsyncLocalStorageContextManager();
  let kit: TestKit;

  beforeAll(() => {
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(contextManager.enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(async () => {
    await provider.shutdown();
    contextManager.disable();
    trace.disable();
    context.disable();
    propagation.disable();
  });
  beforeEach(async () => {
    exporter.reset();
    kit = await createTestKit({ partitions: 2 });
  });
  afterEach(() => kit.cleanup());

  const spanNamed = (name: string): ReadableSpan => {
    const span = exporter.getFinishedSpans().find((s) => s.name === name);
    if (!span) throw new Error(`no span ${name} among ${exporter.getFinishedSpans().map((s) => s.name).join(', ')}`);
    return span;
  };

  it('makes the consumer span a child of the publish span, inside the originating trace', async () => {
    const handlerTraces: (string | undefined)[] = [];
    await kit.messaging.consume({
      stream: kit.stream,
      durable: 'test--trace',
      contracts: [kit.visitV1],
      handle: async () => {
        handlerTraces.push(activeTraceIds()?.traceId);
      },
    });
    const rootTraceId = await withSpan('POST /v1/visits', { kind: 'server' }, async () => {
      await kit.messaging.publish(kit.visit('guest-1', 1));
      return activeTraceIds()!.traceId;
    });
    await eventually(() => expect(handlerTraces).toEqual([rootTraceId]));
    const subject = kit.visitV1.subject;
    const root = spanNamed('POST /v1/visits');
    const publish = spanNamed(`publish ${subject}`);
    const processSpan = await eventually(() => spanNamed(`process ${subject}`));
    expect(publish.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(processSpan.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    expect(processSpan.spanContext().traceId).toBe(rootTraceId);
    expect(processSpan.attributes['hearth.consumer']).toBe('test--trace');
  });

  it('continues the trace stored with a domain event when no span is active (the forwarder case)', async () => {
    const storedTraceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const seen: string[] = [];
    await kit.messaging.consume({
      stream: kit.stream,
      durable: 'test--trace-stored',
      contracts: [kit.visitV1],
      handle: async (_event, info) => {
        seen.push(info.headers.traceparent!);
      },
    });
    await kit.messaging.publish(kit.visit('guest-1', 1), { traceHeaders: { traceparent: storedTraceparent } });
    const processSpan = await eventually(() => spanNamed(`process ${kit.visitV1.subject}`));
    const publish = spanNamed(`publish ${kit.visitV1.subject}`);
    expect(publish.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(processSpan.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(seen[0]).toContain(publish.spanContext().spanId);
  });

  it('makes the responder span a child of the request span', async () => {
    const subject = `rpc.${kit.service}.ping`;
    kit.messaging.createResponder({ subject, requestSchema: z.object({}), handle: async () => ({ pong: true }) });
    await withSpan('caller', {}, () => kit.messaging.request(subject, {}));
    const client = spanNamed(`request ${subject}`);
    const server = await eventually(() => spanNamed(`respond ${subject}`));
    expect(server.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
    expect(server.spanContext().traceId).toBe(spanNamed('caller').spanContext().traceId);
  });
});
