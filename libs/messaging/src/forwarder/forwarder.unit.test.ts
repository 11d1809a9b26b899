import { defineEvent, type AnyIntegrationEvent } from '@hearth/contracts';
import { MemoryEventStore, testMetadata, uniqueCategory, type StoredEvent } from '@hearth/event-store';
import { eventually } from '@hearth/testing';
import { z } from 'zod';
import type { PublishOptions, PublishResult, Publisher } from '../publisher';
import { MemoryCheckpointStore } from './checkpoint-store';
import { createForwarder, envelopeFieldsOf, integrationEventId, type Forwarder } from './forwarder';

const visitV1 = defineEvent({
  type: 'hearth.unit-fwd.visit-recorded',
  version: 1,
  description: 'A visit (unit test contract).',
  data: z.object({ n: z.number() }),
  example: { n: 1 },
});

/** A publisher double that dedupes by id like JetStream, and can be told to fail. */
class FakePublisher implements Publisher {
  readonly stored: { event: AnyIntegrationEvent; options: PublishOptions }[] = [];
  failNext = 0;
  async publish(event: AnyIntegrationEvent, options: PublishOptions = {}): Promise<PublishResult> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('NATS is down');
    }
    const duplicate = this.stored.some((s) => s.event.id === event.id);
    if (!duplicate) this.stored.push({ event: visitV1.parse(event), options });
    return { subject: 's', stream: 'S', seq: this.stored.length, duplicate, partition: 0, attempts: 1 };
  }
}

const map = (e: StoredEvent) => (e.type === 'VisitRecorded' ? { ...envelopeFieldsOf(e), type: visitV1.type, version: 1, source: 'unit-fwd', data: e.data } : null);

describe('createForwarder', () => {
  let store: MemoryEventStore;
  let category: string;
  let forwarders: Forwarder[];
  beforeEach(() => {
    store = new MemoryEventStore();
    category = uniqueCategory();
    forwarders = [];
  });
  afterEach(async () => {
    await Promise.all(forwarders.map((f) => f.stop()));
    await store.close();
  });

  const append = async (guest: string, from: number, count: number, traceparent?: string) => {
    const events = Array.from({ length: count }, (_, i) => ({
      type: i % 4 === 3 ? 'GuestNoted' : 'VisitRecorded',
      data: { n: from + i },
      metadata: testMetadata({ guestId: guest, ...(traceparent && { traceparent }) }),
    }));
    await store.appendToStream(`${category}-${guest}`, events);
  };
  const start = (publisher: Publisher, checkpoints: MemoryCheckpointStore, extra: Partial<Parameters<typeof createForwarder>[0]> = {}) => {
    const forwarder = createForwarder({ name: 'unit', store, categories: [category], map, publisher, checkpoints, retryDelayMs: 5, ...extra });
    forwarders.push(forwarder);
    forwarder.start();
    return forwarder;
  };

  it('relays mapped events in store order with deterministic ids and the stored trace context', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await append('g1', 0, 8, traceparent);
    await store.appendToStream(`other-g1`, [{ type: 'VisitRecorded', data: { n: 99 }, metadata: testMetadata() }]);
    const publisher = new FakePublisher();
    const checkpoints = new MemoryCheckpointStore();
    const forwarder = start(publisher, checkpoints, { checkpointEvery: 3 });
    const all = await store.readAll({ categories: [category] });
    await eventually(() => expect(forwarder.status()).toMatchObject({ published: 6, skipped: 2, caughtUp: true }));
    expect(publisher.stored.map((s) => s.event.data)).toEqual([0, 1, 2, 4, 5, 6].map((n) => ({ n })));
    expect(publisher.stored.map((s) => s.event.id)).toEqual(all.filter((e) => e.type === 'VisitRecorded').map((e) => e.eventId));
    expect(publisher.stored[0]!.options.traceHeaders).toEqual({ traceparent });
    expect(publisher.stored[0]!.event).toMatchObject({ tenantId: 'tenant-test', guestId: 'g1' });
    await eventually(async () => expect(await checkpoints.load('unit')).toBe(all.at(-1)!.globalPosition));
  });

  it('resumes from its checkpoint; what was published after the checkpoint comes again and is deduplicated', async () => {
    await append('g1', 0, 20);
    const publisher = new FakePublisher();
    const checkpoints = new MemoryCheckpointStore();
    const all = await store.readAll({ categories: [category] });
    // a previous run saved the position of the 8th event, but had published up to the 12th
    await checkpoints.save('unit', all[7]!.globalPosition);
    for (const e of all.slice(0, 12)) {
      const draft = map(e);
      if (draft) await publisher.publish(draft as AnyIntegrationEvent);
    }
    const forwarder = start(publisher, checkpoints);
    await eventually(() => expect(forwarder.status().caughtUp).toBe(true));
    await eventually(() => expect(forwarder.status().published).toBe(all.slice(8).filter((e) => e.type === 'VisitRecorded').length));
    expect(forwarder.status().duplicates).toBe(all.slice(8, 12).filter((e) => e.type === 'VisitRecorded').length);
    expect(publisher.stored.map((s) => s.event.id)).toEqual(all.filter((e) => e.type === 'VisitRecorded').map((e) => e.eventId));
  });

  it('retries a failed publish from the checkpoint and never skips the event', async () => {
    await append('g1', 0, 10);
    const publisher = new FakePublisher();
    publisher.failNext = 3;
    const errors: unknown[] = [];
    const forwarder = start(publisher, new MemoryCheckpointStore(), { onError: (e) => errors.push(e) });
    await eventually(() => expect(publisher.stored).toHaveLength(8));
    expect(errors).toHaveLength(3);
    expect(publisher.stored.map((s) => (s.event.data as { n: number }).n)).toEqual([0, 1, 2, 4, 5, 6, 8, 9]);
    expect(forwarder.status().lastError).toBeInstanceOf(Error);
  });

  it('keeps relaying live events and saves its checkpoint on stop', async () => {
    const publisher = new FakePublisher();
    const checkpoints = new MemoryCheckpointStore();
    const forwarder = start(publisher, checkpoints, { checkpointEvery: 1_000, checkpointIntervalMs: 60_000 });
    await eventually(() => expect(forwarder.status().caughtUp).toBe(true));
    await append('g2', 0, 3);
    await eventually(() => expect(publisher.stored).toHaveLength(3));
    expect(await checkpoints.load('unit')).toBeUndefined(); // not yet: batch and interval not reached
    await forwarder.stop();
    const last = (await store.readAll({ categories: [category] })).at(-1)!;
    expect(await checkpoints.load('unit')).toBe(last.globalPosition);
    expect(forwarder.status().running).toBe(false);
  });
});

describe('integration event ids', () => {
  it('reuses a UUID event id and derives a stable UUIDv5 from any other id', () => {
    expect(integrationEventId({ eventId: '5D2C0A8E-3F41-4B7E-9C1A-2E6F8D9B0A71' })).toBe('5d2c0a8e-3f41-4b7e-9c1a-2e6f8d9b0a71');
    const derived = integrationEventId({ eventId: 'import-row-42' });
    expect(derived).toBe(integrationEventId({ eventId: 'import-row-42' }));
    expect(derived).not.toBe(integrationEventId({ eventId: 'import-row-43' }));
    expect(derived).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(() => visitV1.create({ id: derived, tenantId: 't', correlationId: 'c', data: { n: 1 } })).not.toThrow();
  });

  it('copies the envelope fields from the stored metadata', () => {
    const stored = {
      eventId: '5d2c0a8e-3f41-4b7e-9c1a-2e6f8d9b0a71',
      type: 'VisitRecorded',
      data: {},
      metadata: testMetadata({ brandId: 'brand-a', guestId: 'guest-1', causationId: 'cmd-1', correlationId: 'corr-1' }),
      streamName: 'guest-1',
      streamVersion: 0,
      globalPosition: 1,
      recordedAt: '2026-11-01T10:00:00.000Z',
    };
    expect(envelopeFieldsOf(stored)).toEqual({
      id: '5d2c0a8e-3f41-4b7e-9c1a-2e6f8d9b0a71',
      tenantId: 'tenant-test',
      brandId: 'brand-a',
      guestId: 'guest-1',
      occurredAt: '2026-11-01T10:00:00.000Z',
      correlationId: 'corr-1',
      causationId: 'cmd-1',
    });
  });
});

describe('MemoryCheckpointStore', () => {
  it('never moves a checkpoint backwards unless reset', async () => {
    const checkpoints = new MemoryCheckpointStore();
    expect(await checkpoints.load('f')).toBeUndefined();
    await checkpoints.save('f', 10);
    await checkpoints.save('f', 5);
    expect(await checkpoints.load('f')).toBe(10);
    await checkpoints.reset('f', 3);
    expect(await checkpoints.load('f')).toBe(3);
    await expect(checkpoints.save('f', -1)).rejects.toMatchObject({ code: 'INVALID_MESSAGING_OPTION' });
  });
});
