import type { EventStore, StoredEvent } from '@hearth/event-store';
import type { CheckpointedSource, SourceEvent } from './source';

export type EventStoreSourceOptions = {
  /** Only streams of these categories (e.g. `['guest', 'stay']`). Default: every event. */
  categories?: readonly string[];
  /** The backlog metric counts at most this many events (default 10,000): counting means reading. */
  backlogCap?: number;
};

function toSourceEvent(event: StoredEvent): SourceEvent<StoredEvent> {
  return {
    event,
    position: event.globalPosition,
    recordedAt: event.recordedAt,
    trace: event.metadata.traceparent ? { traceparent: event.metadata.traceparent } : undefined,
    type: event.type,
    id: event.eventId,
  };
}

/** The service's own event store as a projection source: `subscribeToAll` for live runs, `readAll` for rebuilds. */
export function eventStoreSource(store: EventStore, options: EventStoreSourceOptions = {}): CheckpointedSource<StoredEvent> {
  const { categories } = options;
  const cap = options.backlogCap ?? 10_000;
  return {
    kind: 'checkpointed',
    description: `event store${categories ? ` (categories ${categories.join(', ')})` : ''}`,
    async *subscribe({ after, signal, onCaughtUp }) {
      for await (const event of store.subscribeToAll({ fromPosition: after, categories, signal, onCaughtUp })) yield toSourceEvent(event);
    },
    async read(after, limit) {
      return (await store.readAll({ fromPosition: after, limit, categories })).map(toSourceEvent);
    },
    async backlog(after) {
      return (await store.readAll({ fromPosition: after, limit: cap, categories })).length;
    },
  };
}
