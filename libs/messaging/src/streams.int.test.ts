import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { StreamConfigConflictError } from './errors';
import { streamNameFor } from './names';
import { ensureDeadLetterStream, ensureStream } from './streams';
import { NATS_URL, uniqueService } from './test-support/nats-test-kit';

describe('ensureStream against NATS', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const created: string[] = [];

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    for (const name of created) await jsm.streams.delete(name).catch(() => undefined);
    await nc.close();
  });

  it('creates the stream of a service with the configured limits', async () => {
    const service = uniqueService();
    created.push(streamNameFor(service));
    const info = await ensureStream(jsm, { service, maxAgeMs: 3_600_000, maxMsgs: 10_000, partitions: 4 });
    expect(info.config).toMatchObject({
      name: streamNameFor(service),
      subjects: [`hearth.${service}.>`],
      storage: 'file',
      duplicate_window: nanos(10 * 60_000),
      max_age: nanos(3_600_000),
      max_msgs: 10_000,
    });
    expect(info.config.description).toContain('partitions=4');
  });

  it('is idempotent and converges changed limits', async () => {
    const service = uniqueService();
    created.push(streamNameFor(service));
    const first = await ensureStream(jsm, { service, maxMsgs: 1_000 });
    const again = await ensureStream(jsm, { service, maxMsgs: 1_000 });
    expect(again.created).toEqual(first.created);
    expect(again.config).toEqual(first.config);
    const updated = await ensureStream(jsm, { service, maxMsgs: 2_000, duplicateWindowMs: 15 * 60_000 });
    expect(updated.config.max_msgs).toBe(2_000);
    expect(updated.config.duplicate_window).toBe(nanos(15 * 60_000));
    expect((await jsm.streams.info(streamNameFor(service))).config.max_msgs).toBe(2_000);
  });

  it('survives several instances starting at once', async () => {
    const service = uniqueService();
    created.push(streamNameFor(service));
    const infos = await Promise.all([1, 2, 3, 4].map(() => ensureStream(jsm, { service })));
    expect(new Set(infos.map((i) => i.config.name))).toEqual(new Set([streamNameFor(service)]));
  });

  it('refuses to change the partition count of an existing stream', async () => {
    const service = uniqueService();
    created.push(streamNameFor(service));
    await ensureStream(jsm, { service, partitions: 8 });
    await expect(ensureStream(jsm, { service, partitions: 16 })).rejects.toThrow(StreamConfigConflictError);
  });

  it('creates a dead-letter stream under its own name and prefix', async () => {
    const name = `HEARTH_DLQ_${uniqueService().toUpperCase().replaceAll('-', '_')}`;
    created.push(name);
    const info = await ensureDeadLetterStream(jsm, { stream: name, subjectPrefix: `hearth.dlq-${name.toLowerCase()}` });
    expect(info.config).toMatchObject({ name, discard: 'new', subjects: [`hearth.dlq-${name.toLowerCase()}.>`] });
  });
});
