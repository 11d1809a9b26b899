import { createHash } from 'node:crypto';
import type { AnyIntegrationEvent } from '@hearth/contracts';
import type { EventStore, StoredEvent } from '@hearth/event-store';
import { InvalidMessagingOptionError } from '../errors';
import type { Publisher } from '../publisher';
import { sleep } from '../retry';
import type { CheckpointStore } from './checkpoint-store';

/** What a mapper returns: an integration event; `id` may be left out (the forwarder derives it from the stored event). */
export type IntegrationEventDraft = Omit<AnyIntegrationEvent, 'id'> & { id?: string };

export type ForwarderOptions = {
  /** Unique per forwarder in the service (the checkpoint row's key), e.g. `customer-profile--integration-events`. */
  name: string;
  store: EventStore;
  /** Event-store categories to relay (default: all). */
  categories?: readonly string[];
  /**
   * Domain event → integration event, or `null` for events that stay private. Keep the id
   * deterministic: leave `id` out (the stored `eventId`, or a UUID derived from it, is used) or
   * use `integrationEventId(event)`, so a republish after a crash is dropped by `Nats-Msg-Id` dedupe.
   */
  map: (event: StoredEvent) => IntegrationEventDraft | null;
  publisher: Publisher;
  checkpoints: CheckpointStore;
  /** Save the checkpoint after this many relayed events (default 100)… */
  checkpointEvery?: number;
  /** …or this long after the first unsaved one (default 200 ms), whichever comes first. */
  checkpointIntervalMs?: number;
  /** First delay after a failure (default 500 ms), doubled per consecutive failure up to `maxRetryDelayMs` (default 30 s). */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Failures (publish, mapping, checkpoint). The forwarder retries from its checkpoint; it never skips an event. */
  onError?: (error: unknown) => void;
  /** Called each time the forwarder has caught up with the store (after a start or a restart). */
  onCaughtUp?: () => void;
};

export type ForwarderStatus = {
  name: string;
  running: boolean;
  /** Global position of the last event handled (published or mapped to nothing). */
  position: number;
  /** Last saved checkpoint. */
  savedPosition: number;
  published: number;
  /** Publishes JetStream reported as duplicates (republished after a restart inside the duplicate window). */
  duplicates: number;
  /** Events the mapper kept private (`null`). */
  skipped: number;
  caughtUp: boolean;
  lastError: unknown;
};

export type Forwarder = {
  /** Starts relaying in the background (idempotent). */
  start(): void;
  /** Stops after the event in progress, saves the checkpoint, resolves. */
  stop(): Promise<void>;
  status(): ForwarderStatus;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** Namespace of UUIDv5 ids derived from stored event ids that are not UUIDs themselves. */
const FORWARDER_NAMESPACE = Buffer.from('4f3c1f0e9d2b4a7c8e5f6a1b2c3d4e5f', 'hex');

/**
 * The integration event id of a stored event: its `eventId` when that is a UUID (the store's
 * default), else a UUIDv5 derived from it. Deterministic, so republishing is idempotent.
 */
export function integrationEventId(event: Pick<StoredEvent, 'eventId'>): string {
  if (UUID.test(event.eventId)) return event.eventId.toLowerCase();
  const bytes = createHash('sha1').update(FORWARDER_NAMESPACE).update(event.eventId, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Envelope fields taken from a stored event's metadata, for mappers:
 * `contract.create({ ...envelopeFieldsOf(event), data: { … } })`.
 */
export function envelopeFieldsOf(event: StoredEvent): {
  id: string;
  tenantId: string;
  brandId?: string;
  guestId?: string;
  occurredAt: string;
  correlationId: string;
  causationId?: string;
} {
  const m = event.metadata;
  return {
    id: integrationEventId(event),
    tenantId: m.tenantId,
    ...(m.brandId !== undefined && { brandId: m.brandId }),
    ...(m.guestId !== undefined && { guestId: m.guestId }),
    occurredAt: m.occurredAt,
    correlationId: m.correlationId,
    ...(m.causationId && { causationId: m.causationId }),
  };
}

/**
 * Relays a service's domain events to NATS without dual writes: catch-up subscription on its own
 * event store from a durable checkpoint, map, publish (awaiting each JetStream ack, in store order,
 * so one guest's events keep their order), save the checkpoint every few events. At least once:
 * after a crash it resumes from the last saved checkpoint, and the events published since then are
 * dropped by JetStream as duplicates (`Nats-Msg-Id` = envelope id, duplicate window ≥ 10 minutes).
 * Run one per service (a second one is harmless, only wasteful).
 */
export function createForwarder(options: ForwarderOptions): Forwarder {
  const checkpointEvery = options.checkpointEvery ?? 100;
  const checkpointIntervalMs = options.checkpointIntervalMs ?? 200;
  const retryDelayMs = options.retryDelayMs ?? 500;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
  if (typeof options.name !== 'string' || options.name.trim() === '') throw new InvalidMessagingOptionError('name', 'must be a non-empty string');
  for (const [key, value] of Object.entries({ checkpointEvery, checkpointIntervalMs, retryDelayMs, maxRetryDelayMs })) {
    if (!Number.isSafeInteger(value) || value < 1) throw new InvalidMessagingOptionError(key, 'must be a positive integer');
  }
  const onError = options.onError ?? (() => undefined);

  const status: ForwarderStatus = {
    name: options.name,
    running: false,
    position: 0,
    savedPosition: 0,
    published: 0,
    duplicates: 0,
    skipped: 0,
    caughtUp: false,
    lastError: undefined,
  };
  let stopController: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let flushTimer: NodeJS.Timeout | undefined;
  let saving: Promise<void> = Promise.resolve();
  let unsaved = 0;

  /** Saves the current position; saves run one after the other, never concurrently. */
  const flush = (): Promise<void> => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    unsaved = 0;
    const next = saving
      .catch(() => undefined) // a failed save must not poison the ones after it
      .then(async () => {
        const position = status.position;
        if (position <= status.savedPosition) return;
        await options.checkpoints.save(options.name, position);
        status.savedPosition = position;
      });
    saving = next;
    return next;
  };
  const flushLater = () => {
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      flush().catch((error: unknown) => {
        status.lastError = error;
        onError(error);
      });
    }, checkpointIntervalMs);
  };

  const relay = async (signal: AbortSignal): Promise<void> => {
    await saving.catch(() => undefined);
    const from = (await options.checkpoints.load(options.name)) ?? 0;
    status.position = from;
    status.savedPosition = from;
    status.caughtUp = false;
    const events = options.store.subscribeToAll({
      fromPosition: from,
      ...(options.categories && { categories: options.categories }),
      signal,
      onCaughtUp: () => {
        status.caughtUp = true;
        options.onCaughtUp?.();
      },
    });
    for await (const stored of events) {
      const draft = options.map(stored);
      if (draft) {
        const event = { ...draft, id: draft.id ?? integrationEventId(stored) } as AnyIntegrationEvent;
        const traceparent = stored.metadata.traceparent;
        const result = await options.publisher.publish(event, traceparent ? { traceHeaders: { traceparent } } : {});
        status.published++;
        if (result.duplicate) status.duplicates++;
      } else {
        status.skipped++;
      }
      status.position = stored.globalPosition;
      unsaved++;
      if (unsaved >= checkpointEvery) await flush();
      else flushLater();
    }
  };

  const run = async (signal: AbortSignal): Promise<void> => {
    let delay = retryDelayMs;
    while (!signal.aborted) {
      try {
        await relay(signal);
        delay = retryDelayMs;
      } catch (error) {
        status.lastError = error;
        onError(error);
        // keep what was published so far, then resume from the checkpoint (never skip the failed event)
        await flush().catch(() => undefined);
        await sleep(delay, signal);
        delay = Math.min(delay * 2, maxRetryDelayMs);
      }
    }
  };

  return {
    start() {
      if (status.running) return;
      status.running = true;
      stopController = new AbortController();
      loop = run(stopController.signal);
    },
    async stop() {
      if (!status.running) return;
      stopController?.abort();
      await loop;
      await flush().catch((error: unknown) => {
        status.lastError = error;
        onError(error);
      });
      status.running = false;
    },
    status: () => ({ ...status }),
  };
}
