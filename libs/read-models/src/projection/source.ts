import type { TraceHeaders } from '@hearth/observability';

/** One event as a projection source delivers it. */
export type SourceEvent<E> = {
  event: E;
  /**
   * Position in the source's order: the checkpoint of checkpointed sources (event-store global
   * position), the stream sequence for NATS. Monotonic per source; usable as a document version.
   */
  position: number;
  /** When the source recorded the event (ISO 8601): the time lag is measured from it. */
  recordedAt?: string;
  /** W3C trace context the event carries: the projection's span continues that trace. */
  trace?: TraceHeaders;
  /** For span attributes. */
  type?: string;
  id?: string;
};

/**
 * A source whose progress the runner keeps (a checkpoint saved with the documents): the service's own
 * event store. Events come in position order, each exactly once per subscription.
 */
export type CheckpointedSource<E> = {
  readonly kind: 'checkpointed';
  readonly description: string;
  /** History after `after`, then live events, until `signal` aborts; `onCaughtUp` once history is exhausted. */
  subscribe(options: { after: number; signal: AbortSignal; onCaughtUp: () => void }): AsyncIterable<SourceEvent<E>>;
  /** A page after `after` (empty when caught up). Needed for rebuilds. */
  read?(after: number, limit: number): Promise<SourceEvent<E>[]>;
  /** How many events follow `after`, possibly capped; for the backlog metric. */
  backlog?(after: number): Promise<number>;
};

/**
 * A source that keeps its own progress and pushes events (a JetStream durable consumer): the runner
 * applies each delivery in one transaction and resolves; the source then acknowledges it. A rejection
 * makes the source redeliver later (and dead-letter after its limit). Redeliveries are absorbed by
 * the version-guarded upserts.
 */
export type PushSource<E> = {
  readonly kind: 'push';
  readonly description: string;
  start(deliver: (event: SourceEvent<E>) => Promise<void>): Promise<{ stop(): Promise<void> }>;
};

export type ProjectionSource<E> = CheckpointedSource<E> | PushSource<E>;
