import { metrics, ValueType } from '@opentelemetry/api';
import type { Attributes, Meter, MeterProvider, MetricOptions, ObservableResult } from '@opentelemetry/api';
import { HEARTH_ATTRIBUTES } from './trace-context';

/** Name of the meter every Hearth lib and service records on. */
export const METER_NAME = 'hearth';

/**
 * Metric names shared by the libs, so dashboards and alerts find them under one name whichever service
 * records them. Durations are in seconds (OpenTelemetry convention, unit `s`). The Prometheus exporter
 * turns dots into underscores and adds `_total` to counters, but no unit suffix (`hearth_command_duration`).
 * Label them with `HEARTH_ATTRIBUTES`; keep label values low-cardinality (types and names, never ids).
 */
export const HEARTH_METRICS = {
  /** Histogram (s): `handleCommand` duration; attributes `commandType`, `outcome`. */
  commandDuration: 'hearth.command.duration',
  /** Histogram (s): one message's handling in a consumer; attributes `consumer`, `eventType`, `outcome`. */
  messageDuration: 'hearth.message.duration',
  /** Counter: messages handled by a consumer; attributes `consumer`, `eventType`, `outcome`. */
  messagesProcessed: 'hearth.messages.processed',
  /** Counter: messages sent to the dead-letter stream; attributes `consumer`, `eventType`. */
  deadLetters: 'hearth.messages.dead_lettered',
  /** Counter: integration events published; attributes `eventType`, `outcome`. */
  messagesPublished: 'hearth.messages.published',
  /** Gauge: messages a durable consumer has not yet acknowledged (`num_pending` + `num_ack_pending`); attribute `consumer`. */
  consumerLag: 'hearth.consumer.lag',
  /** Gauge: events in the store the forwarder has not yet published (store head − checkpoint); attribute `consumer`. */
  forwarderLag: 'hearth.forwarder.lag',
  /** Gauge: events a projection has not yet applied; attribute `projection`. */
  projectionLag: 'hearth.projection.lag',
} as const;

/** Bucket boundaries (s) for Hearth durations: 1 ms … 10 s, where command and message latencies live. */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The shared `hearth` meter of the running telemetry (a no-op meter before `startTelemetry()`). */
export function getMeter(): Meter {
  return metrics.getMeter(METER_NAME);
}

export type Counter = { add(value: number, attributes?: Attributes): void };
export type Histogram = { record(value: number, attributes?: Attributes): void };
export type GaugeObservation = { value: number; attributes?: Attributes };
/** Returns the current value(s); called on every collection (scrape or export interval). */
export type GaugeObserver = () => number | readonly GaugeObservation[] | Promise<number | readonly GaugeObservation[]>;
export type ObservableGauge = { stop(): void };

/**
 * Resolves the instrument from the current global meter provider on use, so an instrument declared at
 * module load (before `startTelemetry()`) still records into the SDK once it runs.
 */
function lazyInstrument<T>(create: (meter: Meter) => T): () => T {
  let provider: MeterProvider | undefined;
  let instrument: T | undefined;
  return () => {
    const current = metrics.getMeterProvider();
    if (current !== provider || instrument === undefined) {
      provider = current;
      instrument = create(current.getMeter(METER_NAME));
    }
    return instrument;
  };
}

/** A monotonic counter on the shared meter. */
export function counter(name: string, options: MetricOptions = {}): Counter {
  const resolve = lazyInstrument((meter) => meter.createCounter(name, options));
  return { add: (value, attributes) => resolve().add(value, attributes) };
}

/** A histogram on the shared meter; durations default to seconds with `DURATION_BUCKETS_SECONDS`. */
export function histogram(name: string, options: MetricOptions = {}): Histogram {
  const withDefaults: MetricOptions = {
    valueType: ValueType.DOUBLE,
    ...options,
    advice: options.advice ?? (options.unit === 's' ? { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] } : undefined),
  };
  const resolve = lazyInstrument((meter) => meter.createHistogram(name, withDefaults));
  return { record: (value, attributes) => resolve().record(value, attributes) };
}

/**
 * An observable gauge on the shared meter: `observe` is called on each collection and returns a
 * value, or several values with attributes (one per consumer, projection…). A throwing observer
 * reports nothing for that collection. Create it after `startTelemetry()` (callbacks bind to the
 * provider running at creation); `stop()` unregisters it.
 */
export function observableGauge(name: string, observe: GaugeObserver, options: MetricOptions = {}): ObservableGauge {
  const gauge = getMeter().createObservableGauge(name, options);
  const callback = async (result: ObservableResult): Promise<void> => {
    const observed = await observe();
    if (typeof observed === 'number') result.observe(observed);
    else for (const { value, attributes } of observed) result.observe(value, attributes);
  };
  gauge.addCallback(callback);
  return { stop: () => gauge.removeCallback(callback) };
}

/**
 * Runs `fn` and records its duration in seconds on `histogram`, with `hearth.outcome` = `ok` or
 * `error` added to `attributes`. Rethrows what `fn` throws.
 */
export async function timed<T>(target: Histogram, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  let outcome: 'ok' | 'error' = 'error';
  try {
    const result = await fn();
    outcome = 'ok';
    return result;
  } finally {
    target.record((performance.now() - started) / 1000, { ...attributes, [HEARTH_ATTRIBUTES.outcome]: outcome });
  }
}
