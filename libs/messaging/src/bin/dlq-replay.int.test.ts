import { eventually } from '@hearth/testing';
import { DeadLetterError } from '../errors';
import { NATS_URL, createTestKit, type TestKit } from '../test-support/nats-test-kit';
import { runDlqReplay } from './dlq-replay';

describe('dlq-replay command against NATS', () => {
  let kit: TestKit;
  beforeEach(async () => {
    kit = await createTestKit({ partitions: 1 });
  });
  afterEach(() => kit.cleanup());

  it('lists dead letters, then replays them after the fix', async () => {
    const state = { broken: true, applied: [] as string[] };
    const events = [kit.visit('guest-1', 1), kit.note('guest-1', 'x')];
    for (const e of events) await kit.messaging.publish(e);
    await kit.messaging.consume({
      stream: kit.stream,
      durable: 'test--cli',
      subjects: [`hearth.${kit.service}.>`],
      handle: async (event) => {
        if (state.broken) throw new DeadLetterError('handler bug #12');
        state.applied.push(event.id);
      },
    });
    await eventually(async () => expect(await kit.messaging.listDeadLetters()).toHaveLength(2));
    const env = { NATS_URL };
    const dlq = ['--dlq-stream', kit.deadLetters.stream, '--dlq-prefix', kit.deadLetters.subjectPrefix];

    const listed: string[] = [];
    expect(await runDlqReplay(['--list', ...dlq], env, (l) => listed.push(l))).toBe(0);
    expect(listed.join('\n')).toContain(`rejected ${kit.visitV1.subject}.p0 deliveries=1 consumer=test--cli_p0 id=${events[0]!.id}`);
    expect(listed.join('\n')).toContain('handler bug #12');
    expect(listed.at(-1)).toBe(`2 dead letter(s) in ${kit.deadLetters.stream}`);

    state.broken = false;
    const replayed: string[] = [];
    const code = await runDlqReplay(['--subject', `${kit.visitV1.subject}.*`, '--new-msg-id', ...dlq], env, (l) => replayed.push(l));
    expect(code).toBe(0);
    expect(replayed.at(-1)).toBe('1 replayed, 0 kept as duplicates, 0 failed, 1 selected');
    await eventually(() => expect(state.applied).toEqual([events[0]!.id]));
    expect((await kit.messaging.listDeadLetters()).map((l) => l.originalMsgId)).toEqual([events[1]!.id]);
  });

  it('exits 2 when NATS cannot be reached', async () => {
    const lines: string[] = [];
    expect(await runDlqReplay(['--list'], { NATS_URL: 'nats://127.0.0.1:1' }, (l) => lines.push(l))).toBe(2);
    expect(lines[0]).toContain('cannot connect to NATS at nats://127.0.0.1:1');
  });
});
