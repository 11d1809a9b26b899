/** @jest-environment ./libs/http/src/testing/native-jose.environment.ts */
import http from 'node:http';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import request from 'supertest';
import { testToken } from './testing/fixtures';
import { testApp } from './testing/test-app';

jest.mock('jose', () => (globalThis as { __hearthNativeJose?: unknown }).__hearthNativeJose);

// What the OpenTelemetry SDK's HTTP instrumentation does for every request: run the handler inside a server span.
describe('problem traceId', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    contextManager.enable();
    context.setGlobalContextManager(contextManager);
  });
  afterAll(() => {
    context.disable();
  });

  it('is the trace id of the active span when there is one', async () => {
    const { app } = testApp();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const span = trace.wrapSpanContext({ traceId, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
    const server = http.createServer((req, res) => context.with(trace.setSpan(context.active(), span), () => app(req, res)));
    const token = await testToken();

    const handled = await request(server).post('/v1/redeem').set('Authorization', `Bearer ${token}`).send({ points: 500 });
    expect(handled.status).toBe(422);
    expect(handled.body.traceId).toBe(traceId);

    const unexpected = await request(server).get('/v1/boom').set('Authorization', `Bearer ${token}`);
    expect(unexpected.status).toBe(500);
    expect(unexpected.body.traceId).toBe(traceId);

    const withoutSpan = await request(app).get('/v1/boom').set('Authorization', `Bearer ${token}`);
    expect(withoutSpan.body.traceId).toBe(withoutSpan.headers['x-request-id']);
  });
});
