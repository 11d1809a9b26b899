import type { EventStore, StoredEvent } from '@hearth/event-store';
import { createProjectionRunner, eventStoreSource, type DocumentStore, type ProjectionRunner } from '@hearth/read-models';
import type { SlaScheduler, SlaSchedulerOutcome } from '../../app/sla-scheduler';
import { TICKET_CATEGORY } from '../../app/ticket-stream';

/** Checkpoint name of the SLA scheduler. */
export const SLA_SCHEDULER_PROJECTION = 'service-tickets--sla-scheduler';

export type SlaSchedulerRunnerOptions = {
  /** The service's raw event store (the scheduler needs no personal data). */
  events: EventStore;
  /** Where the checkpoint lives (the service's document store: `read_model_checkpoints`). */
  store: DocumentStore;
  scheduler: SlaScheduler;
  onError?: (error: unknown, context: { position: number | undefined; attempt: number }) => void;
  /** Each outcome (tests, debug logs). */
  onOutcome?: (outcome: SlaSchedulerOutcome) => void;
};

/**
 * Follows the `ticket` events from a durable checkpoint (the read-models projection runner: catch-up,
 * then live; retries with back-off; several instances safe) and runs the SLA scheduler for each. The
 * scheduler's effects (reschedule commands, timer upserts) are idempotent, so a batch replayed after a
 * crash or lost to another instance's checkpoint only repeats no-ops.
 */
export function createSlaSchedulerRunner(options: SlaSchedulerRunnerOptions): ProjectionRunner {
  return createProjectionRunner<StoredEvent>({
    name: SLA_SCHEDULER_PROJECTION,
    source: eventStoreSource(options.events, { categories: [TICKET_CATEGORY] }),
    project: async (event) => {
      const outcome = await options.scheduler.onTicketEvent(event);
      if (outcome) options.onOutcome?.(outcome);
    },
    store: options.store,
    // effects are per event; small batches keep a replay after a failure short
    maxBatchSize: 50,
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
