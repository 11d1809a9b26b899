import { randomUUID } from 'node:crypto';
import { eventually } from '@hearth/testing';
import type { ConsumerEvent, MessageInfo } from './consumer';
import { DeadLetterError } from './errors';
import { partitionOf } from './names';
import { createTestKit, type TestKit } from './test-support/nats-test-kit';

describe('consume against NATS', () => {
  let kit: TestKit;
  beforeEach(async () => {
    kit = await createTestKit({ partitions: 4 });
  });
  afterEach(() => kit.cleanup());

  const consumerState = async (durable: string) => {
    const info = await kit.messaging.manager.consumers.info(kit.stream, durable);
    return { pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
  };

  it('hands typed events and message info to the handler and acks after it resolves', async () => {
    const events = [kit.visit('guest-1', 1), kit.visit('guest-2', 1), kit.visit('guest-1', 2)];
    for (const e of events) await kit.messaging.publish(e);
    const seen: { id: string; seq: number; info: MessageInfo }[] = [];
    await kit.messaging.consume({
      stream: kit.stream,
      durable: 'test--typed',
      contracts: [kit.visitV1],
      ordering: 'none',
      handle: async (event, info) => {
        seen.push({ id: event.id, seq: event.data.seq, info });
      },
    });
    await eventually(() => expect(seen.map((s) => s.id).sort()).toEqual(events.map((e) => e.id).sort()));
    const first = seen.find((s) => s.id === events[0]!.id)!;
    expect(first.seq).toBe(1);
    expect(first.info).toMatchObject({
      contractSubject: kit.visitV1.subject,
      stream: kit.stream,
      deliveryCount: 1,
      redelivered: false,
      durable: 'test--typed',
    });
    expect(first.info.subject).toBe(`${kit.visitV1.subject}.p${first.info.partition}`);
    expect(first.info.headers['Nats-Msg-Id']).toBe(events[0]!.id);
    await eventually(async () => expect(await consumerState('test--typed')).toEqual({ pending: 0, ackPending: 0, redelivered: 0 }));
  });

  it('naks a failing handler with the configured backoff and succeeds on a redelivery', async () => {
    await kit.messaging.publish(kit.visit('guest-1', 1));
    const attempts: number[] = [];
    const events: ConsumerEvent[] = [];
    await kit.messaging.consume({
      stream: kit.stream,
      durable: 'test--retry',
      contracts: [kit.visitV1],
      backoffMs: [20, 40],
      onEvent: (e) => events.push(e),
      handle: async (_event, info) => {
        attempts.push(info.deliveryCount);
        if (info.deliveryCount < 3) throw new Error(`transient failure ${info.deliveryCount}`);
      },
    });
    await eventually(() => expect(attempts).toEqual([1, 2, 3]));
    expect(events.map((e) => (e.type === 'handler-failed' ? e.retryInMs : e.type))).toEqual([20, 40]);
    await eventually(async () => expect((await consumerState('test--retry_p0')).ackPending + (await kit.messaging.listDeadLetters()).length).toBe(0));
  });

  it('dead-letters after the last allowed delivery with the reason and the last error, then terminates', async () => {
    const event = kit.visit('guest-1', 1);
    await kit.messaging.publish(event, { traceHeaders: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    let calls = 0;
    const subscription = await kit.messaging.consume({
      stream: kit.stream,
      durable: 'test--poison',
      contracts: [kit.visitV1],
      ordering: 'none',
      maxDeliver: 3,
      backoffMs: [10],
      handle: async () => {
        calls++;
        throw new Error(`database unavailable (call ${calls})`);
      },
    });
    const [letter] = await eventually(async () => {
      const letters = await kit.messaging.listDeadLetters();
      expect(letters).toHaveLength(1);
      return letters;
    });
    expect(letter).toMatchObject({
      reason: 'max-deliveries',
      deliveryCount: 3,
      consumer: 'test--poison',
      originalStream: kit.stream,
      originalMsgId: event.id,
    });
    expect(letter!.error).toContain('database unavailable (call 3)');
    expect(letter!.originalSubject).toMatch(new RegExp(`^${kit.visitV1.subject.replaceAll('.', '\\.')}\\.p\\d+$`));
    expect(letter!.headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(JSON.parse(new TextDecoder().decode(letter!.data))).toEqual(event);
    expect(Date.parse(letter!.deadLetteredAt)).not.toBeNaN();
    expect(calls).toBe(3);
    await eventually(async () => expect(await consumerState('test--poison')).toMatchObject({ pending: 0, ackPending: 0 }));
    expect(subscription.stats()).toMatchObject({ deadLettered: 1, naked: 2, acked: 0 });
  });

  it('dead-letters schema-invalid payloads and unknown contracts at once, without calling the handler', async () => {
    const js = kit.messaging.jetstream;
    const bad = { ...kit.visit('guest-1', 1), data: { visitId: '', seq: 'one' } };
    await js.publish(`${kit.visitV1.subject}.p0`, JSON.stringify(bad), { msgID: randomUUID() });
    await js.publish(`${kit.visitV1.subject}.p1`, 'not json {', { msgID: randomUUID() });
    await js.publish(`hearth.${kit.service}.stay-recorded.v1.p2`, JSON.stringify({ ...kit.visit('guest-1', 2), type: `hearth.${kit.service}.stay-recorded` }));
    const handled: string[] = [];
    await kit.messaging.consume({
      stream: kit.stream,
      durable: 'test--invalid',
      subjects: [`hearth.${kit.service}.>`],
      contracts: kit.contracts,
      handle: async (event) => {
        handled.push(event.id);
      },
    });
    const letters = await eventually(async () => {
      const all = await kit.messaging.listDeadLetters();
      expect(all).toHaveLength(3);
      return all;
    });
    const bySubject = Object.fromEntries(letters.map((l) => [l.originalSubject, l]));
    expect(bySubject[`${kit.visitV1.subject}.p0`]).toMatchObject({ reason: 'schema-invalid', deliveryCount: 1, consumer: 'test--invalid_p0' });
    expect(bySubject[`${kit.visitV1.subject}.p0`]!.error).toContain('data.visitId');
    expect(bySubject[`${kit.visitV1.subject}.p1`]).toMatchObject({ reason: 'schema-invalid' });
    expect(new TextDecoder().decode(bySubject[`${kit.visitV1.subject}.p1`]!.data)).toBe('not json {');
    expect(bySubject[`hearth.${kit.service}.stay-recorded.v1.p2`]).toMatchObject({ reason: 'unknown-contract' });
    expect(handled).toEqual([]);
  });

  it('dead-letters a message that keeps killing its consumer (delivered again without ever being answered)', async () => {
    await kit.messaging.publish(kit.visit('guest-1', 1));
    const doomed = await kit.connectClient();
    let release!: () => void;
    const hang = new Promise<void>((resolve) => (release = resolve));
    let doomedCalls = 0;
    const options = { stream: kit.stream, durable: 'test--crashing', contracts: [kit.visitV1], maxDeliver: 1, ackWaitMs: 500 };
    await doomed.consume({
      ...options,
      handle: async () => {
        doomedCalls++;
        await hang; // the process "crashes" while handling it
      },
    });
    await eventually(() => expect(doomedCalls).toBe(1));
    await doomed.connection.close();
    let survivorCalls = 0;
    await kit.messaging.consume({
      ...options,
      handle: async () => {
        survivorCalls++;
      },
    });
    const [letter] = await eventually(async () => {
      const all = await kit.messaging.listDeadLetters();
      expect(all).toHaveLength(1);
      return all;
    });
    expect(letter).toMatchObject({ reason: 'max-deliveries', deliveryCount: 2, consumer: `test--crashing_p${partitionOf('guest-1', 4)}` });
    expect(letter!.error).toContain('without an acknowledgement');
    expect(survivorCalls).toBe(0);
    release();
  });

  it('dead-letters at once when the handler rejects a message for good', async () => {
    await kit.messaging.publish(kit.visit('guest-1', 1));
    let calls = 0;
    await kit.messaging.consume({
      stream: kit.stream,
      durable: 'test--rejects',
      contracts: [kit.visitV1],
      handle: async () => {
        calls++;
        throw new DeadLetterError('tenant tenant-test does not exist');
      },
    });
    const letters = await eventually(async () => {
      const all = await kit.messaging.listDeadLetters();
      expect(all).toHaveLength(1);
      return all;
    });
    expect(letters[0]).toMatchObject({ reason: 'rejected', error: 'tenant tenant-test does not exist', deliveryCount: 1 });
    expect(calls).toBe(1);
  });

  it('covers several subjects with one filter and skips (acks) the rest', async () => {
    const visit = kit.visit('guest-1', 1);
    const note = kit.note('guest-1', 'prefers quiet rooms');
    const visitV2 = kit.visitV2.create({ tenantId: 't', guestId: 'guest-1', correlationId: 'c', data: { visitId: 'v', seq: 2 } });
    for (const e of [visit, visitV2, note]) await kit.messaging.publish(e);
    // inside the covering filter hearth.<service>.*.v1.* but not asked for
    await kit.messaging.jetstream.publish(`hearth.${kit.service}.stay-recorded.v1.p0`, '{}');
    const handled: string[] = [];
    const skipped: string[] = [];
    const subscription = await kit.messaging.consume({
      stream: kit.stream,
      durable: 'test--two-subjects',
      contracts: [kit.visitV1, kit.noteV1],
      ordering: 'none',
      onEvent: (e) => {
        if (e.type === 'skipped') skipped.push(e.info.contractSubject);
      },
      handle: async (event) => {
        handled.push(event.type);
      },
    });
    await eventually(() => expect(handled.length + skipped.length).toBe(3));
    expect(handled.sort()).toEqual([kit.noteV1.type, kit.visitV1.type].sort());
    expect(skipped).toEqual([`hearth.${kit.service}.stay-recorded.v1`]);
    const info = await kit.messaging.manager.consumers.info(kit.stream, 'test--two-subjects');
    expect(info.config.filter_subject).toBe(`hearth.${kit.service}.*.v1.*`);
    expect(subscription.stats()).toMatchObject({ acked: 2, skipped: 1, deadLettered: 0 });
    expect(await kit.messaging.listDeadLetters()).toEqual([]);
  });

  it('lets several instances share one durable and split the work', async () => {
    const events = Array.from({ length: 200 }, (_, i) => kit.visit(`guest-${i % 17}`, i));
    await Promise.all(events.map((e) => kit.messaging.publish(e)));
    const second = await kit.connectClient();
    const byInstance: Record<string, string[]> = { a: [], b: [] };
    const options = (instance: 'a' | 'b') => ({
      stream: kit.stream,
      durable: 'test--shared',
      contracts: [kit.visitV1],
      ordering: 'none' as const,
      concurrency: 4,
      handle: async (event: { id: string }) => {
        byInstance[instance]!.push(event.id);
        await new Promise((resolve) => setTimeout(resolve, 2));
      },
    });
    await Promise.all([kit.messaging.consume(options('a')), second.consume(options('b'))]);
    await eventually(() => expect(byInstance.a!.length + byInstance.b!.length).toBe(200), { timeoutMs: 10_000 });
    expect(new Set([...byInstance.a!, ...byInstance.b!]).size).toBe(200);
    expect(byInstance.a!.length).toBeGreaterThan(0);
    expect(byInstance.b!.length).toBeGreaterThan(0);
  });

  it('stops gracefully: in-flight handlers finish and are acked, messages not started go back at once', async () => {
    for (let i = 0; i < 10; i++) await kit.messaging.publish(kit.visit(`guest-${i}`, i));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const finished: string[] = [];
    const subscription = await kit.messaging.consume({
      stream: kit.stream,
      durable: 'test--stop',
      contracts: [kit.visitV1],
      ordering: 'none',
      concurrency: 2,
      ackWaitMs: 60_000,
      handle: async (event) => {
        started.push(event.id);
        await gate;
        finished.push(event.id);
      },
    });
    await eventually(() => expect(started).toHaveLength(2));
    let stopped = false;
    const stopping = subscription.stop({ timeoutMs: 20_000 }).then(() => (stopped = true));
    await eventually(() => expect(subscription.stats().inFlight).toBe(2));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished.sort()).toEqual(started.sort());
    expect(started).toHaveLength(2);
    // the other 8 were handed back (nak), not left to the 60 s ack wait: a new instance gets them now
    const rest: string[] = [];
    await kit.messaging.consume({
      stream: kit.stream,
      durable: 'test--stop',
      contracts: [kit.visitV1],
      ordering: 'none',
      ackWaitMs: 60_000,
      handle: async (event) => {
        rest.push(event.id);
      },
    });
    await eventually(() => expect(rest).toHaveLength(8));
    expect(new Set([...started, ...rest]).size).toBe(10);
  });
});
