/**
 * A timer worker in its own process, for the crash test (postgres-timer-crash.int.test.ts). Its handler
 * announces each timer it fires as one JSON line on stdout and then never finishes, so the test can
 * SIGKILL the process while it holds leases. Configured through the environment; run with
 * `node -r libs/messaging/src/__fixtures__/swc-register.cjs`.
 */
import pg from 'pg';
import { PostgresTimerStore } from '../adapters/postgres/postgres-timer-store';
import { startTimerWorker } from '../worker/timer-worker';

async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 2 });
  const store = await PostgresTimerStore.connect({ pool, schema: env('PG_SCHEMA') });
  startTimerWorker({
    store,
    storedGauge: false,
    batchSize: Number(env('BATCH_SIZE')),
    leaseMs: Number(env('LEASE_MS')),
    handle: async (timer) => {
      process.stdout.write(`${JSON.stringify({ fired: timer.key, attempt: timer.attempt, firedAt: timer.firedAt })}\n`);
      await new Promise(() => undefined); // holds the lease until the process dies
    },
    onError: (error) => process.stderr.write(`timer worker error: ${String(error)}\n`),
  });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`timer worker child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
