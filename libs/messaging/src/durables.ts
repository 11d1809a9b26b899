import type { JetStreamManager } from '@nats-io/jetstream';
import { connectMessaging } from './messaging';

/**
 * Deletes every durable consumer whose name starts with `prefix`, on every stream, and says how many.
 * Durables outlive their processes: test stacks and benchmarks that create their own remove them when
 * they stop, so a shared NATS server does not keep delivering into consumers nobody reads.
 */
export async function deleteDurables(manager: JetStreamManager, prefix: string): Promise<number> {
  if (prefix.length === 0) throw new RangeError('deleteDurables needs a non-empty prefix');
  let deleted = 0;
  for await (const stream of manager.streams.list()) {
    for await (const consumer of manager.consumers.list(stream.config.name)) {
      if (consumer.name.startsWith(prefix) && (await manager.consumers.delete(stream.config.name, consumer.name))) deleted++;
    }
  }
  return deleted;
}

/** `deleteDurables` over a connection of its own to `servers` (a bench or test stack cleaning up after itself). */
export async function deleteDurablesAt(servers: string, prefix: string): Promise<number> {
  const messaging = await connectMessaging({ servers, name: 'durables-cleanup' });
  try {
    return await deleteDurables(messaging.manager, prefix);
  } finally {
    await messaging.close();
  }
}
