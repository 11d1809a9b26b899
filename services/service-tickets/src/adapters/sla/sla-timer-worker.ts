import { startTimerWorker, type TimerStore, type TimerWorker } from '@hearth/timers';
import type { SlaBreachOutcome } from '../../app/sla-breach';
import type { FiredSlaTimer } from '../../app/sla-timers.port';

export type SlaTimerWorkerOptions = {
  timers: TimerStore;
  /** `createSlaBreachHandler(ctx)`. */
  handle: (timer: FiredSlaTimer) => Promise<SlaBreachOutcome>;
  pollIntervalMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
  retryDelay?: { minMs?: number; maxMs?: number };
  onError?: (error: unknown, timer?: FiredSlaTimer) => void;
  onFired?: (timer: FiredSlaTimer, outcome: SlaBreachOutcome) => void;
};

/**
 * The durable-timer worker of the SLA (`@hearth/timers`): fires due `sla:<ticketId>:<target>` timers
 * into the breach handler. Run one per instance; the store's claims (SKIP LOCKED + lease) let several
 * instances share the timers, and the decider absorbs the rare second firing.
 */
export function startSlaTimerWorker(options: SlaTimerWorkerOptions): TimerWorker {
  return startTimerWorker({
    store: options.timers,
    name: 'service-tickets-sla',
    handle: async (timer) => {
      const outcome = await options.handle(timer);
      options.onFired?.(timer, outcome);
    },
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.retryDelay !== undefined ? { retryDelay: options.retryDelay } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
