/**
 * Part of `npm run bench:messaging`: the projection runner's throughput from a PostgreSQL event store
 * into PostgreSQL read models (a per-guest summary: read-modify-write of one document per event), and
 * the same run as a rebuild from zero. A script, not a test: it prints figures and asserts nothing.
 *
 * Env: DATABASE_URL (default the local `test` database), BENCH_PROJECTION_EVENTS (default 50,000),
 * BENCH_PROJECTION_GUESTS (default 5,000).
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { NewEvent, StoredEvent } from '@hearth/event-store';
import { PostgresEventStore } from '@hearth/event-store';
import { PostgresDocumentStore } from '../adapters/postgres/postgres-document-store';
import { contentHash } from '../projection/content-hash';
import { eventStoreSource } from '../projection/event-store-source';
import { createProjectionRunner } from '../projection/projection-runner';
import type { ProjectionRunnerOptions } from '../projection/projection-runner';
import { guestSummaries, guestSummaryPrefetch, guestSummaryProjection } from './guest-summary.projection';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const EVENTS = Number(process.env.BENCH_PROJECTION_EVENTS ?? 50_000);
const GUESTS = Number(process.env.BENCH_PROJECTION_GUESTS ?? 5_000);
const TARGET = 5_000;
const TENANTS = ['tenant-a', 'tenant-b', 'tenant-c'];
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

function historyOf(guest: number, count: number): NewEvent[] {
  const tenantId = TENANTS[guest % TENANTS.length]!;
  return Array.from({ length: count }, (_, i) => {
    const type = i === 0 ? 'GuestRegistered' : i % 7 === 0 ? 'EmailChanged' : 'StayCompleted';
    const data = type === 'GuestRegistered' ? { name: `Guest ${guest}`, email: `g${guest}@example.com` } : type === 'EmailChanged' ? { email: `g${guest}.${i}@example.com` } : { amount: 100 + (i % 50) };
    return {
      eventId: randomUUID(),
      type,
      data,
      metadata: { tenantId, guestId: `g${guest}`, actor: 'service:bench', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), schemaVersion: 1 },
    };
  });
}

/** EVENTS events over GUESTS `guest-…` streams, appended by 32 concurrent writers (one event per append, interleaved). */
async function seed(events: PostgresEventStore): Promise<number> {
  const perGuest = Math.floor(EVENTS / GUESTS);
  const extra = EVENTS - perGuest * GUESTS;
  let last = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let guest = next++; guest < GUESTS; guest = next++) {
        const history = historyOf(guest, perGuest + (guest < extra ? 1 : 0));
        for (let i = 0; i < history.length; i++) {
          const result = await events.appendToStream(`guest-g${guest}`, [history[i]!], { expectedVersion: i === 0 ? 'no_stream' : i - 1 });
          last = Math.max(last, result.globalPosition);
        }
      }
    }),
  );
  return last;
}

async function main(): Promise<void> {
  const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
  const eventSchema = `bench_proj_events_${suffix}`;
  const schemas = [eventSchema];
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  const events = await PostgresEventStore.connect({ connectionString: DATABASE_URL, schema: eventSchema });
  try {
    console.log(`Projection runner → PostgreSQL read models: ${fmt(EVENTS)} events over ${fmt(GUESTS)} guests (per-guest summary, read-modify-write)`);
    let started = performance.now();
    const last = await seed(events);
    console.log(`  seeded the event store in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const run = async (label: string, overrides: Partial<ProjectionRunnerOptions<StoredEvent>>) => {
      const schema = `bench_proj_rm_${suffix}_${schemas.length}`;
      schemas.push(schema);
      const store = await PostgresDocumentStore.connect({ connectionString: DATABASE_URL, schema });
      await store.ensureCollections([guestSummaries]);
      const runner = createProjectionRunner<StoredEvent>({
        name: 'guest-summary',
        source: eventStoreSource(events, { categories: ['guest'] }),
        project: guestSummaryProjection(),
        store,
        collections: [guestSummaries],
        ...overrides,
      });
      started = performance.now();
      await runner.start();
      await runner.waitForPosition(last, { timeoutMs: 600_000 });
      const seconds = (performance.now() - started) / 1000;
      console.log(`  ${label.padEnd(44)} ${fmt(EVENTS / seconds).padStart(7)} events/s  (${seconds.toFixed(1)} s; target ≥ ${fmt(TARGET)})`);
      return { store, runner };
    };

    const plain = await run('catch-up from zero, write-behind batches', {});
    await plain.runner.stop();
    const { store, runner } = await run('catch-up from zero, with prefetch', { prefetch: guestSummaryPrefetch });
    started = performance.now();
    const rebuilt = await runner.rebuild();
    const seconds = (performance.now() - started) / 1000;
    console.log(`  ${'rebuild from zero + switch (live runner on)'.padEnd(44)} ${fmt(rebuilt.events / seconds).padStart(7)} events/s  (${seconds.toFixed(1)} s)`);
    const [a, b] = [await contentHash(plain.store, guestSummaries, TENANTS), await contentHash(store, guestSummaries, TENANTS)];
    console.log(`  content hash: ${a.hash === b.hash ? 'identical' : 'DIFFERENT'} across runs (${fmt(a.documents)} documents)`);
    await runner.stop();
    await plain.store.close();
    await store.close();
  } finally {
    await events.close();
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
