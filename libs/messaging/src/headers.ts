import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { TraceHeaders } from '@hearth/observability';

/** Header names written and read by this library. */
export const HEADERS = {
  msgId: 'Nats-Msg-Id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** Why the message was dead-lettered (`DeadLetterReason`). */
  dlqReason: 'Hearth-Dlq-Reason',
  /** The last error, one line, at most 2,000 characters. */
  dlqError: 'Hearth-Dlq-Error',
  dlqOriginalSubject: 'Hearth-Dlq-Original-Subject',
  dlqOriginalStream: 'Hearth-Dlq-Original-Stream',
  dlqOriginalSequence: 'Hearth-Dlq-Original-Sequence',
  dlqOriginalMsgId: 'Hearth-Dlq-Original-Msg-Id',
  dlqDeliveryCount: 'Hearth-Dlq-Delivery-Count',
  dlqConsumer: 'Hearth-Dlq-Consumer',
  dlqTimestamp: 'Hearth-Dlq-Timestamp',
  /** Prefix under which the original `Nats-*` headers are kept (they would act on the DLQ stream). */
  dlqOriginalNatsPrefix: 'Hearth-Dlq-Orig-',
} as const;

const MAX_HEADER_VALUE = 2_000;

/** Makes any text a valid header value: one line, trimmed, bounded. */
export function headerValue(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ').trim();
  return oneLine.length > MAX_HEADER_VALUE ? `${oneLine.slice(0, MAX_HEADER_VALUE - 1)}…` : oneLine;
}

/** Headers of an outgoing message. */
export function buildHeaders(values: Record<string, string | undefined>): MsgHdrs {
  const h = natsHeaders();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') h.set(key, headerValue(value));
  return h;
}

/** First value of every header, as a plain record (what handlers see). */
export function headersToRecord(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const key of h.keys()) out[key] = h.get(key);
  return out;
}

/** The W3C trace context carried by a message, if any. */
export function traceHeadersOf(h: Record<string, string>): TraceHeaders {
  const out: TraceHeaders = {};
  if (h[HEADERS.traceparent]) out.traceparent = h[HEADERS.traceparent];
  if (h[HEADERS.tracestate]) out.tracestate = h[HEADERS.tracestate];
  return out;
}
