import type { AnyEventContract, ContractRegistry, EventOf } from '@hearth/contracts';
import { HEARTH_ATTRIBUTES, withSpan } from '@hearth/observability';
import {
  AckPolicy,
  DeliverPolicy,
  type ConsumerConfig,
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { type DeadLetterReason, publishDeadLetter } from './dead-letters';
import { DeadLetterError, InvalidMessagingOptionError } from './errors';
import { headersToRecord, traceHeadersOf } from './headers';
import {
  assertDurableName,
  assertStreamName,
  coveringPattern,
  filterSubject,
  matchesPattern,
  parseMessageSubject,
  parseSubjectPattern,
  partitionDurable,
  partitionsFromDescription,
  type SubjectPattern,
} from './names';
import { toRegistry, type ContractSource } from './publisher';
import { nakDelay, sleep } from './retry';
import { requireStream, resolveDeadLetterOptions, type DeadLetterOptions } from './streams';

/** What a handler knows about the message besides the envelope. */
export type MessageInfo = {
  /** Wire subject, `<type>.v<N>.p<K>`. */
  readonly subject: string;
  /** Contract subject, `<type>.v<N>`. */
  readonly contractSubject: string;
  readonly partition: number | undefined;
  readonly stream: string;
  readonly streamSequence: number;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  readonly redelivered: boolean;
  /** The durable that delivered it (`<durable>_p<K>` for an ordered subscription). */
  readonly durable: string;
  /** Message headers (first value of each), `traceparent` included. */
  readonly headers: Readonly<Record<string, string>>;
  /** When JetStream stored the message. */
  readonly storedAt: Date;
};

/**
 * `partitioned` (default): one durable per partition, each with at most one unacknowledged message,
 * so the events of one guest are handled strictly in order by whichever instance pulls them, even
 * across failures and redeliveries. `none`: one shared durable, `concurrency` handlers in flight per
 * instance, no order (for handlers that are order-insensitive, e.g. version-guarded upserts).
 */
export type Ordering = 'partitioned' | 'none';

/** Things a subscription reports so that a service can log them and count them. */
export type ConsumerEvent =
  | { type: 'handler-failed'; info: MessageInfo; error: unknown; retryInMs: number }
  | { type: 'dead-lettered'; info: MessageInfo; reason: DeadLetterReason; error: string }
  | { type: 'dead-letter-failed'; info: MessageInfo; reason: DeadLetterReason; error: unknown }
  | { type: 'skipped'; info: MessageInfo }
  | { type: 'pull-failed'; durable: string; error: unknown };

export type ConsumeOptions<C extends AnyEventContract = AnyEventContract> = {
  /** The producing service's stream, e.g. `HEARTH_CUSTOMER_PROFILE` (`streamNameFor(service)`). */
  stream: string;
  /** Durable name, `<consumer-service>--<purpose>`. Every instance of the service uses the same one. */
  durable: string;
  /**
   * Contract subjects or patterns (`hearth.x.guest-registered.v1`, `hearth.x.*.v1`, `hearth.x.>`).
   * Default: the subjects of `contracts` when it is a list. NATS 2.9 gives a consumer one filter
   * subject, so several patterns are covered by their narrowest common pattern and messages outside
   * them are acknowledged and counted as skipped.
   */
  subjects?: readonly string[];
  /** Contracts that validate messages (default: the messaging client's registry). Unknown contracts are dead-lettered. */
  contracts?: ContractRegistry | readonly C[];
  /** Applies one message. The message is acknowledged only after it resolves; a rejection naks it for redelivery. */
  handle: (event: EventOf<C>, info: MessageInfo) => Promise<void>;
  ordering?: Ordering;
  /** Handlers in flight per instance with `ordering: 'none'` (default 16). */
  concurrency?: number;
  /** Deliveries before a failing message is dead-lettered (default 5). */
  maxDeliver?: number;
  /** How long JetStream waits for an ack before redelivering (default 30 s). Long handlers extend it automatically. */
  ackWaitMs?: number;
  /** Nak delay per failed delivery: entry n-1 after the n-th failure, the last one after that (default 1 s, 5 s, 15 s, 30 s). */
  backoffMs?: readonly number[];
  /** Unacknowledged messages across all instances with `ordering: 'none'` (default 1,000). */
  maxAckPending?: number;
  /** Where a new durable starts: the whole stream (default) or only new messages. */
  deliverPolicy?: 'all' | 'new';
  /** How long one pull request waits for messages on an idle stream (default 5 s). */
  pullExpiresMs?: number;
  /** Dead-letter stream and prefix (default: the messaging client's). */
  deadLetters?: DeadLetterOptions;
  /** Failures, dead letters and skips, for logs and metrics. Must not throw. */
  onEvent?: (event: ConsumerEvent) => void;
};

export type SubscriptionStats = {
  received: number;
  acked: number;
  naked: number;
  deadLettered: number;
  skipped: number;
  inFlight: number;
};

/** A running subscription. */
export type Subscription = {
  /** The JetStream durables behind it (one per partition when ordered). */
  readonly durables: readonly string[];
  stats(): SubscriptionStats;
  /**
   * Graceful stop: stops pulling, gives messages already pulled but not started back (nak), waits
   * for handlers in flight up to `timeoutMs` (default 10 s; past it they are left to JetStream's
   * redelivery), then resolves.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
};

type ConsumerDeps = {
  js: JetStreamClient;
  jsm: JetStreamManager;
  contracts: ContractRegistry;
  deadLetters: Required<DeadLetterOptions>;
};

const decoder = new TextDecoder();
const DEFAULT_BACKOFF_MS = [1_000, 5_000, 15_000, 30_000] as const;
/**
 * Pull size of an ordered lane. The server still hands out one message at a time (max_ack_pending 1);
 * a larger pull only saves a request per message.
 */
const ORDERED_PULL_BATCH = 32;
/** Pulls outstanding per shared lane; together they ask for `concurrency` messages. */
const SHARED_PULLS = 4;

type Resolved = {
  stream: string;
  durable: string;
  patterns: SubjectPattern[];
  covering: SubjectPattern;
  registry: ContractRegistry;
  handle: (event: never, info: MessageInfo) => Promise<void>;
  ordering: Ordering;
  concurrency: number;
  maxDeliver: number;
  ackWaitMs: number;
  backoffMs: readonly number[];
  maxAckPending: number;
  deliverPolicy: 'all' | 'new';
  pullExpiresMs: number;
  deadLetters: Required<DeadLetterOptions>;
  onEvent: (event: ConsumerEvent) => void;
};

function positiveInt(value: number, option: string, min = 1): number {
  if (!Number.isSafeInteger(value) || value < min) throw new InvalidMessagingOptionError(option, `must be an integer ≥ ${min}`);
  return value;
}

/** Validates and completes consume options (pure). */
export function resolveConsumeOptions<C extends AnyEventContract>(deps: Pick<ConsumerDeps, 'contracts' | 'deadLetters'>, options: ConsumeOptions<C>): Resolved {
  assertStreamName(options.stream);
  assertDurableName(options.durable);
  const registry = options.contracts === undefined ? deps.contracts : toRegistry(options.contracts as ContractSource);
  const subjects = options.subjects ?? (Array.isArray(options.contracts) ? (options.contracts as readonly C[]).map((c) => c.subject) : undefined);
  if (!subjects || subjects.length === 0) {
    throw new InvalidMessagingOptionError('subjects', 'give the subjects to consume (required unless contracts is a list)');
  }
  const patterns = subjects.map(parseSubjectPattern);
  const ordering = options.ordering ?? 'partitioned';
  if (ordering !== 'partitioned' && ordering !== 'none') throw new InvalidMessagingOptionError('ordering', "must be 'partitioned' or 'none'");
  const backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  if (backoffMs.some((ms) => !Number.isSafeInteger(ms) || ms < 0)) throw new InvalidMessagingOptionError('backoffMs', 'entries must be integers ≥ 0');
  if (typeof options.handle !== 'function') throw new InvalidMessagingOptionError('handle', 'must be a function');
  return {
    stream: options.stream,
    durable: options.durable,
    patterns,
    covering: coveringPattern(patterns),
    registry,
    handle: options.handle as Resolved['handle'],
    ordering,
    concurrency: positiveInt(options.concurrency ?? 16, 'concurrency'),
    maxDeliver: positiveInt(options.maxDeliver ?? 5, 'maxDeliver'),
    ackWaitMs: positiveInt(options.ackWaitMs ?? 30_000, 'ackWaitMs', 100),
    backoffMs,
    maxAckPending: positiveInt(options.maxAckPending ?? 1_000, 'maxAckPending'),
    deliverPolicy: options.deliverPolicy ?? 'all',
    pullExpiresMs: positiveInt(options.pullExpiresMs ?? 5_000, 'pullExpiresMs', 1_000),
    deadLetters: options.deadLetters ? resolveDeadLetterOptions({ ...deps.deadLetters, ...options.deadLetters }) : deps.deadLetters,
    onEvent: options.onEvent ?? (() => undefined),
  };
}

/** Starts a durable pull subscription (see `ConsumeOptions`). */
export async function consume<C extends AnyEventContract>(deps: ConsumerDeps, options: ConsumeOptions<C>): Promise<Subscription> {
  const resolved = resolveConsumeOptions(deps, options);
  const info = await requireStream(deps.jsm, resolved.stream);
  const lanes: { durable: string; filter: string; maxAckPending: number }[] =
    resolved.ordering === 'partitioned'
      ? Array.from({ length: partitionsFromDescription(info.config.description) }, (_, k) => ({
          durable: partitionDurable(resolved.durable, k),
          filter: filterSubject(resolved.covering, k),
          // one unacknowledged message per partition: the next event of a guest is not handed to
          // anybody before the previous one is acked (or dead-lettered)
          maxAckPending: 1,
        }))
      : [{ durable: resolved.durable, filter: filterSubject(resolved.covering, '*'), maxAckPending: resolved.maxAckPending }];
  for (const lane of lanes) {
    // On 2.9 "add" of an existing durable updates it (filter, ack wait, limits), so this is create-or-update.
    await deps.jsm.consumers.add(resolved.stream, consumerConfig(resolved, lane));
  }
  const subscription = new RunningSubscription(deps, resolved);
  for (const lane of lanes) await subscription.startLane(lane.durable, resolved.ordering === 'partitioned');
  return subscription;
}

function consumerConfig(resolved: Resolved, lane: { durable: string; filter: string; maxAckPending: number }): Partial<ConsumerConfig> {
  return {
    durable_name: lane.durable,
    description: `Hearth ${resolved.ordering === 'partitioned' ? 'ordered partition' : 'shared'} consumer ${resolved.durable}`,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: resolved.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    filter_subject: lane.filter,
    ack_wait: nanos(resolved.ackWaitMs),
    // The client counts deliveries and dead-letters; the server must never give up on a message by
    // itself (it would stop delivering it without telling anyone).
    max_deliver: -1,
    max_ack_pending: lane.maxAckPending,
  };
}

class RunningSubscription implements Subscription {
  readonly durables: string[] = [];
  private readonly lanes: Promise<void>[] = [];
  private readonly pulls = new Set<ConsumerMessages>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Messages pulled but not started when the subscription stopped: nak'd once no pull of ours is left. */
  private readonly deferred: JsMsg[] = [];
  private readonly stopController = new AbortController();
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private readonly counters = { received: 0, acked: 0, naked: 0, deadLettered: 0, skipped: 0 };
  private waiters: (() => void)[] = [];
  /** Handlers running, with their start time, for the keep-alive timer. */
  private readonly running = new Map<JsMsg, number>();
  private keepAlive: NodeJS.Timeout | undefined;
  private readonly keepAliveEveryMs: number;

  constructor(
    private readonly deps: ConsumerDeps,
    private readonly options: Resolved,
  ) {
    this.keepAliveEveryMs = Math.max(50, Math.floor(options.ackWaitMs / 3));
  }

  stats(): SubscriptionStats {
    return { ...this.counters, inFlight: this.inFlight.size };
  }

  async startLane(durable: string, sequential: boolean): Promise<void> {
    const consumer = await this.deps.js.consumers.get(this.options.stream, durable);
    this.durables.push(durable);
    // A shared lane keeps several smaller pulls outstanding, so batches keep arriving while others are
    // handled (measured: 4 pulls of concurrency/4 beat 1-2 pulls of `concurrency` by ~25 %).
    for (let i = 0; i < (sequential ? 1 : SHARED_PULLS); i++) this.lanes.push(this.pullLoop(consumer, durable, sequential));
  }

  /**
   * One pull request outstanding per loop, sized so that all loops of a lane together ask for no more
   * than `concurrency` messages (flow control: a slow handler never makes the client hoard messages
   * whose ack timers are running). An ordered lane handles its messages one by one; the server hands
   * out the next one of the partition only after the ack.
   */
  private async pullLoop(consumer: Consumer, durable: string, sequential: boolean): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let pull: ConsumerMessages | undefined;
      try {
        pull = await consumer.fetch({
          max_messages: sequential ? ORDERED_PULL_BATCH : Math.ceil(this.options.concurrency / SHARED_PULLS),
          expires: this.options.pullExpiresMs,
        });
        this.pulls.add(pull);
        if (this.stopping) void pull.close();
        for await (const msg of pull) {
          if (this.stopping) {
            this.deferred.push(msg);
          } else if (sequential) {
            await this.track(this.process(msg, durable));
          } else {
            while (!this.stopping && this.inFlight.size >= this.options.concurrency) {
              await new Promise<void>((resolve) => this.waiters.push(resolve));
            }
            if (this.stopping) this.deferred.push(msg);
            else void this.track(this.process(msg, durable));
          }
        }
        failures = 0;
      } catch (error) {
        // the consumer or stream vanished, or the connection is down: retry, never give up silently
        if (this.stopping) break;
        failures++;
        this.options.onEvent({ type: 'pull-failed', durable, error });
        await sleep(Math.min(10_000, 250 * 2 ** Math.min(failures, 6)), this.stopController.signal);
      } finally {
        if (pull) this.pulls.delete(pull);
      }
    }
  }

  private track(job: Promise<void>): Promise<void> {
    this.inFlight.add(job);
    return job.finally(() => {
      this.inFlight.delete(job);
      this.waiters.shift()?.();
    });
  }

  stop({ timeoutMs = 10_000 }: { timeoutMs?: number } = {}): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      this.stopController.abort();
      // Unsubscribe first: a nak below must not be redelivered into one of our own pulls.
      for (const pull of this.pulls) void pull.close().catch(() => undefined);
      for (const wake of this.waiters.splice(0)) wake();
      const deadline = new AbortController();
      const expired = sleep(timeoutMs, deadline.signal);
      await Promise.race([Promise.all(this.lanes), expired]);
      for (const msg of this.deferred.splice(0)) {
        try {
          msg.nak(); // handed back at once instead of waiting for the ack timeout
          this.counters.naked++;
        } catch {
          // connection already closed: JetStream redelivers after the ack wait
        }
      }
      await Promise.race([Promise.all([...this.inFlight]), expired]);
      deadline.abort();
      clearInterval(this.keepAlive);
    })();
    return this.stopped;
  }

  /** Never rejects: a failure outside the handler (e.g. the connection closed under us) leaves the message to redelivery. */
  private async process(msg: JsMsg, durable: string): Promise<void> {
    try {
      await this.processOne(msg, durable);
    } catch {
      // the ack/nak could not be sent: JetStream redelivers after the ack wait
    }
  }

  private async processOne(msg: JsMsg, durable: string): Promise<void> {
    this.counters.received++;
    const { contractSubject, partition } = parseMessageSubject(msg.subject);
    const headers = headersToRecord(msg.headers);
    const info: MessageInfo = {
      subject: msg.subject,
      contractSubject,
      partition,
      stream: msg.info.stream,
      streamSequence: msg.seq,
      deliveryCount: msg.info.deliveryCount,
      redelivered: msg.redelivered,
      durable,
      headers,
      storedAt: msg.time,
    };
    const { options } = this;
    if (!options.patterns.some((p) => matchesPattern(p, contractSubject))) {
      // Only visible because several patterns share one covering filter (NATS 2.9): not ours.
      msg.ack();
      this.counters.skipped++;
      options.onEvent({ type: 'skipped', info });
      return;
    }
    if (info.deliveryCount > options.maxDeliver) {
      // Delivered again without ever reporting a failure: the handler crashed the process or hung.
      return this.deadLetter(msg, info, 'max-deliveries', `delivered ${info.deliveryCount} times without an acknowledgement (handler crash or ack timeout)`);
    }
    const contract = options.registry.getBySubject(contractSubject);
    if (!contract) return this.deadLetter(msg, info, 'unknown-contract', `no contract is registered for ${contractSubject}`);
    let payload: unknown;
    try {
      payload = JSON.parse(decoder.decode(msg.data));
    } catch (error) {
      return this.deadLetter(msg, info, 'schema-invalid', `payload is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const parsed = contract.safeParse(payload);
    if (!parsed.success) return this.deadLetter(msg, info, 'schema-invalid', parsed.error.message);
    const event = parsed.data;

    try {
      await withSpan(
        `process ${contractSubject}`,
        {
          kind: 'consumer',
          parent: traceHeadersOf(headers),
          attributes: {
            'messaging.system': 'nats',
            'messaging.destination.name': msg.subject,
            'messaging.consumer.group.name': durable,
            'messaging.message.id': headers['Nats-Msg-Id'] ?? event.id,
            'messaging.nats.delivery_count': info.deliveryCount,
            [HEARTH_ATTRIBUTES.consumer]: options.durable,
            [HEARTH_ATTRIBUTES.eventType]: contractSubject,
            [HEARTH_ATTRIBUTES.eventId]: event.id,
            [HEARTH_ATTRIBUTES.tenantId]: event.tenantId,
            ...(event.brandId !== undefined && { [HEARTH_ATTRIBUTES.brandId]: event.brandId }),
          },
        },
        () => this.runHandler(msg, event, info),
      );
      msg.ack();
      this.counters.acked++;
    } catch (error) {
      if (error instanceof DeadLetterError) return this.deadLetter(msg, info, 'rejected', error.message);
      if (info.deliveryCount >= options.maxDeliver) {
        return this.deadLetter(msg, info, 'max-deliveries', `failed on delivery ${info.deliveryCount} of ${options.maxDeliver}: ${errorText(error)}`);
      }
      const retryInMs = nakDelay(info.deliveryCount, options.backoffMs);
      msg.nak(retryInMs);
      this.counters.naked++;
      options.onEvent({ type: 'handler-failed', info, error, retryInMs });
    }
  }

  /** Runs the handler; the keep-alive timer tells JetStream "still working" while it takes long. */
  private async runHandler(msg: JsMsg, event: unknown, info: MessageInfo): Promise<void> {
    this.running.set(msg, Date.now());
    this.keepAlive ??= setInterval(() => this.extendLongRunning(), this.keepAliveEveryMs).unref();
    try {
      await this.options.handle(event as never, info);
    } finally {
      this.running.delete(msg);
    }
  }

  /** One timer per subscription (not one per message): extends the ack wait of long handlers. */
  private extendLongRunning(): void {
    const threshold = Date.now() - this.keepAliveEveryMs;
    for (const [msg, since] of this.running) {
      if (since > threshold) continue;
      try {
        msg.working();
      } catch {
        // connection closed: the ack will fail too and JetStream redelivers; nothing to do here
      }
    }
  }

  /** Dead-letters, then terminates; if the DLQ refuses, naks instead (nothing is ever dropped). */
  private async deadLetter(msg: JsMsg, info: MessageInfo, reason: DeadLetterReason, error: string): Promise<void> {
    try {
      await publishDeadLetter(this.deps.js, this.options.deadLetters, {
        subject: msg.subject,
        headers: msg.headers,
        data: msg.data,
        reason,
        error,
        deliveryCount: info.deliveryCount,
        consumer: info.durable,
        stream: info.stream,
        streamSequence: info.streamSequence,
      });
    } catch (dlqError) {
      msg.nak(nakDelay(info.deliveryCount, this.options.backoffMs));
      this.counters.naked++;
      this.options.onEvent({ type: 'dead-letter-failed', info, reason, error: dlqError });
      return;
    }
    // No reason text: NATS 2.9 only recognises a bare +TERM (a reason there would be ignored and the
    // message redelivered); the reason is in the dead letter's headers.
    msg.term();
    this.counters.deadLettered++;
    this.options.onEvent({ type: 'dead-lettered', info, reason, error });
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
