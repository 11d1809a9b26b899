/**
 * Figures for the queue and reporting read models on PostgreSQL (not a test):
 *
 *   node_modules/.bin/tsc -b services/service-tickets && node services/service-tickets/dist/adapters/read-models/ticket-metrics.bench.js
 *
 * BENCH_TICKETS (default 100,000) tickets opened evenly over 2026 across 3 brands, 6 properties and 5
 * queues (~4.3 events each: open, assign, first response, 90 % resolved, some surveyed), projected in
 * time order in batches of 500 (as the runner does), then each query timed. Uses its own schema in
 * DATABASE_URL and drops it at the end.
 */
import type { StoredEvent } from '@hearth/event-store';
import { PostgresDocumentStore } from '@hearth/read-models';
import pg from 'pg';
import type { TicketPriority } from '../../domain/ticket.events';
import { ticketMetricFacts, TICKET_METRICS_COLLECTIONS } from './ticket-metrics.collections';
import { projectTicketMetricsBatch } from './ticket-metrics.projection';
import { ticketMetrics } from './ticket-metrics.query';
import { TICKET_QUEUE_COLLECTIONS, ticketQueue } from './ticket-queue.collections';
import { projectTicketQueueEvent } from './ticket-queue.projection';
import { listTicketQueue } from './ticket-queue.query';
import { BASE_MS, EventLog, openTicket } from './ticket-queue.test-helper';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const TENANT = 'bench';
const BRANDS: [string, string[]][] = [
  ['hotels', ['lisbon-1', 'porto-1', 'faro-1']],
  ['restaurants', ['lisbon-r', 'porto-r']],
  ['retail', ['mall-1']],
];
const QUEUES = ['front-desk', 'housekeeping', 'billing', 'concierge', 'kitchen'];
const PRIORITIES: TicketPriority[] = ['low', 'normal', 'high', 'urgent'];

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.max(1, Math.ceil(p * values.length)) - 1]!;

async function main(): Promise<void> {
  const r = random(7);
  const pick = <T>(values: readonly T[]) => values[Math.floor(r() * values.length)]!;
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', max: 4 });
  const schema = `bench_ticket_rm_${process.pid}`;
  const store = await PostgresDocumentStore.connect({ pool, schema });
  await store.ensureCollections([...TICKET_QUEUE_COLLECTIONS, ...TICKET_METRICS_COLLECTIONS]);
  const yearStart = (Date.parse('2026-01-01T00:00:00Z') - BASE_MS) / 60_000;
  const span = 364 * 24 * 60;
  let position = 0;
  let projected = 0;
  let queueMs = 0;
  let metricsMs = 0;
  let pending: StoredEvent[] = [];
  const CHUNK = 2000;
  try {
    for (let start = 0; start < TICKETS; start += CHUNK) {
      const log = new EventLog();
      const end = Math.min(TICKETS, start + CHUNK);
      for (let i = start; i < end; i++) {
        const [brandId, properties] = pick(BRANDS);
        const minute = yearStart + Math.floor((i / TICKETS) * span);
        const complaint = r() < 0.3;
        const t = openTicket(log, TENANT, `tk-${i}`, minute, {
          brandId,
          propertyId: pick(properties),
          queueId: pick(QUEUES),
          guestId: `g-${i}`,
          priority: pick(PRIORITIES),
          channel: pick(['phone', 'email', 'chat', 'web', 'walk-in', 'social'] as const),
          ...(complaint ? { kind: 'complaint' as const, complaint: { complaintType: pick(['noise', 'billing', 'food', 'staff']), severity: 'medium' as const } } : {}),
          firstResponseMinutes: 60,
          resolutionMinutes: 24 * 60,
        });
        t.run('AssignTicket', minute + 2, { assigneeId: `agent-${Math.floor(r() * 40)}` });
        t.run('RecordFirstResponse', minute + Math.floor(1 + r() * 120), {});
        if (r() < 0.9) {
          t.run('ResolveTicket', minute + 130 + Math.floor(r() * 3000), {});
          if (complaint && r() < 0.5) t.run('RecordSatisfaction', minute + 4000, { score: 1 + Math.floor(r() * 5) });
        }
      }
      // the event store is in time order: release what happened before this chunk's last opening
      const last = end >= TICKETS;
      const horizon = new Date(BASE_MS + (yearStart + Math.floor((end / TICKETS) * span)) * 60_000).toISOString();
      const at = (e: StoredEvent) => (e.data as { at: string }).at;
      pending.push(...log.events);
      pending.sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : a.globalPosition - b.globalPosition));
      const ready = last ? pending : pending.filter((e) => at(e) < horizon);
      pending = last ? [] : pending.filter((e) => at(e) >= horizon);
      const stamped = ready.map((e) => ({ ...e, globalPosition: (position += 10) }));
      for (let b = 0; b < stamped.length; b += 500) {
        const batch = stamped.slice(b, b + 500);
        const keys = (collection: typeof ticketQueue | typeof ticketMetricFacts) =>
          batch.map((e) => ({ collection, tenantId: TENANT, id: (e.data as { ticketId: string }).ticketId }));
        let t0 = performance.now();
        await store.transaction(
          async (session) => {
            await session.preload(keys(ticketQueue));
            for (const event of batch) await projectTicketQueueEvent(event, session);
          },
          { writeBehind: true },
        );
        queueMs += performance.now() - t0;
        t0 = performance.now();
        await store.transaction(
          async (session) => {
            await session.preload(keys(ticketMetricFacts));
            await projectTicketMetricsBatch(batch, session);
          },
          { writeBehind: true },
        );
        metricsMs += performance.now() - t0;
      }
      projected += stamped.length;
    }
    console.log(`${TICKETS} tickets, ${projected} events: queue projection ${Math.round((projected / queueMs) * 1000)} events/s, metrics projection ${Math.round((projected / metricsMs) * 1000)} events/s`);
    await pool.query(`ANALYZE "${schema}"."ticket_queue"; ANALYZE "${schema}"."ticket_metric_rollups"`);

    const time = async (name: string, fn: () => Promise<unknown>, runs: number) => {
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await fn();
        ms.push(performance.now() - t0);
      }
      console.log(`${name.padEnd(48)} p50 ${percentile(ms, 0.5).toFixed(1).padStart(6)} ms   p99 ${percentile(ms, 0.99).toFixed(1).padStart(6)} ms`);
    };
    const all = { brandIds: 'all' as const };
    const second = await listTicketQueue(store, TENANT, all, { limit: 50 });
    await time('queue: first page (50), all brands', () => listTicketQueue(store, TENANT, all, { limit: 50 }), 200);
    await time('queue: next page', () => listTicketQueue(store, TENANT, all, { limit: 50, ...(second.nextCursor ? { cursor: second.nextCursor } : {}) }), 200);
    await time('queue: visible brands [hotels, retail]', () => listTicketQueue(store, TENANT, { brandIds: ['hotels', 'retail'] }, { limit: 50 }), 200);
    await time('queue: one queue', () => listTicketQueue(store, TENANT, { ...all, queueId: 'billing' }, { limit: 50 }), 200);
    await time('queue: one assignee', () => listTicketQueue(store, TENANT, { ...all, assigneeId: 'agent-7' }, { limit: 50 }), 200);
    await time('queue: unassigned', () => listTicketQueue(store, TENANT, { ...all, assigneeId: 'unassigned' }, { limit: 50 }), 200);
    await time('queue: priority urgent,high', () => listTicketQueue(store, TENANT, { ...all, priority: ['urgent', 'high'] }, { limit: 50 }), 200);
    await time('queue: due before a date', () => listTicketQueue(store, TENANT, { ...all, dueBefore: '2026-10-01T00:00:00Z' }, { limit: 50 }), 200);
    await time('queue: one property, closed included', () => listTicketQueue(store, TENANT, { ...all, includeClosed: true, propertyId: 'porto-1' }, { limit: 50 }), 50);
    await time('metrics: whole year', () => ticketMetrics(store, TENANT, { ...all, from: '2026-01-01', to: '2026-12-31' }), 30);
    await time('metrics: 2026-01-15 … 2026-11-20', () => ticketMetrics(store, TENANT, { ...all, from: '2026-01-15', to: '2026-11-20' }), 30);
    await time('metrics: whole year, grouped by queue', () => ticketMetrics(store, TENANT, { ...all, from: '2026-01-01', to: '2026-12-31', groupBy: 'queue' }), 30);
    await time('metrics: one property, one month', () => ticketMetrics(store, TENANT, { brandIds: ['hotels'], propertyId: 'lisbon-1', from: '2026-05-01', to: '2026-05-31' }), 30);
    await time('metrics: one brand, 10 days', () => ticketMetrics(store, TENANT, { brandIds: ['hotels'], from: '2026-05-03', to: '2026-05-12' }), 30);
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await store.close();
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
