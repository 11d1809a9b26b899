import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PostgresEventStore, testMetadata, uniqueCategory, type NewEvent } from '@hearth/event-store';
import { dropSchema, eventually, testDatabaseUrl, uniqueName } from '@hearth/testing';
import pg from 'pg';
import { NATS_URL, createTestKit, type TestKit } from '../test-support/nats-test-kit';
import { PostgresCheckpointStore } from './postgres-checkpoint-store';

const fixtures = join(__dirname, '..', '__fixtures__');

type ChildStatus = { position: number; savedPosition: number; published: number; duplicates: number; caughtUp: boolean };

/** The forwarder in a child process (node + swc, straight from the sources). */
function startChild(env: Record<string, string>) {
  const child = spawn(process.execPath, ['-r', join(fixtures, 'swc-register.cjs'), join(fixtures, 'forwarder-child.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const state = { last: undefined as ChildStatus | undefined, stderr: '' };
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) if (line.trim()) state.last = JSON.parse(line) as ChildStatus;
  });
  child.stderr!.on('data', (chunk: Buffer) => (state.stderr += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return { child, state, exited };
}

describe('forwarder crash and restart (child process, PostgreSQL, NATS)', () => {
  const schema = uniqueName('msg_fwd');
  const category = uniqueCategory('visit');
  let pool: pg.Pool;
  let store: PostgresEventStore;
  let kit: TestKit;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
    store = await PostgresEventStore.connect({ pool, schema });
    kit = await createTestKit({ partitions: 4 });
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await kit.cleanup();
    await store.close();
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('delivers every event to NATS exactly once (deduplicated by Nats-Msg-Id) after being SIGKILLed mid-stream', async () => {
    const total = 3_000;
    for (let g = 0; g < 30; g++) {
      const events: NewEvent[] = Array.from({ length: total / 30 }, (_, i) => ({
        type: 'VisitRecorded',
        data: { visitId: `visit-${g}-${i}`, seq: i },
        metadata: testMetadata({ guestId: `guest-${g}` }),
      }));
      await store.appendToStream(`${category}-guest${g}`, events);
    }
    const stored = await store.readAll({ categories: [category], limit: 10_000 });
    expect(stored).toHaveLength(total);

    const env = { DATABASE_URL: testDatabaseUrl(), PG_SCHEMA: schema, NATS_URL, SERVICE: kit.service, CATEGORY: category, FORWARDER_NAME: 'visits' };
    const streamCount = async () => (await kit.messaging.manager.streams.info(kit.stream)).state.messages;

    // first run: killed without warning once a part of the events has reached NATS
    const first = startChild(env);
    children.push(first.child);
    await eventually(async () => expect(await streamCount()).toBeGreaterThanOrEqual(600), { timeoutMs: 30_000, intervalMs: 5 });
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const inStreamAfterKill = await streamCount();
    expect(inStreamAfterKill).toBeLessThan(total); // really mid-stream
    const checkpoints = await PostgresCheckpointStore.connect({ pool, schema });
    const checkpoint = (await checkpoints.load('visits')) ?? 0;
    const covered = stored.filter((e) => e.globalPosition <= checkpoint).length;
    expect(covered).toBeLessThanOrEqual(inStreamAfterKill);

    // second run: resumes from the checkpoint and finishes
    const second = startChild(env);
    children.push(second.child);
    await eventually(async () => {
      expect(await streamCount()).toBe(total);
      expect(second.state.last?.caughtUp).toBe(true);
    }, { timeoutMs: 30_000 });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    // what was published after the last saved checkpoint was published again and dropped by JetStream
    expect(second.state.last).toMatchObject({ published: total - covered, duplicates: inStreamAfterKill - covered });
    expect(await checkpoints.load('visits')).toBe(stored.at(-1)!.globalPosition);

    // a consumer that dedupes by id sees every event once, none missing, in the store's order
    const bySequence = new Map<number, string>();
    const seenIds = new Set<string>();
    let deliveries = 0;
    await kit.messaging.consume({
      stream: kit.stream,
      durable: 'test--forwarded',
      contracts: [kit.visitV1],
      ordering: 'none',
      concurrency: 64,
      handle: async (event, info) => {
        deliveries++;
        if (seenIds.has(event.id)) return;
        seenIds.add(event.id);
        bySequence.set(info.streamSequence, event.id);
      },
    });
    await eventually(() => expect(seenIds.size).toBe(total), { timeoutMs: 20_000 });
    expect(deliveries).toBe(total);
    const streamOrder = [...bySequence.entries()].sort(([a], [b]) => a - b).map(([, id]) => id);
    expect(streamOrder).toEqual(stored.map((e) => e.eventId));
    await checkpoints.close();
  }, 90_000);
});

describe('PostgresCheckpointStore', () => {
  const schema = uniqueName('msg_cp');
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
  });
  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('creates its table (also from several instances at once), upserts by name and never moves backwards', async () => {
    const [a, b] = await Promise.all([PostgresCheckpointStore.connect({ pool, schema }), PostgresCheckpointStore.connect({ pool, schema })]);
    expect(await a!.load('fwd')).toBeUndefined();
    await a!.save('fwd', 42);
    expect(await b!.load('fwd')).toBe(42);
    await b!.save('fwd', 40); // a stale instance
    expect(await a!.load('fwd')).toBe(42);
    await a!.save('other', 7);
    expect(await a!.load('other')).toBe(7);
    await a!.reset('fwd', 0);
    expect(await b!.load('fwd')).toBe(0);
    const { rows } = await pool.query(`SELECT name FROM "${schema}".forwarder_checkpoints ORDER BY name`);
    expect(rows.map((r: { name: string }) => r.name)).toEqual(['fwd', 'other']);
  });

  it('opens its own pool from a connection string and rejects unsafe identifiers', async () => {
    const own = await PostgresCheckpointStore.connect({ connectionString: testDatabaseUrl(), schema, table: 'relay_positions' });
    await own.save('x', 1);
    expect(await own.load('x')).toBe(1);
    await own.close();
    await expect(PostgresCheckpointStore.connect({ pool, schema: 'Bad-Schema' })).rejects.toMatchObject({ code: 'INVALID_MESSAGING_OPTION' });
  });
});
