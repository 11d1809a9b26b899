import { counter, HEARTH_ATTRIBUTES, histogram } from '@hearth/observability';

/**
 * Metric names of the timers library (Prometheus: dots become underscores, counters get `_total`).
 * Label: `hearth.consumer` = the worker's `name` (low cardinality: never tenant ids or keys).
 */
export const TIMER_METRICS = {
  /** Counter: handler runs; attribute `hearth.outcome` = `ok` | `error`. */
  fired: 'hearth.timers.fired',
  /** Counter: failed attempts that will be retried after a backoff. */
  retried: 'hearth.timers.retried',
  /** Counter: timers marked failed after `maxAttempts` (they stay stored; see the `stored` gauge). */
  failed: 'hearth.timers.failed',
  /** Histogram (s): `firedAt − dueAt` of first attempts, i.e. how late timers fire. */
  lag: 'hearth.timers.lag',
  /** Gauge: stored timers by `hearth.timer.status` (`pending`, `failed`); alert on failed > 0. */
  stored: 'hearth.timers.stored',
} as const;

/** Attribute names the timers library adds to the shared `HEARTH_ATTRIBUTES`. */
export const TIMER_ATTRIBUTES = {
  worker: HEARTH_ATTRIBUTES.consumer,
  outcome: HEARTH_ATTRIBUTES.outcome,
  status: 'hearth.timer.status',
} as const;

export const timerMetrics = {
  fired: counter(TIMER_METRICS.fired, { description: 'Timer handler runs, by outcome' }),
  retried: counter(TIMER_METRICS.retried, { description: 'Failed timer attempts scheduled for a retry' }),
  failed: counter(TIMER_METRICS.failed, { description: 'Timers marked failed after their last attempt' }),
  lag: histogram(TIMER_METRICS.lag, { unit: 's', description: 'How long after its due time a timer fired (first attempts)' }),
};
