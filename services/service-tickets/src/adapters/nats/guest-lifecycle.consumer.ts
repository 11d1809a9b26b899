import { guestErasedV1, type EventOf } from '@hearth/contracts';
import { streamNameFor, type ConsumerEvent, type Messaging, type Subscription } from '@hearth/messaging';

/** Durable consumer name on customer-profile's stream (conventions: `<consumer-service>--<purpose>`). */
export const GUEST_EVENTS_DURABLE = 'service-tickets--guests';
const SOURCE_SERVICE = 'customer-profile';

export type GuestErased = EventOf<typeof guestErasedV1>;

export type ConsumerLogger = { info(fields: object, message: string): void; warn(fields: object, message: string): void };

export type GuestLifecycleConsumerOptions = {
  messaging: Messaging;
  /** Applies an erasure; a rejection is retried (nak with backoff), dead-lettered after `maxDeliver`. */
  onGuestErased: (event: GuestErased) => Promise<void>;
  durable?: string;
  /** Where a new durable starts: the whole stream (default; no erasure may be missed) or new messages (tests). */
  deliverPolicy?: 'all' | 'new';
  maxDeliver?: number;
  backoffMs?: readonly number[];
  /** How often customer-profile's stream is looked for while it does not exist (default 5 s). */
  retryMs?: number;
  deadLetters?: { stream?: string; subjectPrefix?: string };
  logger?: ConsumerLogger;
  onEvent?: (event: ConsumerEvent) => void;
};

export type GuestLifecycleConsumer = {
  /** Resolves once the durable consumes (tests). */
  whenRunning(timeoutMs?: number): Promise<void>;
  durables(): readonly string[];
  stop(options?: { timeoutMs?: number }): Promise<void>;
};

const silent: ConsumerLogger = { info: () => undefined, warn: () => undefined };

/**
 * The durable consumer `service-tickets--guests` of customer-profile's `guest-erased` events
 * (independent per guest and idempotent, so no per-guest ordering is needed). When customer-profile's
 * stream does not exist yet (it was not deployed), it is looked for again every `retryMs`.
 * Merges need nothing here: a merged guest's tickets keep its id, and customer-profile (and the
 * timeline) resolve it to the survivor.
 */
export function startGuestLifecycleConsumer(options: GuestLifecycleConsumerOptions): GuestLifecycleConsumer {
  const logger = options.logger ?? silent;
  const retryMs = options.retryMs ?? 5_000;
  const durable = options.durable ?? GUEST_EVENTS_DURABLE;
  let subscription: Subscription | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let warned = false;
  const listeners = new Set<() => void>();

  const attempt = async (): Promise<void> => {
    if (stopped) return;
    try {
      const started = await options.messaging.consume({
        stream: streamNameFor(SOURCE_SERVICE),
        durable,
        subjects: [guestErasedV1.subject],
        contracts: [guestErasedV1],
        ordering: 'none',
        handle: (event) => options.onGuestErased(event),
        ...(options.deliverPolicy ? { deliverPolicy: options.deliverPolicy } : {}),
        ...(options.maxDeliver !== undefined ? { maxDeliver: options.maxDeliver } : {}),
        ...(options.backoffMs !== undefined ? { backoffMs: options.backoffMs } : {}),
        ...(options.deadLetters ? { deadLetters: options.deadLetters } : {}),
        onEvent: (event) => {
          if (event.type === 'dead-lettered') logger.warn({ subject: event.info.subject, reason: event.reason, error: event.error }, 'guest event dead-lettered');
          else if (event.type === 'handler-failed') logger.warn({ subject: event.info.subject, err: event.error, retryInMs: event.retryInMs }, 'guest event failed; retrying');
          options.onEvent?.(event);
        },
      });
      if (stopped) {
        await started.stop();
        return;
      }
      subscription = started;
      logger.info({ durable }, 'consuming customer-profile guest events');
      for (const listener of listeners) listener();
    } catch (error) {
      if (stopped) return;
      if (!warned) {
        warned = true;
        const code = (error as { code?: unknown })?.code;
        if (code === 'STREAM_NOT_FOUND') logger.info({ retryMs }, 'customer-profile stream does not exist yet; waiting for it');
        else logger.warn({ err: error, retryMs }, 'could not consume customer-profile guest events; retrying');
      }
      timer = setTimeout(() => void attempt(), retryMs);
      timer.unref();
    }
  };
  void attempt();

  return {
    whenRunning(timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        if (subscription) return resolve();
        const done = () => {
          clearTimeout(timeout);
          listeners.delete(done);
          resolve();
        };
        const timeout = setTimeout(() => {
          listeners.delete(done);
          reject(new Error(`customer-profile guest events not consumed within ${timeoutMs} ms`));
        }, timeoutMs);
        listeners.add(done);
      });
    },
    durables: () => subscription?.durables ?? [],
    async stop({ timeoutMs = 10_000 } = {}) {
      stopped = true;
      if (timer) clearTimeout(timer);
      await subscription?.stop({ timeoutMs });
    },
  };
}
