import type { EventStore, StoredEvent } from '@hearth/event-store';
import { guestIdOfStream, TIMELINE_CATEGORY } from '../../app/timeline-store';
import type { TimelineEntry } from '../../domain/timeline.types';

/** One live watcher: a tenant's guest plus the guests linked into it. */
export type FeedWatch = {
  tenantId: string;
  /** The watched guest (links recorded in its stream while watching add or remove guests). */
  guestId: string;
  /** The guest and the guests linked into it when watching started. */
  guestIds: readonly string[];
  /** Resume after this global position (`Last-Event-ID`): entries after it are replayed first. */
  after?: number | undefined;
  onEntry(entry: TimelineEntry, position: number): void;
};

export type FeedSubscription = { close(): void };

export interface TimelineFeed {
  watch(watch: FeedWatch): Promise<FeedSubscription>;
  /** Watchers now. */
  size(): number;
  /** Ends every watch and the store subscription. */
  close(): Promise<void>;
}

export type TimelineFeedOptions = {
  /** The DECRYPTING store: entries go out with their personal text (null after erasure). */
  store: EventStore;
  /**
   * Where the live subscription starts when the first watcher comes: the read models' position (the
   * projection's checkpoint), so nothing between what a watcher loaded and the live events is missed.
   */
  startPosition: () => Promise<number | undefined> | number | undefined;
  /** The live subscription stops after this long without watchers (default 60 s). */
  idleStopMs?: number;
  /** Most events read to replay a resume (`Last-Event-ID` too far back is replayed up to here; default 100,000). */
  maxReplay?: number;
  onError?: (error: unknown) => void;
};

type Watcher = {
  watch: FeedWatch;
  guestIds: Set<string>;
  /** Highest position sent (or skipped) so far. */
  last: number;
  /** Live events held back while the resume is being replayed. */
  buffer: StoredEvent[] | undefined;
  closed: boolean;
};

/**
 * A process-wide feed of timeline events for Server-Sent Events: ONE store subscription (started with the
 * first watcher, stopped when idle) fans events out to the watchers of their guests, so a thousand open
 * screens cost one subscription. A resume (`after`) replays the store from that position first, holding
 * live events back, then continues live without a gap or a repeat (positions only increase).
 */
export function createTimelineFeed(options: TimelineFeedOptions): TimelineFeed {
  const watchers = new Set<Watcher>();
  const idleStopMs = options.idleStopMs ?? 60_000;
  const maxReplay = options.maxReplay ?? 100_000;
  let running: { abort: AbortController; done: Promise<void> } | undefined;
  let idleTimer: NodeJS.Timeout | undefined;

  const deliver = (watcher: Watcher, event: StoredEvent) => {
    if (watcher.closed || event.globalPosition <= watcher.last) return;
    const guestId = guestIdOfStream(event.streamName);
    if (!guestId || event.metadata.tenantId !== watcher.watch.tenantId) return;
    if (guestId === watcher.watch.guestId && (event.type === 'GuestLinked' || event.type === 'GuestUnlinked')) {
      const data = event.data as { survivorId?: unknown; mergedId?: unknown };
      if (data.survivorId === guestId && typeof data.mergedId === 'string') {
        if (event.type === 'GuestLinked') watcher.guestIds.add(data.mergedId);
        else watcher.guestIds.delete(data.mergedId);
      }
    }
    if (!watcher.guestIds.has(guestId)) return;
    watcher.last = event.globalPosition;
    if (event.type !== 'EntryRecorded') return;
    const entry = (event.data as { entry?: TimelineEntry }).entry;
    if (!entry || typeof entry.entryId !== 'string') return;
    try {
      watcher.watch.onEntry({ ...entry, guestId, personal: entry.personal ?? null }, event.globalPosition);
    } catch (error) {
      options.onError?.(error);
    }
  };

  const dispatch = (event: StoredEvent) => {
    for (const watcher of watchers) {
      if (watcher.buffer) watcher.buffer.push(event);
      else deliver(watcher, event);
    }
  };

  const ensureRunning = () => {
    clearTimeout(idleTimer);
    idleTimer = undefined;
    if (running) return;
    const abort = new AbortController();
    const done = (async () => {
      let position: number | undefined;
      let started = false;
      // a failing subscription (database restart) resumes where it stopped
      while (!abort.signal.aborted) {
        try {
          if (!started) {
            position = await options.startPosition();
            started = true;
          }
          for await (const event of options.store.subscribeToAll({ categories: [TIMELINE_CATEGORY], signal: abort.signal, ...(position !== undefined ? { fromPosition: position } : {}) })) {
            position = event.globalPosition;
            dispatch(event);
          }
        } catch (error) {
          if (abort.signal.aborted) break;
          options.onError?.(error);
          await new Promise((resolve) => setTimeout(resolve, 1_000).unref());
        }
      }
    })();
    running = { abort, done };
  };

  const scheduleIdleStop = () => {
    if (watchers.size > 0 || !running || idleTimer) return;
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      if (watchers.size > 0 || !running) return;
      running.abort.abort();
      running = undefined;
    }, idleStopMs);
    idleTimer.unref();
  };

  const replay = async (watcher: Watcher, after: number) => {
    let from = after;
    let read = 0;
    while (read < maxReplay && !watcher.closed) {
      const batch = await options.store.readAll({ fromPosition: from, categories: [TIMELINE_CATEGORY], limit: 1_000 });
      if (batch.length === 0) break;
      for (const event of batch) deliver(watcher, event);
      from = batch.at(-1)!.globalPosition;
      read += batch.length;
    }
  };

  return {
    async watch(watch) {
      const watcher: Watcher = { watch, guestIds: new Set(watch.guestIds), last: watch.after ?? 0, buffer: watch.after !== undefined ? [] : undefined, closed: false };
      watchers.add(watcher);
      ensureRunning();
      const subscription = {
        close: () => {
          watcher.closed = true;
          watchers.delete(watcher);
          scheduleIdleStop();
        },
      };
      if (watch.after !== undefined) {
        try {
          await replay(watcher, watch.after);
        } catch (error) {
          subscription.close();
          throw error;
        }
        const held = watcher.buffer ?? [];
        watcher.buffer = undefined;
        for (const event of held) deliver(watcher, event);
      }
      return subscription;
    },
    size: () => watchers.size,
    async close() {
      clearTimeout(idleTimer);
      for (const watcher of watchers) watcher.closed = true;
      watchers.clear();
      if (running) {
        running.abort.abort();
        await running.done.catch(() => undefined);
        running = undefined;
      }
    },
  };
}
