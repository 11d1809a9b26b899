/**
 * Helpers for this library's integration tests: every kit has its own service name, stream, subjects
 * and dead-letter stream, so tests run in parallel against the shared NATS server without seeing each
 * other, and `cleanup()` deletes what the kit created. Not exported from the package.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { defineEvent } from '@hearth/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { z } from 'zod';
import { connectMessaging, type Messaging } from '../messaging';
import { streamNameFor } from '../names';
import type { EnsureStreamOptions } from '../streams';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** `t-<12 hex>`: a lower-kebab service name no other test uses. */
export function uniqueService(): string {
  return `t-${randomBytes(6).toString('hex')}`;
}

export function visitContract(service: string, version = 1) {
  return defineEvent({
    type: `hearth.${service}.visit-recorded`,
    version,
    description: 'A guest visited (test contract).',
    data: z.object({ visitId: z.string().min(1), seq: z.number().int().nonnegative() }),
    example: { visitId: 'visit-1', seq: 0 },
  });
}

export function noteContract(service: string) {
  return defineEvent({
    type: `hearth.${service}.note-added`,
    version: 1,
    description: 'A note was added to a guest (test contract).',
    data: z.object({ text: z.string() }),
    example: { text: 'likes sea view' },
  });
}

export type TestKit = Awaited<ReturnType<typeof createTestKit>>;

/** Opens a messaging client with a unique service stream and dead-letter stream. */
export async function createTestKit(options: Omit<EnsureStreamOptions, 'service'> = {}) {
  const service = uniqueService();
  const visitV1 = visitContract(service, 1);
  const visitV2 = visitContract(service, 2);
  const noteV1 = noteContract(service);
  const contracts = [visitV1, visitV2, noteV1];
  const deadLetters = { stream: `HEARTH_DLQ_${service.toUpperCase().replaceAll('-', '_')}`, subjectPrefix: `hearth.dlq-${service}` };
  const clients: Messaging[] = [];
  const connectClient = async () => {
    const client = await connectMessaging({ servers: NATS_URL, name: `test-${service}`, contracts, deadLetters, publisher: { ackTimeoutMs: 2_000 } });
    clients.push(client);
    return client;
  };
  const messaging = await connectClient();
  const stream = streamNameFor(service);
  await messaging.ensureStream({ service, ...options });
  await messaging.ensureDeadLetterStream();

  return {
    service,
    stream,
    deadLetters,
    messaging,
    contracts,
    visitV1,
    visitV2,
    noteV1,
    /** Another instance of the "service": its own connection, same options. */
    connectClient,
    visit(guestId: string, seq: number, overrides: { id?: string } = {}) {
      return visitV1.create({
        ...(overrides.id !== undefined && { id: overrides.id }),
        tenantId: 'tenant-test',
        guestId,
        correlationId: randomUUID(),
        occurredAt: '2026-11-01T10:00:00.000Z',
        data: { visitId: `visit-${guestId}-${seq}`, seq },
      });
    },
    note(guestId: string, text: string) {
      return noteV1.create({ tenantId: 'tenant-test', guestId, correlationId: randomUUID(), data: { text } });
    },
    /** Stops every client of the kit (gracefully), then deletes its streams. */
    async cleanup() {
      // subscriptions stop first, so no consumer is left pulling from a stream being deleted
      await Promise.all(clients.map((c) => c.drain({ timeoutMs: 2_000 })));
      const nc = await connect({ servers: NATS_URL });
      try {
        const jsm = await jetstreamManager(nc);
        for (const name of [stream, deadLetters.stream]) await jsm.streams.delete(name).catch(() => undefined);
      } finally {
        await nc.close();
      }
    },
  };
}
