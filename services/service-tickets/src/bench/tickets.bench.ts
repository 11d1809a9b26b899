/**
 * `npm run bench:tickets`: service-tickets under load, over HTTP. Starts customer-profile and
 * service-tickets as separate processes on schemas of their own (production settings), creates a tenant
 * (3 brands, 5 properties, ticket settings with 6 queues) and BENCH_GUESTS guests, then measures:
 *  - opening tickets: BENCH_TICKETS (100,000) `POST /v1/tickets` for guests named by id, a mix of kinds,
 *    channels, priorities, brands, properties and queues (live channels assigned at once, integration
 *    channels with an Idempotency-Key), BENCH_CONCURRENCY (32) in flight: tickets/s, request p50/p99;
 *    then the time until the background work (forwarder, projections, SLA scheduler) has caught up;
 *  - the unified queue, `GET /v1/tickets`, at a fixed BENCH_RATE (200)/s for BENCH_SECONDS (10), sent by
 *    Vegeta (deploy/scripts/vegeta.sh), after PostgreSQL settled (autovacuum, CHECKPOINT): the
 *    filters front-line staff use (queue, status, assignee, unassigned, brand, property + priority,
 *    unfiltered, second pages through the cursor) with chain-wide and brand-scoped tokens: p50/p99 overall
 *    and per filter, CPU per request of the service's processes;
 *  - reporting, `GET /v1/tickets/metrics` for the last month and the last year (and the year by queue),
 *    BENCH_METRICS_READS (50) sequential reads each: p50/p99 (0 skips it).
 * The bench tenant's SLA targets are all at least 4 hours, so no timer falls due while it runs: every
 * ticket arms its timers (that cost is measured), breach handling is not (the SLA integration tests cover
 * it). Tickets are opened now (no `receivedAt`), so reporting reads this month's cells.
 * HTTP_WORKERS: service-tickets' HTTP workers (default: one per core). BENCH_SERVICE_LOGS=<directory>
 * keeps the services' logs (to look into failed requests); BENCH_SERVICE_NODE_ARGS passes Node flags to
 * service-tickets (e.g. `--cpu-prof`). A script, not a test: it prints figures and asserts nothing.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { signHs256Token, type Role } from '@hearth/http';
import { deleteDurablesAt } from '@hearth/messaging';
import { benchHttp, constantRate, cpuTotal, inParallel, percentile as pct, settle, settlePostgres, startBenchService, stopBenchServices, type BenchService } from '@hearth/testing';
import pg from 'pg';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const TICKETS = env('BENCH_TICKETS', 100_000);
const GUESTS = env('BENCH_GUESTS', 1_000);
const CONCURRENCY = env('BENCH_CONCURRENCY', 32);
const RATE = env('BENCH_RATE', 200);
const SECONDS = env('BENCH_SECONDS', 10);
const METRICS_READS = env('BENCH_METRICS_READS', 50);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TENANT = 'bench-tickets';
const JWT_SECRET = 'bench-only-secret-with-at-least-32-characters';
const repoRoot = join(__dirname, '..', '..', '..', '..');
/**
 * Names of this run: request/reply subjects of its own (a customer-profile of `npm start` on the default
 * subjects would share the queue group) and a guest-events durable of its own starting at new messages
 * (sharing `service-tickets--guests` would split the messages with a running stack). Deleted at the end.
 */
const RUN = randomUUID().slice(0, 8);
const RPC_PREFIX = `rpc.bench-${RUN}.customer-profile`;
const GUEST_EVENTS_DURABLE = `service-tickets--bench-${RUN}`;
/** service-tickets' HTTP workers (its own setting): one per core unless told otherwise. */
const HTTP_WORKERS = process.env.HTTP_WORKERS ?? String(availableParallelism());
const http = benchHttp();
const call = http.call;

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const line = (label: string, value: string, note = '') => console.log(`  ${label.padEnd(58)} ${value.padStart(16)}${note ? `   ${note}` : ''}`);
const p50p99 = (sorted: number[]) => `${fmt(pct(sorted, 50), 2)} / ${fmt(pct(sorted, 99), 2)} ms`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Service = BenchService;

/** The services on schemas of their own; service-tickets is the one profiled (BENCH_SERVICE_NODE_ARGS). */
const startService = (name: 'customer-profile' | 'service-tickets', extraEnv: Record<string, string>): Promise<Service> =>
  startBenchService({ name, repoRoot, http, profiled: name === 'service-tickets', env: { JWT_SECRET, CUSTOMER_PROFILE_RPC_PREFIX: RPC_PREFIX, ...extraEnv } });

/** Deterministic pseudo-random numbers for item `i` (mulberry32), so every run opens the same mix. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const weighted = <T>(items: readonly (readonly [T, number])[]): T => {
    let r = next() * items.reduce((s, [, w]) => s + w, 0);
    for (const [value, weight] of items) if ((r -= weight) < 0) return value;
    return items[items.length - 1]![0];
  };
  return { next, pick, weighted };
}

// ---- the bench tenant

const BRANDS = [
  { brandId: 'bench-hotels', name: 'Bench Hotels', sharing: 'shared' },
  { brandId: 'bench-dining', name: 'Bench Dining', sharing: 'shared' },
  { brandId: 'bench-retail', name: 'Bench Retail', sharing: 'private' },
] as const;
type BrandId = (typeof BRANDS)[number]['brandId'];
const PROPERTIES = [
  { propertyId: 'bench-hotel-lisboa', brandId: 'bench-hotels', kind: 'hotel', country: 'PT', timeZone: 'Europe/Lisbon' },
  { propertyId: 'bench-hotel-london', brandId: 'bench-hotels', kind: 'hotel', country: 'GB', timeZone: 'Europe/London' },
  { propertyId: 'bench-dining-chiado', brandId: 'bench-dining', kind: 'restaurant', country: 'PT', timeZone: 'Europe/Lisbon' },
  { propertyId: 'bench-dining-soho', brandId: 'bench-dining', kind: 'restaurant', country: 'GB', timeZone: 'Europe/London' },
  { propertyId: 'bench-retail-porto', brandId: 'bench-retail', kind: 'store', country: 'PT', timeZone: 'Europe/Lisbon' },
] as const;
/** Queues with 8 agents each (`<queue>.agent-<k>`), so an assignee holds a few thousand of 100,000 tickets. */
const QUEUES = [
  { queueId: 'bench-front-desk', name: 'Front desk', brandId: 'bench-hotels', managerId: 'bench-front-desk.manager' },
  { queueId: 'bench-guest-relations', name: 'Guest relations', brandId: 'bench-hotels', managerId: 'bench-guest-relations.manager' },
  { queueId: 'bench-restaurants', name: 'Restaurant service', brandId: 'bench-dining', managerId: 'bench-restaurants.manager' },
  { queueId: 'bench-retail-care', name: 'Customer care', brandId: 'bench-retail', managerId: 'bench-retail-care.manager' },
  { queueId: 'bench-guest-care', name: 'Chain guest care', managerId: 'bench-guest-care.manager' },
  { queueId: 'bench-billing', name: 'Central billing', managerId: 'bench-billing.manager' },
] as const;
const AGENTS_PER_QUEUE = 8;
/** Queues that take phone, walk-in and chat tickets, whose agents are assigned at opening. */
const LIVE_QUEUES = ['bench-front-desk', 'bench-restaurants', 'bench-retail-care'];
const agentOf = (queueId: string, k: number) => `${queueId}.agent-${k}`;
const everyDay = (start: string, end: string) => Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start, end }]]));
const SETTINGS = {
  queues: QUEUES,
  defaultQueueId: 'bench-guest-care',
  categories: ['general', 'reservation', 'room', 'billing', 'food-and-beverage', 'loyalty', 'orders-and-delivery', 'returns'].map((code) => ({ code, name: code })),
  // every target at least 4 h away: nothing falls due while the bench runs (see the header)
  slaPolicies: [
    { policyId: 'urgent', match: { priority: 'urgent' }, firstResponseMinutes: 240, resolutionMinutes: 480, mode: 'business-hours' },
    { policyId: 'email', match: { channel: 'email' }, firstResponseMinutes: 480, mode: 'calendar' },
    { policyId: 'complaint', match: { kind: 'complaint' }, firstResponseMinutes: 240, resolutionMinutes: 720, mode: 'business-hours' },
    { policyId: 'default', match: {}, firstResponseMinutes: 480, resolutionMinutes: 3 * 24 * 60, mode: 'business-hours' },
  ],
  defaultCalendar: { timeZone: 'Europe/Lisbon', weeklyHours: everyDay('00:00', '24:00') },
  calendars: [
    { propertyId: 'bench-hotel-lisboa', weeklyHours: everyDay('00:00', '24:00') },
    { propertyId: 'bench-hotel-london', weeklyHours: everyDay('00:00', '24:00') },
    { propertyId: 'bench-dining-chiado', weeklyHours: everyDay('12:00', '23:30') },
    { propertyId: 'bench-dining-soho', weeklyHours: everyDay('12:00', '23:30') },
    { propertyId: 'bench-retail-porto', weeklyHours: everyDay('10:00', '20:00') },
  ],
  reopenWindowHours: 72,
  escalation: { raisePriority: true, reassignToManager: true },
};
const SUBJECTS = ['Extra pillows for room 412', 'Charged twice for breakfast', 'Late check-out on Sunday', 'Table for six on Friday', 'Zip of the rain jacket broke', 'Where is my parcel?'];
const DESCRIPTIONS = [
  'The guest called from the room asking for two extra pillows and a blanket; prefers hypoallergenic ones if possible.',
  'Final bill shows breakfast twice on the 14th. Guest asks for the duplicate to be refunded to the card used at check-out.',
  'Flight leaves in the evening; the guest asks to keep the room until 16:00 and whether there is a fee.',
  'Birthday dinner for six, one vegetarian and one nut allergy; would like the terrace if the weather allows.',
];

/** Opening request `i`: a realistic mix across brands, properties, channels, kinds, priorities and queues. */
function ticketRequest(i: number, guestIds: readonly string[]): { body: Record<string, unknown>; headers: Record<string, string> } {
  const r = random(i + 1);
  const brandId = r.weighted<BrandId>([['bench-hotels', 50], ['bench-dining', 30], ['bench-retail', 20]]);
  const properties = PROPERTIES.filter((p) => p.brandId === brandId);
  const property = r.next() < 0.85 ? r.pick(properties) : undefined;
  const channel = r.weighted([['phone', 24], ['email', 26], ['chat', 14], ['web', 16], ['social', 6], ...(property ? [['walk-in', 14] as const] : [])] as const);
  const kind = r.weighted([['inquiry', 40], ['request', 33], ['complaint', 27]] as const);
  const priority = r.weighted([['low', 15], ['normal', 55], ['high', 22], ['urgent', 8]] as const);
  const queueId =
    channel === 'social' ? 'bench-guest-care'
      : brandId === 'bench-hotels' ? (property && ['walk-in', 'phone', 'chat'].includes(channel) ? 'bench-front-desk' : 'bench-guest-relations')
        : brandId === 'bench-dining' ? 'bench-restaurants' : r.next() < 0.1 ? 'bench-billing' : 'bench-retail-care';
  const live = channel === 'phone' || channel === 'walk-in' || channel === 'chat';
  return {
    body: {
      brandId,
      ...(property ? { propertyId: property.propertyId } : {}),
      guestId: guestIds[i % guestIds.length],
      kind,
      channel,
      priority,
      queueId,
      category: r.pick(SETTINGS.categories).code,
      subject: r.pick(SUBJECTS),
      description: r.pick(DESCRIPTIONS),
      // the agent on the call, at the desk or in the chat takes the ticket at once
      ...(live ? { assigneeId: agentOf(queueId, Math.floor(r.next() * AGENTS_PER_QUEUE)) } : {}),
      ...(kind === 'complaint' ? { complaint: { complaintType: r.pick(['noise', 'cleanliness', 'billing', 'staff', 'food', 'delivery']), severity: r.pick(['low', 'medium', 'high'] as const) } } : {}),
    },
    // gateways (e-mail, web forms, social inbox) retry with an Idempotency-Key; staff at a desk do not
    headers: live ? {} : { 'idempotency-key': `bench-${RUN}-${i}` },
  };
}

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
    services.push(await startService('customer-profile', {}));
    services.push(await startService('service-tickets', { HTTP_WORKERS, GUEST_EVENTS_DURABLE, GUEST_EVENTS_DELIVER_POLICY: 'new' }));
    const [profile, tickets] = services as [Service, Service];
    const sign = (sub: string, roles: Role[], brands: string[] | '*') => signHs256Token({ sub, tenant: TENANT, roles, brands }, { secret: JWT_SECRET, ttl: '4h' });
    const admin = await sign('bench-admin', ['admin', 'agent', 'manager'], '*');
    const chainAgent = await sign('bench-guest-care.agent-0', ['agent'], '*');
    const hotelAgent = await sign('bench-front-desk.agent-1', ['agent'], ['bench-hotels']);
    console.log(
      `service-tickets benchmark, Node ${process.version}, NODE_ENV=production, service-tickets HTTP_WORKERS=${HTTP_WORKERS} (customer-profile 1), Node flags ${tickets.nodeArgs.join(' ') || '(none)'}, ` +
        `${fmt(TICKETS)} tickets over ${fmt(GUESTS)} guests, ${CONCURRENCY} in flight; queue reads at ${fmt(RATE)}/s for ${SECONDS} s; ` +
        `${METRICS_READS} metrics reads each; schemas ${profile.schema} / ${tickets.schema}`,
    );

    // ---- the tenant: brands and properties (customer-profile), ticket settings, guests
    for (const brand of BRANDS) {
      const res = await call(profile.port, 'POST', '/v1/brands', admin, brand);
      if (res.status !== 201) throw new Error(`brand ${brand.brandId}: ${res.status} ${res.body.slice(0, 300)}`);
    }
    for (const property of PROPERTIES) {
      const res = await call(profile.port, 'POST', '/v1/properties', admin, { ...property, name: property.propertyId });
      if (res.status !== 201) throw new Error(`property ${property.propertyId}: ${res.status} ${res.body.slice(0, 300)}`);
    }
    const saved = await call(tickets.port, 'PUT', '/v1/ticket-settings', admin, SETTINGS);
    if (saved.status !== 200) throw new Error(`ticket settings: ${saved.status} ${saved.body.slice(0, 300)}`);
    const guestIds: string[] = [];
    const registerStart = performance.now();
    await inParallel(GUESTS, 32, async (i) => {
      const res = await call(profile.port, 'POST', '/v1/guests', admin, { name: { given: `Bench${i}`, family: 'Guest' }, identities: [{ type: 'email', value: `bench${i}.${RUN}@bench.example` }] }, { 'x-brand-id': 'bench-hotels' });
      if (res.status !== 201) throw new Error(`guest ${i}: ${res.status} ${res.body.slice(0, 300)}`);
      guestIds.push((JSON.parse(res.body) as { guestId: string }).guestId);
    });
    line('guests registered (customer-profile, 32 in flight)', fmt(GUESTS), `${fmt(GUESTS / ((performance.now() - registerStart) / 1000))}/s`);
    // one more ticket first (number TICKETS), retried until service-tickets' tenant-directory cache knows the new brands and properties
    for (let attempt = 0; ; attempt++) {
      const warm = ticketRequest(TICKETS, guestIds);
      const res = await call(tickets.port, 'POST', '/v1/tickets', admin, warm.body, warm.headers);
      if (res.status === 201) break;
      if (attempt > 100) throw new Error(`first ticket: ${res.status} ${res.body.slice(0, 300)}`);
      await sleep(200);
    }
    line('settled after setup', `${fmt(await settle(tickets.child.pid), 1)} s`);

    // ---- opening tickets
    {
      const latencies: number[] = [];
      const failures = new Map<string, number>();
      let example = '';
      const cpuBefore = cpuTotal(tickets.child.pid);
      const profileCpuBefore = cpuTotal(profile.child.pid);
      const started = performance.now();
      await inParallel(TICKETS, CONCURRENCY, async (i) => {
        const { body, headers } = ticketRequest(i, guestIds);
        const t0 = performance.now();
        const res = await call(tickets.port, 'POST', '/v1/tickets', admin, body, headers).catch((error: unknown) => ({ status: 0, body: String(error) }));
        latencies.push(performance.now() - t0);
        if (res.status !== 201) {
          const code = `${res.status} ${/"code":"([A-Z_]+)"/.exec(res.body)?.[1] ?? ''}`.trim();
          failures.set(code, (failures.get(code) ?? 0) + 1);
          example ||= res.body.slice(0, 300);
        }
      });
      const seconds = (performance.now() - started) / 1000;
      const cpu = cpuTotal(tickets.child.pid) - cpuBefore;
      const profileCpu = cpuTotal(profile.child.pid) - profileCpuBefore;
      latencies.sort((a, b) => a - b);
      const failed = [...failures.values()].reduce((s, n) => s + n, 0);
      line(`open tickets, POST /v1/tickets (${CONCURRENCY} in flight)`, `${fmt(TICKETS / seconds)}/s`, `${fmt(TICKETS)} in ${fmt(seconds, 1)} s, ${failed} failed`);
      line('  request p50 / p99', p50p99(latencies), `max ${fmt(latencies.at(-1) ?? NaN, 1)} ms`);
      console.log(
        `    (while opening: service-tickets processes ${fmt((100 * cpu) / seconds)}% of one core, ${fmt((cpu * 1e6) / TICKETS)} µs CPU per ticket; ` +
          `customer-profile (guest and tenant-directory requests) ${fmt((100 * profileCpu) / seconds)}% of one core)`,
      );
      if (failed) console.log(`    failures: ${[...failures].map(([k, v]) => `${k} ×${v}`).join(', ')}; e.g. ${example}`);
    }
    const settleStart = performance.now();
    const settled = await settle(tickets.child.pid, 900_000);
    line('background work caught up (forwarder, projections, SLA timers)', `${fmt(settled, 1)} s`);
    {
      // the queue read model holds every ticket: its backlog (metrics) counts the active ones
      const metrics = await call(tickets.port, 'GET', '/v1/tickets/metrics', admin);
      const backlog = metrics.status === 200 ? (JSON.parse(metrics.body) as { backlog: { total: number } }).backlog.total : NaN;
      console.log(`    (backlog in the reporting read model after ${fmt((performance.now() - settleStart) / 1000, 1)} s: ${fmt(backlog)} active tickets)`);
    }

    // ---- the unified queue at a fixed rate
    {
      type Listing = { label: string; token: string; path: () => string };
      const firstPage = async (token: string, path: string) => {
        const res = await call(tickets.port, 'GET', path, token);
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.body.slice(0, 300)}`);
        return (JSON.parse(res.body) as { items: unknown[]; nextCursor?: string });
      };
      const allCursor = (await firstPage(chainAgent, '/v1/tickets?limit=50')).nextCursor;
      const queueCursor = (await firstPage(chainAgent, '/v1/tickets?queue=bench-front-desk&limit=50')).nextCursor;
      let k = 0;
      const listings: Listing[] = [
        { label: 'unfiltered, first page (chain-wide agent)', token: chainAgent, path: () => '/v1/tickets?limit=50' },
        { label: 'unfiltered, first page (hotel-brand agent)', token: hotelAgent, path: () => '/v1/tickets?limit=50' },
        { label: 'second page via cursor', token: chainAgent, path: () => `/v1/tickets?limit=50${allCursor ? `&cursor=${encodeURIComponent(allCursor)}` : ''}` },
        { label: 'queue=bench-front-desk', token: chainAgent, path: () => '/v1/tickets?queue=bench-front-desk&limit=50' },
        { label: 'queue=bench-front-desk, second page', token: chainAgent, path: () => `/v1/tickets?queue=bench-front-desk&limit=50${queueCursor ? `&cursor=${encodeURIComponent(queueCursor)}` : ''}` },
        { label: 'status=open (brand agent)', token: hotelAgent, path: () => '/v1/tickets?status=open&limit=50' },
        { label: 'assignee=<agent> (their own list)', token: chainAgent, path: () => `/v1/tickets?assignee=${agentOf(LIVE_QUEUES[k++ % LIVE_QUEUES.length]!, k % AGENTS_PER_QUEUE)}&limit=50` },
        { label: 'assignee=unassigned, queue=bench-guest-relations', token: hotelAgent, path: () => '/v1/tickets?assignee=unassigned&queue=bench-guest-relations&limit=50' },
        { label: 'brand=bench-dining', token: chainAgent, path: () => '/v1/tickets?brand=bench-dining&limit=50' },
        { label: 'property=bench-hotel-lisboa, priority=high,urgent', token: hotelAgent, path: () => '/v1/tickets?property=bench-hotel-lisboa&priority=high,urgent&limit=50' },
      ];
      for (const listing of listings) for (let w = 0; w < 20; w++) await call(tickets.port, 'GET', listing.path(), listing.token); // warm-up (JIT, caches)
      line('PostgreSQL settled (autovacuum done, CHECKPOINT)', `${fmt(await settlePostgres(pool), 1)} s`);
      const byLabel = new Map<string, number[]>(listings.map((l) => [l.label, []]));
      const targets = Array.from({ length: RATE * SECONDS }, (_, i) => {
        const listing = listings[i % listings.length]!;
        return { method: 'GET' as const, path: listing.path(), headers: { authorization: `Bearer ${listing.token}` }, label: listing.label };
      });
      let empty = 0;
      const result = await constantRate({
        port: tickets.port,
        rate: RATE,
        seconds: SECONDS,
        targets,
        bodyBytes: 16,
        watch: tickets.child.pid,
        onResult: (_path, ms, status, bodyStart, target) => {
          byLabel.get(target.label!)?.push(ms);
          if (status === 200 && bodyStart.startsWith('{"items":[]')) empty++;
        },
      });
      const elapsed = result.measuredSeconds;
      const cpu = result.watchedCpu!.user + result.watchedCpu!.system;
      line(`queue listing GET /v1/tickets p50 / p99 at ${fmt(RATE)}/s`, p50p99(result.latencies), `${fmt(RATE * SECONDS)} requests, limit 50`);
      line('  in the service (Server-Timing) p50 / p99', p50p99(result.serverMs), 'from request to answer, without network and client');
      console.log(
        `    (achieved ${fmt(result.achieved)} req/s, max ${fmt(result.latencies.at(-1) ?? NaN, 1)} ms, ${result.errors} errors, ${empty} empty pages; ` +
          `service-tickets processes ${fmt((100 * cpu) / elapsed)}% of one core, ${fmt((cpu * 1e6) / (RATE * SECONDS))} µs CPU per request; load generator (Vegeta) ${fmt((100 * result.loadGeneratorCpu) / elapsed)}% of one core)`,
      );
      for (const [label, latencies] of byLabel) line(`  ${label}`, p50p99(latencies.sort((a, b) => a - b)));
    }

    // ---- reporting
    if (METRICS_READS > 0) {
      const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
      for (const [label, path] of [
        ['metrics, last month', `/v1/tickets/metrics?from=${day(-30)}&to=${day(0)}`],
        ['metrics, last year', `/v1/tickets/metrics?from=${day(-365)}&to=${day(0)}`],
        ['metrics, last year by queue', `/v1/tickets/metrics?from=${day(-365)}&to=${day(0)}&groupBy=queue`],
      ] as const) {
        const latencies: number[] = [];
        let errors = 0;
        for (let i = 0; i < METRICS_READS; i++) {
          const t0 = performance.now();
          const res = await call(tickets.port, 'GET', path, admin);
          latencies.push(performance.now() - t0);
          if (res.status !== 200) errors++;
        }
        latencies.sort((a, b) => a - b);
        line(`${label} p50 / p99 (sequential)`, p50p99(latencies), errors ? `${errors} errors` : '');
      }
    }
  } finally {
    await stopBenchServices(services);
    for (const s of services) await pool.query(`DROP SCHEMA IF EXISTS "${s.schema}" CASCADE`);
    await pool.end();
    http.destroy();
    await deleteDurablesAt(process.env.NATS_URL ?? 'nats://127.0.0.1:4222', GUEST_EVENTS_DURABLE).catch((error: unknown) => console.error('could not delete the benchmark durables:', error));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
