import { describeTimerStoreConformance } from '../../conformance/timer-store.conformance';
import { fireDueTimers } from '../../worker/timer-worker';
import type { FiredTimer } from '../../types';
import { MemoryTimerStore } from './memory-timer-store';

describeTimerStoreConformance('in-memory', async () => ({ store: new MemoryTimerStore() }));

describe('MemoryTimerStore with a stepped clock (for callers’ unit tests)', () => {
  let now: Date;
  let store: MemoryTimerStore;
  let fired: FiredTimer[];
  const handle = async (t: FiredTimer) => {
    fired.push(t);
    if (t.payload === 'flaky' && t.attempt === 1) throw new Error('first attempt fails');
  };
  const advance = (ms: number) => (now = new Date(now.getTime() + ms));

  beforeEach(() => {
    now = new Date('2026-11-23T09:00:00.000Z');
    store = new MemoryTimerStore({ now: () => now });
    fired = [];
  });

  it('fires nothing before the due time and everything due once the clock passes it', async () => {
    await store.schedule({ tenantId: 't', key: 'first-response', dueAt: '2026-11-23T09:10:00Z', payload: 'a' });
    await store.schedule({ tenantId: 't', key: 'resolution', dueAt: '2026-11-23T13:00:00Z', payload: 'b' });
    expect(await fireDueTimers({ store, handle })).toEqual({ fired: 0, retrying: 0, failed: 0 });
    advance(10 * 60_000);
    expect(await fireDueTimers({ store, handle })).toEqual({ fired: 1, retrying: 0, failed: 0 });
    expect(fired).toEqual([{ tenantId: 't', key: 'first-response', dueAt: '2026-11-23T09:10:00.000Z', payload: 'a', attempt: 1, firedAt: '2026-11-23T09:10:00.000Z' }]);
    expect(await store.nextDueIn()).toBe(3 * 3_600_000 + 50 * 60_000);
  });

  it('leaves a failed attempt for its retry time', async () => {
    await store.schedule({ tenantId: 't', key: 'flaky', dueAt: now, payload: 'flaky' });
    expect(await fireDueTimers({ store, handle, retryDelay: { minMs: 60_000, maxMs: 60_000 } })).toEqual({ fired: 0, retrying: 1, failed: 0 });
    advance(59_999);
    expect(await fireDueTimers({ store, handle })).toEqual({ fired: 0, retrying: 0, failed: 0 });
    advance(1);
    expect(await fireDueTimers({ store, handle })).toEqual({ fired: 1, retrying: 0, failed: 0 });
    expect(fired.map((t) => [t.attempt, t.firedAt])).toEqual([
      [1, '2026-11-23T09:00:00.000Z'],
      [2, '2026-11-23T09:01:00.000Z'],
    ]);
  });

  it('expires leases on its clock', async () => {
    await store.schedule({ tenantId: 't', key: 'leased', dueAt: now, payload: {} });
    expect(await store.claim({ limit: 1, leaseMs: 30_000, workerId: 'w' })).toHaveLength(1);
    advance(29_999);
    expect(await store.claim({ limit: 1, leaseMs: 30_000, workerId: 'w' })).toHaveLength(0);
    advance(1);
    expect((await store.claim({ limit: 1, leaseMs: 30_000, workerId: 'w' }))[0]?.timer.attempt).toBe(2);
  });

  it('marks failed a timer whose last allowed attempt never reported back (a worker died holding it)', async () => {
    await store.schedule({ tenantId: 't', key: 'crashing', dueAt: now, payload: {} });
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect(await store.claim({ limit: 10, leaseMs: 1_000, workerId: 'dies' })).toEqual([expect.objectContaining({ timer: expect.objectContaining({ key: 'crashing' }) })]);
      advance(1_000);
    }
    await store.schedule({ tenantId: 't', key: 'healthy', dueAt: now, payload: {} });
    const errors: unknown[] = [];
    const handled: string[] = [];
    expect(await fireDueTimers({ store, handle: async (t) => void handled.push(t.key), maxAttempts: 2, leaseMs: 1_000, onError: (e) => errors.push(e) })).toEqual({
      fired: 1,
      retrying: 0,
      failed: 1,
    });
    expect(handled).toEqual(['healthy']);
    expect(await store.get('t', 'crashing')).toMatchObject({ status: 'failed', lastError: expect.stringContaining('did not finish within its lease') });
    expect(errors).toEqual([expect.objectContaining({ code: 'TIMER_FAILED', key: 'crashing', attempts: 2 })]);
  });
});
