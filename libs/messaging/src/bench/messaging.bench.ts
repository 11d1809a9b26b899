/**
 * `npm run bench:messaging` (first part): measures the messaging library against the local NATS and
 * prints the figures next to the targets of issue #3. A script, not a test: nothing here asserts timing.
 *
 * Env: NATS_URL (default nats://127.0.0.1:4222), BENCH_MESSAGES (default 100,000),
 * BENCH_PUBLISH_BATCH (publishes in flight before awaiting their acks, default 1,000),
 * BENCH_CONCURRENCY (handlers in flight of the shared consumer, default 256).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { defineEvent } from '@hearth/contracts';
import { MemoryEventStore, type NewEvent } from '@hearth/event-store';
import { z } from 'zod';
import { createForwarder, envelopeFieldsOf } from '../forwarder/forwarder';
import { MemoryCheckpointStore } from '../forwarder/checkpoint-store';
import { connectMessaging, type Messaging } from '../messaging';
import { streamNameFor } from '../names';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const BATCH = Number(process.env.BENCH_PUBLISH_BATCH ?? 1_000);
const FORWARDED = Math.min(MESSAGES, 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 256);

const service = `bench-${randomBytes(2).toString('hex')}`;
const stayV1 = defineEvent({
  type: `hearth.${service}.stay-recorded`,
  version: 1,
  description: 'A stay (benchmark contract).',
  data: z.object({ stayId: z.string(), nights: z.number().int(), notes: z.string() }),
  example: { stayId: 's', nights: 1, notes: '' },
});

const guests = Array.from({ length: 1_000 }, () => `guest-${randomBytes(4).toString('hex')}`);
function envelope(i: number, notesLength: number) {
  return stayV1.create({
    tenantId: 't-bench',
    guestId: guests[i % guests.length]!,
    correlationId: `corr-${i}`,
    occurredAt: '2026-11-20T10:00:00.000Z',
    data: { stayId: `stay-${String(i).padStart(6, '0')}`, nights: 2, notes: 'x'.repeat(notesLength) },
  });
}
/** Pads the notes so that one serialized envelope is ~300 bytes. */
const NOTES = Math.max(0, 300 - JSON.stringify(envelope(0, 0)).length);
const ENVELOPE_BYTES = JSON.stringify(envelope(0, NOTES)).length;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const verdict = (value: number, target: number) => (value >= target ? 'meets' : 'BELOW');

async function publishThroughput(messaging: Messaging): Promise<number> {
  const events = Array.from({ length: MESSAGES }, (_, i) => envelope(i, NOTES));
  const started = performance.now();
  for (let i = 0; i < events.length; i += BATCH) {
    await Promise.all(events.slice(i, i + BATCH).map((e) => messaging.publish(e)));
  }
  return MESSAGES / ((performance.now() - started) / 1000);
}

async function consumeThroughput(messaging: Messaging, ordering: 'none' | 'partitioned'): Promise<number> {
  let handled = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const started = performance.now();
  const subscription = await messaging.consume({
    stream: streamNameFor(service),
    durable: `bench--${ordering}`,
    contracts: [stayV1],
    ordering,
    concurrency: CONCURRENCY,
    maxAckPending: 10_000,
    handle: async () => {
      if (++handled === MESSAGES) done();
    },
  });
  await finished;
  // count the acks as done only once the server has them all
  await messaging.connection.flush();
  const elapsed = (performance.now() - started) / 1000;
  await subscription.stop();
  return MESSAGES / elapsed;
}

async function forwarderThroughput(messaging: Messaging): Promise<number> {
  const store = new MemoryEventStore();
  const category = `benchfwd${randomBytes(3).toString('hex')}`;
  for (let g = 0; g < 100; g++) {
    const events: NewEvent[] = Array.from({ length: FORWARDED / 100 }, (_, i) => ({
      type: 'StayRecorded',
      data: { stayId: `stay-${g}-${i}`, nights: 2, notes: 'x'.repeat(NOTES) },
      metadata: { tenantId: 't-bench', guestId: guests[g]!, actor: 'service:bench', correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-11-20T10:00:00.000Z', schemaVersion: 1 },
    }));
    await store.appendToStream(`${category}-g${g}`, events);
  }
  let caughtUp!: () => void;
  const done = new Promise<void>((resolve) => (caughtUp = resolve));
  const forwarder = createForwarder({
    name: 'bench',
    store,
    categories: [category],
    checkpoints: new MemoryCheckpointStore(),
    publisher: messaging,
    map: (e) => stayV1.create({ ...envelopeFieldsOf(e), data: e.data as z.input<typeof stayV1.dataSchema> }),
    onCaughtUp: () => caughtUp(),
  });
  const started = performance.now();
  forwarder.start();
  await done;
  const elapsed = (performance.now() - started) / 1000;
  await forwarder.stop();
  await store.close();
  return forwarder.status().published / elapsed;
}

async function main(): Promise<void> {
  const messaging = await connectMessaging({
    servers: NATS_URL,
    name: 'messaging-bench',
    contracts: [stayV1],
    deadLetters: { stream: `HEARTH_DLQ_${service.toUpperCase().replaceAll('-', '_')}`, subjectPrefix: `hearth.dlq-${service}` },
  });
  const stream = streamNameFor(service);
  try {
    await messaging.ensureStream({ service, maxBytes: 2 * 1024 ** 3 });
    console.log(`Messaging benchmark: NATS ${messaging.connection.info?.version ?? '?'} at ${NATS_URL}, ${fmt(MESSAGES)} envelopes of ${ENVELOPE_BYTES} bytes, file storage`);
    const publish = await publishThroughput(messaging);
    console.log(`  publish (validated, Nats-Msg-Id, ack awaited, ${fmt(BATCH)} in flight per batch): ${fmt(publish)} msg/s  (target ≥ 10,000: ${verdict(publish, 10_000)})`);
    const consumed = await consumeThroughput(messaging, 'none');
    console.log(`  consume + ack (shared durable, ${CONCURRENCY} handlers in flight):           ${fmt(consumed)} msg/s  (target ≥ 10,000: ${verdict(consumed, 10_000)})`);
    const ordered = await consumeThroughput(messaging, 'partitioned');
    console.log(`  consume + ack, ordered per guest (16 partitions, 1 unacked each): ${fmt(ordered)} msg/s  (no target)`);
    const forwarded = await forwarderThroughput(messaging);
    console.log(`  forwarder (in-memory store → NATS, one publish at a time):       ${fmt(forwarded)} events/s  (no target; ${fmt(FORWARDED)} events)`);
  } finally {
    await messaging.drain({ timeoutMs: 5_000 });
    const admin = await connectMessaging({ servers: NATS_URL, name: 'messaging-bench-cleanup' });
    for (const name of [stream, messaging.deadLetters.stream]) await admin.manager.streams.delete(name).catch(() => undefined);
    await admin.drain();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
