import type { StoredEvent } from '@hearth/event-store';
import { defineCollection } from '../collection';
import type { BaseDocument, DocumentKey, DocumentSession } from '../types';

/**
 * A per-guest summary projection over `guest-<id>` streams, used by the runner's tests and the
 * benchmark: read-modify-write of one document per event, versioned by the event's global position.
 */
export type GuestSummary = BaseDocument & {
  name: string | null;
  email: string | null;
  stays: number;
  spent: number;
  lastEventType: string;
  lastEventAt: string;
  /** Lets a test tell the projection code that built a document. */
  shape: number;
};

export const guestSummaries = defineCollection<GuestSummary>({
  name: 'guest_summary',
  fields: { email: 'string', stays: 'number', lastEventAt: 'string' },
  indexes: [{ fields: ['email'] }, { fields: ['stays'] }, { fields: ['lastEventAt'] }],
});

export type GuestEventData = { name?: string; email?: string; amount?: number };

export function guestIdOf(event: StoredEvent): string {
  return event.streamName.slice(event.streamName.indexOf('-') + 1);
}

/** The projection; `shape` is stamped on every document it writes. */
export function guestSummaryProjection(shape = 1) {
  return async (event: StoredEvent, session: DocumentSession): Promise<void> => {
    const docs = session.forTenant(event.metadata.tenantId);
    const id = guestIdOf(event);
    const data = event.data as GuestEventData;
    if (event.type === 'GuestErased') {
      await docs.delete(guestSummaries, id, { beforeVersion: event.globalPosition });
      return;
    }
    const current = await docs.get(guestSummaries, id);
    const next: GuestSummary = {
      id,
      tenantId: event.metadata.tenantId,
      version: event.globalPosition,
      name: current?.name ?? null,
      email: current?.email ?? null,
      stays: current?.stays ?? 0,
      spent: current?.spent ?? 0,
      lastEventType: event.type,
      lastEventAt: event.metadata.occurredAt,
      shape,
    };
    if (event.type === 'GuestRegistered' || event.type === 'GuestRenamed') next.name = data.name ?? next.name;
    if (event.type === 'GuestRegistered' || event.type === 'EmailChanged') next.email = data.email ?? next.email;
    if (event.type === 'StayCompleted') {
      next.stays += 1;
      next.spent = Math.round((next.spent + (data.amount ?? 0)) * 100) / 100;
    }
    await docs.upsert(guestSummaries, next);
  };
}

/** Prefetch hint: the guest documents a batch touches. */
export function guestSummaryPrefetch(events: readonly StoredEvent[]): DocumentKey[] {
  return events.map((e) => ({ collection: guestSummaries, tenantId: e.metadata.tenantId, id: guestIdOf(e) }));
}
