import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { dropSchema, eventually, testDatabaseUrl, uniqueName } from '@hearth/testing';
import pg from 'pg';
import type { FiredTimer } from '../../types';
import { startTimerWorker, type TimerWorker } from '../../worker/timer-worker';
import { PostgresTimerStore } from './postgres-timer-store';

// The TypeScript-on-the-fly loader the messaging lib's crash test uses (swc, @hearth/* → libs/*/src).
const swcRegister = join(__dirname, '..', '..', '..', '..', 'messaging', 'src', '__fixtures__', 'swc-register.cjs');
const child = join(__dirname, '..', '..', '__fixtures__', 'timer-worker-child.ts');

type Fired = { fired: string; attempt: number; firedAt: string };

jest.setTimeout(90_000);

describe('a timer worker process killed with SIGKILL while holding timers', () => {
  const schema = uniqueName('timers_crash');
  let pool: pg.Pool;
  let store: PostgresTimerStore;
  let worker: TimerWorker | undefined;
  let proc: ChildProcess | undefined;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 4 });
    store = await PostgresTimerStore.connect({ pool, schema });
  });
  afterAll(async () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await worker?.stop();
    await store.close();
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('leaves its timers to a new worker once their leases run out: each fires again, once', async () => {
    const total = 20;
    const leaseMs = 1_500;
    for (let i = 0; i < total; i++) await store.schedule({ tenantId: 'tenant-a', key: `held-${i}`, dueAt: new Date(Date.now() - 1_000 + i), payload: { i } });

    proc = spawn(process.execPath, ['-r', swcRegister, child], {
      env: { ...process.env, DATABASE_URL: testDatabaseUrl(), PG_SCHEMA: schema, BATCH_SIZE: String(total), LEASE_MS: String(leaseMs) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const firedInChild: Fired[] = [];
    let stderr = '';
    let buffer = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const message = JSON.parse(line) as Partial<Fired>;
        if (message.fired) firedInChild.push(message as Fired);
      }
    });
    proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | NodeJS.Signals | null>((resolve) => proc!.once('exit', (code, signal) => resolve(signal ?? code)));

    await eventually(() => expect({ fired: firedInChild.length, stderr }).toEqual({ fired: total, stderr: '' }), { timeoutMs: 30_000 });
    proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // the dead process still holds every timer: claimed, leased, not done
    expect(await store.claim({ limit: total, leaseMs: 60_000, workerId: 'test' })).toEqual([]);
    const { rows } = await pool.query<{ held: number }>(`SELECT count(*)::int AS held FROM ${store.names.qualified} WHERE locked_until > now() AND attempts = 1`);
    expect(rows[0]!.held).toBe(total);

    const fired: FiredTimer[] = [];
    worker = startTimerWorker({ store, storedGauge: false, handle: async (t) => void fired.push(t) });
    await eventually(() => expect(fired).toHaveLength(total), { timeoutMs: 30_000 });
    await eventually(async () => expect(await store.counts()).toEqual({ pending: 0, failed: 0 }));
    expect(new Set(fired.map((t) => t.key)).size).toBe(total);
    const claimedInChild = new Map(firedInChild.map((f) => [f.fired, Date.parse(f.firedAt)]));
    for (const t of fired) {
      expect(t.attempt).toBe(2);
      expect(Date.parse(t.firedAt)).toBeGreaterThanOrEqual(claimedInChild.get(t.key)! + leaseMs);
    }
  });
});
