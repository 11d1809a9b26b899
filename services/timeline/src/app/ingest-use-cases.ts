import type { AnyIntegrationEvent, GuestSummary } from '@hearth/contracts';
import { entryFromIntegrationEvent, reactionOf, type IntegrationReaction } from '../domain/integration-entry';
import { toJsonValue } from '../domain/json';
import { guestIdSchema } from '../domain/touchpoint.schemas';
import type { JsonValue, ProfileSnapshot, TimelineEvent } from '../domain/timeline.types';
import { derivedEventId } from './ids';
import type { TimelineContext } from './timeline-context';
import { appendToTimeline, type AppendContext, type TimelineEventToAppend } from './timeline-store';

/** An integration event the timeline can never apply (dead-lettered, not retried). */
export class UnusableIntegrationEventError extends Error {
  readonly code = 'UNUSABLE_INTEGRATION_EVENT';
}

export type IngestOutcome = {
  /** `recorded`: an entry was appended; `duplicate`: it was already there (redelivery); `no-guest`: the envelope names no guest; `link`: a merge or unmerge, recorded as a link only. */
  entry: 'recorded' | 'duplicate' | 'no-guest' | 'link';
  reaction: IntegrationReaction['kind'] | null;
};

const usableGuestId = (guestId: string, what: string): string => {
  if (!guestIdSchema.safeParse(guestId).success) throw new UnusableIntegrationEventError(`${what} '${guestId.slice(0, 80)}' cannot name a timeline`);
  return guestId;
};

/** A profile snapshot from customer-profile's guest summary, shaped as the guest view keeps it (so equal profiles compare equal). */
export function snapshotOf(guest: GuestSummary, takenAt: string): ProfileSnapshot {
  return {
    status: guest.status,
    name: guest.name ? { title: guest.name.title ?? null, given: guest.name.given ?? null, family: guest.name.family ?? null } : null,
    dateOfBirth: guest.dateOfBirth,
    language: guest.language,
    customerType: guest.customerType,
    lifecycleStage: guest.lifecycleStage,
    identifiers: guest.identifiers.map((i) => ({ type: i.type, masked: i.masked })),
    preferences: guest.preferences.map((p) => ({
      key: p.key,
      kind: p.kind,
      scope: p.scope,
      brandId: p.brandId,
      value: p.value === undefined ? null : (toJsonValue(p.value) as JsonValue),
      setAt: p.setAt,
    })),
    consents: guest.consents.map((c) => ({ brandId: c.brandId, purpose: c.purpose, channel: c.channel, granted: c.granted, at: c.at })),
    takenAt,
  };
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Same profile, whenever it was taken. */
export function sameSnapshot(a: ProfileSnapshot | null | undefined, b: ProfileSnapshot): boolean {
  if (!a) return false;
  const { takenAt: _a, ...restA } = a;
  const { takenAt: _b, ...restB } = b;
  return canonical(restA) === canonical(restB);
}

/**
 * Asks customer-profile for the guest's summary and records a `ProfileSnapshotRecorded` when it differs
 * from the last snapshot the view holds. Erased guests get no snapshot (their personal data is gone).
 * Deterministic event id per causing envelope: a redelivery records nothing twice.
 */
async function refreshProfile(ctx: TimelineContext, envelope: AnyIntegrationEvent, guestId: string, context: AppendContext): Promise<void> {
  const reply = await ctx.profile.guestSummary(envelope.tenantId, guestId);
  if (!reply.found || reply.guest.status === 'erased') return;
  const snapshot = snapshotOf(reply.guest, ctx.now().toISOString());
  const stored = (await ctx.readModel.guestView(envelope.tenantId, guestId))?.state();
  if (stored?.erasedAt || sameSnapshot(stored?.profile, snapshot)) return;
  await appendToTimeline(ctx, guestId, [{ eventId: derivedEventId(envelope.id, `profile:${guestId}`), type: 'ProfileSnapshotRecorded', data: { guestId, profile: snapshot } }], context);
}

/**
 * Applies one integration event of any Hearth service: an `EntryRecorded` on the timeline of the guest it
 * names (event id = envelope id, so redeliveries are no-ops), plus customer-profile's reactions:
 * merges link the two timelines (`GuestLinked` in both streams; entries never move), unmerges unlink them,
 * an erasure destroys the guest's key and records `GuestErasureRecorded` (the projection then purges the
 * read models), and profile changes refresh the profile snapshot. Idempotent: safe under redelivery.
 */
export async function ingestIntegrationEvent(ctx: TimelineContext, envelope: AnyIntegrationEvent, options: { traceparent?: string | undefined } = {}): Promise<IngestOutcome> {
  const recordedAt = ctx.now().toISOString();
  const reaction = reactionOf(envelope) ?? null;
  // A merge or unmerge is recorded as the link itself (the view lists merged guests), not as an entry:
  // after an unmerge both timelines are then exactly as before the merge.
  const linking = reaction?.kind === 'link' || reaction?.kind === 'unlink';
  const entry = linking ? undefined : entryFromIntegrationEvent(envelope, recordedAt);
  const context: AppendContext = {
    tenantId: envelope.tenantId,
    actor: `service:${envelope.source}`,
    brandId: entry?.brandId ?? envelope.brandId,
    correlationId: envelope.correlationId,
    causationId: envelope.id,
    occurredAt: envelope.occurredAt,
    traceparent: options.traceparent,
  };
  if (entry) usableGuestId(entry.guestId, 'guestId');

  /** Events per guest stream, the entry first (one append per stream). */
  const byGuest = new Map<string, TimelineEventToAppend[]>();
  const add = (guestId: string, event: TimelineEventToAppend) => byGuest.set(guestId, [...(byGuest.get(guestId) ?? []), event]);
  if (entry) add(entry.guestId, { eventId: entry.entryId, type: 'EntryRecorded', data: { entry } });

  if (reaction?.kind === 'link' || reaction?.kind === 'unlink') {
    const type = reaction.kind === 'link' ? 'GuestLinked' : 'GuestUnlinked';
    const data = { mergeId: reaction.mergeId, survivorId: usableGuestId(reaction.survivorId, 'survivorId'), mergedId: usableGuestId(reaction.mergedId, 'mergedId'), at: envelope.occurredAt };
    for (const guestId of [reaction.mergedId, reaction.survivorId]) {
      add(guestId, { eventId: derivedEventId(envelope.id, `${type}:${guestId}`), type, data } as TimelineEvent & { eventId: string });
    }
  }
  if (reaction?.kind === 'erase') {
    const guestId = usableGuestId(reaction.guestId, 'guestId');
    // the key goes first: whatever is read from now on (projection, time travel) has no personal data
    await ctx.eraseGuestKey(guestId);
    add(guestId, { eventId: derivedEventId(envelope.id, `erasure:${guestId}`), type: 'GuestErasureRecorded', data: { guestId, erasedAt: envelope.occurredAt } });
  }

  let outcome: IngestOutcome['entry'] = entry ? 'duplicate' : linking ? 'link' : 'no-guest';
  for (const [guestId, events] of byGuest) {
    const appended = await appendToTimeline(ctx, guestId, events, { ...context, brandId: guestId === entry?.guestId ? context.brandId : null });
    if (entry && guestId === entry.guestId && !appended.duplicate) outcome = 'recorded';
  }
  if (reaction?.kind === 'refresh-profile') await refreshProfile(ctx, envelope, usableGuestId(reaction.guestId, 'guestId'), { ...context, brandId: null });
  if (reaction?.kind === 'erase') {
    // a survivor's profile may hold values it won from the erased guest: ask again what customer-profile shows now
    const erased = await ctx.readModel.guestView(envelope.tenantId, reaction.guestId);
    const survivorId = erased?.mergedInto?.survivorId;
    if (survivorId) await refreshProfile(ctx, envelope, survivorId, { ...context, brandId: null });
  }
  return { entry: outcome, reaction: reaction?.kind ?? null };
}
