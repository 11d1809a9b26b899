import { BrandNotAllowedError } from '@hearth/customer-profile-client';
import { DuplicateEventIdError } from '@hearth/event-store';
import { touchpointInputSchema, toTimelineEntry, type TouchpointInput } from '../domain/touchpoint.schemas';
import { AmbiguousGuestError, GuestNotFoundError, InvalidTouchpointError, type FieldProblem } from './errors';
import { touchpointEntryId } from './ids';
import type { TimelineContext } from './timeline-context';
import { appendToTimeline } from './timeline-store';

/** Who records a touchpoint (from the verified token and the request). */
export type TouchpointCaller = {
  tenantId: string;
  /** `user:<sub>`: the entry's actor unless the touchpoint names one. */
  actor: string;
  brands: readonly string[] | '*';
  correlationId: string;
  causationId: string;
  traceparent?: string | undefined;
};

export type Resolution = 'id' | 'matched' | 'created';

export type TouchpointResult = {
  entryId: string;
  guestId: string;
  resolution: Resolution;
  /** True when the touchpoint had been recorded before (same source event id or Idempotency-Key). */
  duplicate: boolean;
};

/** Resolves the guest a touchpoint names: by id (it must exist) or by identifiers (customer-profile's resolve). */
async function resolveGuest(ctx: TimelineContext, caller: TouchpointCaller, input: TouchpointInput): Promise<{ guestId: string; resolution: Resolution }> {
  if (input.guestId !== undefined) {
    if (await ctx.readModel.hasGuest(caller.tenantId, input.guestId)) return { guestId: input.guestId, resolution: 'id' };
    // nothing on the timeline yet (or the projection trails): customer-profile is the authority on guests
    const summary = await ctx.profile.guestSummary(caller.tenantId, input.guestId);
    if (!summary.found) throw new GuestNotFoundError(input.guestId);
    return { guestId: input.guestId, resolution: 'id' };
  }
  const reply = await ctx.profile.resolve({
    tenantId: caller.tenantId,
    identifiers: input.identifiers!.map((i) => ({ type: i.type, value: i.value, ...(i.system !== undefined ? { system: i.system } : {}) })),
    actor: 'service:timeline',
    brandId: input.brandId,
    channel: input.channel,
    correlationId: caller.correlationId,
  });
  if (reply.outcome === 'ambiguous') throw new AmbiguousGuestError(reply.candidates, reply.proposalId);
  return { guestId: reply.guestId, resolution: reply.outcome };
}

/**
 * Records one validated touchpoint on its guest's timeline. With a source event id (or an
 * Idempotency-Key) the entry id is deterministic, so a retry finds the entry already stored and answers
 * `duplicate: true` without writing anything (also across instances: the event store is the judge).
 */
export async function recordTouchpoint(ctx: TimelineContext, caller: TouchpointCaller, input: TouchpointInput, options: { idempotencyKey?: string | undefined } = {}): Promise<TouchpointResult> {
  if (caller.brands !== '*' && !caller.brands.includes(input.brandId)) throw new BrandNotAllowedError(input.brandId);
  const key = input.sourceEventId !== undefined ? { sourceEventId: input.sourceEventId } : options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : undefined;
  const entryId = key ? touchpointEntryId(caller.tenantId, key) : ctx.newId();

  if (key) {
    // a retry: answer from what is stored, without resolving identifiers again
    const known = await ctx.readModel.entry(caller.tenantId, entryId);
    if (known) return { entryId, guestId: known.entry.guestId, resolution: input.guestId !== undefined ? 'id' : 'matched', duplicate: true };
  }

  const { guestId, resolution } = await resolveGuest(ctx, caller, input);
  const entry = toTimelineEntry(input, { entryId, guestId, recordedAt: ctx.now().toISOString(), actor: caller.actor });
  if (entry.sourceEventId === undefined && options.idempotencyKey !== undefined) entry.sourceEventId = options.idempotencyKey;
  try {
    const appended = await appendToTimeline(ctx, guestId, [{ eventId: entryId, type: 'EntryRecorded', data: { entry } }], {
      tenantId: caller.tenantId,
      actor: entry.actor,
      brandId: entry.brandId,
      channel: entry.channel,
      correlationId: caller.correlationId,
      causationId: caller.causationId,
      occurredAt: entry.occurredAt,
      traceparent: caller.traceparent,
    });
    return { entryId, guestId, resolution, duplicate: appended.duplicate };
  } catch (error) {
    // the key was used for a touchpoint of another guest stream (e.g. the identifiers now resolve to a survivor)
    if (!(error instanceof DuplicateEventIdError)) throw error;
    const known = await ctx.readModel.entry(caller.tenantId, entryId);
    return { entryId, guestId: known?.entry.guestId ?? guestId, resolution, duplicate: true };
  }
}

/** The outcome of one batch item. */
export type BatchItemOutcome = { index: number; ok: true; result: TouchpointResult } | { index: number; ok: false; error: unknown };

/** Field problems of a zod error, prefixed with where the item sits in the request (`body.items.3`). */
function itemProblems(prefix: string, issues: readonly { path: readonly PropertyKey[]; message: string; code?: string }[]): FieldProblem[] {
  return issues.map((issue) => ({ path: [prefix, ...issue.path.map(String)].join('.'), message: issue.message, ...(issue.code ? { code: issue.code } : {}) }));
}

/** Batch items recorded concurrently (each item is its own append; the event store groups them into commits). */
const BATCH_CONCURRENCY = 16;

/**
 * Records a batch of touchpoints, each validated and recorded on its own: a bad item fails alone and
 * good items are stored. With an Idempotency-Key, an item without a source event id gets the key
 * `<key>:<index>`, so retrying the whole batch records nothing twice.
 */
export async function recordTouchpointBatch(
  ctx: TimelineContext,
  caller: TouchpointCaller,
  items: readonly unknown[],
  options: { idempotencyKey?: string | undefined; pathPrefix?: string } = {},
): Promise<BatchItemOutcome[]> {
  const prefix = options.pathPrefix ?? 'body.items';
  const outcomes: BatchItemOutcome[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const parsed = touchpointInputSchema.safeParse(items[index]);
      if (!parsed.success) {
        outcomes[index] = { index, ok: false, error: new InvalidTouchpointError(itemProblems(`${prefix}.${index}`, parsed.error.issues)) };
        continue;
      }
      try {
        const idempotencyKey = options.idempotencyKey !== undefined ? `${options.idempotencyKey}:${index}` : undefined;
        outcomes[index] = { index, ok: true, result: await recordTouchpoint(ctx, caller, parsed.data, { idempotencyKey }) };
      } catch (error) {
        outcomes[index] = { index, ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, items.length) }, worker));
  return outcomes;
}
