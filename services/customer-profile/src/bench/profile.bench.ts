/**
 * `npm run bench:profile`: customer-profile under load, as a separate process on its own schema.
 * Prints create throughput while loading BENCH_GUESTS guests (default 100,000) over HTTP, then
 * lookup-by-identifier p50/p99 at a fixed BENCH_RATE (default 1,000) requests/s for BENCH_SECONDS (10),
 * sent by Vegeta (a Go constant-rate load generator, built once into .tools/ by deploy/scripts/vegeta.sh).
 * A warm-up of BENCH_WARMUP_SECONDS (5) at the same rate, then BENCH_ROUNDS (2) measured lookup rounds, each
 * a Vegeta run that begins with BENCH_LEAD_IN_SECONDS (2) of other lookups left out of its figures.
 * BENCH_KEEP_SCHEMA=1 keeps the loaded schema; BENCH_SCHEMA=<name> reuses it (no load). A script, not a
 * test: it prints figures and asserts nothing.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { signHs256Token } from '@hearth/http';
import { benchHttp, constantRate, percentile as pct, settle, settlePostgres, startBenchService, stopBenchServices, type BenchService } from '@hearth/testing';
import pg from 'pg';

const GUESTS = Number(process.env.BENCH_GUESTS ?? 100_000);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Production settings need a secret of their own (the development default is for NODE_ENV=development only). */
const JWT_SECRET = 'bench-only-secret-with-at-least-32-characters';
// the service's own setting; the benchmark gives it one HTTP worker per core unless told otherwise
const HTTP_WORKERS = process.env.HTTP_WORKERS ?? String(availableParallelism());
const http = benchHttp({ maxSockets: 64 });
const repoRoot = join(__dirname, '..', '..', '..', '..');

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const email = (i: number) => `guest${i}@bench.example`;

async function main(): Promise<void> {
  // BENCH_SCHEMA reuses a schema a run kept (BENCH_KEEP_SCHEMA=1): the load is skipped when it holds the guests
  const schema = process.env.BENCH_SCHEMA ?? `bench_profile_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const keepSchema = process.env.BENCH_KEEP_SCHEMA === '1' || process.env.BENCH_SCHEMA !== undefined;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  let service: BenchService | undefined;
  try {
    // request/reply subjects of its own: a customer-profile of `npm start` on the default subjects would share the queue group
    service = await startBenchService({ name: 'customer-profile', repoRoot, http, schema, profiled: true, env: { JWT_SECRET, HTTP_WORKERS, CUSTOMER_PROFILE_RPC_PREFIX: `rpc.bench-${schema}.customer-profile` } });
    const port = service.port;
    const call = (method: string, path: string, token: string, body?: unknown) => http.call(port, method, path, token, body, { 'x-brand-id': 'hotels' });
    const token = await signHs256Token({ sub: 'bench', tenant: 'bench', roles: ['admin', 'agent'], brands: '*' }, { secret: JWT_SECRET, ttl: '1h' });
    await call('POST', '/v1/brands', token, { brandId: 'hotels', name: 'Bench Hotels', sharing: 'shared' });
    console.log(`customer-profile benchmark: ${fmt(GUESTS)} guests, lookups at ${fmt(RATE)}/s for ${SECONDS}s, NODE_ENV=production, HTTP_WORKERS=${HTTP_WORKERS}, Node ${process.version}, Node flags ${service.nodeArgs.join(' ') || '(none)'}, schema ${schema}`);

    const loaded = Number(
      (await pool.query(`SELECT count(*)::int AS n FROM "${schema}".events WHERE category = 'guest' AND type = 'GuestRegistered'`).catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n,
    );
    // load: 32 concurrent registrations over HTTP (each claims its e-mail and phone, then appends)
    let next = loaded >= GUESTS ? GUESTS : 0;
    if (next === GUESTS) console.log(`  (schema ${schema} already holds ${fmt(loaded)} guests: load skipped)`);
    let failed = 0;
    const loadStart = performance.now();
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (next < GUESTS) {
        const i = next++;
        const res = await call('POST', '/v1/guests', token, {
          name: { given: `Guest${i}`, family: 'Bench' },
          identities: [{ type: 'email', value: email(i) }, { type: 'phone', value: `+35191${String(i).padStart(7, '0')}` }],
        });
        if (res.status !== 201) failed++;
      }
    }));
    const loadSeconds = (performance.now() - loadStart) / 1000;
    if (loaded < GUESTS) console.log(`  ${'creates/s (32 concurrent, 2 identifiers each)'.padEnd(48)} ${fmt(GUESTS / loadSeconds).padStart(10)}   (${fmt(loadSeconds, 1)} s, ${failed} failed)`);

    // Let background work caused by the load (integration-event forwarder, search projection) catch up
    // first: the lookup figures are for a steady service, not one still digesting BENCH_GUESTS registrations.
    const settledSeconds = await settle(service.child.pid);
    console.log(`  ${'settled after load (background catch-up)'.padEnd(48)} ${`${fmt(settledSeconds, 1)} s`.padStart(10)}`);
    console.log(`  ${'PostgreSQL settled (autovacuum done, CHECKPOINT)'.padEnd(48)} ${`${fmt(await settlePostgres(pool), 1)} s`.padStart(10)}`);

    // lookups: open loop at RATE/s, random loaded guests by e-mail or phone. A warm-up at the same rate first
    // (BENCH_WARMUP_SECONDS, default 5; its figures are printed, not the result): a freshly started service
    // compiles its hot code and fills its database connections meanwhile. Then BENCH_ROUNDS measured rounds.
    const lookups = (count: number) =>
      Array.from({ length: count }, (_, sent) => {
        const i = Math.floor(Math.random() * GUESTS);
        const identifier = sent % 2 ? `email:${email(i)}` : `phone:%2B35191${String(i).padStart(7, '0')}`;
        return { method: 'GET' as const, path: `/v1/guests?identifier=${identifier}`, headers: { authorization: `Bearer ${token}`, 'x-brand-id': 'hotels' } };
      });
    const ok = (status: number, bodyStart: string) => status === 200 && bodyStart.startsWith('{"items":[{');
    const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
    if (warmupSeconds > 0) {
      const warm = await constantRate({ port, rate: RATE, seconds: warmupSeconds, targets: lookups(RATE * warmupSeconds), bodyBytes: 16, ok });
      console.log(`  ${`warm-up (${warmupSeconds} s, not measured) p50 / p99`.padEnd(48)} ${`${fmt(pct(warm.latencies, 50), 2)} / ${fmt(pct(warm.latencies, 99), 2)} ms`.padStart(10)}   (${warm.errors} errors)`);
    }
    const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
    // Each round's Vegeta run begins with BENCH_LEAD_IN_SECONDS (2) of other lookups, left out of its figures:
    // the measured lookups then begin on open connections (a new run otherwise opens its connections one by
    // one, and HTTP_WORKERS' primary hands each to a worker, during the measured first second). 0: none.
    const leadInSeconds = Number(process.env.BENCH_LEAD_IN_SECONDS ?? 2);
    const total = RATE * SECONDS;
    for (let round = 1; round <= rounds; round++) {
      const targets = lookups(total);
      const leadIn = leadInSeconds > 0 ? { leadIn: { seconds: leadInSeconds, targets: lookups(RATE * leadInSeconds) } } : {};
      const result = await constantRate({ port, rate: RATE, seconds: SECONDS, targets, bodyBytes: 16, ok, ...leadIn, watch: service.child.pid });
      const { latencies, serverMs, errors, achieved, loadGeneratorCpu, p99BySecond, measuredSeconds: elapsed } = result;
      const serviceCpu = result.watchedCpu!.user + result.watchedCpu!.system;
      const serviceSystem = result.watchedCpu!.system;
      console.log(`  ${`lookup by identifier p50, round ${round}`.padEnd(48)} ${`${fmt(pct(latencies, 50), 2)} ms`.padStart(10)}`);
      console.log(`  ${`lookup by identifier p99, round ${round}`.padEnd(48)} ${`${fmt(pct(latencies, 99), 2)} ms`.padStart(10)}   target < 15 ms`);
      console.log(`  ${'  in the service (Server-Timing) p50 / p99'.padEnd(48)} ${`${fmt(pct(serverMs, 50), 2)} / ${fmt(pct(serverMs, 99), 2)} ms`.padStart(10)}`);
      console.log(`  ${'  p99 of each second'.padEnd(48)} ${p99BySecond.map((v) => fmt(v, 1)).join(' ')}`);
      console.log(`    (achieved ${fmt(achieved)} req/s, max ${fmt(latencies.at(-1) ?? NaN, 1)} ms, ${errors} errors; load generator (Vegeta) ${fmt((100 * loadGeneratorCpu) / elapsed)}% of one core)`);
      console.log(`    (service processes: ${fmt((100 * serviceCpu) / elapsed)}% of one core, ${fmt((100 * serviceSystem) / serviceCpu)}% of it in the kernel, ${fmt((serviceCpu * 1e6) / total)} µs CPU per lookup)`);
    }
  } finally {
    if (service) await stopBenchServices([service]);
    if (keepSchema) console.log(`  schema ${schema} kept (BENCH_SCHEMA=${schema} reuses it; drop it when done)`);
    else await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    http.destroy();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
