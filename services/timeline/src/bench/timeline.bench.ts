/**
 * `npm run bench:timeline`: the timeline under load. Starts customer-profile and the timeline as separate
 * processes on schemas of their own, loads the demo chain with `npm run seed`'s script (skip with
 * BENCH_SEED=0), then measures, on top of that data:
 *  - touchpoint ingest: batches (BENCH_TOUCHPOINTS over BENCH_GUESTS guests, BENCH_BATCH per batch,
 *    BENCH_BATCH_CONCURRENCY in flight) and single POSTs (BENCH_SINGLE, 32 in flight): throughput, p50/p99;
 *  - append-to-view lag (ingest acknowledgement → the view shows the entry), idle and under a background
 *    ingest of BENCH_LAG_LOAD touchpoints/s: p50/p99 over BENCH_LAG_SAMPLES;
 *  - guest view reads at a fixed BENCH_RATE (1,000)/s for BENCH_SECONDS (10), sent by Vegeta (a Go
 *    constant-rate load generator, built once into .tools/ by deploy/scripts/vegeta.sh): p50/p99, after a
 *    warm-up of BENCH_WARMUP_SECONDS (5) at that rate on BENCH_WARMUP_GUESTS (500) other guests, sent
 *    as the lead-in of the same Vegeta run (its connections are open when the measured reads begin);
 *  - timeline page reads (limit 20) at BENCH_PAGE_RATE (500)/s for BENCH_SECONDS: p50/p99;
 *  - view reads for a guest with 10 entries vs one with BENCH_HEAVY (10,000) entries (must stay flat).
 * Targets (issue #5, this 2-core machine): ingest ≥ 1,000 touchpoints/s, view p99 < 10 ms at 1,000/s,
 * lag p99 < 200 ms. A script, not a test: it prints figures and asserts nothing.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { signHs256Token } from '@hearth/http';
import { deleteDurablesAt } from '@hearth/messaging';
import { benchHttp, constantRate, inParallel, percentile as pct, settle, settlePostgres, startBenchService, stopBenchServices, type BenchService } from '@hearth/testing';
import pg from 'pg';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const GUESTS = env('BENCH_GUESTS', 1_000);
const TOUCHPOINTS = env('BENCH_TOUCHPOINTS', 20_000);
const BATCH = Math.min(500, env('BENCH_BATCH', 100));
const BATCH_CONCURRENCY = env('BENCH_BATCH_CONCURRENCY', 4);
const SINGLE = env('BENCH_SINGLE', 2_000);
const RATE = env('BENCH_RATE', 1_000);
const PAGE_RATE = env('BENCH_PAGE_RATE', 500);
const SECONDS = env('BENCH_SECONDS', 10);
const LAG_SAMPLES = env('BENCH_LAG_SAMPLES', 200);
const LAG_LOAD = env('BENCH_LAG_LOAD', 300);
const HEAVY = env('BENCH_HEAVY', 10_000);
const FLAT_READS = env('BENCH_FLAT_READS', 500);
const SEED = process.env.BENCH_SEED !== '0';
/** Warm-up before the fixed-rate view reads: BENCH_WARMUP_SECONDS at BENCH_RATE on BENCH_WARMUP_GUESTS guests of their own. */
const WARMUP_GUESTS = env('BENCH_WARMUP_GUESTS', 500);
const WARMUP_SECONDS = env('BENCH_WARMUP_SECONDS', 5);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TENANT = 'demo-chain';
const JWT_SECRET = 'bench-only-secret-with-at-least-32-characters';
const repoRoot = join(__dirname, '..', '..', '..', '..');
/**
 * The benchmark's timeline consumes the source streams through durables of its own, starting at new
 * messages: sharing `timeline--ingest` with a running `npm start` would split the messages between the two,
 * and a new durable would otherwise replay every stream's history first. Deleted at the end.
 */
const RUN = randomUUID().slice(0, 8);
const INGEST_DURABLE = `timeline--bench-${RUN}`;
/** Request/reply subjects of their own too: another customer-profile on the default subjects shares the queue group. */
const RPC_PREFIX = `rpc.bench-${RUN}.customer-profile`;
/**
 * The timeline's HTTP workers (its own setting, default 1). On the 2-core reference machine one process
 * measured better than one per core (view p99 11–20 vs 24–30 ms, ingest ~3,000 vs ~1,900/s): PostgreSQL,
 * NATS, customer-profile and Vegeta share the cores, and every worker reads and presents each changed
 * view once. HTTP_WORKERS=<n> measures others.
 */
const HTTP_WORKERS = process.env.HTTP_WORKERS ?? '1';
const http = benchHttp();
const call = http.call;

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const line = (label: string, value: string, note = '') => console.log(`  ${label.padEnd(58)} ${value.padStart(12)}${note ? `   ${note}` : ''}`);
const ms = (n: number) => `${fmt(n, 2)} ms`;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

type Service = BenchService;

/** The services on schemas of their own; the timeline is the one profiled (BENCH_SERVICE_NODE_ARGS). */
const startService = (name: 'customer-profile' | 'timeline', extraEnv: Record<string, string>): Promise<Service> =>
  startBenchService({ name, repoRoot, http, profiled: name === 'timeline', env: { JWT_SECRET, ...extraEnv } });

const HOTELS = [
  { propertyId: 'bench-hotel-lisboa', currency: 'EUR' },
  { propertyId: 'bench-hotel-london', currency: 'GBP' },
];

/** A touchpoint for guest `g` (the n-th of that guest), one of the common kinds. */
function touchpoint(guestId: string, n: number, occurredAt: string, sourceEventId?: string): Record<string, unknown> {
  const hotel = HOTELS[n % HOTELS.length]!;
  const base = { guestId, occurredAt, ...(sourceEventId ? { sourceEventId } : {}) };
  switch (n % 5) {
    case 0: {
      const arrival = occurredAt.slice(0, 10);
      const departure = new Date(Date.parse(`${arrival}T00:00:00Z`) + 2 * 86_400_000).toISOString().slice(0, 10);
      return { ...base, type: 'stay', brandId: 'bench-hotels', propertyId: hotel.propertyId, channel: 'pms', amount: { amount: '240.00', currency: hotel.currency }, payload: { arrivalDate: arrival, departureDate: departure, nights: 2 } };
    }
    case 1:
      return { ...base, type: 'dining-visit', brandId: 'bench-dining', propertyId: 'bench-dining-chiado', channel: 'pos', amount: { amount: '86.50', currency: 'EUR' }, payload: { covers: 2, outlet: 'terrace' } };
    case 2:
      return { ...base, type: 'purchase', brandId: 'bench-retail', channel: 'web', visibility: 'brand', amount: { amount: '129.00', currency: 'EUR' }, payload: { items: [{ sku: 'NL-JKT-RAIN-M', quantity: 1, unitPrice: { amount: '129.00', currency: 'EUR' } }] } };
    case 3:
      return { ...base, type: 'call', brandId: 'bench-hotels', propertyId: hotel.propertyId, channel: 'phone', payload: { direction: 'inbound', durationSeconds: 240, topic: 'booking-change', summary: 'Asked to move the arrival by a day' } };
    default:
      return { ...base, type: 'survey-response', brandId: 'bench-hotels', propertyId: hotel.propertyId, channel: 'email', payload: { score: 4, comment: 'Friendly staff' } };
  }
}

const past = (i: number) => new Date(Date.now() - 86_400_000 * (1 + (i % 900)) - (i % 86_400) * 1000).toISOString();

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  const services: Service[] = [];
  // Ctrl-C: stop the children first, so the finally below can drop their schemas and durables.
  const interrupt = () => {
    console.error('interrupted: stopping the services and cleaning up');
    for (const s of services) s.child.kill('SIGTERM');
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    // Both processes get their own schema; the timeline asks customer-profile over NATS.
    services.push(await startService('customer-profile', { CUSTOMER_PROFILE_RPC_PREFIX: RPC_PREFIX }));
    services.push(await startService('timeline', { HTTP_WORKERS, CUSTOMER_PROFILE_RPC_PREFIX: RPC_PREFIX, TIMELINE_INGEST_DURABLE: INGEST_DURABLE, TIMELINE_INGEST_DELIVER_POLICY: 'new' }));
    const [profile, timeline] = services as [Service, Service];
    const token = await signHs256Token({ sub: 'bench', tenant: TENANT, roles: ['admin', 'agent', 'integration'], brands: '*' }, { secret: JWT_SECRET, ttl: '2h' });
    console.log(`timeline benchmark, Node ${process.version}, NODE_ENV=production, timeline HTTP_WORKERS=${HTTP_WORKERS}, timeline Node flags ${timeline.nodeArgs.join(' ') || '(none)'}, schemas ${profile.schema} / ${timeline.schema}`);

    if (SEED) {
      const seedStart = performance.now();
      const seed = spawn(process.execPath, [join(repoRoot, 'deploy', 'scripts', 'seed.mjs')], {
        // SEED_TICKETS=0: no service-tickets runs next to the benchmark's services (the seed would use :4103)
        env: { ...process.env, JWT_SECRET, SEED_TENANT: TENANT, SEED_TICKETS: '0', CUSTOMER_PROFILE_URL: `http://127.0.0.1:${profile.port}`, TIMELINE_URL: `http://127.0.0.1:${timeline.port}` },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const code = await new Promise<number | null>((r) => seed.once('exit', r));
      if (code !== 0) console.log(`  (the seed exited with ${code}; figures below are on whatever it loaded)`);
      line('seeded demo chain (npm run seed)', `${fmt((performance.now() - seedStart) / 1000, 1)} s`);
      line('settled after seeding', `${fmt(await settle(timeline.child.pid), 1)} s`);
    }

    // The benchmark's own brands, properties and guests, next to the seeded ones.
    for (const brand of [{ brandId: 'bench-hotels', sharing: 'shared' }, { brandId: 'bench-dining', sharing: 'shared' }, { brandId: 'bench-retail', sharing: 'private' }]) {
      await call(profile.port, 'POST', '/v1/brands', token, { ...brand, name: brand.brandId });
    }
    for (const [propertyId, brandId, kind, country, timeZone] of [
      ['bench-hotel-lisboa', 'bench-hotels', 'hotel', 'PT', 'Europe/Lisbon'],
      ['bench-hotel-london', 'bench-hotels', 'hotel', 'GB', 'Europe/London'],
      ['bench-dining-chiado', 'bench-dining', 'restaurant', 'PT', 'Europe/Lisbon'],
    ] as const) {
      await call(profile.port, 'POST', '/v1/properties', token, { propertyId, brandId, name: propertyId, kind, country, timeZone });
    }
    const guestIds: string[] = [];
    const registerStart = performance.now();
    const register = async (i: number, brand = 'bench-hotels') => {
      const res = await call(profile.port, 'POST', '/v1/guests', token, { name: { given: `Bench${i}`, family: 'Guest' }, identities: [{ type: 'email', value: `bench${i}.${randomUUID().slice(0, 8)}@bench.example` }] }, { 'x-brand-id': brand });
      if (res.status !== 201) throw new Error(`register: ${res.status} ${res.body.slice(0, 300)}`);
      return (JSON.parse(res.body) as { guestId: string }).guestId;
    };
    await inParallel(GUESTS, 32, async (i) => void guestIds.push(await register(i)));
    line(`guests registered (customer-profile, 32 in flight)`, fmt(GUESTS), `${fmt(GUESTS / ((performance.now() - registerStart) / 1000))}/s`);
    // guests only the warm-up reads: the measured guests' views are still uncached when their phase starts
    const warmupIds: string[] = [];
    await inParallel(WARMUP_GUESTS, 32, async (i) => void warmupIds.push(await register(800_000 + i)));
    line('settled after registrations', `${fmt(await settle(timeline.child.pid), 1)} s`);

    // ---- ingest: batches
    {
      const batches = Math.ceil(TOUCHPOINTS / BATCH);
      const latencies: number[] = [];
      let failed = 0;
      const started = performance.now();
      await inParallel(batches, BATCH_CONCURRENCY, async (b) => {
        const items = Array.from({ length: Math.min(BATCH, TOUCHPOINTS - b * BATCH) }, (_, k) => {
          const i = b * BATCH + k;
          return touchpoint(guestIds[i % guestIds.length]!, Math.floor(i / guestIds.length), past(i), `bench-batch-${i}`);
        });
        const t0 = performance.now();
        const res = await call(timeline.port, 'POST', '/v1/touchpoints:batch', token, { items });
        latencies.push(performance.now() - t0);
        if (res.status !== 207 && res.status !== 200) failed += items.length;
        else failed += (JSON.parse(res.body) as { results: { status: number }[] }).results.filter((r) => r.status >= 300).length;
      });
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      line(`ingest, batches of ${BATCH} (${BATCH_CONCURRENCY} in flight)`, `${fmt(TOUCHPOINTS / seconds)}/s`, `target ≥ 1,000/s; ${fmt(TOUCHPOINTS)} touchpoints in ${fmt(seconds, 1)} s, ${failed} failed`);
      line('  batch request p50 / p99', `${fmt(pct(latencies, 50), 1)} / ${fmt(pct(latencies, 99), 1)} ms`);
    }

    // ---- ingest: single touchpoints
    {
      const latencies: number[] = [];
      let failed = 0;
      const started = performance.now();
      await inParallel(SINGLE, 32, async (i) => {
        const t0 = performance.now();
        const res = await call(timeline.port, 'POST', '/v1/touchpoints', token, touchpoint(guestIds[i % guestIds.length]!, i, past(i)));
        latencies.push(performance.now() - t0);
        if (res.status !== 201) failed++;
      });
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      line('ingest, single POST /v1/touchpoints (32 in flight)', `${fmt(SINGLE / seconds)}/s`, `${failed} failed`);
      line('  request p50 / p99', `${fmt(pct(latencies, 50), 1)} / ${fmt(pct(latencies, 99), 1)} ms`);
    }
    line('settled after ingest (projection catch-up)', `${fmt(await settle(timeline.child.pid), 1)} s`);

    // ---- append-to-view lag: ack of POST /v1/touchpoints → the view lists the entry
    const lag = async (label: string) => {
      const lags: number[] = [];
      let missed = 0;
      let failed = 0;
      // an overloaded machine must not turn this phase into LAG_SAMPLES × 10 s: give up after 5 misses
      for (let s = 0; s < LAG_SAMPLES && missed + failed < 5; s++) {
        const guestId = guestIds[(s * 7919) % guestIds.length]!;
        const res = await call(timeline.port, 'POST', '/v1/touchpoints', token, touchpoint(guestId, s, new Date().toISOString()));
        const acked = performance.now();
        if (res.status !== 201) {
          failed++;
          continue;
        }
        const { entryId } = JSON.parse(res.body) as { entryId: string };
        for (;;) {
          const view = await call(timeline.port, 'GET', `/v1/guests/${guestId}/view`, token);
          if (view.body.includes(entryId)) {
            lags.push(performance.now() - acked);
            break;
          }
          if (performance.now() - acked > 10_000) {
            missed++;
            break;
          }
          await sleep(2);
        }
      }
      lags.sort((a, b) => a - b);
      line(`append-to-view lag p50 / p99, ${label}`, `${fmt(pct(lags, 50), 1)} / ${fmt(pct(lags, 99), 1)} ms`, `target p99 < 200 ms; ${lags.length} samples, max ${fmt(lags.at(-1) ?? NaN, 1)} ms${missed ? `, ${missed} not seen in 10 s` : ''}${failed ? `, ${failed} POSTs failed` : ''}`);
    };
    await lag('idle');
    {
      // background ingest at LAG_LOAD/s in batches every 100 ms, on other guests' timelines
      let running = true;
      let n = 0;
      let backgroundErrors = 0;
      const background = (async () => {
        const per = Math.max(1, Math.round(LAG_LOAD / 10));
        while (running) {
          const t0 = performance.now();
          const items = Array.from({ length: per }, () => {
            const i = n++;
            return touchpoint(guestIds[(i * 31 + 1) % guestIds.length]!, i, past(i));
          });
          const res = await call(timeline.port, 'POST', '/v1/touchpoints:batch', token, { items }).catch(() => undefined);
          if (res?.status !== 207 && res?.status !== 200) backgroundErrors++;
          await sleep(Math.max(0, 100 - (performance.now() - t0)));
        }
      })();
      await lag(`under ${fmt(LAG_LOAD)} touchpoints/s`).finally(() => (running = false));
      await background;
      if (backgroundErrors) console.log(`    (${backgroundErrors} background batches failed)`);
    }
    line('settled', `${fmt(await settle(timeline.child.pid), 1)} s`);

    // ---- view reads at a fixed rate: chain-wide and brand-scoped callers alternate
    line('PostgreSQL settled (autovacuum done, CHECKPOINT)', `${fmt(await settlePostgres(pool), 1)} s`);
    {
      const brandToken = await signHs256Token({ sub: 'bench-agent', tenant: TENANT, roles: ['agent'], brands: ['bench-dining'] }, { secret: JWT_SECRET, ttl: '1h' });
      const randomOf = (ids: readonly string[]) => ids[Math.floor(Math.random() * ids.length)]!;
      const viewTargets = (ids: readonly string[], count: number) =>
        Array.from({ length: count }, (_, i) => ({ method: 'GET' as const, path: `/v1/guests/${randomOf(ids)}/view`, headers: { authorization: `Bearer ${i % 2 ? token : brandToken}` } }));
      // Warm-up on other guests, sent as the lead-in of the measured run: a service that just started
      // compiles its code paths and opens pool connections (a PostgreSQL backend start each) on its first
      // requests, and a load generator that just started opens its connections one by one; that is start-up,
      // not the steady state the target is about. Printed anyway. The measured guests' views stay uncached.
      const targets = viewTargets(guestIds, RATE * SECONDS);
      const leadIn = WARMUP_SECONDS > 0 && warmupIds.length > 0 ? { seconds: WARMUP_SECONDS, targets: viewTargets(warmupIds, RATE * WARMUP_SECONDS) } : undefined;
      const result = await constantRate({ port: timeline.port, rate: RATE, seconds: SECONDS, targets, ...(leadIn ? { leadIn } : {}), watch: timeline.child.pid });
      const cpu = result.watchedCpu!.user + result.watchedCpu!.system;
      const elapsed = result.measuredSeconds;
      if (result.leadIn) {
        const warm = result.leadIn;
        line(`warm-up: view reads of ${fmt(warmupIds.length)} other guests, ${WARMUP_SECONDS} s at ${fmt(RATE)}/s`, `${fmt(pct(warm.latencies, 50), 2)} / ${fmt(pct(warm.latencies, 99), 2)} ms`, `p50 / p99 of a freshly started service (the measured run's lead-in), ${warm.errors} errors`);
      }
      line(`guest view read p50 at ${fmt(RATE)}/s`, ms(pct(result.latencies, 50)));
      line(`guest view read p99 at ${fmt(RATE)}/s`, ms(pct(result.latencies, 99)), 'target < 10 ms');
      line(`  in the service (Server-Timing) p50 / p99`, `${fmt(pct(result.serverMs, 50), 2)} / ${fmt(pct(result.serverMs, 99), 2)} ms`, 'from request to answer, without network and client');
      line('  p99 of each second', result.p99BySecond.map((v) => fmt(v, 1)).join(' '));
      console.log(`    (achieved ${fmt(result.achieved)} req/s, max ${fmt(result.latencies.at(-1) ?? NaN, 1)} ms, ${result.errors} errors; timeline processes ${fmt((100 * cpu) / elapsed)}% of one core, ${fmt((cpu * 1e6) / (RATE * SECONDS))} µs CPU per read; load generator (Vegeta) ${fmt((100 * result.loadGeneratorCpu) / elapsed)}% of one core)`);
    }

    // ---- timeline page reads
    {
      const targets = Array.from({ length: PAGE_RATE * SECONDS }, () => ({ method: 'GET' as const, path: `/v1/guests/${guestIds[Math.floor(Math.random() * guestIds.length)]!}/timeline?limit=20`, headers: { authorization: `Bearer ${token}` } }));
      const result = await constantRate({ port: timeline.port, rate: PAGE_RATE, seconds: SECONDS, targets });
      line(`timeline page (limit 20) p50 / p99 at ${fmt(PAGE_RATE)}/s`, `${fmt(pct(result.latencies, 50), 2)} / ${fmt(pct(result.latencies, 99), 2)} ms`, `${result.errors} errors, achieved ${fmt(result.achieved)} req/s`);
    }

    // ---- flat reads: a guest with 10 entries vs one with HEAVY entries
    {
      const light = await register(900_001);
      const heavy = await register(900_002);
      const load = async (guestId: string, count: number, prefix: string) => {
        const batches = Math.ceil(count / 500);
        await inParallel(batches, 2, async (b) => {
          const items = Array.from({ length: Math.min(500, count - b * 500) }, (_, k) => touchpoint(guestId, b * 500 + k, past(b * 500 + k), `${prefix}-${b * 500 + k}`));
          const res = await call(timeline.port, 'POST', '/v1/touchpoints:batch', token, { items });
          if (res.status !== 207 && res.status !== 200) throw new Error(`heavy load: ${res.status} ${res.body.slice(0, 300)}`);
        });
        // the newest entry appears in the view once the projection has applied everything before it
        const marker = await call(timeline.port, 'POST', '/v1/touchpoints', token, touchpoint(guestId, 3, new Date(Date.now() + 1_000).toISOString()));
        const { entryId } = JSON.parse(marker.body) as { entryId: string };
        for (let waited = 0; waited < 300_000; waited += 100) {
          if ((await call(timeline.port, 'GET', `/v1/guests/${guestId}/view`, token)).body.includes(entryId)) break;
          await sleep(100);
        }
      };
      const loadStart = performance.now();
      await load(light, 9, `bench-light-${light}`);
      await load(heavy, HEAVY - 1, `bench-heavy-${heavy}`);
      line(`loaded guests with 10 and ${fmt(HEAVY)} entries`, `${fmt((performance.now() - loadStart) / 1000, 1)} s`);
      line('settled', `${fmt(await settle(timeline.child.pid), 1)} s`);
      const read = async (path: string) => {
        const latencies: number[] = [];
        let bytes = 0;
        for (let i = 0; i < FLAT_READS; i++) {
          const t0 = performance.now();
          const res = await call(timeline.port, 'GET', path, token);
          latencies.push(performance.now() - t0);
          bytes = res.body.length;
        }
        latencies.sort((a, b) => a - b);
        return { p50: pct(latencies, 50), p99: pct(latencies, 99), bytes };
      };
      for (const [label, path] of [
        ['view', (id: string) => `/v1/guests/${id}/view`],
        ['timeline page', (id: string) => `/v1/guests/${id}/timeline?limit=20`],
      ] as const) {
        const small = await read(path(light));
        const big = await read(path(heavy));
        line(`${label}, 10 entries: p50 / p99 (sequential)`, `${fmt(small.p50, 2)} / ${fmt(small.p99, 2)} ms`, `${fmt(small.bytes)} bytes`);
        line(`${label}, ${fmt(HEAVY)} entries: p50 / p99 (sequential)`, `${fmt(big.p50, 2)} / ${fmt(big.p99, 2)} ms`, `${fmt(big.bytes)} bytes; p50 ratio ${fmt(big.p50 / small.p50, 2)}× (flat ≈ 1)`);
      }
    }
  } finally {
    await stopBenchServices(services);
    for (const s of services) await pool.query(`DROP SCHEMA IF EXISTS "${s.schema}" CASCADE`);
    await pool.end();
    http.destroy();
    await deleteDurablesAt(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', INGEST_DURABLE).catch((error: unknown) => console.error('could not delete the benchmark durables:', error));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
