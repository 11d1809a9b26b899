/**
 * `npm run bench:event-store`: measures the PostgreSQL event store on this machine and prints the
 * figures next to the targets of issue #2. A script, not a test: nothing here asserts timing.
 *
 * Env: DATABASE_URL (default the local `test` database), BENCH_CATCHUP_EVENTS (default 1,000,000),
 * BENCH_SECONDS (duration of each throughput run, default 5).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { aggregateStream } from '../decider';
import { PostgresEventStore } from '../adapters/postgres/postgres-event-store';
import type { NewEvent } from '../types';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CATCHUP_EVENTS = Number(process.env.BENCH_CATCHUP_EVENTS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

const metadata = () => ({
  tenantId: 'tenant-bench',
  brandId: 'brand-a',
  guestId: randomUUID(),
  actor: 'service:bench',
  channel: 'api',
  correlationId: randomUUID(),
  causationId: randomUUID(),
  occurredAt: new Date().toISOString(),
  schemaVersion: 1,
});
// ~300 bytes of data, like a typical touchpoint
const event = (i: number): NewEvent => ({
  eventId: randomUUID(),
  type: 'StayRecorded',
  data: { stayId: `stay-${i}`, propertyId: 'prop-lisbon-01', nights: 2, roomRevenue: { amount: 240, currency: 'EUR' }, arrival: '2026-11-20', departure: '2026-11-22', notes: 'x'.repeat(120) },
  metadata: metadata(),
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function appendThroughput(store: PostgresEventStore, writers: number): Promise<number> {
  const deadline = Date.now() + SECONDS * 1000;
  let count = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const stream = `benchw-${randomUUID()}`;
      for (let v = 0; Date.now() < deadline; v++) {
        await store.appendToStream(stream, [event(v)], { expectedVersion: v === 0 ? 'no_stream' : v - 1 });
        count++;
      }
      return w;
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function latencyAtFixedRate(store: PostgresEventStore, perSecond: number): Promise<{ p50: number; p99: number; max: number; achieved: number }> {
  const latencies: number[] = [];
  const total = perSecond * SECONDS;
  const intervalMs = 10;
  const perTick = Math.round((perSecond * intervalMs) / 1000);
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let sent = 0, tick = 0; sent < total; tick++) {
    // open loop: ticks are scheduled from the start time, so slow appends do not slow the arrival rate
    const due = started + tick * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (let i = 0; i < perTick && sent < total; i++, sent++) {
      const t0 = performance.now();
      inFlight.push(store.appendToStream(`benchlat-${randomUUID()}`, [event(sent)], { expectedVersion: 'no_stream' }).then(() => {
        latencies.push(performance.now() - t0);
      }));
    }
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1)!, achieved: total / elapsed };
}

async function seed(store: PostgresEventStore, count: number): Promise<void> {
  const batch = 1_000;
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < count) {
        const from = next;
        next += batch;
        const n = Math.min(batch, count - from);
        await store.appendToStream(`benchall-${from}`, Array.from({ length: n }, (_, i) => event(from + i)));
      }
    }),
  );
}

async function catchUp(store: PostgresEventStore): Promise<{ events: number; perSecond: number }> {
  let from = 0;
  let events = 0;
  const started = performance.now();
  for (;;) {
    const page = await store.readAll({ fromPosition: from, limit: 10_000, categories: ['benchall'] });
    if (page.length === 0) break;
    events += page.length;
    from = page.at(-1)!.globalPosition;
  }
  return { events, perSecond: events / ((performance.now() - started) / 1000) };
}

async function loadLongStream(store: PostgresEventStore): Promise<{ medianMs: number; snapshotMedianMs: number; events: number }> {
  const stream = `benchlong-${randomUUID()}`;
  for (let i = 0; i < 10_000; i += 1_000) await store.appendToStream(stream, Array.from({ length: 1_000 }, (_, k) => event(i + k)));
  const counter = { initialState: () => 0, evolve: (nights: number, e: { data: unknown }) => nights + (e.data as { nights: number }).nights };
  const runs: number[] = [];
  let events = 0;
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    const { streamVersion } = await aggregateStream(store, stream, counter);
    runs.push(performance.now() - t0);
    events = (streamVersion ?? -1) + 1;
  }
  runs.sort((a, b) => a - b);
  // with snapshots every 500 events: the worst case folds a snapshot plus 499 events
  const snapshots = { store: store.snapshotStore(), schemaVersion: 'bench-1', every: 500 };
  await store.appendToStream(stream, Array.from({ length: 499 }, (_, k) => event(10_000 + k)));
  await aggregateStream(store, stream, counter, { snapshots: { ...snapshots, every: 1 } }); // snapshot at the tail
  await store.appendToStream(stream, Array.from({ length: 499 }, (_, k) => event(20_000 + k)));
  const snapRuns: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    await aggregateStream(store, stream, counter, { snapshots });
    snapRuns.push(performance.now() - t0);
  }
  snapRuns.sort((a, b) => a - b);
  return { medianMs: percentile(runs, 50), snapshotMedianMs: percentile(snapRuns, 50), events };
}

async function main(): Promise<void> {
  const schema = `bench_es_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 34 });
  const store = await PostgresEventStore.connect({ pool, schema });
  const rows: [string, string, string][] = [];
  const report = (name: string, value: string, target: string) => {
    rows.push([name, value, target]);
    console.log(`  ${name.padEnd(44)} ${value.padStart(16)}   target ${target}`);
  };
  try {
    const [{ server_version: version }] = (await pool.query('SHOW server_version')).rows;
    const [{ fsync }] = (await pool.query('SHOW fsync')).rows;
    console.log(`Event store benchmark: PostgreSQL ${version} (fsync ${fsync}), Node ${process.version}, ${SECONDS}s per run, schema ${schema}`);
    await appendThroughput(store, 4); // warm-up
    report('appends/s, 1 writer', fmt(await appendThroughput(store, 1)), '(none)');
    report('appends/s, 32 concurrent writers', fmt(await appendThroughput(store, 32)), '>= 3,000/s');
    const lat = await latencyAtFixedRate(store, 1_000);
    report('append latency p50 at 1,000/s', `${fmt(lat.p50, 2)} ms`, '(none)');
    report('append latency p99 at 1,000/s', `${fmt(lat.p99, 2)} ms`, '< 20 ms');
    console.log(`    (achieved ${fmt(lat.achieved)} appends/s, max ${fmt(lat.max, 1)} ms)`);
    const long = await loadLongStream(store);
    report(`load + fold a ${fmt(long.events)}-event stream (median of 7)`, `${fmt(long.medianMs, 1)} ms`, '< 150 ms');
    report('same, from a snapshot + 499 events', `${fmt(long.snapshotMedianMs, 1)} ms`, '< 150 ms');
    const seedStart = performance.now();
    await seed(store, CATCHUP_EVENTS);
    console.log(`    (seeded ${fmt(CATCHUP_EVENTS)} events in ${fmt((performance.now() - seedStart) / 1000, 1)} s)`);
    const cu = await catchUp(store);
    report(`readAll catch-up over ${fmt(cu.events)} events`, `${fmt(cu.perSecond)} ev/s`, '>= 50,000 ev/s');
  } finally {
    await store.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
