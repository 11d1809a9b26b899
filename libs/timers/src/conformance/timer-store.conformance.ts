/**
 * The TimerStore conformance suite: one suite, run against every adapter (memory in the unit tier,
 * PostgreSQL in the integration tier). The factory gives each test a fresh store (its own PostgreSQL
 * schema), so tests run in parallel against the shared server. Waits use `eventually()`, never sleeps.
 */
import { eventually } from '@hearth/testing';
import { InvalidTimerError, TimerFailedError } from '../errors';
import type { FiredTimer, TimerStore } from '../types';
import { startTimerWorker, type TimerWorker, type TimerWorkerOptions } from '../worker/timer-worker';

export type TimerStoreFactory = () => Promise<{ store: TimerStore; cleanup?: () => Promise<void> }>;

const T1 = 'tenant-a';
const T2 = 'tenant-b';
const WORKER = 'conformance-worker';

const at = (msFromNow: number) => new Date(Date.now() + msFromNow);
/** Far enough in the past or future that no test run is slow enough to cross it. */
const PAST = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const FUTURE = () => new Date(Date.now() + 3_600_000);

/** A controllable promise, to hold a handler mid-flight. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

export function describeTimerStoreConformance(name: string, factory: TimerStoreFactory): void {
  describe(`TimerStore conformance: ${name}`, () => {
    // waits are bounded by eventually() (10–20 s); Jest's 5 s default would cut them short on a busy machine
    jest.setTimeout(30_000);
    let store: TimerStore;
    let cleanup: (() => Promise<void>) | undefined;
    const workers: TimerWorker[] = [];

    const worker = (options: Omit<TimerWorkerOptions, 'store'>) => {
      const w = startTimerWorker({ store, storedGauge: false, retryDelay: { minMs: 10, maxMs: 40 }, ...options });
      workers.push(w);
      return w;
    };

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
    });
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      await store.close();
      await cleanup?.();
    });

    describe('arming', () => {
      it('schedules a timer and reads it back, due time normalised to UTC milliseconds', async () => {
        await store.schedule({ tenantId: T1, key: 'ticket-1:first-response', dueAt: '2026-11-23T11:00:00.123+01:00', payload: { ticketId: 'ticket-1', target: 'first-response', n: [1, 'Zoë', null, true] } });
        await store.schedule({ tenantId: T1, key: 'ticket-2:resolution', dueAt: new Date('2026-11-24T08:00:00Z'), payload: 'plain' });
        expect(await store.get(T1, 'ticket-1:first-response')).toEqual({
          tenantId: T1,
          key: 'ticket-1:first-response',
          dueAt: '2026-11-23T10:00:00.123Z',
          payload: { ticketId: 'ticket-1', target: 'first-response', n: [1, 'Zoë', null, true] },
          status: 'pending',
          attempts: 0,
        });
        expect(await store.get(T1, 'ticket-2:resolution')).toMatchObject({ dueAt: '2026-11-24T08:00:00.000Z', payload: 'plain' });
        expect(await store.get(T1, 'ticket-3:resolution')).toBeUndefined();
        expect(await store.counts()).toEqual({ pending: 2, failed: 0 });
      });

      it('rejects malformed timers (InvalidTimerError) and stores nothing', async () => {
        const ok = { tenantId: T1, key: 'k', dueAt: FUTURE(), payload: {} };
        const bad: [Record<string, unknown>, string][] = [
          [{ tenantId: '' }, 'tenantId'],
          [{ key: '' }, 'key'],
          [{ key: 'x'.repeat(501) }, 'key'],
          [{ key: 'a\u0000b' }, 'key'],
          [{ dueAt: 'next tuesday' }, 'dueAt'],
          [{ dueAt: new Date(Number.NaN) }, 'dueAt'],
          [{ dueAt: '+010000-01-01T00:00:00Z' }, 'dueAt'],
          [{ payload: undefined }, 'payload'],
          [{ payload: { n: 10n } }, 'payload.n'],
          [{ payload: { at: new Date() } }, 'payload.at'],
          [{ payload: { x: Number.NaN } }, 'payload.x'],
          [{ payload: ['a\u0000'] }, 'payload[0]'],
        ];
        for (const [override, field] of bad) {
          const error = await store.schedule({ ...ok, ...override } as never).then(() => undefined, (e: unknown) => e);
          expect(error).toBeInstanceOf(InvalidTimerError);
          expect(error).toMatchObject({ code: 'INVALID_TIMER', field });
        }
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        await expect(store.schedule({ ...ok, payload: cyclic })).rejects.toMatchObject({ code: 'INVALID_TIMER' });
        await expect(store.get('', 'k')).rejects.toBeInstanceOf(InvalidTimerError);
        await expect(store.cancel(T1, '')).rejects.toBeInstanceOf(InvalidTimerError);
        expect(await store.counts()).toEqual({ pending: 0, failed: 0 });
      });

      it('re-scheduling a key replaces its due time and payload: one timer per tenant and key', async () => {
        await store.schedule({ tenantId: T1, key: 'k', dueAt: FUTURE(), payload: { v: 1 } });
        await store.schedule({ tenantId: T1, key: 'k', dueAt: '2030-01-01T00:00:00Z', payload: { v: 2 } });
        expect(await store.list()).toEqual([{ tenantId: T1, key: 'k', dueAt: '2030-01-01T00:00:00.000Z', payload: { v: 2 }, status: 'pending', attempts: 0 }]);
      });

      it('cancel disarms a timer and says whether there was one', async () => {
        await store.schedule({ tenantId: T1, key: 'k', dueAt: PAST(1), payload: 1 });
        expect(await store.cancel(T1, 'k')).toBe(true);
        expect(await store.cancel(T1, 'k')).toBe(false);
        expect(await store.get(T1, 'k')).toBeUndefined();
        expect(await store.claim({ limit: 10, leaseMs: 60_000, workerId: WORKER })).toEqual([]);
      });

      it('keeps tenants apart: the same key in two tenants is two timers', async () => {
        await store.schedule({ tenantId: T1, key: 'k', dueAt: '2030-01-01T00:00:00Z', payload: 'a' });
        await store.schedule({ tenantId: T2, key: 'k', dueAt: '2030-01-02T00:00:00Z', payload: 'b' });
        expect(await store.get(T1, 'k')).toMatchObject({ payload: 'a' });
        expect(await store.get(T2, 'k')).toMatchObject({ payload: 'b' });
        expect((await store.list({ tenantId: T2 })).map((t) => t.payload)).toEqual(['b']);
        expect(await store.cancel(T1, 'k')).toBe(true);
        expect(await store.get(T1, 'k')).toBeUndefined();
        expect(await store.get(T2, 'k')).toMatchObject({ payload: 'b', status: 'pending' });
      });

      it('lists by due time, filtered by tenant, status and due time', async () => {
        await store.schedule({ tenantId: T2, key: 'c', dueAt: '2030-01-03T00:00:00Z', payload: 3 });
        await store.schedule({ tenantId: T1, key: 'a', dueAt: '2030-01-01T00:00:00Z', payload: 1 });
        await store.schedule({ tenantId: T1, key: 'b', dueAt: '2030-01-02T00:00:00Z', payload: 2 });
        expect((await store.list()).map((t) => t.key)).toEqual(['a', 'b', 'c']);
        expect((await store.list({ limit: 2 })).map((t) => t.key)).toEqual(['a', 'b']);
        expect((await store.list({ tenantId: T1 })).map((t) => t.key)).toEqual(['a', 'b']);
        expect((await store.list({ dueBefore: '2030-01-02T00:00:00Z' })).map((t) => t.key)).toEqual(['a']);
        expect(await store.list({ status: 'failed' })).toEqual([]);
        await expect(store.list({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_TIMER_OPTION' });
      });
    });

    describe('claiming', () => {
      it('claims due timers only, earliest first, up to the limit, each once while its lease holds', async () => {
        for (const minutes of [3, 5, 1, 4, 2]) await store.schedule({ tenantId: T1, key: `due-${minutes}`, dueAt: PAST(minutes), payload: { minutes } });
        await store.schedule({ tenantId: T1, key: 'later', dueAt: FUTURE(), payload: {} });
        const first = await store.claim({ limit: 3, leaseMs: 60_000, workerId: WORKER });
        expect(first.map((c) => c.timer.key)).toEqual(['due-5', 'due-4', 'due-3']);
        const second = await store.claim({ limit: 10, leaseMs: 60_000, workerId: WORKER });
        expect(second.map((c) => c.timer.key)).toEqual(['due-2', 'due-1']);
        expect(await store.claim({ limit: 10, leaseMs: 60_000, workerId: WORKER })).toEqual([]);
        const fired = second[0]!.timer;
        expect(fired).toEqual({ tenantId: T1, key: 'due-2', dueAt: expect.any(String), payload: { minutes: 2 }, attempt: 1, firedAt: expect.any(String) });
        expect(Date.parse(fired.firedAt)).toBeGreaterThanOrEqual(Date.parse(fired.dueAt));
        expect(await store.get(T1, 'due-2')).toMatchObject({ status: 'pending', attempts: 1 });
      });

      it('lets another claim take a timer once its lease has run out (attempt 2)', async () => {
        await store.schedule({ tenantId: T1, key: 'k', dueAt: PAST(1), payload: {} });
        const [first] = await store.claim({ limit: 1, leaseMs: 150, workerId: 'worker-1' });
        expect(first?.timer.attempt).toBe(1);
        expect(await store.claim({ limit: 1, leaseMs: 150, workerId: 'worker-2' })).toEqual([]);
        const again = await eventually(async () => {
          const [claimed] = await store.claim({ limit: 1, leaseMs: 60_000, workerId: 'worker-2' });
          expect(claimed).toBeDefined();
          return claimed!;
        });
        expect(again.timer.attempt).toBe(2);
        expect(Date.parse(again.timer.firedAt)).toBeGreaterThanOrEqual(Date.parse(first!.timer.firedAt) + 150);
        // the first attempt's late result cannot undo the second claim
        expect(await store.release(first!, { error: 'late', retryInMs: 0 })).toBe('stale');
        expect(await store.complete(again)).toBe(true);
      });

      it('complete deletes the timer, but not a newer arming made while it was in flight', async () => {
        await store.schedule({ tenantId: T1, key: 'k', dueAt: PAST(1), payload: { v: 1 } });
        const [old] = await store.claim({ limit: 1, leaseMs: 60_000, workerId: WORKER });
        await store.schedule({ tenantId: T1, key: 'k', dueAt: PAST(1), payload: { v: 2 } });
        expect(await store.complete(old!)).toBe(false);
        expect(await store.get(T1, 'k')).toMatchObject({ payload: { v: 2 }, attempts: 0, status: 'pending' });
        const [rearmed] = await store.claim({ limit: 1, leaseMs: 60_000, workerId: WORKER });
        expect(rearmed?.timer).toMatchObject({ payload: { v: 2 }, attempt: 1 });
        expect(await store.complete(rearmed!)).toBe(true);
        expect(await store.get(T1, 'k')).toBeUndefined();
      });

      it('never lets an older firing delete a timer cancelled and scheduled again under the same key', async () => {
        await store.schedule({ tenantId: T1, key: 'k', dueAt: PAST(1), payload: { v: 1 } });
        const [old] = await store.claim({ limit: 1, leaseMs: 60_000, workerId: WORKER });
        expect(await store.cancel(T1, 'k')).toBe(true);
        await store.schedule({ tenantId: T1, key: 'k', dueAt: FUTURE(), payload: { v: 2 } });
        expect(await store.complete(old!)).toBe(false);
        expect(await store.release(old!, { error: 'late' })).toBe('stale');
        expect(await store.get(T1, 'k')).toMatchObject({ payload: { v: 2 }, status: 'pending', attempts: 0 });
      });

      it('release retries after the delay, or marks the timer failed; failed timers stay until re-armed', async () => {
        await store.schedule({ tenantId: T1, key: 'retry', dueAt: PAST(2), payload: {} });
        await store.schedule({ tenantId: T1, key: 'give-up', dueAt: PAST(1), payload: {} });
        const [retry, giveUp] = await store.claim({ limit: 2, leaseMs: 60_000, workerId: WORKER });
        expect(await store.release(retry!, { error: 'Error: PMS timeout', retryInMs: 3_600_000 })).toBe('retrying');
        expect(await store.release(giveUp!, { error: 'Error: ticket gone' })).toBe('failed');
        expect(await store.release(giveUp!, { error: 'again' })).toBe('stale');
        expect(await store.get(T1, 'retry')).toEqual({ tenantId: T1, key: 'retry', dueAt: retry!.timer.dueAt, payload: {}, status: 'pending', attempts: 1, lastError: 'Error: PMS timeout' });
        const failed = await store.get(T1, 'give-up');
        expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastError: 'Error: ticket gone', failedAt: expect.any(String) });
        expect(await store.counts()).toEqual({ pending: 1, failed: 1 });
        expect((await store.list({ status: 'failed' })).map((t) => t.key)).toEqual(['give-up']);
        // neither is claimable: one waits for its retry, the other has failed
        expect(await store.claim({ limit: 10, leaseMs: 60_000, workerId: WORKER })).toEqual([]);
        const dueIn = await store.nextDueIn();
        expect(dueIn).toBeGreaterThan(3_000_000);
        expect(dueIn).toBeLessThanOrEqual(3_600_000);
        // re-scheduling re-arms a failed timer from scratch
        await store.schedule({ tenantId: T1, key: 'give-up', dueAt: PAST(1), payload: { again: true } });
        expect(await store.get(T1, 'give-up')).toEqual({ tenantId: T1, key: 'give-up', dueAt: expect.any(String), payload: { again: true }, status: 'pending', attempts: 0 });
        expect((await store.claim({ limit: 10, leaseMs: 60_000, workerId: WORKER })).map((c) => c.timer.key)).toEqual(['give-up']);
      });

      it('nextDueIn: nothing pending, due now, or the time left', async () => {
        expect(await store.nextDueIn()).toBeUndefined();
        await store.schedule({ tenantId: T1, key: 'later', dueAt: at(600_000), payload: {} });
        const later = await store.nextDueIn();
        expect(later).toBeGreaterThan(500_000);
        expect(later).toBeLessThanOrEqual(600_000);
        await store.schedule({ tenantId: T1, key: 'now', dueAt: PAST(1), payload: {} });
        expect(await store.nextDueIn()).toBeLessThanOrEqual(0);
      });

      it('tells subscribers when a timer is scheduled, with the time until it is due', async () => {
        const heard: number[] = [];
        const unsubscribe = await store.onScheduled((dueInMs) => heard.push(dueInMs));
        await store.schedule({ tenantId: T1, key: 'k', dueAt: at(600_000), payload: {} });
        await eventually(() => expect(heard).toHaveLength(1));
        expect(heard[0]).toBeGreaterThan(500_000);
        expect(heard[0]).toBeLessThanOrEqual(600_000);
        await unsubscribe();
      });
    });

    describe('worker', () => {
      it('fires a due timer once with its payload, then deletes it', async () => {
        const fired: FiredTimer[] = [];
        await store.schedule({ tenantId: T1, key: 'ticket-1:first-response', dueAt: PAST(1), payload: { ticketId: 'ticket-1' } });
        worker({ handle: async (t) => void fired.push(t) });
        await eventually(async () => expect(await store.get(T1, 'ticket-1:first-response')).toBeUndefined());
        expect(fired).toEqual([{ tenantId: T1, key: 'ticket-1:first-response', dueAt: expect.any(String), payload: { ticketId: 'ticket-1' }, attempt: 1, firedAt: expect.any(String) }]);
        expect(Date.parse(fired[0]!.firedAt)).toBeGreaterThanOrEqual(Date.parse(fired[0]!.dueAt));
      });

      it('fires a timer scheduled while idle at its due time, without waiting for the poll interval, and not before', async () => {
        const fired: FiredTimer[] = [];
        await store.schedule({ tenantId: T1, key: 'warm-up', dueAt: PAST(1), payload: {} });
        worker({ handle: async (t) => void fired.push(t), pollIntervalMs: 600_000 });
        // once the warm-up timer has fired, the worker finds nothing due and sleeps for the poll interval (10 min)
        await eventually(() => expect(fired).toHaveLength(1));
        await store.schedule({ tenantId: T1, key: 'soon', dueAt: at(300), payload: {} });
        await eventually(() => expect(fired).toHaveLength(2), { timeoutMs: 20_000 });
        expect(fired[1]!.key).toBe('soon');
        expect(Date.parse(fired[1]!.firedAt)).toBeGreaterThanOrEqual(Date.parse(fired[1]!.dueAt));
      });

      it('fires in due-time order', async () => {
        const keys: string[] = [];
        for (const minutes of [2, 4, 1, 5, 3]) await store.schedule({ tenantId: T1, key: `m${minutes}`, dueAt: PAST(minutes), payload: {} });
        worker({ handle: async (t) => void keys.push(t.key), batchSize: 1 });
        await eventually(() => expect(keys).toHaveLength(5));
        expect(keys).toEqual(['m5', 'm4', 'm3', 'm2', 'm1']);
      });

      it('fires the same key of two tenants separately, each with its own payload', async () => {
        const fired: FiredTimer[] = [];
        await store.schedule({ tenantId: T1, key: 'k', dueAt: PAST(1), payload: 'a' });
        await store.schedule({ tenantId: T2, key: 'k', dueAt: PAST(1), payload: 'b' });
        worker({ handle: async (t) => void fired.push(t) });
        await eventually(() => expect(fired).toHaveLength(2));
        expect(fired.map((t) => `${t.tenantId}:${t.payload}`).sort()).toEqual([`${T1}:a`, `${T2}:b`]);
      });

      it('never fires a cancelled timer', async () => {
        const keys: string[] = [];
        await store.schedule({ tenantId: T1, key: 'cancelled', dueAt: at(200), payload: {} });
        await store.schedule({ tenantId: T1, key: 'sentinel', dueAt: at(250), payload: {} });
        expect(await store.cancel(T1, 'cancelled')).toBe(true);
        worker({ handle: async (t) => void keys.push(t.key) });
        // the sentinel is due after the cancelled timer would have been
        await eventually(() => expect(keys).toContain('sentinel'));
        expect(keys).toEqual(['sentinel']);
      });

      it('retries a failing handler with backoff and reports each failure', async () => {
        const attempts: number[] = [];
        const errors: [unknown, FiredTimer | undefined][] = [];
        await store.schedule({ tenantId: T1, key: 'flaky', dueAt: PAST(1), payload: {} });
        worker({
          handle: async (t) => {
            attempts.push(t.attempt);
            if (t.attempt < 3) throw new Error(`PMS unavailable (${t.attempt})`);
          },
          onError: (error, timer) => errors.push([error, timer]),
        });
        await eventually(async () => expect(await store.get(T1, 'flaky')).toBeUndefined());
        expect(attempts).toEqual([1, 2, 3]);
        expect(errors.map(([e, t]) => [(e as Error).message, t?.key, t?.attempt])).toEqual([
          ['PMS unavailable (1)', 'flaky', 1],
          ['PMS unavailable (2)', 'flaky', 2],
        ]);
      });

      it('marks a timer failed after maxAttempts, keeps it with its error, stops retrying it; re-arming revives it', async () => {
        let attempts = 0;
        let healthy = false;
        const errors: unknown[] = [];
        await store.schedule({ tenantId: T1, key: 'doomed', dueAt: PAST(1), payload: { v: 1 } });
        worker({
          handle: async () => {
            attempts++;
            if (!healthy) throw new Error('guest not found');
          },
          maxAttempts: 3,
          onError: (error) => errors.push(error),
        });
        const failed = await eventually(async () => {
          const t = await store.get(T1, 'doomed');
          expect(t?.status).toBe('failed');
          return t!;
        });
        expect(failed).toMatchObject({ attempts: 3, payload: { v: 1 }, failedAt: expect.any(String) });
        expect(failed.lastError).toContain('guest not found');
        expect(attempts).toBe(3);
        expect(await store.counts()).toEqual({ pending: 0, failed: 1 });
        expect(await store.nextDueIn()).toBeUndefined(); // nothing left to retry
        await eventually(() => expect(errors).toHaveLength(3)); // reported right after the store marked it failed
        expect(errors[2]).toBeInstanceOf(TimerFailedError);
        expect(errors[2]).toMatchObject({ code: 'TIMER_FAILED', tenantId: T1, key: 'doomed', attempts: 3 });
        expect(((errors[2] as Error).cause as Error).message).toBe('guest not found');

        healthy = true;
        await store.schedule({ tenantId: T1, key: 'doomed', dueAt: PAST(1), payload: { v: 2 } });
        await eventually(async () => expect(await store.get(T1, 'doomed')).toBeUndefined());
        expect(attempts).toBe(4);
      });

      it('does not lose a re-arming made while the previous firing is in flight', async () => {
        const fired: FiredTimer[] = [];
        const held = gate();
        await store.schedule({ tenantId: T1, key: 'k', dueAt: PAST(1), payload: { v: 1 } });
        worker({
          handle: async (t) => {
            fired.push(t);
            if (fired.length === 1) await held.promise;
          },
        });
        await eventually(() => expect(fired).toHaveLength(1));
        await store.schedule({ tenantId: T1, key: 'k', dueAt: PAST(1), payload: { v: 2 } });
        // the re-armed timer fires even while the first firing is still held
        await eventually(() => expect(fired).toHaveLength(2));
        held.open();
        await eventually(async () => expect(await store.get(T1, 'k')).toBeUndefined());
        expect(fired.map((t) => [t.payload, t.attempt])).toEqual([
          [{ v: 1 }, 1],
          [{ v: 2 }, 1],
        ]);
      });

      it('stop() lets in-flight handlers finish, then claims nothing more', async () => {
        const held = gate();
        const finished: string[] = [];
        await store.schedule({ tenantId: T1, key: 'in-flight', dueAt: PAST(1), payload: {} });
        let started = false;
        const w = worker({
          handle: async (t) => {
            started = true;
            await held.promise;
            finished.push(t.key);
          },
        });
        await eventually(() => expect(started).toBe(true));
        let stopResolved = false;
        const stopping = w.stop().then(() => (stopResolved = true));
        await store.schedule({ tenantId: T1, key: 'after-stop', dueAt: PAST(1), payload: {} });
        expect(stopResolved).toBe(false);
        held.open();
        await stopping;
        expect(finished).toEqual(['in-flight']);
        expect(await store.get(T1, 'in-flight')).toBeUndefined();
        // still armed, never claimed by the stopped worker
        expect(await store.get(T1, 'after-stop')).toMatchObject({ status: 'pending', attempts: 0 });
      });
    });
  });
}
