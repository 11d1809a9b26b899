import { aggregateStream, handleCommand, type Decider } from './decider';
import { WrongExpectedVersionError } from './errors';
import { MemoryEventStore } from './adapters/memory/memory-event-store';
import type { EventStore } from './types';

// A tiny guest-stay counter: enough domain to exercise the decider machinery (also used by libs/testing's tests).
type Event =
  | { type: 'StayRecorded'; data: { stayId: string; nights: number } }
  | { type: 'StayCancelled'; data: { stayId: string } };
type Command = { type: 'RecordStay'; stayId: string; nights: number } | { type: 'CancelStay'; stayId: string };
type State = { stays: Record<string, number> };

class StayNotFound extends Error {
  readonly code = 'STAY_NOT_FOUND';
}

const stays: Decider<State, Command, Event> = {
  initialState: () => ({ stays: {} }),
  decide(command, state) {
    switch (command.type) {
      case 'RecordStay':
        if (state.stays[command.stayId] !== undefined) return []; // idempotent repeat
        return [{ type: 'StayRecorded', data: { stayId: command.stayId, nights: command.nights } }];
      case 'CancelStay':
        if (state.stays[command.stayId] === undefined) throw new StayNotFound(command.stayId);
        return [{ type: 'StayCancelled', data: { stayId: command.stayId } }];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'StayRecorded':
        return { stays: { ...state.stays, [event.data.stayId]: event.data.nights } };
      case 'StayCancelled': {
        const { [event.data.stayId]: _gone, ...rest } = state.stays;
        return { stays: rest };
      }
      default:
        return state; // unknown event types are ignored
    }
  },
};

const recorded = (stayId: string, nights = 2): Event => ({ type: 'StayRecorded', data: { stayId, nights } });
const metadata = { tenantId: 't1', actor: 'user:ana', correlationId: 'c1', causationId: 'cmd-1', brandId: 'brand-a' };

describe('handleCommand', () => {
  let store: EventStore;
  beforeEach(() => {
    store = new MemoryEventStore();
  });

  it('reads, decides, appends with metadata, and returns the new state and version', async () => {
    const result = await handleCommand(store, stays, 'stays-g1', { type: 'RecordStay', stayId: 's1', nights: 2 }, {
      metadata: { ...metadata, occurredAt: '2026-11-02T08:00:00.000Z' },
    });
    expect(result).toMatchObject({ state: { stays: { s1: 2 } }, streamVersion: 0, events: [recorded('s1')] });
    const [stored] = await store.readStream('stays-g1');
    expect(stored!.metadata).toMatchObject({ ...metadata, occurredAt: '2026-11-02T08:00:00.000Z', schemaVersion: 1 });
  });

  it('appends nothing for an idempotent repeat', async () => {
    await handleCommand(store, stays, 'stays-g1', { type: 'RecordStay', stayId: 's1', nights: 2 }, { metadata });
    const again = await handleCommand(store, stays, 'stays-g1', { type: 'RecordStay', stayId: 's1', nights: 2 }, { metadata });
    expect(again.events).toEqual([]);
    expect(again.streamVersion).toBe(0);
    expect(await store.readStream('stays-g1')).toHaveLength(1);
  });

  it('propagates a broken invariant without writing', async () => {
    await expect(handleCommand(store, stays, 'stays-g1', { type: 'CancelStay', stayId: 'x' }, { metadata })).rejects.toBeInstanceOf(StayNotFound);
    expect(await store.streamVersion('stays-g1')).toBeUndefined();
  });

  it('fails at once with the actual version when the caller pinned a stale one (If-Match → 412)', async () => {
    await handleCommand(store, stays, 'stays-g1', { type: 'RecordStay', stayId: 's1', nights: 2 }, { metadata });
    await handleCommand(store, stays, 'stays-g1', { type: 'RecordStay', stayId: 's2', nights: 2 }, { metadata });
    const error = await handleCommand(store, stays, 'stays-g1', { type: 'CancelStay', stayId: 's1' }, { metadata, expectedVersion: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ actualVersion: 1, expectedVersion: 0 });
    expect(await store.streamVersion('stays-g1')).toBe(1);
  });

  it('runs assertState on the folded state before the pinned-version check, and writes nothing when it throws', async () => {
    await handleCommand(store, stays, 'stays-g1', { type: 'RecordStay', stayId: 's1', nights: 2 }, { metadata });
    const seen: (number | undefined)[] = [];
    const notYours = () => {
      throw new StayNotFound('not yours');
    };
    await expect(
      handleCommand(store, stays, 'stays-g1', { type: 'RecordStay', stayId: 's2', nights: 1 }, { metadata, expectedVersion: 7, assertState: notYours }),
    ).rejects.toBeInstanceOf(StayNotFound);
    await handleCommand(store, stays, 'stays-g1', { type: 'RecordStay', stayId: 's2', nights: 1 }, { metadata, assertState: (_s, v) => void seen.push(v) });
    expect(seen).toEqual([0]);
    expect(await store.streamVersion('stays-g1')).toBe(1);
  });

  it('retries on a concurrent write when no version was pinned, and deciding again sees the winner', async () => {
    const racing: EventStore = Object.create(store);
    let raced = false;
    racing.appendToStream = async (stream, events, options) => {
      if (!raced) {
        raced = true; // another writer slips in between our read and our append
        await store.appendToStream(stream, [{ type: 'StayRecorded', data: { stayId: 'other', nights: 1 }, metadata: { ...metadata, occurredAt: new Date().toISOString(), schemaVersion: 1 } }]);
      }
      return store.appendToStream(stream, events, options);
    };
    const result = await handleCommand(racing, stays, 'stays-g1', { type: 'RecordStay', stayId: 's1', nights: 2 }, { metadata });
    expect(result.streamVersion).toBe(1);
    expect(result.state).toEqual({ stays: { other: 1, s1: 2 } });
  });

  it('gives up after maxRetries conflicts', async () => {
    const alwaysConflicting: EventStore = Object.create(store);
    alwaysConflicting.appendToStream = async (stream) => {
      throw new WrongExpectedVersionError(stream, 'no_stream', 7);
    };
    let attempts = 0;
    const counting: EventStore = Object.create(alwaysConflicting);
    counting.readStream = async (...args) => {
      attempts++;
      return store.readStream(...args);
    };
    await expect(
      handleCommand(counting, stays, 'stays-g1', { type: 'RecordStay', stayId: 's1', nights: 2 }, { metadata, maxRetries: 2 }),
    ).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect(attempts).toBe(3);
  });

  it('uses deterministic event ids so a retried command is absorbed by the store', async () => {
    const eventId = (_e: Event, i: number) => `idem-key-1:${i}`;
    // a decider that does not notice the repeat itself: the store's idempotent append must absorb it
    const forgetful: Decider<State, Command, Event> = { ...stays, decide: (c) => stays.decide(c, stays.initialState()) };
    await handleCommand(store, forgetful, 'stays-g1', { type: 'RecordStay', stayId: 's1', nights: 2 }, { metadata, eventId });
    const again = await handleCommand(store, forgetful, 'stays-g1', { type: 'RecordStay', stayId: 's1', nights: 2 }, { metadata, eventId });
    expect(again.events).toEqual([]);
    expect(await store.readStream('stays-g1')).toHaveLength(1);
  });

  it('folds a 10,000-event stream', async () => {
    const events = Array.from({ length: 10_000 }, (_, i) => ({
      type: 'StayRecorded',
      data: { stayId: `s${i}`, nights: 1 },
      metadata: { ...metadata, occurredAt: '2026-01-01T00:00:00Z', schemaVersion: 1 },
    }));
    for (let i = 0; i < events.length; i += 1000) await store.appendToStream('stays-big', events.slice(i, i + 1000));
    const nightsCounter = { initialState: () => 0, evolve: (total: number, e: Event) => (e.type === 'StayRecorded' ? total + e.data.nights : total) };
    const { state, streamVersion } = await aggregateStream(store, 'stays-big', nightsCounter);
    expect(streamVersion).toBe(9_999);
    expect(state).toBe(10_000);
  });
});
