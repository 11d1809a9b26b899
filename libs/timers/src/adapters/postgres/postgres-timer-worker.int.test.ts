import { withTransaction } from '@hearth/postgres';
import { dropSchema, eventually, testDatabaseUrl, uniqueName } from '@hearth/testing';
import pg from 'pg';
import type { FiredTimer } from '../../types';
import { startTimerWorker, type TimerWorker, type TimerWorkerOptions } from '../../worker/timer-worker';
import { PostgresTimerStore } from './postgres-timer-store';

const TENANT = 'tenant-a';

jest.setTimeout(60_000);

/** One service instance: its own pool and store, as a separate process would have. */
type Instance = { pool: pg.Pool; store: PostgresTimerStore };

describe('timer workers on PostgreSQL', () => {
  let schema: string;
  const instances: Instance[] = [];
  const workers: TimerWorker[] = [];

  const instance = async (options: { table?: string; onError?: (error: unknown) => void } = {}): Promise<Instance> => {
    const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
    const store = await PostgresTimerStore.connect({ pool, schema, ...options });
    const created = { pool, store };
    instances.push(created);
    return created;
  };
  const close = async (i: Instance) => {
    instances.splice(instances.indexOf(i), 1);
    await i.store.close();
    await i.pool.end();
  };
  const worker = (store: PostgresTimerStore, options: Omit<TimerWorkerOptions, 'store'>) => {
    const w = startTimerWorker({ store, storedGauge: false, onError: (e) => unexpected.push(e), ...options });
    workers.push(w);
    return w;
  };
  let unexpected: unknown[];

  beforeEach(() => {
    schema = uniqueName('timers_worker');
    unexpected = [];
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    const [first] = instances;
    if (first) await dropSchema(first.pool, schema);
    for (const i of [...instances]) await close(i);
  });

  it('two instances share 600 due timers: every handler runs exactly once', async () => {
    const a = await instance();
    const b = await instance();
    const total = 600;
    const runs = new Map<string, number>();
    const byWorker = { a: 0, b: 0 };
    // Hold the first firings until both workers have one, so that both really take part.
    let release!: () => void;
    const bothBusy = new Promise<void>((resolve) => (release = resolve));
    const handler = (name: 'a' | 'b') => async (t: FiredTimer) => {
      runs.set(t.key, (runs.get(t.key) ?? 0) + 1);
      byWorker[name]++;
      if (byWorker.a > 0 && byWorker.b > 0) release();
      await bothBusy;
    };
    const now = Date.now();
    await withTransaction(a.pool, async (client) => {
      for (let i = 0; i < total; i++) await a.store.schedule({ tenantId: TENANT, key: `timer-${i}`, dueAt: new Date(now - 60_000 + i), payload: { i } }, { client });
    });
    worker(a.store, { handle: handler('a'), batchSize: 25 });
    worker(b.store, { handle: handler('b'), batchSize: 25 });
    await eventually(async () => expect(await a.store.counts()).toEqual({ pending: 0, failed: 0 }), { timeoutMs: 45_000 });
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    expect(runs.size).toBe(total);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(byWorker.a + byWorker.b).toBe(total);
    expect(byWorker.a).toBeGreaterThan(0);
    expect(byWorker.b).toBeGreaterThan(0);
    expect(unexpected).toEqual([]);
  });

  it('timers scheduled before a restart fire from the new instance', async () => {
    const first = await instance();
    const firedBefore: FiredTimer[] = [];
    worker(first.store, { handle: async (t) => void firedBefore.push(t) });
    const dueAt = Date.now() + 3_000;
    for (let i = 0; i < 50; i++) await first.store.schedule({ tenantId: TENANT, key: `restart-${i}`, dueAt: new Date(dueAt + i), payload: { i } });
    await workers.pop()!.stop();
    await close(first);
    expect(firedBefore).toEqual([]);

    const second = await instance();
    const fired: FiredTimer[] = [];
    worker(second.store, { handle: async (t) => void fired.push(t) });
    await eventually(() => expect(fired).toHaveLength(50), { timeoutMs: 20_000 });
    expect(new Set(fired.map((t) => t.key)).size).toBe(50);
    for (const t of fired) {
      expect(t.attempt).toBe(1);
      expect(Date.parse(t.firedAt)).toBeGreaterThanOrEqual(Date.parse(t.dueAt));
    }
    // each handler has returned; its timer is deleted right after
    await eventually(async () => expect(await second.store.counts()).toEqual({ pending: 0, failed: 0 }));
  });

  it('a handler hanging past its lease: another instance takes the timer over (at-least-once)', async () => {
    const a = await instance();
    const b = await instance();
    const leaseMs = 800;
    const firedByA: FiredTimer[] = [];
    const firedByB: FiredTimer[] = [];
    let abortedA = false;
    // batchSize 1: A's only slot stays busy, so only B can take the timer again
    worker(a.store, {
      batchSize: 1,
      leaseMs,
      drainTimeoutMs: 0,
      handle: async (t, { signal }) => {
        firedByA.push(t);
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        abortedA = true;
      },
    });
    await a.store.schedule({ tenantId: TENANT, key: 'slow', dueAt: new Date(), payload: {} });
    await eventually(() => expect(firedByA).toHaveLength(1));
    worker(b.store, { handle: async (t) => void firedByB.push(t) });
    await eventually(() => expect(firedByB).toHaveLength(1), { timeoutMs: 20_000 });
    expect(firedByB[0]).toMatchObject({ key: 'slow', attempt: 2 });
    expect(Date.parse(firedByB[0]!.firedAt)).toBeGreaterThanOrEqual(Date.parse(firedByA[0]!.firedAt) + leaseMs);
    await eventually(async () => expect(await b.store.get(TENANT, 'slow')).toBeUndefined());
    await workers[0]!.stop();
    expect(abortedA).toBe(true);
    expect(firedByA).toHaveLength(1);
    expect(firedByB).toHaveLength(1);
  });

  it('a re-arming during an in-flight firing survives the completion of that firing', async () => {
    const a = await instance();
    const b = await instance();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const fired: FiredTimer[] = [];
    const w = worker(a.store, {
      handle: async (t) => {
        fired.push(t);
        await held;
      },
    });
    await a.store.schedule({ tenantId: TENANT, key: 'ticket-9:resolution', dueAt: new Date(), payload: { v: 1 } });
    await eventually(() => expect(fired).toHaveLength(1));
    // another instance moves the deadline while the first firing runs
    const movedTo = new Date(Date.now() + 3_600_000).toISOString();
    await b.store.schedule({ tenantId: TENANT, key: 'ticket-9:resolution', dueAt: movedTo, payload: { v: 2 } });
    release();
    await w.stop(); // returns once the first firing has completed (and tried to delete its arming)
    expect(await a.store.get(TENANT, 'ticket-9:resolution')).toEqual({
      tenantId: TENANT,
      key: 'ticket-9:resolution',
      dueAt: movedTo,
      payload: { v: 2 },
      status: 'pending',
      attempts: 0,
    });
  });

  it('wakes an idle worker in another instance at once (LISTEN/NOTIFY), also after its LISTEN connection was killed', async () => {
    const listenerErrors: unknown[] = [];
    const a = await instance({ onError: (e) => listenerErrors.push(e) });
    const b = await instance();
    const fired: string[] = [];
    worker(a.store, { handle: async (t) => void fired.push(t.key), pollIntervalMs: 600_000 });
    await b.store.schedule({ tenantId: TENANT, key: 'warm-up', dueAt: new Date(), payload: {} });
    await eventually(() => expect(fired).toEqual(['warm-up']));
    // idle now, polling only every 10 minutes: only a notification can wake it
    await b.store.schedule({ tenantId: TENANT, key: 'from-b', dueAt: new Date(), payload: {} });
    await eventually(() => expect(fired).toEqual(['warm-up', 'from-b']), { timeoutMs: 20_000 });

    const listenPids = async () =>
      (await b.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE query = $1`, [`LISTEN "${a.store.names.channel}"`])).rows.map((r) => r.pid);
    const [killed] = await listenPids();
    expect(killed).toBeDefined();
    await b.pool.query('SELECT pg_terminate_backend($1)', [killed]);
    await eventually(async () => {
      const pids = await listenPids();
      expect(pids).toHaveLength(1);
      expect(pids[0]).not.toBe(killed);
    });
    expect(listenerErrors).toEqual([expect.objectContaining({ code: '57P01' })]); // admin_shutdown
    await b.store.schedule({ tenantId: TENANT, key: 'after-reconnect', dueAt: new Date(), payload: {} });
    await eventually(() => expect(fired).toEqual(['warm-up', 'from-b', 'after-reconnect']), { timeoutMs: 20_000 });
  });

  it('schedules and cancels inside the caller’s transaction: armed on commit, nothing on rollback', async () => {
    const a = await instance();
    const fired: string[] = [];
    await a.store.schedule({ tenantId: TENANT, key: 'kept', dueAt: new Date(Date.now() + 3_600_000), payload: {} });
    worker(a.store, { handle: async (t) => void fired.push(t.key), pollIntervalMs: 600_000 });
    await expect(
      withTransaction(a.pool, async (client) => {
        await a.store.schedule({ tenantId: TENANT, key: 'rolled-back', dueAt: new Date(), payload: {} }, { client });
        expect(await a.store.cancel(TENANT, 'kept', { client })).toBe(true);
        // not visible outside the transaction yet
        expect(await a.store.get(TENANT, 'rolled-back')).toBeUndefined();
        throw new Error('business rule broken');
      }),
    ).rejects.toThrow('business rule broken');
    expect(await a.store.get(TENANT, 'rolled-back')).toBeUndefined();
    expect(await a.store.get(TENANT, 'kept')).toMatchObject({ status: 'pending' });

    await withTransaction(a.pool, (client) => a.store.schedule({ tenantId: TENANT, key: 'committed', dueAt: new Date(), payload: {} }, { client }));
    await eventually(() => expect(fired).toEqual(['committed']), { timeoutMs: 20_000 });
    await eventually(async () => expect(await a.store.list()).toEqual([expect.objectContaining({ key: 'kept' })]));
  });

  it('migrates safely when several instances start at once; tables of one schema are independent', async () => {
    const started = await Promise.all(Array.from({ length: 6 }, () => instance()));
    const reminders = await instance({ table: 'activity_reminders' });
    const { rows } = await started[0]!.pool.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    expect(rows.map((r) => r.table_name)).toEqual(['activity_reminders', 'timers']);
    const fromTimers: string[] = [];
    const fromReminders: string[] = [];
    worker(started[0]!.store, { handle: async (t) => void fromTimers.push(t.key) });
    worker(reminders.store, { handle: async (t) => void fromReminders.push(t.key) });
    await started[1]!.store.schedule({ tenantId: TENANT, key: 'same-key', dueAt: new Date(), payload: 'timer' });
    await reminders.store.schedule({ tenantId: TENANT, key: 'same-key', dueAt: new Date(), payload: 'reminder' });
    await eventually(() => {
      expect(fromTimers).toEqual(['same-key']);
      expect(fromReminders).toEqual(['same-key']);
    });
    expect(reminders.store.names.channel).not.toBe(started[0]!.store.names.channel);
  });

  it('refuses malformed names', async () => {
    const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
    try {
      await expect(PostgresTimerStore.connect({ pool, schema: 'Bad-Schema' })).rejects.toMatchObject({ code: 'INVALID_TIMER_OPTION', option: 'schema' });
      await expect(PostgresTimerStore.connect({ pool, schema, table: 'x; DROP TABLE y' })).rejects.toMatchObject({ code: 'INVALID_TIMER_OPTION', option: 'table' });
    } finally {
      await pool.end();
    }
  });
});
