import { uuidV5 as deterministicId } from '@hearth/event-store';

/** Namespace of the timeline's deterministic ids (a fixed random UUID). */
export const TIMELINE_ID_NAMESPACE = '5b7a3c1e-4d0f-4c8e-9a61-2f3e8d7c6b50';

/** UUID v5 of `name` in this service's namespace (`uuidV5` of @hearth/event-store). */
export const uuidV5 = (name: string, namespace: string = TIMELINE_ID_NAMESPACE): string => deterministicId(name, namespace);

/**
 * The entry id of a touchpoint sent with a key: the same tenant and key always give the same id, so a
 * retry is recognised by the event store (an event id already in the stream is not appended again).
 * A source event id and an Idempotency-Key live in separate name spaces.
 */
export function touchpointEntryId(tenantId: string, key: { sourceEventId: string } | { idempotencyKey: string }): string {
  const name = 'sourceEventId' in key ? `source\n${key.sourceEventId}` : `idempotency\n${key.idempotencyKey}`;
  return uuidV5(`touchpoint\n${tenantId}\n${name}`);
}

/** Id of an event the timeline derives from another one (e.g. GuestLinked in the survivor's stream for a merge envelope). */
export function derivedEventId(sourceId: string, purpose: string): string {
  return uuidV5(`derived\n${sourceId}\n${purpose}`);
}
