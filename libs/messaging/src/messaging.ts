import type { AnyEventContract, AnyIntegrationEvent, ContractRegistry } from '@hearth/contracts';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { consume, type ConsumeOptions, type Subscription } from './consumer';
import {
  listDeadLetters,
  replayDeadLetters,
  type DeadLetter,
  type ListDeadLettersOptions,
  type ReplayDeadLettersOptions,
  type ReplayReport,
} from './dead-letters';
import { MessagingClosedError } from './errors';
import {
  createPublisher,
  toRegistry,
  type ContractSource,
  type PublishOptions,
  type PublishResult,
  type Publisher,
  type PublisherOptions,
} from './publisher';
import { createResponder, request, type RequestOptions, type Responder, type ResponderOptions } from './request-reply';
import { sleep } from './retry';
import {
  ensureDeadLetterStream,
  ensureStream,
  resolveDeadLetterOptions,
  type DeadLetterOptions,
  type DeadLetterStreamOptions,
  type EnsureStreamOptions,
} from './streams';

export type MessagingOptions = {
  /** Contracts that publishes and subscriptions validate against (default `hearthContracts`). */
  contracts?: ContractSource;
  /** Dead-letter stream and subject prefix (default `HEARTH_DLQ`, `hearth.dlq`). */
  deadLetters?: DeadLetterOptions;
  /** Defaults of `publish` (retries, ack timeout, partition key). */
  publisher?: Omit<PublisherOptions, 'contracts'>;
};

export type ConnectMessagingOptions = MessagingOptions & {
  /** `NATS_URL`: one URL or several (comma-separated or a list), e.g. `nats://127.0.0.1:4222`. */
  servers: string | readonly string[];
  /** Connection name shown by the server's monitoring: the service name. */
  name?: string;
  /** Further nats.js options (credentials, TLS, …). Defaults: reconnect forever, `noAsyncTraces`. */
  connection?: Partial<NodeConnectionOptions>;
};

/** A service's handle on NATS: streams, publish, subscriptions, request/reply, dead letters, shutdown. */
export type Messaging = {
  readonly connection: NatsConnection;
  readonly jetstream: JetStreamClient;
  readonly manager: JetStreamManager;
  readonly contracts: ContractRegistry;
  readonly deadLetters: Required<DeadLetterOptions>;
  /** Creates or updates the stream of a producing service (see `EnsureStreamOptions`). */
  ensureStream(options: EnsureStreamOptions): Promise<StreamInfo>;
  /** Creates or updates this client's dead-letter stream (`consume` does it too, once). */
  ensureDeadLetterStream(options?: Omit<DeadLetterStreamOptions, 'stream' | 'subjectPrefix'>): Promise<StreamInfo>;
  /** Publishes with the client's default publisher (see `Publisher.publish`). */
  publish(event: AnyIntegrationEvent, options?: PublishOptions): Promise<PublishResult>;
  /** A publisher with other options (contracts, retries, partition key). */
  createPublisher(options?: PublisherOptions): Publisher;
  /** Starts a durable subscription; `drain()` stops it gracefully. */
  consume<C extends AnyEventContract = AnyEventContract>(options: ConsumeOptions<C>): Promise<Subscription>;
  /** Answers requests; `drain()` stops it gracefully. */
  createResponder<TReq, TRes>(options: ResponderOptions<TReq, TRes>): Responder;
  /** Sends a request (see `request`). */
  request<TRes = unknown>(subject: string, payload: unknown, options?: RequestOptions<TRes>): Promise<TRes>;
  listDeadLetters(options?: ListDeadLettersOptions): Promise<DeadLetter[]>;
  replayDeadLetters(options?: ReplayDeadLettersOptions): Promise<ReplayReport>;
  /**
   * Graceful shutdown (SIGTERM): stops every subscription and responder (no more pulls, messages
   * pulled but not started are handed back, handlers in flight finish within `timeoutMs`, default
   * 10 s), then drains the connection (flushes pending publishes and acks) and closes it.
   */
  drain(options?: { timeoutMs?: number }): Promise<void>;
  /** Same as `drain`. */
  close(options?: { timeoutMs?: number }): Promise<void>;
};

/** Connects to NATS and returns a `Messaging` that owns the connection. */
export async function connectMessaging(options: ConnectMessagingOptions): Promise<Messaging> {
  const servers = (typeof options.servers === 'string' ? options.servers.split(',') : [...options.servers]).map((s) => s.trim()).filter(Boolean);
  const nc = await connect({
    servers,
    ...(options.name !== undefined && { name: options.name }),
    maxReconnectAttempts: -1,
    // nats.js otherwise builds two Error objects (stack traces) per request/publish so that a later
    // timeout can point at its caller: about a third of the CPU of a busy publisher
    noAsyncTraces: true,
    ...options.connection,
  });
  try {
    return await createMessaging(nc, options);
  } catch (error) {
    await nc.close();
    throw error;
  }
}

/** Wraps an open connection; `drain()` drains it. */
export async function createMessaging(nc: NatsConnection, options: MessagingOptions = {}): Promise<Messaging> {
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const contracts = toRegistry(options.contracts);
  const deadLetters = resolveDeadLetterOptions(options.deadLetters);
  const deps = { js, jsm, contracts, deadLetters };
  const publisher = createPublisher(deps, { ...options.publisher, contracts });
  const subscriptions = new Set<Subscription>();
  const responders = new Set<Responder>();
  let dlqReady: Promise<StreamInfo> | undefined;
  let closing: Promise<void> | undefined;

  const ensureDlq = () => {
    dlqReady ??= ensureDeadLetterStream(jsm, deadLetters);
    dlqReady.catch(() => {
      dlqReady = undefined;
    });
    return dlqReady;
  };
  const assertOpen = (operation: string) => {
    if (closing || nc.isClosed()) throw new MessagingClosedError(operation);
  };

  const drain = (opts: { timeoutMs?: number } = {}): Promise<void> => {
    closing ??= (async () => {
      const timeoutMs = opts.timeoutMs ?? 10_000;
      await Promise.all([...subscriptions].map((s) => s.stop({ timeoutMs })));
      await Promise.all([...responders].map((r) => r.stop({ timeoutMs })));
      if (!nc.isClosed()) {
        // drain() flushes pending acks and publishes; bound it so a dead server cannot hang shutdown
        const timeout = new AbortController();
        await Promise.race([nc.drain().catch(() => nc.close()), sleep(timeoutMs, timeout.signal).then(() => nc.close())]);
        timeout.abort();
      }
    })();
    return closing;
  };

  return {
    connection: nc,
    jetstream: js,
    manager: jsm,
    contracts,
    deadLetters,
    ensureStream: (streamOptions) => ensureStream(jsm, streamOptions),
    ensureDeadLetterStream: (dlqOptions = {}) => ensureDeadLetterStream(jsm, { ...dlqOptions, ...deadLetters }),
    publish: (event, publishOptions) => publisher.publish(event, publishOptions),
    createPublisher: (publisherOptions = {}) => createPublisher(deps, { ...options.publisher, contracts, ...publisherOptions }),
    async consume(consumeOptions) {
      assertOpen('consume');
      if (!consumeOptions.deadLetters) await ensureDlq();
      else await ensureDeadLetterStream(jsm, resolveDeadLetterOptions({ ...deadLetters, ...consumeOptions.deadLetters }));
      const subscription = await consume(deps, consumeOptions);
      subscriptions.add(subscription);
      return subscription;
    },
    createResponder(responderOptions) {
      assertOpen('create a responder');
      const responder = createResponder(nc, responderOptions);
      responders.add(responder);
      return responder;
    },
    request: (subject, payload, requestOptions) => request(nc, subject, payload, requestOptions),
    listDeadLetters: (listOptions) => listDeadLetters(deps, deadLetters, listOptions),
    replayDeadLetters: (replayOptions) => replayDeadLetters(deps, deadLetters, replayOptions),
    drain,
    close: drain,
  };
}
