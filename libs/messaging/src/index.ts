export * from './errors';
export {
  DEFAULT_DEAD_LETTER_STREAM,
  DEFAULT_DEAD_LETTER_SUBJECT_PREFIX,
  DEFAULT_PARTITIONS,
  MAX_PARTITIONS,
  coveringPattern,
  deadLetterSubject,
  defaultPartitionKey,
  filterSubject,
  matchesPattern,
  messageSubject,
  parseMessageSubject,
  parseSubjectPattern,
  partitionDurable,
  partitionOf,
  partitionsFromDescription,
  serviceOfSubject,
  streamNameFor,
  streamSubjectFor,
} from './names';
export type { SubjectPattern } from './names';
export { HEADERS } from './headers';
export { DEFAULT_RETRY, backoffDelay, isTransientPublishError, nakDelay } from './retry';
export type { RetryOptions } from './retry';
export {
  DEFAULT_STREAM_RETENTION,
  MIN_DUPLICATE_WINDOW_MS,
  deadLetterStreamConfig,
  ensureDeadLetterStream,
  ensureStream,
  ensureStreamConfig,
  serviceStreamConfig,
} from './streams';
export type { DeadLetterOptions, DeadLetterStreamOptions, EnsureStreamOptions, StreamRetention } from './streams';
export { createPublisher } from './publisher';
export type { ContractSource, PublishOptions, PublishResult, Publisher, PublisherOptions } from './publisher';
export { consume, resolveConsumeOptions } from './consumer';
export type { ConsumeOptions, ConsumerEvent, MessageInfo, Ordering, Subscription, SubscriptionStats } from './consumer';
export { listDeadLetters, publishDeadLetter, replayDeadLetters } from './dead-letters';
export type {
  DeadLetter,
  DeadLetterInput,
  DeadLetterReason,
  ListDeadLettersOptions,
  ReplayDeadLettersOptions,
  ReplayOutcome,
  ReplayReport,
} from './dead-letters';
export { createResponder, issuesOf, request } from './request-reply';
export type { ReplyBody, RequestContext, RequestOptions, Responder, ResponderOptions, Schema } from './request-reply';
export { connectMessaging, createMessaging } from './messaging';
export type { ConnectMessagingOptions, Messaging, MessagingOptions } from './messaging';
export { MemoryCheckpointStore } from './forwarder/checkpoint-store';
export type { CheckpointStore } from './forwarder/checkpoint-store';
export { PostgresCheckpointStore } from './forwarder/postgres-checkpoint-store';
export type { PostgresCheckpointStoreOptions } from './forwarder/postgres-checkpoint-store';
export { createForwarder, envelopeFieldsOf, integrationEventId } from './forwarder/forwarder';
export type { Forwarder, ForwarderOptions, ForwarderStatus, IntegrationEventDraft } from './forwarder/forwarder';
export { deleteDurables, deleteDurablesAt } from './durables';
