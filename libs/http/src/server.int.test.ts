/** @jest-environment ./libs/http/src/testing/native-jose.environment.ts */
import { once } from 'node:events';
import http from 'node:http';
import type { Socket } from 'node:net';
import request from 'supertest';
import { z } from 'zod';
import { createApp } from './create-app';
import { route } from './route';
import { startHttpServer } from './server';
import { recordingLogger, TEST_SECRET } from './testing/fixtures';

jest.mock('jose', () => (globalThis as { __hearthNativeJose?: unknown }).__hearthNativeJose);

type Reply = { status: number; headers: http.IncomingHttpHeaders; body: string; socket: Socket };

/** A GET through a given agent; resolves with the response and the socket it used. */
function get(url: string, agent: http.Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, socket: req.socket as Socket }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

function slowApp() {
  let release: (() => void) | undefined;
  let entered: (() => void) | undefined;
  const gate = { entered: new Promise<void>((resolve) => (entered = resolve)), release: () => release?.() };
  const app = createApp({
    serviceName: 'shutdown-test',
    auth: { mode: 'hs256', secret: TEST_SECRET },
    openapi: { title: 't', version: '1' },
    logger: recordingLogger(),
    routes: [
      route({ method: 'get', path: '/v1/slow', public: true, responses: { 200: { description: 'done', body: z.object({ done: z.boolean() }) } } }, async () => {
        await new Promise<void>((resolve) => {
          release = resolve;
          entered?.();
        });
        return { status: 200, body: { done: true } };
      }),
    ],
  });
  return { app, gate };
}

describe('startHttpServer', () => {
  const agents: http.Agent[] = [];
  const agent = () => {
    const a = new http.Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(a);
    return a;
  };
  afterEach(() => {
    for (const a of agents.splice(0)) a.destroy();
  });

  it('serves on a free port', async () => {
    const { app } = slowApp();
    const running = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
    try {
      expect(running.port).toBeGreaterThan(0);
      const res = await get(`${running.url}/healthz`, agent());
      expect(res.status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('on close: readyz turns 503, new connections are refused, idle keep-alive connections close, in-flight requests finish', async () => {
    const { app, gate } = slowApp();
    const running = await startHttpServer(app, { port: 0, host: '127.0.0.1', shutdownTimeoutMs: 10_000 });
    expect((await request(app).get('/readyz')).status).toBe(200);

    const idle = await get(`${running.url}/healthz`, agent());
    expect(idle.headers.connection).toBe('keep-alive');
    const idleClosed = once(idle.socket, 'close');

    const inFlight = get(`${running.url}/v1/slow`, agent());
    await gate.entered;

    const closing = running.close();
    let closed = false;
    void closing.then(() => (closed = true));

    const readyz = await request(app).get('/readyz');
    expect(readyz.status).toBe(503);
    expect(readyz.body.code).toBe('SHUTTING_DOWN');
    await idleClosed;
    await expect(get(`${running.url}/healthz`, agent())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(closed).toBe(false);

    gate.release();
    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(JSON.parse(finished.body)).toEqual({ done: true });
    expect(finished.headers.connection).toBe('close');
    await closing;
    expect(running.server.listening).toBe(false);
    // close() is idempotent.
    await running.close();
  });

  it('destroys connections still busy after shutdownTimeoutMs', async () => {
    const { app, gate } = slowApp();
    const running = await startHttpServer(app, { port: 0, host: '127.0.0.1', shutdownTimeoutMs: 100 });
    const stuck = get(`${running.url}/v1/slow`, agent());
    const outcome = stuck.then(
      () => 'answered',
      (error: { code?: string }) => error.code,
    );
    await gate.entered;
    await running.close();
    expect(await outcome).toBe('ECONNRESET');
    gate.release();
  });

  it('keeps accepting during drainDelayMs while readyz already answers 503', async () => {
    const { app } = slowApp();
    const running = await startHttpServer(app, { port: 0, host: '127.0.0.1', drainDelayMs: 1_500 });
    const closing = running.close();
    const readyz = await get(`${running.url}/readyz`, agent());
    expect(readyz.status).toBe(503);
    expect(JSON.parse(readyz.body).code).toBe('SHUTTING_DOWN');
    expect(readyz.headers.connection).toBe('close');
    await closing;
  });
});
