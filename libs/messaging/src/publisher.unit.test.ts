import { defineEvent } from '@hearth/contracts';
import type { JetStreamClient, JetStreamManager, JetStreamPublishOptions, PubAck } from '@nats-io/jetstream';
import { errors } from '@nats-io/transport-node';
import { z } from 'zod';
import { PublishFailedError } from './errors';
import { createPublisher } from './publisher';

const visitV1 = defineEvent({
  type: 'hearth.unit-svc.visit-recorded',
  version: 1,
  description: 'A visit (unit test contract).',
  data: z.object({ visitId: z.string() }),
  example: { visitId: 'v' },
});
const event = visitV1.create({ tenantId: 't', guestId: 'guest-1', correlationId: 'c', data: { visitId: 'v-1' } });

/** A JetStream double: fails with the queued errors, then acks. */
function fakeJetStream(failures: unknown[]) {
  const calls: { subject: string; options: Partial<JetStreamPublishOptions> }[] = [];
  const js = {
    publish: async (subject: string, _data: Uint8Array, options: Partial<JetStreamPublishOptions>): Promise<PubAck> => {
      calls.push({ subject, options });
      const failure = failures.shift();
      if (failure) throw failure;
      return { stream: 'HEARTH_UNIT_SVC', seq: 41 + calls.length, duplicate: calls.length > 2 };
    },
  } as unknown as JetStreamClient;
  const jsm = {
    streams: { info: async () => ({ config: { description: 'x partitions=4' } }) },
  } as unknown as JetStreamManager;
  return { js, jsm, calls };
}

const fastRetry = { attempts: 4, initialDelayMs: 1, maxDelayMs: 2 };

describe('publisher retries', () => {
  it('retries timeouts and missing responders, then reports the ack (duplicate included)', async () => {
    const { js, jsm, calls } = fakeJetStream([new errors.TimeoutError(), new errors.NoRespondersError('x')]);
    const publisher = createPublisher({ js, jsm }, { contracts: [visitV1], retry: fastRetry });
    const result = await publisher.publish(event);
    expect(result).toMatchObject({ attempts: 3, seq: 44, duplicate: true, stream: 'HEARTH_UNIT_SVC' });
    expect(calls.map((c) => c.options.msgID)).toEqual([event.id, event.id, event.id]);
    expect(new Set(calls.map((c) => c.subject)).size).toBe(1);
  });

  it('gives up after the last attempt with PublishFailedError carrying the cause', async () => {
    const timeouts = [1, 2, 3, 4].map(() => new errors.TimeoutError());
    const { js, jsm, calls } = fakeJetStream(timeouts);
    const publisher = createPublisher({ js, jsm }, { contracts: [visitV1], retry: fastRetry });
    const failure = await publisher.publish(event).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PublishFailedError);
    expect((failure as PublishFailedError).attempts).toBe(4);
    expect((failure as PublishFailedError).cause).toBeInstanceOf(errors.TimeoutError);
    expect(calls).toHaveLength(4);
  });

  it('does not retry an error that will not go away', async () => {
    const { js, jsm, calls } = fakeJetStream([new errors.ClosedConnectionError()]);
    const publisher = createPublisher({ js, jsm }, { contracts: [visitV1], retry: fastRetry });
    await expect(publisher.publish(event)).rejects.toMatchObject({ code: 'PUBLISH_FAILED', attempts: 1 });
    expect(calls).toHaveLength(1);
  });

  it('uses an explicit message id and partition key when given', async () => {
    const { js, jsm, calls } = fakeJetStream([]);
    const publisher = createPublisher({ js, jsm }, { contracts: [visitV1], partitionKey: () => 'same-key' });
    const result = await publisher.publish(event, { msgId: 'replay-1' });
    expect(calls[0]!.options.msgID).toBe('replay-1');
    expect(calls[0]!.subject).toBe(`hearth.unit-svc.visit-recorded.v1.p${result.partition}`);
  });
});
