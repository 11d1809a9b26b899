/** A cross-service projection fed by NATS JetStream (real server, its own stream and dead-letter stream). */
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineEvent } from '@hearth/contracts';
import type { Messaging } from '@hearth/messaging';
import { connectMessaging, streamNameFor } from '@hearth/messaging';
import { eventually } from '@hearth/testing';
import { createMemoryDocumentStore } from '../adapters/memory/memory-document-store';
import { defineCollection } from '../collection';
import type { BaseDocument, DocumentStore } from '../types';
import { natsProjectionSource } from './nats-source';
import type { NatsDelivery } from './nats-source';
import { createProjectionRunner } from './projection-runner';
import type { ProjectionRunner } from './projection-runner';

jest.setTimeout(30_000);
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

type VisitCount = BaseDocument & { visits: number; lastVisitId: string };
const visitCounts = defineCollection<VisitCount>({ name: 'visit_counts', fields: { visits: 'number' }, indexes: [{ fields: ['visits'] }] });

describe('NATS projection source', () => {
  const service = `t-${randomBytes(6).toString('hex')}`;
  const visitRecorded = defineEvent({
    type: `hearth.${service}.visit-recorded`,
    version: 1,
    description: 'A guest visited (test contract).',
    data: z.object({ visitId: z.string().min(1) }),
    example: { visitId: 'visit-1' },
  });
  type Delivery = NatsDelivery<typeof visitRecorded>;
  const deadLetters = { stream: `HEARTH_DLQ_${service.toUpperCase().replaceAll('-', '_')}`, subjectPrefix: `hearth.dlq-${service}` };
  let messaging: Messaging;
  let store: DocumentStore;
  let runner: ProjectionRunner | undefined;

  beforeAll(async () => {
    messaging = await connectMessaging({ servers: NATS_URL, name: `read-models-test-${service}`, contracts: [visitRecorded], deadLetters });
    await messaging.ensureStream({ service, partitions: 4 });
    await messaging.ensureDeadLetterStream();
  });
  afterAll(async () => {
    for (const name of [streamNameFor(service), deadLetters.stream]) await messaging.manager.streams.delete(name).catch(() => undefined);
    await messaging.drain({ timeoutMs: 2_000 });
  });
  beforeEach(() => {
    store = createMemoryDocumentStore();
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await store.close();
  });

  const visit = (guestId: string, visitId: string) =>
    visitRecorded.create({ tenantId: 'tenant-a', guestId, correlationId: randomUUID(), data: { visitId } });

  it('applies each guest’s events in order, once, acknowledging after the commit; a failed delivery is redelivered', async () => {
    const applied: string[] = [];
    let failOnce = true;
    runner = createProjectionRunner<Delivery>({
      name: 'visit-counts',
      store,
      collections: [visitCounts],
      source: natsProjectionSource(messaging, {
        stream: streamNameFor(service),
        durable: `read-models-test--${randomBytes(4).toString('hex')}`,
        contracts: [visitRecorded],
        backoffMs: [50],
      }),
      project: async ({ event, info }, session) => {
        if (event.data.visitId === 'g1-v2' && failOnce) {
          failOnce = false;
          throw new Error('database hiccup');
        }
        const docs = session.forTenant(event.tenantId);
        const current = await docs.get(visitCounts, event.guestId!);
        await docs.upsert(visitCounts, { id: event.guestId!, tenantId: event.tenantId, version: info.streamSequence, visits: (current?.visits ?? 0) + 1, lastVisitId: event.data.visitId });
        applied.push(event.data.visitId);
      },
    });
    await runner.start();
    for (const [guest, n] of [['g1', 4], ['g2', 3]] as const) {
      for (let i = 1; i <= n; i++) await messaging.publish(visit(guest, `${guest}-v${i}`));
    }
    const docs = store.forTenant('tenant-a');
    await eventually(async () => {
      expect(await docs.get(visitCounts, 'g1')).toMatchObject({ visits: 4, lastVisitId: 'g1-v4' });
      expect(await docs.get(visitCounts, 'g2')).toMatchObject({ visits: 3, lastVisitId: 'g2-v3' });
    }, { timeoutMs: 15_000 });
    expect(failOnce).toBe(false); // the failure did happen
    // Per guest, in publish order, each once (the failed delivery was rolled back and came again).
    expect(applied.filter((id) => id.startsWith('g1-'))).toEqual(['g1-v1', 'g1-v2', 'g1-v3', 'g1-v4']);
    expect(applied.filter((id) => id.startsWith('g2-'))).toEqual(['g2-v1', 'g2-v2', 'g2-v3']);
    expect(runner.status()).toMatchObject({ state: 'live', eventsApplied: 7, lastError: undefined });
    expect((await docs.find(visitCounts, { visits: { $gte: 3 } })).items.map((d) => d.id)).toEqual(['g1', 'g2']);
  });
});
