import { createContractRegistry, hearthContracts, subjectOf } from '@hearth/contracts';
import type { AnyEventContract, AnyIntegrationEvent, ContractRegistry } from '@hearth/contracts';
import { HEARTH_ATTRIBUTES, currentTraceHeaders, withSpan, type TraceHeaders } from '@hearth/observability';
import type { JetStreamClient, JetStreamManager, PubAck } from '@nats-io/jetstream';
import { InvalidMessagingOptionError, PublishFailedError } from './errors';
import { HEADERS, buildHeaders } from './headers';
import { defaultPartitionKey, messageSubject, partitionOf, partitionsFromDescription, serviceOfSubject, streamNameFor } from './names';
import { DEFAULT_RETRY, backoffDelay, isTransientPublishError, sleep, type RetryOptions } from './retry';
import { requireStream } from './streams';

/** A set of contracts: a registry, or a list turned into one. */
export type ContractSource = ContractRegistry | readonly AnyEventContract[];

export function toRegistry(source: ContractSource | undefined): ContractRegistry {
  if (source === undefined) return hearthContracts;
  return Array.isArray(source) ? createContractRegistry(source as readonly AnyEventContract[]) : (source as ContractRegistry);
}

export type PublisherOptions = {
  /** Contracts messages are validated against (default: every Hearth contract, `hearthContracts`). */
  contracts?: ContractSource;
  /** Retries of transient failures (default 5 attempts, 50 ms doubling up to 2 s, with jitter). */
  retry?: RetryOptions;
  /** How long one attempt waits for the JetStream ack (default 5,000 ms). */
  ackTimeoutMs?: number;
  /** The ordering key of a message (default: its `guestId`, else its `id`). Decides its partition. */
  partitionKey?: (event: AnyIntegrationEvent) => string;
};

export type PublishOptions = {
  /**
   * Trace context to continue (e.g. the `traceparent` stored in the domain event's metadata).
   * Default: the active span. The message carries the publish span's context when a tracer is
   * running, else these headers unchanged.
   */
  traceHeaders?: TraceHeaders;
  /** `Nats-Msg-Id` to use instead of the envelope id (replays that must escape deduplication). */
  msgId?: string;
};

export type PublishResult = {
  /** Wire subject: `<type>.v<N>.p<K>`. */
  subject: string;
  stream: string;
  /** Stream sequence of the stored message (of the earlier copy when `duplicate`). */
  seq: number;
  /** JetStream already had a message with this `Nats-Msg-Id` inside the duplicate window: nothing was stored. */
  duplicate: boolean;
  partition: number;
  /** Attempts used, 1 when the first one succeeded. */
  attempts: number;
};

/** Publishes integration events; the port the forwarder depends on. */
export type Publisher = {
  /**
   * Validates `event` against its contract (`ContractValidationError`, `UnknownContractError`),
   * publishes it on `<type>.v<N>.p<K>` with `Nats-Msg-Id` = `event.id` and the trace headers, and
   * resolves with the JetStream ack. Transient failures are retried with bounded exponential
   * backoff; then `PublishFailedError`.
   */
  publish(event: AnyIntegrationEvent, options?: PublishOptions): Promise<PublishResult>;
};

const encoder = new TextEncoder();

type PublisherDeps = { js: JetStreamClient; jsm: JetStreamManager };

/** Creates a publisher on a JetStream connection. */
export function createPublisher(deps: PublisherDeps, options: PublisherOptions = {}): Publisher {
  const registry = toRegistry(options.contracts);
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  if (!Number.isSafeInteger(retry.attempts) || retry.attempts < 1) throw new InvalidMessagingOptionError('retry.attempts', 'must be a positive integer');
  const ackTimeoutMs = options.ackTimeoutMs ?? 5_000;
  const partitionKey = options.partitionKey ?? defaultPartitionKey;
  const partitionCounts = new Map<string, Promise<number>>();

  const partitionsOf = (stream: string): Promise<number> => {
    let known = partitionCounts.get(stream);
    if (!known) {
      // Read once per stream: the partition count is fixed for the life of the stream.
      known = requireStream(deps.jsm, stream).then((info) => partitionsFromDescription(info.config.description));
      known.catch(() => partitionCounts.delete(stream));
      partitionCounts.set(stream, known);
    }
    return known;
  };

  return {
    async publish(input, publishOptions = {}) {
      const event = registry.parse(input);
      const contractSubject = subjectOf(event.type, event.version);
      const stream = streamNameFor(serviceOfSubject(contractSubject)!);
      const partition = partitionOf(partitionKey(event), await partitionsOf(stream));
      const subject = messageSubject(contractSubject, partition);
      const payload = encoder.encode(JSON.stringify(event));
      const msgId = publishOptions.msgId ?? event.id;
      return withSpan(
        `publish ${contractSubject}`,
        {
          kind: 'producer',
          parent: publishOptions.traceHeaders,
          attributes: {
            'messaging.system': 'nats',
            'messaging.destination.name': subject,
            'messaging.message.id': msgId,
            [HEARTH_ATTRIBUTES.eventType]: contractSubject,
            [HEARTH_ATTRIBUTES.eventId]: event.id,
            [HEARTH_ATTRIBUTES.tenantId]: event.tenantId,
            ...(event.brandId !== undefined && { [HEARTH_ATTRIBUTES.brandId]: event.brandId }),
          },
        },
        async (span) => {
          const active = currentTraceHeaders();
          const trace = active.traceparent ? active : (publishOptions.traceHeaders ?? {});
          let attempt = 0;
          for (;;) {
            attempt++;
            try {
              // fresh headers per attempt: the client adds Nats-Msg-Id to the object it is given
              const headers = buildHeaders({ [HEADERS.traceparent]: trace.traceparent, [HEADERS.tracestate]: trace.tracestate });
              const ack: PubAck = await deps.js.publish(subject, payload, { msgID: msgId, headers, timeout: ackTimeoutMs });
              span.setAttribute('messaging.nats.duplicate', ack.duplicate);
              return { subject, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate, partition, attempts: attempt };
            } catch (error) {
              if (attempt >= retry.attempts || !isTransientPublishError(error)) {
                throw new PublishFailedError(subject, attempt, { cause: error });
              }
              await sleep(backoffDelay(attempt, retry));
            }
          }
        },
      );
    },
  };
}
