import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { observableGauge, type ObservableGauge } from '@hearth/observability';
import { InvalidTimerOptionError } from '../errors';
import { TIMER_ATTRIBUTES, TIMER_METRICS } from '../metrics';
import type { ClaimedTimer } from '../types';
import { integerOption, processClaimedTimer, resolveProcessingOptions, type TimerProcessingOptions } from './timer-processor';
import { Waker } from './waker';

export type TimerWorkerOptions = TimerProcessingOptions & {
  /**
   * Longest idle wait between two looks at the table (default 5,000 ms). Only a fallback: a worker
   * sleeps until the next known due time, and wakes as soon as a timer is scheduled (NOTIFY).
   */
  pollIntervalMs?: number;
  /** Timers claimed per query, and the most handled at the same time (default 10). */
  batchSize?: number;
  /** Aborting it stops the worker, like `stop()`. */
  signal?: AbortSignal;
  /** How long `stop()` waits for in-flight handlers before aborting their signal and returning (default 10,000 ms). */
  drainTimeoutMs?: number;
  /** Observe stored timers by status (`hearth.timers.stored`, one count query per collection); default true. */
  storedGauge?: boolean;
};

export type TimerWorker = {
  /** Stops claiming, waits for in-flight handlers (up to `drainTimeoutMs`), then unsubscribes. Idempotent. */
  stop(): Promise<void>;
};

/** Shortest sleep when the store reports a timer due now that this worker could not claim (locked by a concurrent transaction). */
const MIN_RETRY_SLEEP_MS = 5;

/**
 * Starts a worker that fires due timers of `store`: it claims up to `batchSize` at a time (earliest
 * first, under a lease of `leaseMs`), runs `handle` for each, deletes a timer when its handler
 * succeeds, retries a failing one with backoff, and marks it failed after `maxAttempts`.
 *
 * Run one per service instance (several are safe: claims never overlap while a lease holds). Delivery
 * is at-least-once: handlers must be idempotent.
 */
export function startTimerWorker(options: TimerWorkerOptions): TimerWorker {
  const o = resolveProcessingOptions(options);
  const pollIntervalMs = integerOption('pollIntervalMs', options.pollIntervalMs, 5_000, 1, 24 * 3_600_000);
  const batchSize = integerOption('batchSize', options.batchSize, 10, 1, 1_000);
  const drainTimeoutMs = integerOption('drainTimeoutMs', options.drainTimeoutMs, 10_000, 0, 24 * 3_600_000);
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new InvalidTimerOptionError('signal', 'must be an AbortSignal');

  const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const inFlight = new Set<Promise<unknown>>();
  const handlers = new AbortController();
  const waker = new Waker();
  let stopping = false;
  let unsubscribe: (() => Promise<void>) | undefined;

  let gauge: ObservableGauge | undefined;
  if (options.storedGauge !== false) {
    gauge = observableGauge(
      TIMER_METRICS.stored,
      async () => {
        const counts = await o.store.counts();
        return (['pending', 'failed'] as const).map((status) => ({
          value: counts[status],
          attributes: { [TIMER_ATTRIBUTES.worker]: o.name, [TIMER_ATTRIBUTES.status]: status },
        }));
      },
      { description: 'Stored timers by status' },
    );
  }

  const subscribe = async (): Promise<void> => {
    if (unsubscribe) return;
    try {
      const off = await o.store.onScheduled((dueInMs) => waker.wakeIn(dueInMs));
      if (stopping) await off();
      else unsubscribe = off;
    } catch (error) {
      o.onError(error); // polling still works; subscribing is tried again on the next round
    }
  };

  const run = (claimed: ClaimedTimer): void => {
    const done = processClaimedTimer(o, claimed, handlers.signal).finally(() => {
      inFlight.delete(done);
      waker.wake(); // a slot is free
    });
    inFlight.add(done);
  };

  const loop = async (): Promise<void> => {
    let failures = 0;
    let missed = 0;
    while (!stopping) {
      await subscribe();
      let sleepMs = pollIntervalMs;
      try {
        const free = batchSize - inFlight.size;
        if (free > 0) {
          const claimed = await o.store.claim({ limit: free, leaseMs: o.leaseMs, workerId });
          for (const c of claimed) run(c);
          if (claimed.length === free) continue; // a full batch: more may be due already
          const dueIn = await o.store.nextDueIn();
          if (dueIn !== undefined && dueIn <= 0 && claimed.length === 0) {
            // due but not claimable by us (a transaction holds its row): back off instead of spinning
            missed++;
            sleepMs = Math.min(pollIntervalMs, MIN_RETRY_SLEEP_MS * 2 ** Math.min(missed, 10));
          } else {
            missed = 0;
            if (dueIn !== undefined) sleepMs = Math.min(pollIntervalMs, Math.max(dueIn <= 0 ? 0 : 1, Math.ceil(dueIn)));
          }
        }
        failures = 0;
      } catch (error) {
        failures++;
        o.onError(error);
        sleepMs = Math.min(pollIntervalMs, 100 * 2 ** Math.min(failures, 10));
      }
      if (!stopping) await waker.sleep(sleepMs);
    }
  };

  const running = loop();
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      waker.wake();
      await running;
      if (inFlight.size > 0) {
        let timeout: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...inFlight]),
          new Promise<void>((resolve) => {
            timeout = setTimeout(resolve, drainTimeoutMs);
          }),
        ]);
        clearTimeout(timeout);
      }
      // handlers still running are abandoned: their leases run out and the timers fire again elsewhere
      handlers.abort();
      gauge?.stop();
      const off = unsubscribe;
      unsubscribe = undefined;
      await off?.().catch((error: unknown) => o.onError(error));
    })();
    return stopped;
  };

  if (options.signal) {
    if (options.signal.aborted) void stop();
    else options.signal.addEventListener('abort', () => void stop(), { once: true });
  }
  return { stop };
}

export type FireDueTimersOptions = TimerProcessingOptions & {
  /** Timers claimed per query (default 100). */
  batchSize?: number;
};

/**
 * Fires every timer due now, one after the other, and returns when none is left: for tests of callers
 * (a `MemoryTimerStore` with a stepped clock) and for scripts. Timers whose attempt fails are released
 * for their retry (not retried in this call, since their retry is not due yet).
 */
export async function fireDueTimers(options: FireDueTimersOptions): Promise<{ fired: number; retrying: number; failed: number }> {
  const o = resolveProcessingOptions(options);
  const batchSize = integerOption('batchSize', options.batchSize, 100, 1, 1_000);
  const workerId = `${hostname()}:${process.pid}:fireDueTimers`;
  const signal = new AbortController().signal;
  const counts = { fired: 0, retrying: 0, failed: 0 };
  for (;;) {
    const claimed = await o.store.claim({ limit: batchSize, leaseMs: o.leaseMs, workerId });
    for (const c of claimed) {
      const outcome = await processClaimedTimer(o, c, signal);
      if (outcome === 'fired' || outcome === 'retrying' || outcome === 'failed') counts[outcome]++;
    }
    if (claimed.length < batchSize) return counts;
  }
}
