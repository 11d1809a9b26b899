import type { AnyIntegrationEvent } from '@hearth/contracts';
import { streamNameFor, type ConsumerEvent, type MessageInfo, type Messaging, type Subscription } from '@hearth/messaging';
import { anyContractRegistry } from './any-contract.registry';

/** Durable consumer name on every source stream (one durable per partition: `timeline--ingest_p<K>`). */
export const INGEST_DURABLE = 'timeline--ingest';

/** What the consumers log (the service passes its pino logger). */
export type IngestLogger = {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
};

export type IngestConsumersOptions = {
  messaging: Messaging;
  /** Services whose streams (`HEARTH_<SERVICE>`, subjects `hearth.<service>.>`) are ingested. */
  services: readonly string[];
  /** Applies one integration event; a rejection is retried (nak with backoff), `DeadLetterError` dead-letters it. */
  handle: (event: AnyIntegrationEvent, info: MessageInfo) => Promise<void>;
  durable?: string;
  /** How often a stream that does not exist yet is looked for again (default 5 s). */
  retryMs?: number;
  /** Deliveries before a failing event is dead-lettered (default 5). */
  maxDeliver?: number;
  /** Nak delays (default the library's: 1 s, 5 s, 15 s, 30 s). */
  backoffMs?: readonly number[];
  /** Where a new durable starts: the whole stream (default) or only new messages (tests). */
  deliverPolicy?: 'all' | 'new';
  /** Dead-letter stream and prefix (tests use their own). */
  deadLetters?: { stream?: string; subjectPrefix?: string };
  logger?: IngestLogger;
  /** Consumer events (failures, dead letters), e.g. for metrics. */
  onEvent?: (event: ConsumerEvent) => void;
};

export type IngestConsumers = {
  /** Services whose streams are consumed now. */
  running(): string[];
  /** The JetStream durables behind the running subscriptions, by stream. */
  durables(): { stream: string; durable: string }[];
  /** Resolves once every listed service's stream is consumed (tests). */
  whenRunning(services?: readonly string[], timeoutMs?: number): Promise<void>;
  stop(options?: { timeoutMs?: number }): Promise<void>;
};

const silent: IngestLogger = { info: () => undefined, warn: () => undefined };

/**
 * Durable consumers `timeline--ingest` on each source service's stream, with per-guest ordering
 * (partitioned durables). Every contract version is accepted generically (`anyContractRegistry`); a
 * payload that is not a valid envelope is dead-lettered by `@hearth/messaging`. A stream that does not
 * exist yet (its service has not been deployed) is looked for again every `retryMs`, logged once.
 */
export function startIngestConsumers(options: IngestConsumersOptions): IngestConsumers {
  const durable = options.durable ?? INGEST_DURABLE;
  const retryMs = options.retryMs ?? 5_000;
  const logger = options.logger ?? silent;
  const contracts = anyContractRegistry();
  const subscriptions = new Map<string, Subscription>();
  const timers = new Set<NodeJS.Timeout>();
  const waiting = new Set<string>();
  const listeners = new Set<() => void>();
  let stopped = false;

  const attempt = async (service: string): Promise<void> => {
    if (stopped) return;
    try {
      const subscription = await options.messaging.consume({
        stream: streamNameFor(service),
        durable,
        subjects: [`hearth.${service}.>`],
        contracts,
        ordering: 'partitioned',
        handle: options.handle,
        ...(options.maxDeliver !== undefined ? { maxDeliver: options.maxDeliver } : {}),
        ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
        ...(options.deadLetters ? { deadLetters: options.deadLetters } : {}),
        ...(options.deliverPolicy ? { deliverPolicy: options.deliverPolicy } : {}),
        onEvent: (event) => {
          if (event.type === 'dead-lettered') logger.warn({ source: service, subject: event.info.subject, reason: event.reason, error: event.error }, 'integration event dead-lettered');
          else if (event.type === 'handler-failed') {
            // customer-profile not answering (yet) is expected at start-up and during its restarts: one line, no stack
            const unavailable = (event.error as { code?: unknown } | undefined)?.code === 'DEPENDENCY_UNAVAILABLE';
            const failure = unavailable ? { code: 'DEPENDENCY_UNAVAILABLE', reason: (event.error as Error).message } : { err: event.error };
            logger.warn({ source: service, subject: event.info.subject, ...failure, retryInMs: event.retryInMs }, 'integration event failed; retrying');
          }
          options.onEvent?.(event);
        },
      });
      if (stopped) {
        await subscription.stop();
        return;
      }
      subscriptions.set(service, subscription);
      waiting.delete(service);
      logger.info({ source: service, durable }, 'ingesting integration events');
      for (const listener of listeners) listener();
    } catch (error) {
      if (stopped) return;
      const code = (error as { code?: unknown })?.code;
      if (!waiting.has(service)) {
        waiting.add(service);
        if (code === 'STREAM_NOT_FOUND') logger.info({ source: service, retryMs }, 'source stream does not exist yet; waiting for it');
        else logger.warn({ source: service, err: error, retryMs }, 'could not consume the source stream; retrying');
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        void attempt(service);
      }, retryMs);
      timer.unref();
      timers.add(timer);
    }
  };
  for (const service of new Set(options.services)) void attempt(service);

  return {
    running: () => [...subscriptions.keys()],
    durables: () => [...subscriptions].flatMap(([service, s]) => s.durables.map((durable) => ({ stream: streamNameFor(service), durable }))),
    whenRunning(services = options.services, timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (services.every((s) => subscriptions.has(s))) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`streams not consumed within ${timeoutMs} ms: ${services.filter((s) => !subscriptions.has(s)).join(', ')}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async stop({ timeoutMs = 10_000 } = {}) {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...subscriptions.values()].map((s) => s.stop({ timeoutMs })));
      subscriptions.clear();
    },
  };
}
