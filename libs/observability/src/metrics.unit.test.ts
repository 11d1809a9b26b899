import { metrics } from '@opentelemetry/api';
import { DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import { counter, DURATION_BUCKETS_SECONDS, getMeter, HEARTH_METRICS, histogram, METER_NAME, observableGauge, timed } from './metrics';
import { HEARTH_ATTRIBUTES } from './trace-context';

/** A reader collected on demand, standing in for a Prometheus scrape. */
class TestReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  async metric(name: string): Promise<MetricData | undefined> {
    const { resourceMetrics } = await this.collect();
    const scope = resourceMetrics.scopeMetrics.find((s) => s.scope.name === METER_NAME);
    return scope?.metrics.find((m) => m.descriptor.name === name);
  }
}

describe('metrics helpers', () => {
  let reader: TestReader;
  let provider: MeterProvider;

  beforeEach(() => {
    reader = new TestReader();
    provider = new MeterProvider({ readers: [reader] });
  });
  afterEach(async () => {
    metrics.disable();
    await provider.shutdown();
  });

  it('records counters declared before the meter provider was registered (lazy binding)', async () => {
    const processed = counter(HEARTH_METRICS.messagesProcessed, { description: 'messages handled' });
    processed.add(1, { [HEARTH_ATTRIBUTES.consumer]: 'timeline--all' }); // before: a no-op, as with any API call
    metrics.setGlobalMeterProvider(provider);
    processed.add(2, { [HEARTH_ATTRIBUTES.consumer]: 'timeline--all', [HEARTH_ATTRIBUTES.outcome]: 'ok' });
    processed.add(1, { [HEARTH_ATTRIBUTES.consumer]: 'timeline--all', [HEARTH_ATTRIBUTES.outcome]: 'ok' });

    const metric = await reader.metric('hearth.messages.processed');
    expect(metric?.dataPointType).toBe(DataPointType.SUM);
    expect(metric?.dataPoints).toEqual([
      expect.objectContaining({ value: 3, attributes: { 'hearth.consumer': 'timeline--all', 'hearth.outcome': 'ok' } }),
    ]);
  });

  it('times an operation into a seconds histogram with duration buckets and the outcome', async () => {
    metrics.setGlobalMeterProvider(provider);
    const duration = histogram(HEARTH_METRICS.commandDuration, { unit: 's' });
    await expect(timed(duration, { [HEARTH_ATTRIBUTES.commandType]: 'EarnPoints' }, () => Promise.resolve(42))).resolves.toBe(42);
    await expect(timed(duration, { [HEARTH_ATTRIBUTES.commandType]: 'EarnPoints' }, () => Promise.reject(new Error('conflict')))).rejects.toThrow('conflict');

    const metric = await reader.metric('hearth.command.duration');
    expect(metric?.descriptor.unit).toBe('s');
    expect(metric?.dataPointType).toBe(DataPointType.HISTOGRAM);
    const points = metric!.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value as { count: number; buckets: { boundaries: number[] } } }));
    expect(points.map((p) => p.attributes)).toEqual(
      expect.arrayContaining([
        { 'hearth.command.type': 'EarnPoints', 'hearth.outcome': 'ok' },
        { 'hearth.command.type': 'EarnPoints', 'hearth.outcome': 'error' },
      ]),
    );
    expect(points.every((p) => p.value.count === 1)).toBe(true);
    expect(points[0]!.value.buckets.boundaries).toEqual(DURATION_BUCKETS_SECONDS);
  });

  it('calls observable gauges on every collection until stopped', async () => {
    metrics.setGlobalMeterProvider(provider);
    let pending = 7;
    const lag = observableGauge(HEARTH_METRICS.consumerLag, () => [
      { value: pending, attributes: { [HEARTH_ATTRIBUTES.consumer]: 'timeline--all' } },
      { value: 0, attributes: { [HEARTH_ATTRIBUTES.consumer]: 'loyalty--stays' } },
    ]);
    expect((await reader.metric('hearth.consumer.lag'))?.dataPoints.map((p) => [p.attributes['hearth.consumer'], p.value])).toEqual([
      ['timeline--all', 7],
      ['loyalty--stays', 0],
    ]);
    pending = 2;
    expect((await reader.metric('hearth.consumer.lag'))?.dataPoints[0]?.value).toBe(2);
    lag.stop();
    pending = 99;
    // The observer is no longer called (cumulative readers keep reporting the last value seen).
    expect((await reader.metric('hearth.consumer.lag'))?.dataPoints.map((p) => p.value)).not.toContain(99);
  });

  it('accepts a single value from an async observer', async () => {
    metrics.setGlobalMeterProvider(provider);
    observableGauge(HEARTH_METRICS.projectionLag, () => Promise.resolve(12));
    expect((await reader.metric('hearth.projection.lag'))?.dataPoints.map((p) => p.value)).toEqual([12]);
  });

  it('gives the shared meter of the registered provider', async () => {
    metrics.setGlobalMeterProvider(provider);
    getMeter().createCounter('hearth.test.direct').add(5);
    expect((await reader.metric('hearth.test.direct'))?.dataPoints[0]?.value).toBe(5);
  });
});
