import { SubjectErasedError, type AppendResult, type EventMetadata, type EventStore, type NewEvent } from '@hearth/event-store';
import type { TimelineEvent } from '../domain/timeline.types';

/** Stream category of guest timelines. */
export const TIMELINE_CATEGORY = 'timeline';
const PREFIX = `${TIMELINE_CATEGORY}-`;

/** `timeline-<guestId>`: one stream per guest id, never moved by merges. */
export const timelineStream = (guestId: string): string => `${PREFIX}${guestId}`;

/** The guest id of a timeline stream, or undefined for another stream. */
export const guestIdOfStream = (streamName: string): string | undefined => (streamName.startsWith(PREFIX) ? streamName.slice(PREFIX.length) : undefined);

/** A timeline event with the id it is stored under (idempotent appends). */
export type TimelineEventToAppend = TimelineEvent & { eventId: string };

/** Who/why/when of an append (the event store's metadata minus what is derived here). */
export type AppendContext = {
  tenantId: string;
  actor: string;
  correlationId: string;
  causationId: string;
  occurredAt: string;
  brandId?: string | null | undefined;
  channel?: string | null | undefined;
  traceparent?: string | undefined;
};

/** Where timeline events are written: the decrypting store and the raw one under it. */
export type TimelineStores = {
  /** The crypto-shredding store: personal fields are encrypted with the guest's key. */
  store: EventStore;
  /** The store underneath (what is really kept): events without personal values skip the key lookup. */
  rawStore: EventStore;
};

function hasPersonalData(event: TimelineEvent): boolean {
  if (event.type === 'EntryRecorded') return event.data.entry.personal !== null && Object.keys(event.data.entry.personal).length > 0;
  return event.type === 'ProfileSnapshotRecorded';
}

/** The same events without personal data: entries keep their facts, profile snapshots are dropped. */
function withoutPersonalData(events: readonly TimelineEventToAppend[]): TimelineEventToAppend[] {
  return events.flatMap((event): TimelineEventToAppend[] => {
    if (event.type === 'ProfileSnapshotRecorded') return [];
    if (event.type === 'EntryRecorded') return [{ ...event, data: { entry: { ...event.data.entry, personal: null } } }];
    return [event];
  });
}

export type TimelineAppendResult = AppendResult & {
  /** True when the guest was erased and the personal data of these events was dropped instead of stored. */
  personalDataDropped: boolean;
};

/**
 * Appends events to a guest's timeline stream (any expected version: entries are facts, idempotent by
 * event id). Events without personal values go straight to the raw store: no data key is looked up
 * or created for them, so integration events of a guest that was erased are still recorded. Personal
 * data for an erased guest is refused by the crypto-shredding store; it is then dropped and the facts
 * are stored without it.
 */
export async function appendToTimeline(stores: TimelineStores, guestId: string, events: readonly TimelineEventToAppend[], context: AppendContext): Promise<TimelineAppendResult> {
  const metadata: EventMetadata = {
    tenantId: context.tenantId,
    guestId,
    actor: context.actor,
    correlationId: context.correlationId,
    causationId: context.causationId,
    occurredAt: context.occurredAt,
    schemaVersion: 1,
    ...(context.brandId ? { brandId: context.brandId } : {}),
    ...(context.channel ? { channel: context.channel } : {}),
    ...(context.traceparent ? { traceparent: context.traceparent } : {}),
  };
  const toNew = (list: readonly TimelineEventToAppend[]): NewEvent[] => list.map(({ eventId, type, data }) => ({ eventId, type, data, metadata }));
  const stream = timelineStream(guestId);
  if (!events.some(hasPersonalData)) return { ...(await stores.rawStore.appendToStream(stream, toNew(events), { expectedVersion: 'any' })), personalDataDropped: false };
  try {
    return { ...(await stores.store.appendToStream(stream, toNew(events), { expectedVersion: 'any' })), personalDataDropped: false };
  } catch (error) {
    if (!(error instanceof SubjectErasedError)) throw error;
    const remaining = withoutPersonalData(events);
    if (remaining.length === 0) {
      const version = await stores.rawStore.streamVersion(stream);
      return { streamVersion: version ?? -1, globalPosition: 0, duplicate: true, personalDataDropped: true };
    }
    return { ...(await stores.rawStore.appendToStream(stream, toNew(remaining), { expectedVersion: 'any' })), personalDataDropped: true };
  }
}
