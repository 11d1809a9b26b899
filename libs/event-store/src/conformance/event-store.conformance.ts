/**
 * The EventStore conformance suite: one suite, run against every adapter (memory, PostgreSQL, and
 * KurrentDB when KURRENTDB_URL is set). Every test uses its own categories/streams, so a shared
 * server is fine.
 */
import { randomUUID } from 'node:crypto';
import {
  DuplicateEventIdError,
  EventStoreError,
  InvalidArgumentError,
  InvalidEventError,
  InvalidStreamNameError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '../errors';
import type { EventStore, NewEvent, StoredEvent } from '../types';
import { testEvent, testMetadata, uniqueCategory } from './fixtures';

export type ConformanceFactory = () => Promise<{ store: EventStore; cleanup?: () => Promise<void> }>;

export type ConformanceOptions = {
  /** The adapter rejects an event id already used in another stream (KurrentDB cannot check this cheaply). */
  detectsEventIdReuseAcrossStreams?: boolean;
};

const evt = (n: number, extra: Partial<NewEvent> = {}) => testEvent('Counted', { n }, extra);

async function collect(iterable: AsyncIterable<StoredEvent>, count: number, abort: AbortController): Promise<StoredEvent[]> {
  const seen: StoredEvent[] = [];
  for await (const e of iterable) {
    seen.push(e);
    if (seen.length >= count) abort.abort();
  }
  return seen;
}

export function describeEventStoreConformance(name: string, factory: ConformanceFactory, options: ConformanceOptions = {}): void {
  describe(`EventStore conformance: ${name}`, () => {
    let store: EventStore;
    let cleanup: (() => Promise<void>) | undefined;
    let cat: string;
    const stream = (id: string | number = randomUUID()) => `${cat}-${id}`;

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
      cat = uniqueCategory();
    });
    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    describe('append and read back', () => {
      it('round-trips type, data, metadata (extra keys included), versions and positions', async () => {
        const s = stream();
        const metadata = testMetadata({ brandId: 'brand-a', guestId: 'g-1', channel: 'front-desk', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', extra: { k: 1 } });
        const result = await store.appendToStream(s, [
          { eventId: 'e-1', type: 'GuestRegistered', data: { name: 'Ana', tags: ['vip'], nested: { ok: true, n: null } }, metadata },
          { eventId: 'e-2', type: 'EmailAdded', data: { email: 'ana@example.com' }, metadata },
        ], { expectedVersion: 'no_stream' });
        expect(result).toMatchObject({ streamVersion: 1, duplicate: false });
        const events = await store.readStream(s);
        expect(events.map((e) => [e.eventId, e.type, e.streamVersion, e.streamName])).toEqual([
          ['e-1', 'GuestRegistered', 0, s],
          ['e-2', 'EmailAdded', 1, s],
        ]);
        expect(events[0]!.data).toEqual({ name: 'Ana', tags: ['vip'], nested: { ok: true, n: null } });
        expect(events[0]!.metadata).toEqual(metadata);
        expect(events[1]!.globalPosition).toBeGreaterThan(events[0]!.globalPosition);
        expect(events[0]!.globalPosition).toBeGreaterThan(0);
        expect(result.globalPosition).toBe(events[1]!.globalPosition);
        expect(Date.parse(events[0]!.recordedAt)).not.toBeNaN();
        expect(await store.streamVersion(s)).toBe(1);
      });

      it('generates an event id when none is given', async () => {
        const s = stream();
        await store.appendToStream(s, [{ type: 'Noted', data: {}, metadata: testMetadata() }]);
        const [e] = await store.readStream(s);
        expect(e!.eventId).toMatch(/^[0-9a-f-]{36}$/);
      });

      it('stores unicode text and 1 MiB payloads unchanged', async () => {
        const s = stream();
        const unicode = { text: 'Zoë 🏨 東京 مرحبا Ωμέγα e\u0301 \u0000 "quotes" \\ back\nslash', emoji: '👩‍👩‍👧‍👦🇪🇸', key_ü: 'ß' };
        const big = { blob: 'x'.repeat(1024 * 1024), items: Array.from({ length: 2000 }, (_, i) => ({ i, s: `ñ${i}` })) };
        await store.appendToStream(s, [testEvent('Unicode', unicode), testEvent('Big', big)]);
        const [a, b] = await store.readStream(s);
        expect(a!.data).toEqual(unicode);
        expect(b!.data).toEqual(big);
        expect(JSON.stringify(b!.data).length).toBeGreaterThan(1024 * 1024);
      });

      it('returns copies: mutating what was read or appended does not change the stored history', async () => {
        const s = stream();
        const data = { list: [1, 2] };
        await store.appendToStream(s, [testEvent('Listed', data)]);
        data.list.push(3);
        const [first] = await store.readStream(s);
        (first!.data as { list: number[] }).list.push(4);
        const [again] = await store.readStream(s);
        expect(again!.data).toEqual({ list: [1, 2] });
      });
    });

    describe('optimistic concurrency', () => {
      it('honours no_stream, stream_exists, exact versions and any', async () => {
        const s = stream();
        await expect(store.appendToStream(s, [evt(0)], { expectedVersion: 'stream_exists' })).rejects.toMatchObject({
          code: 'WRONG_EXPECTED_VERSION',
          actualVersion: undefined,
        });
        await expect(store.appendToStream(s, [evt(0)], { expectedVersion: 3 })).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await store.appendToStream(s, [evt(0)], { expectedVersion: 'no_stream' });
        await expect(store.appendToStream(s, [evt(1)], { expectedVersion: 'no_stream' })).rejects.toMatchObject({ actualVersion: 0 });
        await store.appendToStream(s, [evt(1)], { expectedVersion: 'stream_exists' });
        await expect(store.appendToStream(s, [evt(2)], { expectedVersion: 0 })).rejects.toMatchObject({ actualVersion: 1, expectedVersion: 0 });
        await store.appendToStream(s, [evt(2), evt(3)], { expectedVersion: 1 });
        await store.appendToStream(s, [evt(4)], { expectedVersion: 'any' });
        await store.appendToStream(s, [evt(5)]);
        const events = await store.readStream(s);
        expect(events.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5]);
        expect(events.map((e) => e.streamVersion)).toEqual([0, 1, 2, 3, 4, 5]);
      });

      it('lets exactly one of 16 concurrent writers with the same stale version win', async () => {
        const s = stream();
        await store.appendToStream(s, [evt(0)]);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 16 }, (_, i) => store.appendToStream(s, [evt(100 + i)], { expectedVersion: 0 })),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(15);
        for (const l of lost) expect(l.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.streamVersion(s)).toBe(1);
      });

      it('16 concurrent writers retrying on conflict: one success per version, no gaps, no duplicates', async () => {
        const s = stream();
        const perWriter = 8;
        const successes: number[] = [];
        let conflicts = 0;
        await Promise.all(
          Array.from({ length: 16 }, async (_, w) => {
            for (let k = 0; k < perWriter; k++) {
              for (;;) {
                const current = await store.streamVersion(s);
                try {
                  const r = await store.appendToStream(s, [evt(w * 1000 + k)], { expectedVersion: current ?? 'no_stream' });
                  successes.push(r.streamVersion);
                  break;
                } catch (error) {
                  if (!(error instanceof WrongExpectedVersionError)) throw error;
                  conflicts++;
                }
              }
            }
          }),
        );
        const total = 16 * perWriter;
        expect([...successes].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
        const events = await store.readStream(s);
        expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: total }, (_, i) => i));
        expect(new Set(events.map((e) => (e.data as { n: number }).n)).size).toBe(total);
        expect(conflicts).toBeGreaterThanOrEqual(0);
      });
    });

    describe('idempotent append', () => {
      it('appending the same event ids again reports success and writes nothing, whatever the expected version', async () => {
        const s = stream();
        const batch = [evt(1), evt(2)];
        const first = await store.appendToStream(s, batch, { expectedVersion: 'no_stream' });
        const again = await store.appendToStream(s, batch, { expectedVersion: 'no_stream' });
        const anyAgain = await store.appendToStream(s, batch);
        expect(again).toEqual({ streamVersion: 1, globalPosition: first.globalPosition, duplicate: true });
        expect(anyAgain.duplicate).toBe(true);
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it('appends only the new events of a partly repeated batch', async () => {
        const s = stream();
        const [a, b, c] = [evt(1), evt(2), evt(3)];
        await store.appendToStream(s, [a, b]);
        const r = await store.appendToStream(s, [b, c], { expectedVersion: 1 });
        expect(r).toMatchObject({ streamVersion: 2, duplicate: false });
        expect((await store.readStream(s)).map((e) => e.eventId)).toEqual([a.eventId, b.eventId, c.eventId]);
      });

      it('absorbs concurrent retries of the same batch', async () => {
        const s = stream();
        const batch = [evt(1), evt(2), evt(3)];
        const results = await Promise.all(Array.from({ length: 8 }, () => store.appendToStream(s, batch)));
        expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
        expect(await store.readStream(s)).toHaveLength(3);
      });

      if (options.detectsEventIdReuseAcrossStreams !== false) {
        it('rejects an event id already used by another stream', async () => {
          const e = evt(1);
          await store.appendToStream(stream('a'), [e]);
          await expect(store.appendToStream(stream('b'), [e])).rejects.toBeInstanceOf(DuplicateEventIdError);
          expect(await store.streamVersion(stream('b'))).toBeUndefined();
        });
      }
    });

    describe('reading streams', () => {
      let s: string;
      beforeEach(async () => {
        s = stream();
        await store.appendToStream(s, Array.from({ length: 25 }, (_, i) => evt(i)));
      });
      const ns = (events: StoredEvent[]) => events.map((e) => e.streamVersion);

      it('pages forward', async () => {
        expect(ns(await store.readStream(s, { fromVersion: 10, limit: 5 }))).toEqual([10, 11, 12, 13, 14]);
        expect(ns(await store.readStream(s, { fromVersion: 22 }))).toEqual([22, 23, 24]);
        expect(await store.readStream(s, { fromVersion: 30 })).toEqual([]);
        expect(ns(await store.readStream(s, { limit: 3 }))).toEqual([0, 1, 2]);
      });

      it('pages backward', async () => {
        expect(ns(await store.readStream(s, { direction: 'backward', limit: 4 }))).toEqual([24, 23, 22, 21]);
        expect(ns(await store.readStream(s, { direction: 'backward', fromVersion: 2 }))).toEqual([2, 1, 0]);
        expect(ns(await store.readStream(s, { direction: 'backward', fromVersion: 100, limit: 2 }))).toEqual([24, 23]);
      });

      it('throws StreamNotFoundError for a stream that does not exist', async () => {
        await expect(store.readStream(stream('missing'))).rejects.toBeInstanceOf(StreamNotFoundError);
        expect(await store.streamVersion(stream('missing'))).toBeUndefined();
      });
    });

    describe('reading all', () => {
      it('returns events of every stream in global order, after a checkpoint, filtered by category', async () => {
        const other = uniqueCategory();
        const appended: string[] = [];
        for (let i = 0; i < 6; i++) {
          const e = evt(i);
          await store.appendToStream(i % 2 ? `${other}-x` : stream('y'), [e]);
          appended.push(e.eventId!);
        }
        const all = await store.readAll({ categories: [cat, other] });
        expect(all.map((e) => e.eventId)).toEqual(appended);
        const positions = all.map((e) => e.globalPosition);
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
        expect(new Set(positions).size).toBe(6);

        const mine = await store.readAll({ categories: [cat] });
        expect(mine.map((e) => e.eventId)).toEqual([appended[0], appended[2], appended[4]]);

        const afterSecond = await store.readAll({ categories: [cat, other], fromPosition: all[1]!.globalPosition, limit: 3 });
        expect(afterSecond.map((e) => e.eventId)).toEqual(appended.slice(2, 5));

        const unfiltered = await store.readAll({ fromPosition: all[0]!.globalPosition - 1, limit: 10_000 });
        const ids = new Set(unfiltered.map((e) => e.eventId));
        for (const id of appended) expect(ids.has(id)).toBe(true);
      });

      it('reads a long log in pages that join up without gap or overlap', async () => {
        const ids: string[] = [];
        for (let b = 0; b < 5; b++) {
          const batch = Array.from({ length: 40 }, (_, i) => evt(b * 40 + i));
          await store.appendToStream(stream(b), batch);
          ids.push(...batch.map((e) => e.eventId!));
        }
        const seen: string[] = [];
        let from = 0;
        for (;;) {
          const page = await store.readAll({ fromPosition: from, limit: 17, categories: [cat] });
          if (page.length === 0) break;
          seen.push(...page.map((e) => e.eventId));
          from = page.at(-1)!.globalPosition;
        }
        expect(seen).toEqual(ids);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up, then goes live, with no gap or duplicate across the switch', async () => {
        const history = Array.from({ length: 30 }, (_, i) => evt(i));
        for (let i = 0; i < 30; i += 10) await store.appendToStream(stream(i % 20), history.slice(i, i + 10));
        const abort = new AbortController();
        let caughtUp!: () => void;
        const caughtUpPromise = new Promise<void>((resolve) => (caughtUp = resolve));
        const seenPromise = collect(store.subscribeToAll({ categories: [cat], signal: abort.signal, onCaughtUp: caughtUp, limit: 7 }), 60, abort);
        await caughtUpPromise;
        const live = Array.from({ length: 30 }, (_, i) => evt(100 + i));
        await Promise.all([0, 1, 2].map(async (w) => {
          for (let i = w; i < 30; i += 3) await store.appendToStream(stream(`live${w}`), [live[i]!]);
        }));
        await store.appendToStream(`${uniqueCategory()}-noise`, [evt(999)]);
        const seen = await seenPromise;
        expect(seen).toHaveLength(60);
        expect(new Set(seen.map((e) => e.eventId)).size).toBe(60);
        expect(seen.slice(0, 30).map((e) => e.eventId)).toEqual(history.map((e) => e.eventId));
        expect(new Set(seen.slice(30).map((e) => e.eventId))).toEqual(new Set(live.map((e) => e.eventId)));
        const positions = seen.map((e) => e.globalPosition);
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
      });

      it('resumes after a checkpoint', async () => {
        const events = Array.from({ length: 10 }, (_, i) => evt(i));
        await store.appendToStream(stream(), events);
        const all = await store.readAll({ categories: [cat] });
        const abort = new AbortController();
        const seen = await collect(store.subscribeToAll({ categories: [cat], fromPosition: all[3]!.globalPosition, signal: abort.signal }), 6, abort);
        expect(seen.map((e) => e.eventId)).toEqual(events.slice(4).map((e) => e.eventId));
      });

      it('ends without error when aborted while waiting for new events', async () => {
        const abort = new AbortController();
        const iteration = collect(store.subscribeToAll({ categories: [cat], signal: abort.signal, onCaughtUp: () => abort.abort() }), 1, abort);
        await expect(iteration).resolves.toEqual([]);
      });
    });

    describe('bad input gives typed errors and writes nothing', () => {
      const invalidNames: [string, unknown][] = [
        ['empty', ''],
        ['over-long', `guest-${'x'.repeat(300)}`],
        ['without a category', 'guest'],
        ['with whitespace', 'guest-a b'],
        ['with a leading dollar', '$all-x'],
        ['not a string', 42],
      ];
      it.each(invalidNames)('rejects a stream name that is %s', async (_label, name) => {
        await expect(store.appendToStream(name as string, [evt(1)])).rejects.toBeInstanceOf(InvalidStreamNameError);
        await expect(store.readStream(name as string)).rejects.toBeInstanceOf(InvalidStreamNameError);
        await expect(store.streamVersion(name as string)).rejects.toBeInstanceOf(InvalidStreamNameError);
      });

      it.each([[-1], [1.5], ['latest'], [Number.NaN]])('rejects expected version %p', async (expectedVersion) => {
        const s = stream();
        await expect(store.appendToStream(s, [evt(1)], { expectedVersion: expectedVersion as number })).rejects.toBeInstanceOf(InvalidArgumentError);
        expect(await store.streamVersion(s)).toBeUndefined();
      });

      it('rejects bad read options', async () => {
        await expect(store.readStream(stream(), { fromVersion: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.readStream(stream(), { limit: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.readAll({ fromPosition: -5 })).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(store.readAll({ categories: ['not-a-category'] })).rejects.toBeInstanceOf(InvalidArgumentError);
      });

      const circular: Record<string, unknown> = {};
      circular.self = circular;
      const badEvents: [string, (good: NewEvent) => NewEvent, string][] = [
        ['a bigint', (g) => ({ ...g, data: { n: 10n } }), 'data.n'],
        ['a circular reference', (g) => ({ ...g, data: circular }), 'data.self'],
        ['a function', (g) => ({ ...g, data: { f: () => 1 } }), 'data.f'],
        ['a Date instance', (g) => ({ ...g, data: { at: new Date() } }), 'data.at'],
        ['NaN', (g) => ({ ...g, data: { n: Number.NaN } }), 'data.n'],
        ['undefined data', (g) => ({ ...g, data: undefined }), 'data'],
        ['no type', (g) => ({ ...g, type: '' }), 'type'],
        ['no tenant', (g) => ({ ...g, metadata: { ...g.metadata, tenantId: '' } }), 'metadata.tenantId'],
        ['a bad occurredAt', (g) => ({ ...g, metadata: { ...g.metadata, occurredAt: 'yesterday' } }), 'metadata.occurredAt'],
        ['no schema version', (g) => ({ ...g, metadata: { ...g.metadata, schemaVersion: 0 } }), 'metadata.schemaVersion'],
      ];
      it.each(badEvents)('rejects an event with %s, and the valid events of the same append are not written', async (_label, spoil, path) => {
        const s = stream();
        const error = await store.appendToStream(s, [evt(1), spoil(evt(2))]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidEventError);
        expect(error).toMatchObject({ index: 1, path });
        expect(await store.streamVersion(s)).toBeUndefined();
        expect(await store.readAll({ categories: [cat] })).toEqual([]);
      });

      it('rejects an empty append and a batch repeating an event id', async () => {
        const s = stream();
        await expect(store.appendToStream(s, [])).rejects.toBeInstanceOf(InvalidArgumentError);
        const e = evt(1);
        await expect(store.appendToStream(s, [e, e])).rejects.toBeInstanceOf(InvalidEventError);
        expect(await store.streamVersion(s)).toBeUndefined();
      });

      it('every error is an EventStoreError with a stable code', async () => {
        const error = await store.appendToStream('', [evt(1)]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(EventStoreError);
        expect((error as EventStoreError).code).toBe('INVALID_STREAM_NAME');
      });
    });
  });
}
