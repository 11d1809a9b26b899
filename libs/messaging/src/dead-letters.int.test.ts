import { eventually } from '@hearth/testing';
import { nanos } from '@nats-io/transport-node';
import { DeadLetterError } from './errors';
import { createTestKit, type TestKit } from './test-support/nats-test-kit';

describe('dead-letter replay against NATS', () => {
  let kit: TestKit;
  beforeEach(async () => {
    kit = await createTestKit({ partitions: 2 });
  });
  afterEach(() => kit.cleanup());

  /** A consumer that rejects everything while `broken`, and records what it applied. */
  async function startConsumer(state: { broken: boolean; applied: string[] }) {
    return kit.messaging.consume({
      stream: kit.stream,
      durable: 'test--replay',
      subjects: [`hearth.${kit.service}.>`],
      contracts: kit.contracts,
      handle: async (event) => {
        if (state.broken) throw new DeadLetterError('bug in the handler');
        state.applied.push(event.id);
      },
    });
  }

  const letters = async (count: number) =>
    eventually(async () => {
      const all = await kit.messaging.listDeadLetters();
      expect(all).toHaveLength(count);
      return all;
    });

  it('replays dead letters after a fix under a new message id while the original is inside the duplicate window', async () => {
    const state = { broken: true, applied: [] as string[] };
    const events = [kit.visit('guest-1', 1), kit.visit('guest-2', 1), kit.note('guest-1', 'hi')];
    for (const e of events) await kit.messaging.publish(e);
    await startConsumer(state);
    await letters(3);
    state.broken = false;

    const dry = await kit.messaging.replayDeadLetters({ dryRun: true });
    expect(dry.outcomes.map((o) => o.status)).toEqual(['dry-run', 'dry-run', 'dry-run']);
    // the original ids are still inside the 10-minute window: JetStream would drop the copies, so they stay
    const kept = await kit.messaging.replayDeadLetters();
    expect(kept).toMatchObject({ replayed: 0, duplicates: 3, failed: 0 });
    await letters(3);

    const report = await kit.messaging.replayDeadLetters({ newMsgId: true });
    expect(report).toMatchObject({ replayed: 3, duplicates: 0, failed: 0 });
    await eventually(() => expect(state.applied.sort()).toEqual(events.map((e) => e.id).sort()));
    expect(await kit.messaging.listDeadLetters()).toEqual([]);
  });

  it('replays under the original message id once the duplicate window has passed, filtered by subject and limited', async () => {
    // a short window on this test stream only (ensureStream enforces ≥ 10 minutes for real streams)
    await kit.messaging.manager.streams.update(kit.stream, { duplicate_window: nanos(500) });
    const state = { broken: true, applied: [] as string[] };
    const visits = [kit.visit('guest-1', 1), kit.visit('guest-1', 2)];
    const note = kit.note('guest-1', 'hi');
    for (const e of [...visits, note]) await kit.messaging.publish(e);
    await startConsumer(state);
    const dead = await letters(3);
    expect(dead.map((l) => l.reason)).toEqual(['rejected', 'rejected', 'rejected']);
    state.broken = false;

    const filter = `${kit.visitV1.subject}.*`;
    expect((await kit.messaging.listDeadLetters({ subject: filter })).map((l) => l.originalMsgId)).toEqual(visits.map((v) => v.id));
    const first = await eventually(async () => {
      const r = await kit.messaging.replayDeadLetters({ subject: filter, limit: 1 });
      expect(r.replayed).toBe(1);
      return r;
    });
    expect(first.outcomes[0]!.letter.originalMsgId).toBe(visits[0]!.id);
    await eventually(() => expect(state.applied).toEqual([visits[0]!.id]));
    // JetStream forgets message ids lazily: until it does, the letter is reported as duplicate and kept
    const rest = await eventually(async () => {
      const r = await kit.messaging.replayDeadLetters({ subject: filter });
      expect(r).toMatchObject({ replayed: 1, failed: 0 });
      return r;
    });
    await eventually(() => expect(state.applied).toEqual(visits.map((v) => v.id)));
    // the note was not selected: it is still a dead letter
    expect((await kit.messaging.listDeadLetters()).map((l) => l.originalMsgId)).toEqual([note.id]);
    // the replayed copy kept the original message id and trace headers
    const stored = await kit.messaging.manager.streams.getMessage(kit.stream, { seq: rest.outcomes[0]!.sequence! });
    expect(stored!.header.get('Nats-Msg-Id')).toBe(visits[1]!.id);
  });
});
