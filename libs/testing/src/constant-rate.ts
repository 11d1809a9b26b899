import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cpuTotal, percentile, processTreeCpu, type CpuSeconds } from './bench';

/**
 * Fixed-rate HTTP load from a separate, lean process: Vegeta (a Go constant-rate load tool, built once
 * into .tools/bin by deploy/scripts/vegeta.sh). Its pacer sends each request on schedule whether or not
 * earlier ones answered (no coordinated omission) and it measures each from send to last byte, at a
 * fraction of the CPU a Node.js client needs for the same rate: on a 2-core machine the client's own
 * scheduling delays and garbage collections otherwise land in every latency it records.
 */

export type ConstantRateTarget = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** What the caller calls this request (e.g. a row of its report); handed back with each answer. */
  label?: string;
};

export type ConstantRateResult = {
  /** Client-measured latencies (ms), ascending. */
  latencies: number[];
  /** The service's own time per answer (`Server-Timing: app;dur=`), ascending, where it said. */
  serverMs: number[];
  /** Answers `ok` rejected plus transport errors (timeouts, refused connections). */
  errors: number;
  /** Requests per second actually sent (first to last send). */
  achieved: number;
  /** Answers by status code (0: no answer). */
  statuses: Record<number, number>;
  /** CPU seconds Vegeta itself used (sampled from /proc; NaN without it). */
  loadGeneratorCpu: number;
  /** p99 (ms) of the requests sent in each second of the run: whether slow answers cluster (a stall) or spread. */
  p99BySecond: number[];
  /** Wall seconds from the first measured request (after the lead-in) until the run ended. */
  measuredSeconds: number;
  /** CPU the `watch`ed process tree used over `measuredSeconds` (NaN without /proc), when one was given. */
  watchedCpu?: CpuSeconds;
  /** The lead-in's answers (not in the figures above), when one was sent. */
  leadIn?: { latencies: number[]; errors: number };
};

const repoRoot = join(__dirname, '..', '..', '..');

let binary: string | undefined;

/** Vegeta's path: VEGETA_BIN, else built (once) by deploy/scripts/vegeta.sh. */
export function vegetaBinary(): string {
  if (binary) return binary;
  if (process.env.VEGETA_BIN) return (binary = process.env.VEGETA_BIN);
  const built = spawnSync('bash', [join(repoRoot, 'deploy', 'scripts', 'vegeta.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const path = built.stdout.trim().split('\n').at(-1);
  if (built.status !== 0 || !path) throw new Error(`could not build Vegeta (deploy/scripts/vegeta.sh exited with ${built.status})`);
  return (binary = path);
}

const run = (command: string, args: readonly string[], onPid?: (pid: number) => void): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    if (child.pid !== undefined) onPid?.(child.pid);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args[0]} exited with ${code}: ${stderr.slice(0, 500)}`))));
  });

type VegetaResult = { code: number; latency: number; timestamp: string; url: string; error: string; body?: string | null; headers?: Record<string, string[]> | null };

/**
 * Sends `rate` requests per second for `seconds` to 127.0.0.1:`port`, cycling through `targets` (give
 * at least rate × seconds of them for all-different requests). `ok(status, bodyStart)` decides which
 * answers count as good (default: 2xx); `bodyStart` holds the first `bodyBytes` (default 0) of the body.
 */
export async function constantRate(options: {
  port: number;
  rate: number;
  seconds: number;
  targets: readonly ConstantRateTarget[];
  ok?: (status: number, bodyStart: string) => boolean;
  bodyBytes?: number;
  /**
   * Most connections Vegeta opens to the service (default 64), as a load balancer or gateway pools them.
   * Without a bound, every request that finds all connections busy opens another one, and a service that
   * falls behind gets hundreds of new connections to accept on top of its backlog. A request waiting for
   * a free connection counts that wait in its latency.
   */
  maxConnections?: number;
  /**
   * Called for every answer: the request's path, its latency (ms), status, first `bodyBytes` of the body
   * and the target it was sent for (targets with the same path, e.g. with other tokens, stay apart).
   */
  onResult?: (path: string, ms: number, status: number, bodyStart: string, target: ConstantRateTarget) => void;
  /**
   * Requests sent first in the same run, at the same rate, for `seconds` (give rate × seconds targets, and
   * at least rate × seconds measured ones: the run reads all targets in order and starts over at the end),
   * and left out of the figures: the measured requests then begin on a load generator that is running
   * and on connections that are open and in use, as a gateway's pooled connections would be. Without it
   * a measurement's first second also measures the load generator's start (a new process that opens its
   * connections one by one while the service accepts them).
   */
  leadIn?: { seconds: number; targets: readonly ConstantRateTarget[] };
  /** Called when the measured requests begin (by the clock: `leadIn.seconds` after the run started). */
  onMeasuring?: () => void;
  /**
   * A service's pid: the CPU of it and its live children (`processTreeCpu`, e.g. HTTP workers) over the
   * measured part is reported (`watchedCpu`); a child that exits meanwhile takes its share with it.
   */
  watch?: number | undefined;
}): Promise<ConstantRateResult> {
  const vegeta = vegetaBinary();
  const leadCount = options.leadIn ? options.leadIn.targets.length : 0;
  const leadSeconds = options.leadIn?.seconds ?? 0;
  const allTargets = [...(options.leadIn?.targets ?? []), ...options.targets];
  const dir = mkdtempSync(join(tmpdir(), 'hearth-vegeta-'));
  try {
    const origin = `http://127.0.0.1:${options.port}`;
    const targetsFile = join(dir, 'targets.jsonl');
    writeFileSync(
      targetsFile,
      allTargets
        .map((t, i) =>
          JSON.stringify({
            method: t.method,
            // the fragment names the target in Vegeta's results and is never sent
            url: `${origin}${t.path}#${i}`,
            header: Object.fromEntries(Object.entries({ ...t.headers, ...(t.body === undefined ? {} : { 'content-type': 'application/json' }) }).map(([k, v]) => [k, [v]])),
            ...(t.body === undefined ? {} : { body: Buffer.from(JSON.stringify(t.body)).toString('base64') }),
          }),
        )
        .join('\n') + '\n',
    );
    const resultsFile = join(dir, 'results.bin');
    let pid: number | undefined;
    let cpu = Number.NaN;
    let cpuAtMeasuring = 0;
    let measuredFrom = performance.now();
    // the watched tree is sampled only when one is given (each sample reads every process's /proc stat)
    const watched = () => (options.watch === undefined ? undefined : processTreeCpu(options.watch));
    let watchedAtMeasuring = watched();
    /** The load generator's CPU so far (its last sample once it has exited). */
    const sampleLoadGenerator = () => {
      const now = cpuTotal(pid);
      if (!Number.isNaN(now)) cpu = now;
      return cpu;
    };
    const sampler = setInterval(sampleLoadGenerator, 250);
    const measuring = setTimeout(() => {
      cpuAtMeasuring = sampleLoadGenerator();
      measuredFrom = performance.now();
      watchedAtMeasuring = watched();
      options.onMeasuring?.();
    }, leadSeconds * 1000);
    try {
      await run(
        vegeta,
        ['attack', `-targets=${targetsFile}`, '-format=json', `-rate=${options.rate}/1s`, `-duration=${leadSeconds + options.seconds}s`, `-max-body=${options.bodyBytes ?? 0}`, '-timeout=30s', '-redirects=-1', `-max-connections=${options.maxConnections ?? 64}`, `-output=${resultsFile}`],
        (p) => (pid = p),
      );
    } finally {
      clearInterval(sampler);
      clearTimeout(measuring);
    }
    const measuredSeconds = (performance.now() - measuredFrom) / 1000;
    const watchedAtEnd = watched();
    const watchedCpu = watchedAtEnd && watchedAtMeasuring && { user: watchedAtEnd.user - watchedAtMeasuring.user, system: watchedAtEnd.system - watchedAtMeasuring.system };
    const encoded = join(dir, 'results.jsonl');
    await run(vegeta, ['encode', '-to=json', `-output=${encoded}`, resultsFile]);

    const ok = options.ok ?? ((status: number) => status >= 200 && status < 300);
    const latencies: number[] = [];
    const serverMs: number[] = [];
    const statuses: Record<number, number> = {};
    let errors = 0;
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    const bySecond: { sent: number; ms: number }[] = [];
    const lead = { latencies: [] as number[], errors: 0 };
    for await (const line of createInterface({ input: createReadStream(encoded), crlfDelay: Infinity })) {
      if (line === '') continue;
      const r = JSON.parse(line) as VegetaResult;
      const hash = r.url.lastIndexOf('#');
      const index = Number(r.url.slice(hash + 1));
      const ms = r.latency / 1e6;
      const bodyStart = r.body ? Buffer.from(r.body, 'base64').toString('utf8') : '';
      const failed = r.code === 0 || !ok(r.code, bodyStart);
      if (index < leadCount) {
        lead.latencies.push(ms);
        if (failed) lead.errors++;
        continue;
      }
      const sent = Date.parse(r.timestamp);
      first = Math.min(first, sent);
      last = Math.max(last, sent);
      latencies.push(ms);
      bySecond.push({ sent, ms });
      statuses[r.code] = (statuses[r.code] ?? 0) + 1;
      if (failed) errors++;
      if (options.onResult) options.onResult(r.url.slice(origin.length, hash), ms, r.code, bodyStart, allTargets[index]!);
      const timing = r.headers?.['Server-Timing']?.[0];
      const match = timing ? /app;dur=([\d.]+)/.exec(timing) : null;
      if (match) serverMs.push(Number(match[1]));
    }
    latencies.sort((a, b) => a - b);
    serverMs.sort((a, b) => a - b);
    const achieved = latencies.length > 1 && last > first ? ((latencies.length - 1) * 1000) / (last - first) : Number.NaN;
    const seconds: number[][] = [];
    for (const { sent, ms } of bySecond) (seconds[Math.floor((sent - first) / 1000)] ??= []).push(ms);
    const p99BySecond = Array.from(seconds, (values = []) => percentile(values.sort((a, b) => a - b), 99));
    lead.latencies.sort((a, b) => a - b);
    // the load generator's CPU while the measured requests were sent
    const loadGeneratorCpu = options.leadIn ? cpu - cpuAtMeasuring : cpu;
    return {
      latencies,
      serverMs,
      errors,
      achieved,
      statuses,
      loadGeneratorCpu,
      p99BySecond,
      measuredSeconds,
      ...(watchedCpu ? { watchedCpu } : {}),
      ...(options.leadIn ? { leadIn: lead } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
