/**
 * A forwarder in its own process, for the crash test (forwarder.int.test.ts): PostgreSQL event store
 * and checkpoints, NATS publisher. Prints its status as one JSON line every 20 ms and when it stops
 * (SIGTERM). Configured through the environment; run with `node -r ./swc-register.cjs`.
 */
import { PostgresEventStore } from '@hearth/event-store';
import { createForwarder, envelopeFieldsOf } from '../forwarder/forwarder';
import { PostgresCheckpointStore } from '../forwarder/postgres-checkpoint-store';
import { connectMessaging } from '../messaging';
import { visitContract } from '../test-support/nats-test-kit';

async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  const connectionString = env('DATABASE_URL');
  const schema = env('PG_SCHEMA');
  const visitV1 = visitContract(env('SERVICE'));
  const store = await PostgresEventStore.connect({ connectionString, schema });
  const checkpoints = await PostgresCheckpointStore.connect({ connectionString, schema });
  const messaging = await connectMessaging({ servers: env('NATS_URL'), name: 'forwarder-child', contracts: [visitV1] });
  const forwarder = createForwarder({
    name: env('FORWARDER_NAME'),
    store,
    categories: [env('CATEGORY')],
    checkpoints,
    publisher: messaging,
    checkpointEvery: 50,
    checkpointIntervalMs: 1_000,
    map: (event) => visitV1.create({ ...envelopeFieldsOf(event), data: event.data as { visitId: string; seq: number } }),
    onError: (error) => process.stderr.write(`forwarder error: ${String(error)}\n`),
  });
  const report = () => process.stdout.write(`${JSON.stringify(forwarder.status())}\n`);
  const timer = setInterval(report, 20);
  forwarder.start();
  process.once('SIGTERM', () => {
    void (async () => {
      clearInterval(timer);
      await forwarder.stop();
      report();
      await messaging.drain();
      await checkpoints.close();
      await store.close();
      process.exit(0);
    })();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`forwarder child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
