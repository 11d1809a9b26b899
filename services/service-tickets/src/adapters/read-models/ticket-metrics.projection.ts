import type { StoredEvent } from '@hearth/event-store';
import { createProjectionRunner, eventStoreSource, type DocumentKey, type DocumentSession, type ProjectionRunner, type TenantDocuments } from '@hearth/read-models';
import type { TicketEvent } from '../../domain/ticket.events';
import { ticketMetricFacts, ticketMetricRollups, TICKET_METRICS_COLLECTIONS } from './ticket-metrics.collections';
import { addCounters, contributionDelta, contributionsOf, evolveTicketFact, type Cell, type Counters, type TicketFact } from './ticket-metrics.facts';
import type { TicketReadModelProjectionOptions } from './ticket-queue.projection';
import { ticketEventOf, TICKET_CATEGORY } from './ticket-queue.fold';

/** Checkpoint name of the metrics projection (also its metric and span label). */
export const TICKET_METRICS_PROJECTION = 'service-tickets--metrics';

type FactEntry = { fact: TicketFact | undefined; version: number; changed: boolean };
type CellChange = { cell: Cell; brandId: string; propertyId: string | null; counters: Counters; version: number };

/** What one tenant's events of a batch change, gathered before anything is written. */
class TenantBatch {
  readonly facts = new Map<string, FactEntry>();
  readonly cells = new Map<string, CellChange>();
  constructor(
    private readonly session: DocumentSession,
    readonly docs: TenantDocuments,
  ) {}

  async apply(stored: StoredEvent, event: TicketEvent): Promise<void> {
    const ticketId = event.data.ticketId;
    let entry = this.facts.get(ticketId);
    if (!entry) {
      const current = await this.docs.get(ticketMetricFacts, ticketId);
      entry = { fact: current?.fact, version: current?.version ?? -1, changed: false };
      this.facts.set(ticketId, entry);
    }
    const position = stored.globalPosition;
    if (entry.version >= position) return; // applied already (a replay)
    const fact = evolveTicketFact(entry.fact, event);
    if (!fact) return;
    const delta = contributionDelta(entry.fact ? contributionsOf(entry.fact) : new Map(), contributionsOf(fact));
    for (const [id, cell] of delta) {
      const change = this.cells.get(id) ?? { cell, brandId: fact.ticket.brandId, propertyId: fact.ticket.propertyId ?? null, counters: {}, version: position };
      for (const [name, n] of Object.entries(cell.counters)) change.counters[name] = (change.counters[name] ?? 0) + n;
      change.version = position;
      this.cells.set(id, change);
    }
    Object.assign(entry, { fact, version: position, changed: true });
  }

  async write(): Promise<void> {
    const { docs } = this;
    // every touched cell in one round trip (the facts were prefetched by the runner)
    await this.session.preload([...this.cells.keys()].map((id) => ({ collection: ticketMetricRollups, tenantId: docs.tenantId, id })));
    for (const [id, change] of this.cells) {
      const existing = await docs.get(ticketMetricRollups, id);
      // a cell touched is written even when the batch's changes cancel out, with the version of the
      // last event that touched it: the documents do not depend on where batches happen to split
      const counters = addCounters(existing?.counters ?? {}, change.counters);
      if (Object.keys(counters).length === 0) {
        if (existing) await docs.delete(ticketMetricRollups, id, { beforeVersion: change.version });
        continue;
      }
      const { cell } = change;
      // not applied only when the cell already holds this change: a replay after a partial write (MongoDB)
      await docs.upsert(ticketMetricRollups, {
        id,
        tenantId: docs.tenantId,
        version: change.version,
        grain: cell.grain,
        period: cell.period,
        brandId: change.brandId,
        propertyId: change.propertyId,
        queueId: cell.queueId,
        counters,
      });
    }
    for (const [ticketId, entry] of this.facts) {
      if (entry.changed && entry.fact) await docs.upsert(ticketMetricFacts, { id: ticketId, tenantId: docs.tenantId, version: entry.version, fact: entry.fact });
    }
  }
}

/**
 * Applies a batch of stored ticket events to the reporting read models: folds each event into its
 * ticket's fact and adds the difference between what the fact contributes after and before to the
 * rollup cells; then writes each touched fact and cell once (a batch of a busy day touches a few cells
 * many times). Idempotent: an event at or below its fact's version was applied already. Facts, rollups
 * and the checkpoint commit in one transaction on PostgreSQL (and memory), so counts never drift there;
 * MongoDB sessions are not transactions, and a crash in the middle of a batch can leave rollups off
 * until `rebuild()`.
 */
export async function projectTicketMetricsBatch(events: readonly StoredEvent[], session: DocumentSession): Promise<void> {
  const tenants = new Map<string, TenantBatch>();
  for (const stored of events) {
    const event = ticketEventOf(stored);
    if (!event) continue;
    const tenantId = stored.metadata.tenantId;
    let batch = tenants.get(tenantId);
    if (!batch) {
      batch = new TenantBatch(session, session.forTenant(tenantId));
      tenants.set(tenantId, batch);
    }
    await batch.apply(stored, event);
  }
  for (const batch of tenants.values()) await batch.write();
}

/** One event (`projectTicketMetricsBatch` of one). */
export async function projectTicketMetricsEvent(stored: StoredEvent, session: DocumentSession): Promise<void> {
  await projectTicketMetricsBatch([stored], session);
}

/** The fact documents a batch touches (loaded in one round trip; rollup cells are cached as they are read). */
export function ticketMetricsPrefetch(events: readonly StoredEvent[]): DocumentKey[] {
  const keys: DocumentKey[] = [];
  for (const event of events) {
    const ticketId = (event.data as { ticketId?: unknown } | null)?.ticketId;
    if (typeof ticketId === 'string' && ticketId !== '') keys.push({ collection: ticketMetricFacts, tenantId: event.metadata.tenantId, id: ticketId });
  }
  return keys;
}

/** The runner keeping `ticket_metric_facts` and `ticket_metric_rollups` (checkpoint `service-tickets--metrics`). */
export function createTicketMetricsProjection(options: TicketReadModelProjectionOptions): ProjectionRunner {
  return createProjectionRunner<StoredEvent>({
    name: TICKET_METRICS_PROJECTION,
    source: eventStoreSource(options.events, { categories: [TICKET_CATEGORY] }),
    projectBatch: projectTicketMetricsBatch,
    store: options.store,
    collections: TICKET_METRICS_COLLECTIONS,
    prefetch: ticketMetricsPrefetch,
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.maxBatchSize ? { maxBatchSize: options.maxBatchSize } : {}),
  });
}
