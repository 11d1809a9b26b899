import type { AnyIntegrationEvent } from '@hearth/contracts';
import { DeadLetterError, type MessageInfo } from '@hearth/messaging';
import { counter, currentTraceHeaders } from '@hearth/observability';
import { ingestIntegrationEvent, UnusableIntegrationEventError, type IngestOutcome } from '../../app/ingest-use-cases';
import type { TimelineContext } from '../../app/timeline-context';

const ingested = counter('hearth.timeline.ingested', { description: 'Integration events applied to timelines, by outcome (recorded, duplicate, no-guest)' });

/**
 * The message handler of the ingest consumers: applies the event (`ingestIntegrationEvent`), turns an
 * event that can never apply into a dead letter at once, and lets every other failure be retried
 * (nak with backoff, dead-lettered after the last delivery by `@hearth/messaging`).
 */
export function createIngestHandler(ctx: TimelineContext, options: { onIngested?: (event: AnyIntegrationEvent, outcome: IngestOutcome) => void } = {}) {
  return async (event: AnyIntegrationEvent, info: MessageInfo): Promise<void> => {
    let outcome: IngestOutcome;
    try {
      outcome = await ingestIntegrationEvent(ctx, event, { traceparent: currentTraceHeaders().traceparent ?? info.headers.traceparent });
    } catch (error) {
      if (error instanceof UnusableIntegrationEventError) throw new DeadLetterError(error.message, { cause: error });
      throw error;
    }
    ingested.add(1, { 'hearth.outcome': outcome.entry, 'hearth.event.type': event.type });
    options.onIngested?.(event, outcome);
  };
}
