import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Helpers for the `npm run bench:*` scripts that drive services over HTTP: a lean HTTP client, service
 * processes on free ports and schemas of their own, and bounded parallelism.
 */

export type BenchReply = {
  status: number;
  body: string;
  /** The service's own time until it answered (its `Server-Timing: app;dur=` header), when it says. */
  serverMs?: number;
};

const serverMsOf = (header: string | string[] | undefined): { serverMs?: number } => {
  const match = typeof header === 'string' ? /app;dur=([\d.]+)/.exec(header) : null;
  return match ? { serverMs: Number(match[1]) } : {};
};

export type BenchHttp = {
  /** One request to 127.0.0.1:`port`. `discardBody`: read and drop the body (no decoding: less work for the measuring process). */
  call(port: number, method: string, path: string, token: string, body?: unknown, headers?: Record<string, string>, options?: { discardBody?: boolean }): Promise<BenchReply>;
  destroy(): void;
};

/** A keep-alive HTTP client for benchmarks (`maxSockets` connections per service, default 128). */
export function benchHttp({ maxSockets = 128 }: { maxSockets?: number } = {}): BenchHttp {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return {
    call(port, method, path, token, body, headers = {}, options = {}) {
      return new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method,
            path,
            agent,
            headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
          },
          (res) => {
            if (options.discardBody) {
              res.resume();
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: '', ...serverMsOf(res.headers['server-timing']) }));
              return;
            }
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, ...serverMsOf(res.headers['server-timing']) }));
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    destroy: () => agent.destroy(),
  };
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** The Node major version the services need (package.json engines). */
const MIN_NODE_MAJOR = 24;

export type BenchService = {
  name: string;
  port: number;
  schema: string;
  child: ChildProcess;
  /** The Node flags the service runs with: its own (`hearth.nodeArgs` of its package.json), then BENCH_SERVICE_NODE_ARGS. */
  nodeArgs: readonly string[];
};

/**
 * The Node flags a service declares for itself (`hearth.nodeArgs` in `services/<name>/package.json`), which
 * every launcher passes (npm start, the end-to-end stack, benchmarks), e.g. the young-generation size.
 */
export function serviceNodeArgs(repoRoot: string, name: string): string[] {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'services', name, 'package.json'), 'utf8')) as { hearth?: { nodeArgs?: unknown } };
  const args = pkg.hearth?.nodeArgs ?? [];
  if (!Array.isArray(args) || !args.every((a): a is string => typeof a === 'string')) throw new Error(`services/${name}/package.json: hearth.nodeArgs must be an array of strings`);
  return args;
}

/**
 * What benches run services with: production settings (NODE_ENV=production: replies are not re-validated
 * against their schemas), no telemetry export, quiet logs. A service's own `env` comes on top.
 */
export const BENCH_SERVICE_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'production',
  OTEL_METRICS_EXPORTER: 'none',
  OTEL_TRACES_EXPORTER: 'none',
  OTEL_LOGS_EXPORTER: 'none',
  LOG_LEVEL: 'warn',
};

/**
 * Starts `services/<name>/dist/index.js` as a child process on a free port with `BENCH_SERVICE_ENV` and
 * `env`, on `schema` (default: a new `bench_<name>_<random>`), and waits until `/readyz` answers 200 (at
 * most a minute). `profiled`: the service the bench is about, which gets BENCH_SERVICE_NODE_ARGS (extra
 * Node flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` or `--trace-gc`). stdout goes to
 * `<logsDir>/<name>.log` (default: BENCH_SERVICE_LOGS), else it is dropped.
 */
export async function startBenchService(options: {
  name: string;
  repoRoot: string;
  schema?: string;
  env: Record<string, string>;
  profiled?: boolean;
  logsDir?: string;
  http: BenchHttp;
}): Promise<BenchService> {
  // the service runs on this process's Node: a bench started with another Node than the pinned one measures that one
  const major = Number(process.versions.node.split('.')[0]);
  if (major < MIN_NODE_MAJOR) {
    throw new Error(`benchmarks run the services on the Node that runs them: this is Node ${process.version}, Hearth needs ${MIN_NODE_MAJOR}+ (run them with npm run bench:*, which uses the pinned Node)`);
  }
  const schema = options.schema ?? `bench_${options.name.replace(/-/g, '_')}_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const logsDir = options.logsDir ?? process.env.BENCH_SERVICE_LOGS;
  const extraArgs = options.profiled ? (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter((a) => a !== '') : [];
  const nodeArgs = [...serviceNodeArgs(options.repoRoot, options.name), ...extraArgs];
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, join(options.repoRoot, 'services', options.name, 'dist', 'index.js')], {
    env: { ...process.env, ...BENCH_SERVICE_ENV, PORT: String(port), DATABASE_SCHEMA: schema, ...options.env },
    stdio: ['ignore', logsDir ? 'pipe' : 'ignore', 'inherit'],
  });
  if (logsDir) {
    mkdirSync(logsDir, { recursive: true });
    child.stdout?.pipe(createWriteStream(join(logsDir, `${options.name}.log`)));
  }
  stopWithThisProcess(child);
  const service = { name: options.name, port, schema, child, nodeArgs };
  for (let i = 0; ; i++) {
    const ready = await options.http.call(port, 'GET', '/readyz', '').catch(() => undefined);
    if (ready?.status === 200) return service;
    if (child.exitCode !== null) throw new Error(`${options.name} exited (${child.exitCode}) before it was ready`);
    if (i > 300) {
      child.kill('SIGTERM');
      throw new Error(`${options.name} did not become ready`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Stops bench services (SIGTERM) and waits until they exited. */
/**
 * A bench stopped early (Ctrl-C, kill) must not leave its services running and loading the database:
 * they get SIGTERM when this process exits, and SIGINT/SIGTERM make this process exit.
 */
function stopWithThisProcess(child: ChildProcess): void {
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', stop);
  child.once('exit', () => process.removeListener('exit', stop));
  if (!exitOnSignals) {
    exitOnSignals = true;
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
  }
}
let exitOnSignals = false;

export async function stopBenchServices(services: readonly BenchService[]): Promise<void> {
  for (const s of services) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGTERM');
  await Promise.all(services.map((s) => (s.child.exitCode !== null || s.child.signalCode !== null ? undefined : new Promise((resolve) => s.child.once('exit', resolve)))));
}

/** Runs `work` over `count` items with `limit` in flight. */
export async function inParallel(count: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}
