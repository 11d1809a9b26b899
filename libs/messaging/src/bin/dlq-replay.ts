/**
 * `npm run dlq:replay -- [options]`: lists dead letters, or moves them back to their original
 * subjects after a fix. Reads NATS_URL (default nats://127.0.0.1:4222).
 */
import { parseArgs } from 'node:util';
import type { ReplayOutcome } from '../dead-letters';
import { StreamNotFoundError } from '../errors';
import { connectMessaging, type Messaging } from '../messaging';
import { DEFAULT_DEAD_LETTER_STREAM, DEFAULT_DEAD_LETTER_SUBJECT_PREFIX } from '../names';

export const DLQ_REPLAY_USAGE = `Usage: npm run dlq:replay -- [--list] [--subject <pattern>] [--limit <n>] [--dry-run] [--new-msg-id]
                            [--dlq-stream <name>] [--dlq-prefix <prefix>]

  --list             show dead letters (oldest first) and change nothing
  --subject <p>      only letters whose original subject matches, e.g. 'hearth.customer-profile.>'
  --limit <n>        at most n letters (default 1000)
  --dry-run          show what would be replayed, change nothing
  --new-msg-id       republish under a new Nats-Msg-Id (needed while the original id is inside the
                     source stream's duplicate window, 10 minutes by default)
  --dlq-stream <s>   dead-letter stream (default ${DEFAULT_DEAD_LETTER_STREAM})
  --dlq-prefix <p>   dead-letter subject prefix (default ${DEFAULT_DEAD_LETTER_SUBJECT_PREFIX})

Environment: NATS_URL (default nats://127.0.0.1:4222)`;

export type DlqReplayArgs = {
  list: boolean;
  subject?: string;
  limit?: number;
  dryRun: boolean;
  newMsgId: boolean;
  dlqStream?: string;
  dlqPrefix?: string;
};

/** Parses the command line; throws an Error whose message is the problem (print it with the usage). */
export function parseDlqReplayArgs(argv: readonly string[]): DlqReplayArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      list: { type: 'boolean', default: false },
      subject: { type: 'string' },
      limit: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'new-msg-id': { type: 'boolean', default: false },
      'dlq-stream': { type: 'string' },
      'dlq-prefix': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new Error('help');
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`--limit must be a positive integer, got '${values.limit}'`);
  }
  if (values.list && (values['dry-run'] || values['new-msg-id'])) throw new Error('--list cannot be combined with --dry-run or --new-msg-id');
  return {
    list: values.list,
    ...(values.subject !== undefined && { subject: values.subject }),
    ...(limit !== undefined && { limit }),
    dryRun: values['dry-run'],
    newMsgId: values['new-msg-id'],
    ...(values['dlq-stream'] !== undefined && { dlqStream: values['dlq-stream'] }),
    ...(values['dlq-prefix'] !== undefined && { dlqPrefix: values['dlq-prefix'] }),
  };
}

const STATUS_TEXT: Record<ReplayOutcome['status'], string> = {
  replayed: 'replayed',
  duplicate: 'KEPT (duplicate window)',
  'dry-run': 'would replay',
  failed: 'FAILED',
};

/** Runs the command; returns the exit code (0 ok, 1 some letter failed, 2 bad arguments or no connection). */
export async function runDlqReplay(argv: readonly string[], env: Record<string, string | undefined>, out: (line: string) => void): Promise<number> {
  let args: DlqReplayArgs;
  try {
    args = parseDlqReplayArgs(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message !== 'help') out(`error: ${message}\n`);
    out(DLQ_REPLAY_USAGE);
    return message === 'help' ? 0 : 2;
  }
  const servers = env.NATS_URL ?? 'nats://127.0.0.1:4222';
  let messaging: Messaging;
  try {
    messaging = await connectMessaging({
      servers,
      name: 'dlq-replay',
      deadLetters: { ...(args.dlqStream && { stream: args.dlqStream }), ...(args.dlqPrefix && { subjectPrefix: args.dlqPrefix }) },
      connection: { maxReconnectAttempts: 0 },
    });
  } catch (error) {
    out(`error: cannot connect to NATS at ${servers}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  try {
    const filter = { ...(args.subject && { subject: args.subject }), ...(args.limit && { limit: args.limit }) };
    if (args.list) {
      const letters = await messaging.listDeadLetters(filter);
      for (const l of letters) {
        out(`#${l.sequence} ${l.deadLetteredAt} ${l.reason} ${l.originalSubject} deliveries=${l.deliveryCount} consumer=${l.consumer} id=${l.originalMsgId ?? '-'}\n    ${l.error}`);
      }
      out(`${letters.length} dead letter(s) in ${messaging.deadLetters.stream}`);
      return 0;
    }
    const report = await messaging.replayDeadLetters({ ...filter, dryRun: args.dryRun, newMsgId: args.newMsgId });
    for (const o of report.outcomes) {
      out(`#${o.letter.sequence} ${STATUS_TEXT[o.status]} ${o.letter.originalSubject} id=${o.letter.originalMsgId ?? '-'}${o.error ? ` (${o.error})` : ''}`);
    }
    out(`${report.replayed} replayed, ${report.duplicates} kept as duplicates, ${report.failed} failed, ${report.outcomes.length} selected`);
    if (report.duplicates > 0) out('Letters kept as duplicates are still inside the duplicate window: run again later, or with --new-msg-id.');
    return report.failed > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof StreamNotFoundError) {
      out(`No dead-letter stream ${error.stream} (no consumer has started yet): nothing to do.`);
      return 0;
    }
    out(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await messaging.drain({ timeoutMs: 5_000 });
  }
}

if (require.main === module) {
  void runDlqReplay(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).then((code) => {
    process.exitCode = code;
  });
}
