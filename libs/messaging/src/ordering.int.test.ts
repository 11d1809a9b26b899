import { eventually } from '@hearth/testing';
import type { MessageInfo } from './consumer';
import { partitionOf } from './names';
import { createTestKit, type TestKit } from './test-support/nats-test-kit';

type Visit = { guestId?: string; data: { seq: number } };

/** Per-guest ordering with several instances of one consumer (ordering: 'partitioned'). */
describe('per-guest ordering against NATS', () => {
  let kit: TestKit;
  beforeEach(async () => {
    kit = await createTestKit({ partitions: 4 });
  });
  afterEach(() => kit.cleanup());

  it('applies every guest’s events in order across two instances, with failures and redeliveries', async () => {
    const guests = Array.from({ length: 12 }, (_, g) => `guest-${g}`);
    const perGuest = 15;
    // interleaved: guest-0 #0, guest-1 #0, …, guest-0 #1, …
    for (let seq = 0; seq < perGuest; seq++) {
      await Promise.all(guests.map((guest) => kit.messaging.publish(kit.visit(guest, seq))));
    }
    const applied = new Map<string, number[]>(guests.map((g) => [g, []]));
    const byInstance = { a: 0, b: 0 };
    let running = 0;
    let maxRunning = 0;
    const failedOnce = new Set<string>();
    const handler = (instance: 'a' | 'b') => async (event: Visit & { id: string }, info: MessageInfo) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      try {
        await new Promise((resolve) => setTimeout(resolve, 2));
        // every 7th event fails on its first delivery: the guest's next event must wait for its redelivery
        if (event.data.seq % 7 === 3 && !failedOnce.has(event.id)) {
          failedOnce.add(event.id);
          throw new Error('transient');
        }
        expect(info.partition).toBe(partitionOf(event.guestId!, 4));
        applied.get(event.guestId!)!.push(event.data.seq);
        byInstance[instance]++;
      } finally {
        running--;
      }
    };
    const second = await kit.connectClient();
    const options = { stream: kit.stream, durable: 'test--ordered', contracts: [kit.visitV1], backoffMs: [15] };
    await Promise.all([
      kit.messaging.consume({ ...options, handle: handler('a') }),
      second.consume({ ...options, handle: handler('b') }),
    ]);

    const expected = Array.from({ length: perGuest }, (_, i) => i);
    await eventually(() => expect([...applied.values()].flat()).toHaveLength(guests.length * perGuest), { timeoutMs: 15_000 });
    for (const guest of guests) expect(applied.get(guest)).toEqual(expected);
    expect(failedOnce.size).toBe(guests.length * 2); // seq 3 and 10 of every guest failed once
    expect(byInstance.a).toBeGreaterThan(0);
    expect(byInstance.b).toBeGreaterThan(0);
    expect(maxRunning).toBeGreaterThan(1); // different partitions (guests) did run concurrently
  }, 30_000);

  it('keeps a guest’s order when the instance holding its event dies: the next instance gets that event first', async () => {
    const guest = 'guest-crash';
    for (let seq = 0; seq < 5; seq++) await kit.messaging.publish(kit.visit(guest, seq));
    const doomed = await kit.connectClient();
    let release!: () => void;
    const hung = new Promise<void>((resolve) => (release = resolve));
    const options = { stream: kit.stream, durable: 'test--crash', contracts: [kit.visitV1], ackWaitMs: 1_000, backoffMs: [10] };
    let doomedGot = -1;
    await doomed.consume({
      ...options,
      handle: async (event) => {
        doomedGot = event.data.seq;
        await hung; // the instance "hangs" on the guest's first event…
      },
    });
    await eventually(() => expect(doomedGot).toBe(0));
    await doomed.connection.close(); // …and dies without acking it
    const applied: { seq: number; deliveryCount: number }[] = [];
    await kit.messaging.consume({
      ...options,
      handle: async (event, info) => {
        applied.push({ seq: event.data.seq, deliveryCount: info.deliveryCount });
      },
    });
    await eventually(() => expect(applied.map((a) => a.seq)).toEqual([0, 1, 2, 3, 4]), { timeoutMs: 10_000 });
    expect(applied[0]!.deliveryCount).toBe(2); // redelivered after the ack wait, before anything newer
    release();
  }, 20_000);
});
