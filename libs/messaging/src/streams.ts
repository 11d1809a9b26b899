import {
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { InvalidMessagingOptionError, StreamConfigConflictError, StreamNotFoundError } from './errors';
import {
  DEFAULT_DEAD_LETTER_STREAM,
  DEFAULT_DEAD_LETTER_SUBJECT_PREFIX,
  DEFAULT_PARTITIONS,
  assertPartitions,
  assertStreamName,
  assertSubjectPrefix,
  describeStream,
  partitionsFromDescription,
  streamNameFor,
  streamSubjectFor,
} from './names';

/** Retention limits of a stream (services read them from their env with `@hearth/config`). */
export type StreamRetention = {
  /** Oldest message kept (default 7 days). 0 = no age limit. */
  maxAgeMs?: number;
  /** Size limit (default 1 GiB); the oldest messages go first on a service stream. -1 = unlimited. */
  maxBytes?: number;
  /** Message count limit (default unlimited, -1). */
  maxMsgs?: number;
  /** Largest accepted message (default 1 MiB). */
  maxMsgSize?: number;
  /**
   * How long JetStream remembers `Nats-Msg-Id`s to drop duplicates (default and minimum 10 minutes:
   * a forwarder restarting after a crash republishes from its checkpoint within that window).
   */
  duplicateWindowMs?: number;
  /** Replicas in a cluster (default 1; the development server is a single node). */
  replicas?: number;
};

export type EnsureStreamOptions = StreamRetention & {
  /** The producing service, lower-kebab: `customer-profile` → stream `HEARTH_CUSTOMER_PROFILE`, subjects `hearth.customer-profile.>`. */
  service: string;
  /**
   * Partitions of the stream (default 16). Messages of one ordering key (the guest) always travel in
   * one partition. Fixed once the stream exists: changing it would re-route keys and break ordering.
   */
  partitions?: number;
};

/** Where dead letters go. Tests use a unique stream and prefix; services keep the defaults. */
export type DeadLetterOptions = {
  /** Stream name (default `HEARTH_DLQ`). */
  stream?: string;
  /** Subject prefix (default `hearth.dlq`): a dead letter of subject S is stored under `<prefix>.S`. */
  subjectPrefix?: string;
};

export type DeadLetterStreamOptions = DeadLetterOptions & {
  /** Default 0: dead letters are kept until replayed or deleted by an operator. */
  maxAgeMs?: number;
  /** Default 1 GiB. When full, new dead letters are refused (`discard: new`) so the source message stays unacknowledged instead of being lost. */
  maxBytes?: number;
  replicas?: number;
};

export const MIN_DUPLICATE_WINDOW_MS = 10 * 60_000;
export const DEFAULT_STREAM_RETENTION: Required<StreamRetention> = {
  maxAgeMs: 7 * 24 * 3_600_000,
  maxBytes: 1024 ** 3,
  maxMsgs: -1,
  maxMsgSize: 1024 ** 2,
  duplicateWindowMs: MIN_DUPLICATE_WINDOW_MS,
  replicas: 1,
};

export function resolveDeadLetterOptions(options: DeadLetterOptions = {}): Required<DeadLetterOptions> {
  const resolved = {
    stream: options.stream ?? DEFAULT_DEAD_LETTER_STREAM,
    subjectPrefix: options.subjectPrefix ?? DEFAULT_DEAD_LETTER_SUBJECT_PREFIX,
  };
  assertStreamName(resolved.stream, 'deadLetters.stream');
  assertSubjectPrefix(resolved.subjectPrefix, 'deadLetters.subjectPrefix');
  return resolved;
}

/** The JetStream configuration `ensureStream` converges a service stream to (exported for tests and tooling). */
export function serviceStreamConfig(options: EnsureStreamOptions): StreamConfig {
  const retention = { ...DEFAULT_STREAM_RETENTION, ...definedOnly(options) };
  const partitions = options.partitions ?? DEFAULT_PARTITIONS;
  assertPartitions(partitions);
  if (!(retention.duplicateWindowMs >= MIN_DUPLICATE_WINDOW_MS)) {
    throw new InvalidMessagingOptionError('duplicateWindowMs', `must be at least ${MIN_DUPLICATE_WINDOW_MS} ms (10 minutes)`);
  }
  if (retention.maxAgeMs > 0 && retention.duplicateWindowMs > retention.maxAgeMs) {
    throw new InvalidMessagingOptionError('duplicateWindowMs', 'must not exceed maxAgeMs');
  }
  assertLimits(retention);
  return {
    name: streamNameFor(options.service),
    subjects: [streamSubjectFor(options.service)],
    description: describeStream(options.service, partitions),
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(retention.maxAgeMs),
    max_bytes: retention.maxBytes,
    max_msgs: retention.maxMsgs,
    max_msg_size: retention.maxMsgSize,
    duplicate_window: nanos(retention.duplicateWindowMs),
    num_replicas: retention.replicas,
  } as StreamConfig;
}

/** The JetStream configuration of the dead-letter stream. */
export function deadLetterStreamConfig(options: DeadLetterStreamOptions = {}): StreamConfig {
  const { stream, subjectPrefix } = resolveDeadLetterOptions(options);
  const limits = { maxAgeMs: options.maxAgeMs ?? 0, maxBytes: options.maxBytes ?? 1024 ** 3, maxMsgs: -1, maxMsgSize: -1, replicas: options.replicas ?? 1 };
  assertLimits(limits);
  return {
    name: stream,
    subjects: [`${subjectPrefix}.>`],
    description: 'Hearth dead letters: messages a consumer could not process, with the reason in their headers',
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    max_age: nanos(limits.maxAgeMs),
    max_bytes: limits.maxBytes,
    max_msgs: -1,
    max_msg_size: -1,
    duplicate_window: nanos(2 * 60_000),
    num_replicas: limits.replicas,
  } as StreamConfig;
}

function assertLimits(limits: { maxAgeMs: number; maxBytes: number; maxMsgs: number; maxMsgSize: number; replicas: number }): void {
  if (!Number.isSafeInteger(limits.maxAgeMs) || limits.maxAgeMs < 0) throw new InvalidMessagingOptionError('maxAgeMs', 'must be an integer ≥ 0');
  for (const key of ['maxBytes', 'maxMsgs', 'maxMsgSize'] as const) {
    const value = limits[key];
    if (!Number.isSafeInteger(value) || (value < 1 && value !== -1)) throw new InvalidMessagingOptionError(key, 'must be a positive integer or -1 (unlimited)');
  }
  if (!Number.isSafeInteger(limits.replicas) || limits.replicas < 1 || limits.replicas > 5) {
    throw new InvalidMessagingOptionError('replicas', 'must be an integer from 1 to 5');
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Fields `ensureStream` manages; anything else on an existing stream (set by an operator) is left alone. */
const MANAGED_FIELDS = [
  'subjects',
  'description',
  'discard',
  'max_age',
  'max_bytes',
  'max_msgs',
  'max_msg_size',
  'duplicate_window',
  'num_replicas',
] as const;

/**
 * Creates the stream or converges an existing one to `desired`: idempotent, safe to run at every
 * start of every instance. Refuses (`StreamConfigConflictError`) to change what JetStream cannot
 * change (storage, retention policy) or what would break ordering (the partition count).
 */
export async function ensureStreamConfig(jsm: JetStreamManager, desired: StreamConfig): Promise<StreamInfo> {
  for (let attempt = 0; ; attempt++) {
    const existing = await streamInfoOrUndefined(jsm, desired.name);
    if (!existing) {
      try {
        return await jsm.streams.add(desired);
      } catch (error) {
        // another instance created it between our info and add: converge on the next round
        if (attempt < 2 && error instanceof JetStreamApiError && error.code === 10058) continue;
        throw error;
      }
    }
    const current = existing.config;
    if (current.storage !== desired.storage) {
      throw new StreamConfigConflictError(desired.name, `storage is ${current.storage}, wanted ${desired.storage} (immutable)`);
    }
    if (current.retention !== desired.retention) {
      throw new StreamConfigConflictError(desired.name, `retention is ${current.retention}, wanted ${desired.retention} (immutable)`);
    }
    const before = partitionsFromDescription(current.description);
    const after = partitionsFromDescription(desired.description);
    if (desired.description?.includes('partitions=') && current.description?.includes('partitions=') && before !== after) {
      throw new StreamConfigConflictError(
        desired.name,
        `it has ${before} partitions, wanted ${after}: re-partitioning would break per-guest ordering (create a new stream and migrate instead)`,
      );
    }
    const changes: Partial<StreamConfig> = {};
    for (const field of MANAGED_FIELDS) {
      if (JSON.stringify(current[field]) !== JSON.stringify(desired[field])) {
        (changes as Record<string, unknown>)[field] = desired[field];
      }
    }
    if (Object.keys(changes).length === 0) return existing;
    return jsm.streams.update(desired.name, changes);
  }
}

/** Creates or updates the stream of a producing service (`HEARTH_<SERVICE>`, subjects `hearth.<service>.>`). */
export function ensureStream(jsm: JetStreamManager, options: EnsureStreamOptions): Promise<StreamInfo> {
  return ensureStreamConfig(jsm, serviceStreamConfig(options));
}

/** Creates or updates the dead-letter stream (`HEARTH_DLQ`, subjects `hearth.dlq.>` by default). */
export function ensureDeadLetterStream(jsm: JetStreamManager, options: DeadLetterStreamOptions = {}): Promise<StreamInfo> {
  return ensureStreamConfig(jsm, deadLetterStreamConfig(options));
}

/** Stream info, or `undefined` when the stream does not exist. */
export async function streamInfoOrUndefined(jsm: JetStreamManager, stream: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(stream);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === 10059) return undefined;
    throw error;
  }
}

/** Stream info; `StreamNotFoundError` when it does not exist. */
export async function requireStream(jsm: JetStreamManager, stream: string): Promise<StreamInfo> {
  const info = await streamInfoOrUndefined(jsm, stream);
  if (!info) throw new StreamNotFoundError(stream);
  return info;
}
