import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { signHs256Token, type Role } from '@hearth/http';
import { connectMessaging } from '@hearth/messaging';
import { dropSchema, serviceNodeArgs, testDatabaseUrl, uniqueName } from '@hearth/testing';
import pg from 'pg';

/**
 * End-to-end harness: runs Hearth services as child processes from their built `dist/index.js`
 * (`npm test` runs `tsc -b` first), each on a free port and its own PostgreSQL schema, against the
 * machine's PostgreSQL and NATS. Journeys isolate themselves further by tenant id.
 */

const repoRoot = resolve(__dirname, '..', '..', '..');

/** The HS256 secret the children verify tokens with (never the environment's, so tokens always match). */
export const E2E_JWT_SECRET = 'e2e-only-secret-with-at-least-32-characters!';

export type ServiceName = 'customer-profile' | 'timeline' | 'service-tickets';

export type RunningService = {
  name: ServiceName;
  url: string;
  schema: string;
  child: ChildProcess;
  /** The last lines the process wrote (stdout and stderr), for failure messages. */
  logs(): string;
  stop(): Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts one service from `services/<name>/dist/index.js` and waits until its /readyz answers 200. */
export async function startService(name: ServiceName, options: { env?: Record<string, string>; readyTimeoutMs?: number } = {}): Promise<RunningService> {
  const entry = join(repoRoot, 'services', name, 'dist', 'index.js');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: build first (npx tsc -b; npm test does it)`);
  const port = await freePort();
  const schema = uniqueName(`e2e_${name.replace(/-/g, '_')}`);
  const lines: string[] = [];
  const child = spawn(process.execPath, [...serviceNodeArgs(repoRoot, name), entry], {
    cwd: join(repoRoot, 'services', name),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      DATABASE_SCHEMA: schema,
      JWT_SECRET: E2E_JWT_SECRET,
      LOG_LEVEL: 'warn',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      SHUTDOWN_GRACE: '3s',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      lines.push(...chunk.split('\n').filter(Boolean));
      if (lines.length > 200) lines.splice(0, lines.length - 200);
    });
  }
  const exited = new Promise<number | string>((r) => child.once('exit', (code, signal) => r(signal ?? code ?? 'unknown')));
  const url = `http://127.0.0.1:${port}`;
  const service: RunningService = {
    name,
    url,
    schema,
    child,
    logs: () => lines.join('\n'),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let last = 'no answer';
  for (;;) {
    const outcome = await Promise.race([
      fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
        async (res) => (res.status === 200 ? 'ready' : `${res.status} ${await res.text()}`),
        (error: unknown) => `unreachable (${(error as { cause?: { code?: string } }).cause?.code ?? String(error)})`,
      ),
      exited.then((code) => ({ exited: code })),
    ]);
    if (outcome === 'ready') return service;
    if (typeof outcome === 'object') throw new Error(`${name} exited (${outcome.exited}) before it was ready:\n${service.logs()}`);
    last = outcome;
    if (Date.now() > deadline) {
      await service.stop();
      throw new Error(`${name} was not ready after ${options.readyTimeoutMs ?? 60_000} ms (/readyz: ${last}):\n${service.logs()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type Stack = {
  profile: RunningService;
  timeline: RunningService;
  tickets: RunningService;
  /** Stops every child (SIGTERM, SIGKILL after 10 s) and drops their schemas. */
  stop(): Promise<void>;
};

export type StackIsolation = {
  profile?: Record<string, string>;
  timeline?: Record<string, string>;
  tickets?: Record<string, string>;
  /** JetStream durables whose names start with this are deleted when the stack stops (the run's own consumers). */
  durablePrefix?: string;
};

/** Deletes the JetStream consumers a run created (durables outlive their processes otherwise). */
async function deleteDurables(prefix: string): Promise<void> {
  const messaging = await connectMessaging({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'e2e-cleanup' });
  try {
    for await (const stream of messaging.manager.streams.list()) {
      for await (const consumer of messaging.manager.consumers.list(stream.config.name)) {
        if (consumer.name.startsWith(prefix)) await messaging.manager.consumers.delete(stream.config.name, consumer.name);
      }
    }
  } finally {
    await messaging.close();
  }
}

/**
 * customer-profile, then the timeline and service-tickets (which ask customer-profile over NATS; the
 * timeline files the tickets' integration events). `isolation` is added to the children's environment:
 * names of NATS subjects and durables that keep this stack apart from other Hearth processes on the same
 * NATS server (see the journeys' test file).
 */
export async function startStack(isolation: StackIsolation = {}): Promise<Stack> {
  const started: RunningService[] = [];
  const stop = async () => {
    await Promise.all(started.map((s) => s.stop()));
    const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
    try {
      for (const s of started) await dropSchema(pool, s.schema);
    } finally {
      await pool.end();
    }
    if (isolation.durablePrefix) await deleteDurables(isolation.durablePrefix);
  };
  try {
    const profile = await startService('customer-profile', { env: isolation.profile ?? {} });
    started.push(profile);
    // service-tickets first: it creates its NATS stream, which the timeline's new durable then starts on
    const tickets = await startService('service-tickets', { env: isolation.tickets ?? {} });
    started.push(tickets);
    const timeline = await startService('timeline', { env: isolation.timeline ?? {} });
    started.push(timeline);
    return { profile, timeline, tickets, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A token for the children (signed with the same code as `npm run token`). */
export function tokenFor(tenant: string, roles: readonly Role[], brands: readonly string[] | '*', sub = 'e2e-user'): Promise<string> {
  return signHs256Token({ sub, tenant, roles, brands }, { secret: E2E_JWT_SECRET, ttl: '1h' });
}

/** Response bodies are read loosely: the journeys assert on the fields they care about. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export type Reply<T = Json> = { status: number; body: T; headers: Headers };

/** A small JSON client for one service and one token. */
export function client(baseUrl: string, token: string, defaults: Record<string, string> = {}) {
  const send = async <T = Json>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> => {
    const res = await fetch(baseUrl + path, {
      method,
      redirect: 'manual',
      headers: { authorization: `Bearer ${token}`, ...defaults, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  return {
    get: <T = Json>(path: string, headers?: Record<string, string>) => send<T>('GET', path, undefined, headers),
    post: <T = Json>(path: string, body: unknown, headers?: Record<string, string>) => send<T>('POST', path, body, headers),
    put: <T = Json>(path: string, body: unknown, headers?: Record<string, string>) => send<T>('PUT', path, body, headers),
  };
}
export type Client = ReturnType<typeof client>;

/**
 * Waits for `check` to pass like `eventually()`, and says how long it took from `since` (ms): the
 * measured bound of an asynchronous path (for example ingest acknowledgement → the view shows it).
 */
export async function measureUntil<T>(since: number, check: () => Promise<T>, { timeoutMs = 10_000, intervalMs = 10 } = {}): Promise<{ value: T; elapsedMs: number }> {
  const deadline = since + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      return { value, elapsedMs: performance.now() - since };
    } catch (error) {
      lastError = error;
    }
    if (performance.now() > deadline) {
      if (lastError instanceof Error) lastError.message = `gave up after ${timeoutMs} ms: ${lastError.message}`;
      throw lastError;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
