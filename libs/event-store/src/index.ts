import type * as KurrentDbModule from './adapters/kurrentdb/kurrentdb-event-store';
import type { EventStore } from './types';

export * from './types';
export * from './errors';
export * from './decider';
export { ChangeSignal, subscribe } from './subscription';
export type { SubscriptionSource } from './subscription';
export {
  parseStreamName,
  categoryOf,
  MAX_EVENTS_PER_APPEND,
  MAX_STREAM_NAME_LENGTH,
  MAX_READ_ALL_LIMIT,
} from './validation';
export { MemoryEventStore } from './adapters/memory/memory-event-store';
export { MemorySnapshotStore } from './snapshots';
export type { Snapshot, SnapshotPolicy, SnapshotStore } from './snapshots';
export { PostgresSnapshotStore } from './adapters/postgres/postgres-snapshot-store';
export { PostgresEventStore } from './adapters/postgres/postgres-event-store';
export type { PostgresEventStoreOptions } from './adapters/postgres/postgres-event-store';
export { testMetadata, testEvent, uniqueCategory } from './conformance/fixtures';

/**
 * Connects the KurrentDB adapter. Loaded on demand: its client pulls in gRPC and a native bridge,
 * which services running on PostgreSQL never need to load.
 */
export async function connectKurrentDb(options: KurrentDbModule.KurrentDbEventStoreOptions): Promise<EventStore> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { KurrentDbEventStore } = require('./adapters/kurrentdb/kurrentdb-event-store') as typeof KurrentDbModule;
  return KurrentDbEventStore.connect(options);
}
export * from './crypto-shredding';
export { uuidV5 } from './ids';
