import { DLQ_REPLAY_USAGE, parseDlqReplayArgs, runDlqReplay } from './dlq-replay';

describe('dlq-replay arguments', () => {
  it('defaults to replaying everything under the original message ids', () => {
    expect(parseDlqReplayArgs([])).toEqual({ list: false, dryRun: false, newMsgId: false });
  });

  it('reads every option', () => {
    expect(
      parseDlqReplayArgs(['--subject', 'hearth.loyalty.>', '--limit', '20', '--dry-run', '--new-msg-id', '--dlq-stream', 'DLQ_X', '--dlq-prefix', 'hearth.dlq-x']),
    ).toEqual({ list: false, subject: 'hearth.loyalty.>', limit: 20, dryRun: true, newMsgId: true, dlqStream: 'DLQ_X', dlqPrefix: 'hearth.dlq-x' });
    expect(parseDlqReplayArgs(['--list'])).toMatchObject({ list: true });
  });

  it.each([
    [['--limit', '0'], /--limit must be a positive integer/],
    [['--limit', 'many'], /--limit must be a positive integer/],
    [['--list', '--dry-run'], /cannot be combined/],
    [['--bogus'], /Unknown option/],
    [['positional'], /Unexpected argument/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseDlqReplayArgs(argv)).toThrow(message);
  });

  it('prints the usage with the problem and exits 2 on bad arguments, 0 for --help', async () => {
    const lines: string[] = [];
    expect(await runDlqReplay(['--limit=-1'], {}, (l) => lines.push(l))).toBe(2);
    expect(lines[0]).toContain('--limit must be a positive integer');
    expect(lines[1]).toBe(DLQ_REPLAY_USAGE);
    expect(await runDlqReplay(['--help'], {}, (l) => lines.push(l))).toBe(0);
    expect(lines.at(-1)).toBe(DLQ_REPLAY_USAGE);
  });
});
