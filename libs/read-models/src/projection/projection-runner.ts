import { metrics } from '@opentelemetry/api';
import type { Attributes, ObservableResult } from '@opentelemetry/api';
import { HEARTH_ATTRIBUTES, withSpan } from '@hearth/observability';
import { CheckpointConflictError, ReadModelStateError } from '../errors';
import type { CheckpointStore, Collection, DocumentKey, DocumentSession, DocumentStore, Target } from '../types';
import { availableBatches } from './batches';
import type { CheckpointedSource, ProjectionSource, SourceEvent } from './source';

/** Applies one event to documents through the session (`session.target === 'rebuild'` during a rebuild). */
export type Project<E> = (event: E, session: DocumentSession) => Promise<void>;

/** Applies a batch of events (in source order) to documents through the session, as one unit. */
export type ProjectBatch<E> = (events: readonly E[], session: DocumentSession) => Promise<void>;

export type ProjectionRunnerOptions<E> = {
  /** Unique per projection within the store: names the checkpoint and labels metrics and spans. */
  name: string;
  source: ProjectionSource<E>;
  /** Applies one event. Give this or `projectBatch`. */
  project?: Project<E>;
  /**
   * Applies a whole batch in its session instead of `project`: for projections that fold many events
   * into a few documents (counters, rollups) and would otherwise read and write the same documents once
   * per event. It receives one event at a time while a failure is being isolated, and for push sources.
   */
  projectBatch?: ProjectBatch<E>;
  store: DocumentStore;
  /**
   * Where the position is kept. Default `store.checkpoints`, which saves it in the same transaction
   * as the batch's documents (PostgreSQL) or right after them (MongoDB). Another store's checkpoints
   * are saved after the commit (at-least-once, absorbed by the version guard).
   */
  checkpoints?: CheckpointStore;
  /** Every collection `project` writes. Needed for `rebuild()`; writes to others are refused during one. */
  collections?: readonly Collection[];
  /** Documents a batch will touch, loaded in one round trip per collection before it is applied (optional speed-up). */
  prefetch?: (events: readonly E[]) => DocumentKey[];
  /** Events per transaction (default 500). */
  maxBatchSize?: number;
  /** Retry delays after a failure: doubling from `minMs` (default 100) to `maxMs` (default 30 s). */
  retryDelay?: { minMs?: number; maxMs?: number };
  /** Failures (the runner retries them), for logs. Must not throw. */
  onError?: (error: unknown, context: { position: number | undefined; attempt: number }) => void;
};

export type ProjectionState = 'stopped' | 'catching-up' | 'live' | 'retrying' | 'paused';

export type ProjectionStatus = {
  name: string;
  state: ProjectionState;
  /** Position of the last applied event (the checkpoint), undefined before the first. */
  position: number | undefined;
  /** `recordedAt` of the last applied event. */
  lastEventAt: string | undefined;
  /** Seconds the projection trails its source: 0 when live and idle, else the age of the oldest unapplied event. */
  lagSeconds: number;
  /** Events after the checkpoint at the last measurement (capped by the source), when the source can count. */
  backlog: number | undefined;
  /** Events applied since `start()` (for push sources: deliveries, redeliveries included). */
  eventsApplied: number;
  lastError: { message: string; code?: string; position?: number; at: string } | undefined;
  rebuild: { state: 'catching-up' | 'switching'; position: number; events: number; startedAt: string } | undefined;
};

export type RebuildResult = { position: number; events: number; durationMs: number };

export interface ProjectionRunner {
  readonly name: string;
  /** Starts applying in the background (catch-up from the checkpoint, then live). */
  start(): Promise<void>;
  /** Stops after the batch in flight; the checkpoint keeps the position. */
  stop(): Promise<void>;
  status(): ProjectionStatus;
  /** Resolves once every event up to `position` is applied (tests; read-your-writes after an append). */
  waitForPosition(position: number, options?: { timeoutMs?: number }): Promise<void>;
  /**
   * Rebuilds from zero into fresh copies of `collections` while the live projection keeps serving (and
   * updating) the current ones, then pauses the live runner at a batch boundary, applies the tail and
   * switches collections and checkpoint at once (see DocumentStore.switchToRebuilt). Checkpointed
   * sources with `read` only.
   */
  rebuild(): Promise<RebuildResult>;
}

const REBUILD_SUFFIX = '#rebuild';

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function errorInfo(error: unknown, position: number | undefined): NonNullable<ProjectionStatus['lastError']> {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  return { message: error instanceof Error ? error.message : String(error), code, position, at: new Date().toISOString() };
}

/** Creates a projection runner (see `ProjectionRunnerOptions`). */
export function createProjectionRunner<E>(options: ProjectionRunnerOptions<E>): ProjectionRunner {
  return new Runner(options);
}

class Runner<E> implements ProjectionRunner {
  readonly name: string;
  private readonly checkpoints: CheckpointStore;
  private readonly maxBatch: number;
  private readonly attributes: Attributes;
  private state: ProjectionState = 'stopped';
  private position: number | undefined;
  private lastEventAt: string | undefined;
  private oldestPendingAt: string | undefined;
  private caughtUp = false;
  private backlog: number | undefined;
  private eventsApplied = 0;
  private lastError: ProjectionStatus['lastError'];
  private rebuildStatus: ProjectionStatus['rebuild'];
  private running: Promise<void> | undefined;
  private stopping = false;
  private loopAbort: AbortController | undefined;
  /** Wakes a retry back-off early (pause, stop). */
  private sleepWake: AbortController | undefined;
  /** Last position of the batch being applied. */
  private inFlightEnd: number | undefined;
  private pauseRequested = false;
  private pausedAck: (() => void) | undefined;
  private resumeSignal: (() => void) | undefined;
  private pushHandle: { stop(): Promise<void> } | undefined;
  /** After a failure, events up to here are applied one per transaction, to pin the failing one down. */
  private isolateUntil: number | undefined;
  private waiters: { position: number; resolve: () => void }[] = [];
  private readonly pushPending = new Set<{ at: string | undefined }>();
  private readonly meter = metrics.getMeter('hearth');
  private readonly appliedCounter;
  private readonly lagGauge;
  private readonly backlogGauge;
  private readonly observeLag = (result: ObservableResult) => result.observe(this.lagSeconds(), this.attributes);
  private readonly observeBacklog = async (result: ObservableResult) => {
    const backlog = await this.measureBacklog().catch(() => undefined);
    if (backlog !== undefined) result.observe(backlog, this.attributes);
  };

  constructor(private readonly options: ProjectionRunnerOptions<E>) {
    if (typeof options.name !== 'string' || options.name.length === 0 || options.name.length > 150 || options.name.includes(REBUILD_SUFFIX)) {
      throw new ReadModelStateError(`projection name must be 1 to 150 characters without '${REBUILD_SUFFIX}'`);
    }
    if ((options.project === undefined) === (options.projectBatch === undefined)) throw new ReadModelStateError('give either project or projectBatch');
    this.name = options.name;
    this.checkpoints = options.checkpoints ?? options.store.checkpoints;
    this.maxBatch = options.maxBatchSize ?? 500;
    if (!Number.isSafeInteger(this.maxBatch) || this.maxBatch < 1) throw new ReadModelStateError('maxBatchSize must be a positive integer');
    this.attributes = { [HEARTH_ATTRIBUTES.projection]: this.name };
    this.appliedCounter = this.meter.createCounter('hearth.projection.events', { description: 'Events applied by a projection', unit: '{event}' });
    this.lagGauge = this.meter.createObservableGauge('hearth.projection.lag', {
      description: 'Seconds a projection trails its source (0 when live and idle)',
      unit: 's',
    });
    this.backlogGauge = this.meter.createObservableGauge('hearth.projection.backlog', {
      description: 'Events after the projection checkpoint (capped by the source)',
      unit: '{event}',
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.stopping = false;
    this.pauseRequested = false;
    this.eventsApplied = 0;
    // Created up front: otherwise the first batch's transaction would wait for the DDL on a second connection.
    if (this.options.collections) await this.options.store.ensureCollections(this.options.collections);
    this.lagGauge.addCallback(this.observeLag);
    this.backlogGauge.addCallback(this.observeBacklog);
    const source = this.options.source;
    if (source.kind === 'push') {
      this.state = 'live';
      this.caughtUp = true;
      this.pushHandle = await source.start((event) => this.applyPushed(event));
      this.running = Promise.resolve();
      return;
    }
    this.state = 'catching-up';
    this.running = this.loop(source);
  }

  async stop(): Promise<void> {
    this.stopping = true; // also ends a rebuild at its next page
    if (!this.running) return;
    this.loopAbort?.abort();
    this.sleepWake?.abort();
    this.resumeSignal?.();
    await this.pushHandle?.stop();
    this.pushHandle = undefined;
    await this.running;
    this.running = undefined;
    this.state = 'stopped';
    this.lagGauge.removeCallback(this.observeLag);
    this.backlogGauge.removeCallback(this.observeBacklog);
  }

  status(): ProjectionStatus {
    return {
      name: this.name,
      state: this.state,
      position: this.position,
      lastEventAt: this.lastEventAt,
      lagSeconds: this.lagSeconds(),
      backlog: this.backlog,
      eventsApplied: this.eventsApplied,
      lastError: this.lastError,
      rebuild: this.rebuildStatus ? { ...this.rebuildStatus } : undefined,
    };
  }

  waitForPosition(position: number, { timeoutMs = 10_000 }: { timeoutMs?: number } = {}): Promise<void> {
    if (this.position !== undefined && this.position >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new ReadModelStateError(`projection '${this.name}' did not reach position ${position} within ${timeoutMs} ms (at ${this.position ?? 'none'})`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private lagSeconds(): number {
    if (this.oldestPendingAt) return Math.max(0, (Date.now() - Date.parse(this.oldestPendingAt)) / 1000);
    if (this.caughtUp || this.lastEventAt === undefined) return 0;
    return Math.max(0, (Date.now() - Date.parse(this.lastEventAt)) / 1000);
  }

  private async measureBacklog(): Promise<number | undefined> {
    const source = this.options.source;
    if (source.kind !== 'checkpointed' || !source.backlog) return undefined;
    // Live and idle: nothing is pending, no need to read.
    this.backlog = this.caughtUp && !this.oldestPendingAt ? 0 : await source.backlog(this.position ?? 0);
    return this.backlog;
  }

  private advanced(events: readonly SourceEvent<E>[], target: Target): void {
    const last = events[events.length - 1]!;
    if (target === 'rebuild') return;
    this.position = last.position;
    this.lastEventAt = last.recordedAt ?? this.lastEventAt;
    this.eventsApplied += events.length;
    this.appliedCounter.add(events.length, this.attributes);
    const reached = this.waiters.filter((w) => w.position <= last.position);
    if (reached.length > 0) {
      this.waiters = this.waiters.filter((w) => w.position > last.position);
      for (const w of reached) w.resolve();
    }
  }

  /**
   * One transaction (where the store has them): every event of the batch through `project`, then the
   * checkpoint, compare-and-set from the position this runner last saw.
   */
  private async applyBatch(
    events: readonly SourceEvent<E>[],
    target: Target,
    checkpoint: { name: string; expected: number | undefined } | undefined,
  ): Promise<void> {
    const { store, project, projectBatch, prefetch } = this.options;
    const ownCheckpoints = this.checkpoints === store.checkpoints;
    await store.transaction(
      async (session) => {
        if (prefetch) await session.preload(prefetch(events.map((e) => e.event)));
        if (projectBatch) {
          await withSpan(
            `project ${this.name}`,
            {
              kind: 'consumer',
              parent: events[0]!.trace,
              attributes: { [HEARTH_ATTRIBUTES.projection]: this.name, 'messaging.batch.message_count': events.length },
            },
            () => projectBatch(events.map((e) => e.event), session),
          );
        } else if (project) {
          for (const item of events) {
            await withSpan(
              `project ${this.name}`,
              {
                kind: 'consumer',
                parent: item.trace,
                attributes: {
                  [HEARTH_ATTRIBUTES.projection]: this.name,
                  ...(item.type ? { [HEARTH_ATTRIBUTES.eventType]: item.type } : {}),
                  ...(item.id ? { [HEARTH_ATTRIBUTES.eventId]: item.id } : {}),
                },
              },
              () => project(item.event, session),
            );
          }
        }
        await session.flush();
        if (checkpoint && ownCheckpoints) {
          await this.checkpoints.save(checkpoint.name, events[events.length - 1]!.position, { expected: checkpoint.expected, session });
        }
      },
      { writeBehind: true, target },
    );
    if (checkpoint && !ownCheckpoints) {
      await this.checkpoints.save(checkpoint.name, events[events.length - 1]!.position, { expected: checkpoint.expected });
    }
  }

  /** A push source's delivery (several may be in flight, e.g. one per partition). */
  private async applyPushed(event: SourceEvent<E>): Promise<void> {
    const pending = { at: event.recordedAt };
    this.pushPending.add(pending);
    this.oldestPendingAt = this.oldestPushPending();
    try {
      await this.applyBatch([event], 'live', undefined);
      // Deliveries of different partitions finish out of order: report the furthest position.
      this.advanced([{ ...event, position: Math.max(event.position, this.position ?? 0) }], 'live');
      this.lastError = undefined;
    } catch (error) {
      this.lastError = errorInfo(error, event.position);
      this.options.onError?.(error, { position: event.position, attempt: 1 });
      throw error; // the source redelivers it later
    } finally {
      this.pushPending.delete(pending);
      this.oldestPendingAt = this.oldestPushPending();
    }
  }

  private oldestPushPending(): string | undefined {
    let oldest: string | undefined;
    for (const { at } of this.pushPending) if (at && (oldest === undefined || at < oldest)) oldest = at;
    return oldest;
  }

  /** Splits a batch so that events up to `isolateUntil` go one per transaction. */
  private *slices(batch: SourceEvent<E>[]): Generator<SourceEvent<E>[]> {
    let start = 0;
    while (start < batch.length) {
      if (this.isolateUntil !== undefined && batch[start]!.position <= this.isolateUntil) {
        yield batch.slice(start, start + 1);
        start++;
      } else {
        yield batch.slice(start);
        return;
      }
    }
  }

  private async loop(source: CheckpointedSource<E>): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      if (this.pauseRequested) {
        this.state = 'paused';
        await new Promise<void>((resolve) => {
          this.resumeSignal = resolve;
          this.pausedAck?.();
        });
        this.resumeSignal = undefined;
        continue;
      }
      const abort = new AbortController();
      this.loopAbort = abort;
      let retryInMs: number | undefined;
      try {
        const checkpoint = await this.checkpoints.load(this.name);
        this.position = checkpoint?.position;
        this.caughtUp = false;
        this.state = 'catching-up';
        const events = source.subscribe({
          after: this.position ?? 0,
          signal: abort.signal,
          onCaughtUp: () => {
            this.caughtUp = true;
          },
        });
        for await (const batch of availableBatches(events, () => this.maxBatch)) {
          if (abort.signal.aborted) break; // paused or stopping: the checkpoint still says where to resume
          this.oldestPendingAt = batch[0]!.recordedAt;
          this.inFlightEnd = batch[batch.length - 1]!.position;
          for (const slice of this.slices(batch)) {
            await this.applyBatch(slice, 'live', { name: this.name, expected: this.position });
            this.advanced(slice, 'live');
          }
          if (this.isolateUntil !== undefined && this.inFlightEnd >= this.isolateUntil) this.isolateUntil = undefined;
          this.oldestPendingAt = undefined;
          failures = 0;
          this.lastError = undefined;
          this.state = this.caughtUp ? 'live' : 'catching-up';
        }
      } catch (error) {
        this.oldestPendingAt = undefined;
        if (this.stopping) break;
        if (!(error instanceof CheckpointConflictError)) {
          // (A conflict means another instance advanced the checkpoint: reload it and go on at once.)
          failures++;
          this.lastError = errorInfo(error, this.position);
          this.state = 'retrying';
          // Pin the failing event down: the failed batch is retried one event per transaction, so the
          // events before it are applied and the error names the exact position.
          this.isolateUntil = this.inFlightEnd;
          this.options.onError?.(error, { position: this.position, attempt: failures });
          const { minMs = 100, maxMs = 30_000 } = this.options.retryDelay ?? {};
          retryInMs = Math.min(maxMs, minMs * 2 ** Math.min(failures - 1, 20));
        }
      } finally {
        abort.abort();
        this.loopAbort = undefined;
        this.inFlightEnd = undefined;
      }
      if (retryInMs !== undefined && !this.stopping && !this.pauseRequested) {
        this.sleepWake = new AbortController();
        await sleep(retryInMs, this.sleepWake.signal);
        this.sleepWake = undefined;
      }
    }
  }

  /** Stops the live loop at a batch boundary; resolves once it is paused (at once when not running). */
  private async pause(): Promise<void> {
    if (!this.running || this.options.source.kind !== 'checkpointed') return;
    this.pauseRequested = true;
    const paused = new Promise<void>((resolve) => (this.pausedAck = resolve));
    this.loopAbort?.abort();
    this.sleepWake?.abort();
    await paused;
    this.pausedAck = undefined;
  }

  private resume(): void {
    this.pauseRequested = false;
    this.resumeSignal?.();
  }

  async rebuild(): Promise<RebuildResult> {
    const { source, store, collections } = this.options;
    if (source.kind !== 'checkpointed' || !source.read) throw new ReadModelStateError(`source ${source.description} cannot replay from zero`);
    if (!collections || collections.length === 0) throw new ReadModelStateError(`projection '${this.name}' lists no collections to rebuild`);
    if (this.rebuildStatus) throw new ReadModelStateError(`projection '${this.name}' is already rebuilding`);
    const startedAt = Date.now();
    const shadow = `${this.name}${REBUILD_SUFFIX}`;
    const progress = { state: 'catching-up' as 'catching-up' | 'switching', position: 0, events: 0, startedAt: new Date(startedAt).toISOString() };
    this.rebuildStatus = progress;
    let expected: number | undefined;
    const read = source.read.bind(source);
    const catchUp = async () => {
      for (;;) {
        if (this.stopping) throw new ReadModelStateError(`projection '${this.name}' stopped during its rebuild`);
        const page = await read(progress.position, this.maxBatch);
        if (page.length === 0) return;
        await this.applyBatch(page, 'rebuild', { name: shadow, expected });
        expected = progress.position = page[page.length - 1]!.position;
        progress.events += page.length;
      }
    };
    try {
      await store.prepareRebuild(collections);
      await this.checkpoints.delete(shadow);
      await catchUp(); // the live runner keeps serving and updating the current collections meanwhile
      progress.state = 'switching';
      await this.pause();
      try {
        await catchUp();
        const live = await this.checkpoints.load(this.name);
        const position = progress.position;
        await store.switchToRebuilt(collections, async (session) => {
          await this.checkpoints.save(this.name, position, { expected: live?.position, session: this.checkpoints === store.checkpoints ? session : undefined });
          await this.checkpoints.delete(shadow, { session: this.checkpoints === store.checkpoints ? session : undefined });
        });
        this.position = position;
      } finally {
        this.resume();
      }
      return { position: progress.position, events: progress.events, durationMs: Date.now() - startedAt };
    } catch (error) {
      await store.discardRebuild(collections).catch(() => undefined);
      throw error;
    } finally {
      this.rebuildStatus = undefined;
    }
  }
}
