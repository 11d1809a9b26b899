import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { eventually } from '@hearth/testing';
import { MemoryTimerStore } from '../adapters/memory/memory-timer-store';
import { InvalidTimerOptionError, TimerFailedError } from '../errors';
import { TIMER_METRICS } from '../metrics';
import type { ClaimOptions, ClaimedTimer } from '../types';
import { retryDelayMs } from './retry-delay';
import { fireDueTimers, startTimerWorker } from './timer-worker';
import { Waker } from './waker';

class TestReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

const past = () => new Date(Date.now() - 60_000);

describe('retryDelayMs', () => {
  const delay = { minMs: 1_000, maxMs: 10_000 };
  it('doubles from minMs per attempt, adds at most 25 % jitter, and never exceeds maxMs', () => {
    expect([1, 2, 3, 4, 5, 10].map((attempt) => retryDelayMs(attempt, delay, () => 0))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(retryDelayMs(1, delay, () => 1)).toBe(1_250);
    expect(retryDelayMs(4, delay, () => 1)).toBe(10_000);
  });
});

describe('Waker', () => {
  it('keeps a wake-up asked for while busy for the next sleep', async () => {
    const waker = new Waker();
    waker.wake();
    const started = performance.now();
    await waker.sleep(60_000);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('ends a sleep early when asked, and ignores later wake times', async () => {
    const waker = new Waker();
    let woke = false;
    const sleeping = waker.sleep(60_000).then(() => (woke = true));
    waker.wakeIn(120_000); // later than the deadline: no effect
    await Promise.resolve();
    expect(woke).toBe(false);
    waker.wakeIn(0);
    await sleeping;
    expect(woke).toBe(true);
  });
});

describe('startTimerWorker', () => {
  it('refuses malformed options', () => {
    const store = new MemoryTimerStore();
    const handle = async () => undefined;
    const bad: [Record<string, unknown>, string][] = [
      [{ handle: 'not a function' }, 'handle'],
      [{ store: {} }, 'store'],
      [{ batchSize: 0 }, 'batchSize'],
      [{ leaseMs: 1.5 }, 'leaseMs'],
      [{ maxAttempts: 0 }, 'maxAttempts'],
      [{ pollIntervalMs: -1 }, 'pollIntervalMs'],
      [{ retryDelay: { minMs: 5_000, maxMs: 1_000 } }, 'retryDelay.maxMs'],
      [{ name: ' ' }, 'name'],
      [{ signal: 'stop' }, 'signal'],
    ];
    for (const [override, option] of bad) {
      let thrown: unknown;
      try {
        startTimerWorker({ store, handle, ...override } as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidTimerOptionError);
      expect(thrown).toMatchObject({ code: 'INVALID_TIMER_OPTION', option });
    }
  });

  it('keeps going when the store fails: reports the error without a timer, then fires once the store is back', async () => {
    const store = new MemoryTimerStore();
    let outages = 2;
    const claim = store.claim.bind(store);
    store.claim = async (options: ClaimOptions): Promise<ClaimedTimer[]> => {
      if (outages-- > 0) throw new Error('connection refused');
      return claim(options);
    };
    await store.schedule({ tenantId: 't', key: 'k', dueAt: past(), payload: {} });
    const errors: [unknown, unknown][] = [];
    const fired: string[] = [];
    const worker = startTimerWorker({ store, handle: async (t) => void fired.push(t.key), onError: (e, t) => errors.push([e, t]), storedGauge: false });
    await eventually(() => expect(fired).toEqual(['k']));
    await worker.stop();
    expect(errors.map(([e, t]) => [(e as Error).message, t])).toEqual([
      ['connection refused', undefined],
      ['connection refused', undefined],
    ]);
  });

  it('survives a throwing onError', async () => {
    const store = new MemoryTimerStore();
    await store.schedule({ tenantId: 't', key: 'k', dueAt: past(), payload: {} });
    let attempts = 0;
    const worker = startTimerWorker({
      store,
      storedGauge: false,
      retryDelay: { minMs: 1, maxMs: 1 },
      handle: async () => {
        if (++attempts === 1) throw new Error('once');
      },
      onError: () => {
        throw new Error('logger broken');
      },
    });
    await eventually(async () => expect(await store.get('t', 'k')).toBeUndefined());
    await worker.stop();
    expect(attempts).toBe(2);
  });

  it('stops when its signal aborts, and aborts the signal of a handler still running after drainTimeoutMs', async () => {
    const store = new MemoryTimerStore();
    await store.schedule({ tenantId: 't', key: 'k', dueAt: past(), payload: {} });
    const controller = new AbortController();
    let handlerSignal: AbortSignal | undefined;
    const worker = startTimerWorker({
      store,
      storedGauge: false,
      drainTimeoutMs: 10,
      signal: controller.signal,
      handle: (_t, { signal }) => {
        handlerSignal = signal;
        return new Promise(() => undefined);
      },
    });
    await eventually(() => expect(handlerSignal).toBeDefined());
    expect(handlerSignal!.aborted).toBe(false);
    controller.abort();
    await worker.stop(); // the same stop the signal started
    expect(handlerSignal!.aborted).toBe(true);
    // abandoned, not completed: still stored, under its lease
    expect(await store.get('t', 'k')).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('records fired, retried and failed timers, firing lag and stored timers as OpenTelemetry metrics', async () => {
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
    try {
      const store = new MemoryTimerStore();
      await store.schedule({ tenantId: 't', key: 'ok', dueAt: new Date(Date.now() - 2_000), payload: {} });
      await store.schedule({ tenantId: 't', key: 'bad', dueAt: new Date(Date.now() - 1_000), payload: {} });
      const errors: unknown[] = [];
      const worker = startTimerWorker({
        store,
        name: 'sla',
        maxAttempts: 2,
        retryDelay: { minMs: 1, maxMs: 1 },
        handle: async (t) => {
          if (t.key === 'bad') throw new Error('no');
        },
        onError: (e) => errors.push(e),
      });
      await eventually(async () => expect(await store.counts()).toEqual({ pending: 0, failed: 1 }));
      await eventually(() => expect(errors.at(-1)).toBeInstanceOf(TimerFailedError));
      const { resourceMetrics } = await reader.collect();
      const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
      const points = (name: string) => all.find((m) => m.descriptor.name === name)?.dataPoints ?? [];
      const value = (name: string, attributes: Record<string, string>) =>
        points(name).find((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))?.value;
      expect(value(TIMER_METRICS.fired, { 'hearth.consumer': 'sla', 'hearth.outcome': 'ok' })).toBe(1);
      expect(value(TIMER_METRICS.fired, { 'hearth.consumer': 'sla', 'hearth.outcome': 'error' })).toBe(2);
      expect(value(TIMER_METRICS.retried, { 'hearth.consumer': 'sla' })).toBe(1);
      expect(value(TIMER_METRICS.failed, { 'hearth.consumer': 'sla' })).toBe(1);
      expect(value(TIMER_METRICS.stored, { 'hearth.consumer': 'sla', 'hearth.timer.status': 'failed' })).toBe(1);
      expect(value(TIMER_METRICS.stored, { 'hearth.consumer': 'sla', 'hearth.timer.status': 'pending' })).toBe(0);
      // two first attempts, each at least a second late
      const lag = value(TIMER_METRICS.lag, { 'hearth.consumer': 'sla' }) as { count: number; min?: number };
      expect(lag.count).toBe(2);
      expect(lag.min).toBeGreaterThanOrEqual(1);
      await worker.stop();
    } finally {
      metrics.disable();
      await provider.shutdown();
    }
  });
});

describe('fireDueTimers', () => {
  it('fires everything due in batches and reports what happened', async () => {
    const store = new MemoryTimerStore();
    for (let i = 0; i < 25; i++) await store.schedule({ tenantId: 't', key: `k${i}`, dueAt: past(), payload: i });
    await store.schedule({ tenantId: 't', key: 'later', dueAt: new Date(Date.now() + 3_600_000), payload: {} });
    const seen: unknown[] = [];
    expect(await fireDueTimers({ store, batchSize: 10, handle: async (t) => void seen.push(t.payload) })).toEqual({ fired: 25, retrying: 0, failed: 0 });
    expect(seen).toHaveLength(25);
    expect(await store.list()).toEqual([expect.objectContaining({ key: 'later' })]);
  });
});
