import { TimerFailedError, InvalidTimerOptionError } from '../errors';
import { TIMER_ATTRIBUTES, timerMetrics } from '../metrics';
import type { ClaimedTimer, FiredTimer, TimerStore } from '../types';
import { DEFAULT_RETRY_DELAY, retryDelayMs, type RetryDelay } from './retry-delay';

/**
 * Runs one fired timer. Handlers must be idempotent: delivery is at-least-once (a worker that dies or
 * outlives its lease mid-handler leaves the timer to fire again). `signal` aborts when the worker
 * stops and stops waiting for the handler.
 */
export type TimerHandler = (timer: FiredTimer, context: { signal: AbortSignal }) => Promise<void>;

/** What running a timer needs; shared by `startTimerWorker` and `fireDueTimers`. */
export type TimerProcessingOptions = {
  store: TimerStore;
  handle: TimerHandler;
  /** A claim is exclusive for this long (default 30,000 ms); keep it well above the slowest handler. */
  leaseMs?: number;
  /** Attempts per arming before it is marked failed (default 5). */
  maxAttempts?: number;
  /** Backoff between attempts (default 1 s doubling up to 5 min, with jitter). */
  retryDelay?: RetryDelay;
  /**
   * Called for each failed attempt with the handler's error and the timer, with a `TimerFailedError`
   * (cause: the handler's error) when the timer is marked failed, and without a timer for the worker's
   * own problems (database unreachable…). Default: nothing (failed timers stay visible in the store and metrics).
   */
  onError?: (error: unknown, timer?: FiredTimer) => void;
  /** Metric label (`hearth.consumer`), e.g. `service-tickets-sla` (default `timers`). */
  name?: string;
};

export type ResolvedProcessingOptions = {
  store: TimerStore;
  handle: TimerHandler;
  leaseMs: number;
  maxAttempts: number;
  retryDelay: Required<RetryDelay>;
  onError: (error: unknown, timer?: FiredTimer) => void;
  name: string;
};

export type ProcessOutcome = 'fired' | 'retrying' | 'failed' | 'stale' | 'error';

const MAX_MS = 24 * 3_600_000;

export function integerOption(option: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidTimerOptionError(option, `${JSON.stringify(value)} is not an integer between ${min} and ${max}`);
  }
  return value;
}

export function resolveProcessingOptions(options: TimerProcessingOptions): ResolvedProcessingOptions {
  if (!options || typeof options !== 'object') throw new InvalidTimerOptionError('options', 'must be an object');
  if (!options.store || typeof options.store.claim !== 'function') throw new InvalidTimerOptionError('store', 'must be a TimerStore');
  if (typeof options.handle !== 'function') throw new InvalidTimerOptionError('handle', 'must be a function');
  if (options.onError !== undefined && typeof options.onError !== 'function') throw new InvalidTimerOptionError('onError', 'must be a function');
  const name = options.name ?? 'timers';
  if (typeof name !== 'string' || name.trim() === '') throw new InvalidTimerOptionError('name', 'must be a non-empty string');
  const minMs = integerOption('retryDelay.minMs', options.retryDelay?.minMs, DEFAULT_RETRY_DELAY.minMs, 0, MAX_MS);
  const maxMs = integerOption('retryDelay.maxMs', options.retryDelay?.maxMs, Math.max(minMs, DEFAULT_RETRY_DELAY.maxMs), minMs, MAX_MS);
  const onError = options.onError;
  return {
    store: options.store,
    handle: options.handle,
    leaseMs: integerOption('leaseMs', options.leaseMs, 30_000, 1, MAX_MS),
    maxAttempts: integerOption('maxAttempts', options.maxAttempts, 5, 1, 1_000),
    retryDelay: { minMs, maxMs },
    name,
    onError: onError
      ? (error, timer) => {
          try {
            onError(error, timer);
          } catch {
            // a throwing error callback must not take the worker down
          }
        }
      : () => undefined,
  };
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  try {
    return typeof error === 'string' ? error : JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/**
 * Runs a claimed timer to its end: handler, then delete (success), retry with backoff, or failed
 * after the last attempt. Never throws: problems go to `onError`; when the store cannot be updated the
 * lease runs out and the timer fires again.
 */
export async function processClaimedTimer(o: ResolvedProcessingOptions, claimed: ClaimedTimer, signal: AbortSignal): Promise<ProcessOutcome> {
  const { timer } = claimed;
  const worker = { [TIMER_ATTRIBUTES.worker]: o.name };
  try {
    if (timer.attempt > o.maxAttempts) {
      // The previous attempt never reported back: its worker died or its handler outlived the lease.
      // Counting it stops a timer whose handler crashes the process from firing forever.
      const reason = `attempt ${timer.attempt - 1} did not finish within its lease of ${o.leaseMs} ms (worker stopped or handler hung)`;
      const outcome = await o.store.release(claimed, { error: reason });
      if (outcome === 'failed') {
        timerMetrics.failed.add(1, worker);
        o.onError(new TimerFailedError(timer.tenantId, timer.key, timer.attempt - 1, reason), timer);
      }
      return outcome;
    }
    if (timer.attempt === 1) timerMetrics.lag.record(Math.max(0, Date.parse(timer.firedAt) - Date.parse(timer.dueAt)) / 1000, worker);
    try {
      await o.handle(timer, { signal });
    } catch (error) {
      timerMetrics.fired.add(1, { ...worker, [TIMER_ATTRIBUTES.outcome]: 'error' });
      const message = errorMessage(error);
      const last = timer.attempt >= o.maxAttempts;
      const outcome = await o.store.release(claimed, last ? { error: message } : { error: message, retryInMs: retryDelayMs(timer.attempt, o.retryDelay) });
      if (outcome === 'failed') {
        timerMetrics.failed.add(1, worker);
        o.onError(new TimerFailedError(timer.tenantId, timer.key, timer.attempt, error instanceof Error ? error.message : message, { cause: error }), timer);
      } else {
        if (outcome === 'retrying') timerMetrics.retried.add(1, worker);
        o.onError(error, timer);
      }
      return outcome;
    }
    timerMetrics.fired.add(1, { ...worker, [TIMER_ATTRIBUTES.outcome]: 'ok' });
    // false: re-armed or cancelled meanwhile (the newer arming stays), or already completed by a
    // worker that took over after this attempt's lease ran out
    await o.store.complete(claimed);
    return 'fired';
  } catch (error) {
    o.onError(error, timer);
    return 'error';
  }
}
