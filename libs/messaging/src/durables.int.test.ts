import { randomUUID } from 'node:crypto';
import { AckPolicy } from '@nats-io/jetstream';
import { deleteDurables, deleteDurablesAt } from './durables';
import { connectMessaging, type Messaging } from './messaging';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

describe('deleteDurables against NATS JetStream', () => {
  const stream = `DURABLES_${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
  // unique prefixes: deleteDurables looks at every stream of the shared server
  const run = `t${randomUUID().slice(0, 8)}`;
  let messaging: Messaging;

  beforeAll(async () => {
    messaging = await connectMessaging({ servers: NATS_URL, name: 'durables-test' });
    await messaging.manager.streams.add({ name: stream, subjects: [`${stream.toLowerCase()}.>`] });
  });
  afterAll(async () => {
    await messaging.manager.streams.delete(stream).catch(() => undefined);
    await messaging.close();
  });

  const addDurable = (name: string) => messaging.manager.consumers.add(stream, { durable_name: name, ack_policy: AckPolicy.Explicit });
  const durables = async () => {
    const names: string[] = [];
    for await (const consumer of messaging.manager.consumers.list(stream)) names.push(consumer.name);
    return names.sort();
  };

  it('deletes the durables whose names start with the prefix, and only those; with or without a connection of its own', async () => {
    for (const name of ['a-1', 'a-2', 'b-1', 'keep-me']) await addDurable(`${run}-${name}`);
    expect(await deleteDurables(messaging.manager, `${run}-a-`)).toBe(2);
    expect(await durables()).toEqual([`${run}-b-1`, `${run}-keep-me`]);
    expect(await deleteDurablesAt(NATS_URL, `${run}-b-`)).toBe(1);
    expect(await durables()).toEqual([`${run}-keep-me`]);
    await expect(deleteDurables(messaging.manager, '')).rejects.toThrow(RangeError);
  });
});
