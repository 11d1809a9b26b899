export type {
  ClaimedTimer,
  ClaimOptions,
  FiredTimer,
  ListTimersQuery,
  Queryable,
  ReleaseOptions,
  ReleaseOutcome,
  TimerCounts,
  TimerRecord,
  TimerSpec,
  TimerStatus,
  TimerStore,
  WriteOptions,
} from './types';
export { TimerError, InvalidTimerError, InvalidTimerOptionError, TimerFailedError } from './errors';
export { MemoryTimerStore } from './adapters/memory/memory-timer-store';
export type { MemoryTimerStoreOptions } from './adapters/memory/memory-timer-store';
export { PostgresTimerStore } from './adapters/postgres/postgres-timer-store';
export type { PostgresTimerStoreOptions } from './adapters/postgres/postgres-timer-store';
export { startTimerWorker, fireDueTimers } from './worker/timer-worker';
export type { TimerWorker, TimerWorkerOptions, FireDueTimersOptions } from './worker/timer-worker';
export type { TimerHandler, TimerProcessingOptions } from './worker/timer-processor';
export { retryDelayMs, DEFAULT_RETRY_DELAY } from './worker/retry-delay';
export type { RetryDelay } from './worker/retry-delay';
export { TIMER_METRICS, TIMER_ATTRIBUTES } from './metrics';
export { MAX_KEY_LENGTH, MAX_TENANT_ID_LENGTH } from './validation';
