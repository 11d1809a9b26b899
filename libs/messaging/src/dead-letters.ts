import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg, type PubAck } from '@nats-io/jetstream';
import { nanos, type MsgHdrs } from '@nats-io/transport-node';
import { InvalidDeadLetterError, InvalidMessagingOptionError } from './errors';
import { HEADERS, buildHeaders, headersToRecord } from './headers';
import { deadLetterSubject } from './names';
import type { DeadLetterOptions } from './streams';
import { requireStream } from './streams';

/**
 * Why a message was dead-lettered:
 * - `schema-invalid`: not JSON, or not valid against its contract;
 * - `unknown-contract`: no contract is registered for its subject (type/version);
 * - `max-deliveries`: the handler failed on the last allowed delivery (or the message was delivered
 *   more often than allowed without an answer: a handler that crashes the process or hangs);
 * - `rejected`: the handler threw `DeadLetterError`.
 */
export type DeadLetterReason = 'schema-invalid' | 'unknown-contract' | 'max-deliveries' | 'rejected';

/** Everything a dead letter records about the message and why it failed. */
export type DeadLetterInput = {
  subject: string;
  headers: MsgHdrs | undefined;
  data: Uint8Array;
  reason: DeadLetterReason;
  error: string;
  deliveryCount: number;
  consumer: string;
  stream: string;
  streamSequence: number;
};

/**
 * Stores a dead letter and waits for the DLQ stream's ack (only then may the caller `term` the
 * original). Its `Nats-Msg-Id` names the consumer and the original stream sequence, so the same
 * message dead-lettered twice by one consumer (a crash between the DLQ ack and the term) is stored once.
 */
export async function publishDeadLetter(js: JetStreamClient, dlq: Required<DeadLetterOptions>, input: DeadLetterInput): Promise<PubAck> {
  const original = headersToRecord(input.headers);
  const values: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(original)) {
    // Nats-* headers would act on the DLQ stream (dedupe, expectations): keep them under another name.
    values[/^nats-/i.test(key) ? `${HEADERS.dlqOriginalNatsPrefix}${key}` : key] = value;
  }
  Object.assign(values, {
    [HEADERS.dlqReason]: input.reason,
    [HEADERS.dlqError]: input.error || '(no message)',
    [HEADERS.dlqOriginalSubject]: input.subject,
    [HEADERS.dlqOriginalStream]: input.stream,
    [HEADERS.dlqOriginalSequence]: String(input.streamSequence),
    [HEADERS.dlqOriginalMsgId]: original[HEADERS.msgId],
    [HEADERS.dlqDeliveryCount]: String(input.deliveryCount),
    [HEADERS.dlqConsumer]: input.consumer,
    [HEADERS.dlqTimestamp]: new Date().toISOString(),
  });
  return js.publish(deadLetterSubject(dlq.subjectPrefix, input.subject), input.data, {
    msgID: `dlq:${input.consumer}:${input.stream}:${input.streamSequence}`,
    headers: buildHeaders(values),
  });
}

/** A stored dead letter, as listed by `listDeadLetters`. */
export type DeadLetter = {
  /** Sequence in the DLQ stream (what replay deletes). */
  sequence: number;
  originalSubject: string;
  originalStream: string;
  originalSequence: number;
  /** The original `Nats-Msg-Id` (the envelope id for messages published by this library). */
  originalMsgId: string | undefined;
  reason: string;
  error: string;
  deliveryCount: number;
  consumer: string;
  deadLetteredAt: string;
  /** The original headers (trace context included), without the DLQ bookkeeping. */
  headers: Record<string, string>;
  /** The original payload bytes, unchanged. */
  data: Uint8Array;
};

export type ListDeadLettersOptions = {
  /** Pattern over original subjects (`hearth.customer-profile.>`, `hearth.x.y.v1.*`); default all. */
  subject?: string;
  /** At most this many, oldest first (default 1,000). */
  limit?: number;
};

type DeadLetterDeps = { js: JetStreamClient; jsm: JetStreamManager };

/** Reads dead letters, oldest first, without consuming them. */
export async function listDeadLetters(
  deps: DeadLetterDeps,
  dlq: Required<DeadLetterOptions>,
  options: ListDeadLettersOptions = {},
): Promise<DeadLetter[]> {
  const limit = options.limit ?? 1_000;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new InvalidMessagingOptionError('limit', 'must be a positive integer');
  const pattern = options.subject ?? '>';
  if (!/^[A-Za-z0-9_*>.-]+$/.test(pattern) || pattern.split('.').some((t) => t === '')) {
    throw new InvalidMessagingOptionError('subject', `'${pattern}' is not a subject pattern`);
  }
  await requireStream(deps.jsm, dlq.stream);
  // A short-lived ephemeral consumer without acks: reading does not change the DLQ.
  const info = await deps.jsm.consumers.add(dlq.stream, {
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    filter_subject: deadLetterSubject(dlq.subjectPrefix, pattern),
    inactive_threshold: nanos(30_000),
    mem_storage: true,
  });
  const out: DeadLetter[] = [];
  try {
    const consumer = deps.js.consumers.getConsumerFromInfo(info);
    let remaining = Math.min(limit, info.num_pending);
    while (remaining > 0) {
      const batch = await consumer.fetch({ max_messages: Math.min(remaining, 256), expires: 2_000 });
      let received = 0;
      for await (const msg of batch) {
        out.push(toDeadLetter(msg));
        received++;
      }
      if (received === 0) break; // messages deleted meanwhile (a concurrent replay)
      remaining -= received;
    }
  } finally {
    await deps.jsm.consumers.delete(dlq.stream, info.name).catch(() => undefined);
  }
  return out;
}

function toDeadLetter(msg: JsMsg): DeadLetter {
  const all = headersToRecord(msg.headers);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(all)) {
    if (key.startsWith('Hearth-Dlq-') || /^nats-/i.test(key)) continue;
    headers[key] = value;
  }
  return {
    sequence: msg.seq,
    originalSubject: all[HEADERS.dlqOriginalSubject] ?? '',
    originalStream: all[HEADERS.dlqOriginalStream] ?? '',
    originalSequence: Number(all[HEADERS.dlqOriginalSequence] ?? 0),
    originalMsgId: all[HEADERS.dlqOriginalMsgId] || undefined,
    reason: all[HEADERS.dlqReason] ?? '',
    error: all[HEADERS.dlqError] ?? '',
    deliveryCount: Number(all[HEADERS.dlqDeliveryCount] ?? 0),
    consumer: all[HEADERS.dlqConsumer] ?? '',
    deadLetteredAt: all[HEADERS.dlqTimestamp] ?? msg.time.toISOString(),
    headers,
    data: msg.data,
  };
}

export type ReplayDeadLettersOptions = ListDeadLettersOptions & {
  /** List what would be replayed, change nothing. */
  dryRun?: boolean;
  /**
   * Publish under a new `Nats-Msg-Id` (`<original>:replay:<dlq sequence>`). Needed only while the
   * original id is still inside the source stream's duplicate window (JetStream would drop the
   * replay as a duplicate; such letters are reported as `duplicate` and left in the DLQ). The
   * envelope id is unchanged, so consumers' own dedupe still applies.
   */
  newMsgId?: boolean;
};

export type ReplayOutcome = {
  letter: DeadLetter;
  /** `replayed`: republished and removed from the DLQ; `duplicate`: dropped by JetStream's dedupe, left in the DLQ; `dry-run`; `failed`. */
  status: 'replayed' | 'duplicate' | 'dry-run' | 'failed';
  /** Sequence of the republished message in its stream. */
  sequence?: number;
  error?: string;
};

export type ReplayReport = {
  outcomes: ReplayOutcome[];
  replayed: number;
  duplicates: number;
  failed: number;
};

/**
 * Republishes dead letters to their original subjects (original headers and bytes, original
 * `Nats-Msg-Id` unless `newMsgId`), one at a time in DLQ order, and deletes each from the DLQ once
 * JetStream stored the copy. A letter whose copy could not be stored stays in the DLQ.
 */
export async function replayDeadLetters(
  deps: DeadLetterDeps,
  dlq: Required<DeadLetterOptions>,
  options: ReplayDeadLettersOptions = {},
): Promise<ReplayReport> {
  const letters = await listDeadLetters(deps, dlq, options);
  const outcomes: ReplayOutcome[] = [];
  for (const letter of letters) {
    if (!letter.originalSubject) {
      const error = new InvalidDeadLetterError(letter.sequence, `no ${HEADERS.dlqOriginalSubject} header`);
      outcomes.push({ letter, status: 'failed', error: error.message });
      continue;
    }
    if (options.dryRun) {
      outcomes.push({ letter, status: 'dry-run' });
      continue;
    }
    try {
      const msgId = letter.originalMsgId && options.newMsgId ? `${letter.originalMsgId}:replay:${letter.sequence}` : letter.originalMsgId;
      const ack = await deps.js.publish(letter.originalSubject, letter.data, {
        ...(msgId !== undefined && { msgID: msgId }),
        headers: buildHeaders(letter.headers),
      });
      if (ack.duplicate) {
        outcomes.push({ letter, status: 'duplicate', sequence: ack.seq });
        continue;
      }
      await deps.jsm.streams.deleteMessage(dlq.stream, letter.sequence, false);
      outcomes.push({ letter, status: 'replayed', sequence: ack.seq });
    } catch (error) {
      outcomes.push({ letter, status: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  }
  return {
    outcomes,
    replayed: outcomes.filter((o) => o.status === 'replayed').length,
    duplicates: outcomes.filter((o) => o.status === 'duplicate').length,
    failed: outcomes.filter((o) => o.status === 'failed').length,
  };
}
