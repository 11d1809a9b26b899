export * from './types';
export * from './errors';
export { defineCollection } from './collection';
export type { CollectionSpec } from './collection';
export { createMemoryDocumentStore } from './adapters/memory/memory-document-store';
export { describeDocumentStoreConformance } from './conformance/document-store.conformance';
export type { DocumentStoreFactory } from './conformance/document-store.conformance';
export { PostgresDocumentStore } from './adapters/postgres/postgres-document-store';
export type { PostgresDocumentStoreOptions } from './adapters/postgres/postgres-document-store';
export type { AutoAnalyzeOptions } from './adapters/postgres/statistics-keeper';
export type { CachedDocumentReader, CachedReaderOptions } from './adapters/postgres/cached-reader';
export { MongoDocumentStore } from './adapters/mongodb/mongodb-document-store';
export type { MongoDocumentStoreOptions } from './adapters/mongodb/mongodb-document-store';
export { createProjectionRunner } from './projection/projection-runner';
export type {
  Project,
  ProjectBatch,
  ProjectionRunner,
  ProjectionRunnerOptions,
  ProjectionState,
  ProjectionStatus,
  RebuildResult,
} from './projection/projection-runner';
export type { CheckpointedSource, ProjectionSource, PushSource, SourceEvent } from './projection/source';
export { eventStoreSource } from './projection/event-store-source';
export type { EventStoreSourceOptions } from './projection/event-store-source';
export { contentHash, canonicalJson } from './projection/content-hash';
export { natsProjectionSource } from './projection/nats-source';
export type { NatsDelivery, NatsSourceOptions } from './projection/nats-source';
