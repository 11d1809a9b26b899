import { BrandNotAllowedError, type ResolvedScope, type Viewer, resolveViewerScope } from '@hearth/customer-profile-client';
import { StreamNotFoundError } from '@hearth/event-store';
import { serializeBody, type SerializedBody } from '@hearth/http';
import { isEntryVisible, isScopeKeyVisible, visibleScopeKeys } from '../domain/entry-scope';
import { combineViews, evolveGuestView, initialGuestView, linkedGuestIds, presentView, type GuestViewResponse, type GuestViewState } from '../domain/guest-view';
import { toEntryResponse, type TimelineEntryResponse } from '../domain/touchpoint.schemas';
import type { TimelineEntry, ViewerScope } from '../domain/timeline.types';
import { GuestMergedError, GuestNotFoundError } from './errors';
import { RenderedViewCache } from './rendered-views';
import type { TimelineContext } from './timeline-context';
import { timelineStream } from './timeline-store';

/** Merges chain (A into B, B into C): at most this many guests are combined into one view. */
const MAX_LINKED_GUESTS = 100;

/** A guest's combined view: its own state plus every guest (transitively) linked into it. */
export type CombinedView = {
  guestId: string;
  /** The combined state (computed on each call: a read answered by a kept rendering needs none). */
  combined(): GuestViewState;
  /** The guest and every linked guest: whose entries its timeline shows. */
  guestIds: string[];
};

/**
 * The guests merged into a guest, following chains (at most MAX_LINKED_GUESTS). `load` returns what is
 * known of the given guests (missing ones are skipped: a linked guest with no timeline adds nothing).
 */
async function linkedViews<T>(guestId: string, own: T, linkedOf: (view: T) => readonly string[], load: (ids: string[]) => Promise<Map<string, T>>): Promise<{ linked: T[]; guestIds: string[] }> {
  const linked: T[] = [];
  const seen = new Set([guestId]);
  let frontier = linkedOf(own).filter((id) => !seen.has(id));
  while (frontier.length > 0 && seen.size < MAX_LINKED_GUESTS) {
    frontier = frontier.slice(0, MAX_LINKED_GUESTS - seen.size);
    for (const id of frontier) seen.add(id);
    const views = await load(frontier);
    const next: string[] = [];
    for (const id of frontier) {
      const view = views.get(id);
      if (view === undefined) continue;
      linked.push(view);
      for (const more of linkedOf(view)) if (!seen.has(more)) next.push(more);
    }
    frontier = [...new Set(next)];
  }
  return { linked, guestIds: [...seen] };
}

/** The stored view of a guest, combined with its linked guests. 404 when unknown, GUEST_MERGED when merged. */
export async function loadCombinedView(ctx: TimelineContext, tenantId: string, guestId: string): Promise<CombinedView & { version: number; versions: string }> {
  const own = await ctx.readModel.guestView(tenantId, guestId);
  if (!own) throw new GuestNotFoundError(guestId);
  if (own.mergedInto) throw new GuestMergedError(guestId, own.mergedInto.survivorId);
  // which stored views (and versions) the combined view is made of: a rendering of it is valid while they are
  let versions = String(own.version);
  const { linked, guestIds } = await linkedViews(guestId, own, (view) => view.linked, async (ids) => {
    const docs = await ctx.readModel.guestViews(tenantId, ids);
    for (const id of ids) versions += ` ${id}@${docs.get(id)?.version ?? '-'}`;
    return docs;
  });
  return { guestId, guestIds, version: own.version, versions, combined: () => combineViews(own.state(), linked.map((view) => view.state())) };
}

/** What a read request brings: the verified caller and the brand it acts for (`X-Brand-Id`). */
export type ReadRequest = { viewer: Viewer; brandId?: string | undefined };

export const scopeOf = (ctx: TimelineContext, request: ReadRequest): Promise<ResolvedScope> => resolveViewerScope(ctx.directory, request.viewer, request.brandId);

/**
 * `GET /v1/guests/{id}/view`: the unified view, brand-scoped for the caller, as JSON. A rendering kept in
 * `ctx.renderedViews` answers while the guest's stored views are unchanged (at most its maxAge old: then
 * `generatedAt` says as of when); otherwise the view is presented now.
 */
export async function getGuestView(ctx: TimelineContext, request: ReadRequest, guestId: string): Promise<{ json: SerializedBody<GuestViewResponse>; version: number }> {
  // the caller's scope first: a brand it may not act for is a 403 whether the guest exists or not
  const { scope } = await scopeOf(ctx, request);
  const tenantId = request.viewer.tenantId;
  const loaded = await loadCombinedView(ctx, tenantId, guestId);
  const now = ctx.now();
  const key = ctx.renderedViews ? RenderedViewCache.key(tenantId, guestId, scope) : '';
  const kept = ctx.renderedViews?.get(key, loaded.versions, now.getTime());
  if (kept !== undefined) return { json: kept, version: loaded.version };
  const json = serializeBody(presentView(loaded.combined(), { scope, now: now.toISOString() }));
  ctx.renderedViews?.set(key, loaded.versions, now.getTime(), json);
  return { json, version: loaded.version };
}

/** One guest's own stream folded up to `asOf` (store recordedAt), or undefined when it had no events then. */
async function foldAsOf(ctx: TimelineContext, tenantId: string, guestId: string, asOfMs: number): Promise<GuestViewState | undefined> {
  let events;
  try {
    events = await ctx.store.readStream(timelineStream(guestId));
  } catch (error) {
    if (error instanceof StreamNotFoundError) return undefined;
    throw error;
  }
  let state: GuestViewState | undefined;
  for (const event of events) {
    if (Date.parse(event.recordedAt) > asOfMs) break;
    if (event.metadata.tenantId !== tenantId) return undefined;
    state = evolveGuestView(state ?? initialGuestView(guestId, tenantId), { type: event.type, data: event.data, recordedAt: event.recordedAt });
  }
  return state;
}

/**
 * `GET /v1/guests/{id}/view?asOf=`: the view as it was at that moment, folded from the event store (the
 * guest's stream and the streams linked into it as of then), counting only events recorded by then.
 */
export async function getGuestViewAsOf(ctx: TimelineContext, request: ReadRequest, guestId: string, asOf: string): Promise<GuestViewResponse> {
  const tenantId = request.viewer.tenantId;
  const asOfMs = Date.parse(asOf);
  const { scope } = await scopeOf(ctx, request);
  const own = await foldAsOf(ctx, tenantId, guestId, asOfMs);
  if (!own) throw new GuestNotFoundError(guestId);
  if (own.mergedInto) throw new GuestMergedError(guestId, own.mergedInto.survivorId);
  const { linked } = await linkedViews(guestId, own, linkedGuestIds, async (ids) => {
    const states = await Promise.all(ids.map(async (id) => [id, await foldAsOf(ctx, tenantId, id, asOfMs)] as const));
    return new Map(states.filter((s): s is readonly [string, GuestViewState] => s[1] !== undefined));
  });
  const combined = combineViews(own, linked);
  return presentView(combined, { scope, now: ctx.now().toISOString(), asOf });
}

export type TimelinePageQuery = {
  cursor?: string | undefined;
  limit: number;
  types?: readonly string[] | undefined;
  brands?: readonly string[] | undefined;
  from?: string | undefined;
  to?: string | undefined;
};

export type TimelinePage = { guestId: string; items: TimelineEntryResponse[]; nextCursor?: string };

/** Scope keys to filter by, or undefined for chain-wide callers (they see every bucket). */
function scopeKeysFor(scope: ViewerScope, allBrandIds: readonly string[]): string[] | undefined {
  return scope.visibleBrands === 'all' ? undefined : visibleScopeKeys(scope, allBrandIds);
}

/**
 * `GET /v1/guests/{id}/timeline`: entries of the guest and the guests merged into it that the caller may
 * see, newest first by occurredAt (whatever order they arrived in), cursor-paged, filterable.
 */
export async function getTimelinePage(ctx: TimelineContext, request: ReadRequest, guestId: string, query: TimelinePageQuery): Promise<TimelinePage> {
  const { scope, allBrandIds } = await scopeOf(ctx, request);
  const loaded = await loadCombinedView(ctx, request.viewer.tenantId, guestId);
  const page = await ctx.readModel.entries(request.viewer.tenantId, {
    guestIds: loaded.guestIds,
    scopeKeys: scopeKeysFor(scope, allBrandIds),
    types: query.types,
    brandIds: query.brands,
    from: query.from,
    to: query.to,
    limit: query.limit,
    cursor: query.cursor,
  });
  // the read model is already scoped; the domain rule once more (defence in depth)
  const items = page.items.filter((entry) => isEntryVisible(entry, scope)).map(toEntryResponse);
  return { guestId, items, ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}) };
}

/** One guest on the arrivals briefing. */
export type ArrivalBriefing = {
  reservationId: string;
  /** The guest answering for the reservation (the survivor when the booking guest was merged). */
  guestId: string;
  bookedAs: string;
  arrivalDate: string | null;
  departureDate: string | null;
  brandId: string | null;
  name: string | null;
  tier: string | null;
  vip: boolean;
  preferences: GuestViewResponse['preferences'];
  specialRequests: GuestViewResponse['specialRequests'];
  openIssues: { tickets: GuestViewResponse['openTickets']; complaints: GuestViewResponse['recentComplaints'] };
  pastServiceFailures: GuestViewResponse['recentComplaints'];
  cues: GuestViewResponse['cues'];
};

/** The combined view of the guest answering for `guestId` (its survivor while merged); undefined when unknown. */
async function answeringView(ctx: TimelineContext, tenantId: string, guestId: string, hops = 0): Promise<CombinedView | undefined> {
  try {
    return await loadCombinedView(ctx, tenantId, guestId);
  } catch (error) {
    if (error instanceof GuestMergedError && hops < 10) return answeringView(ctx, tenantId, error.survivorId, hops + 1);
    if (error instanceof GuestMergedError || error instanceof GuestNotFoundError) return undefined;
    throw error;
  }
}

/**
 * `GET /v1/properties/{id}/arrivals?date=`: booked reservations arriving that day that the caller may see,
 * each with the guest's tier, preferences, special requests, open issues and past service failures
 * (from the guest views, brand-scoped like the view itself).
 */
export async function getArrivalsBriefing(ctx: TimelineContext, request: ReadRequest, propertyId: string, date: string): Promise<ArrivalBriefing[]> {
  const tenantId = request.viewer.tenantId;
  const { scope } = await scopeOf(ctx, request);
  if (scope.visibleBrands !== 'all') {
    const property = (await ctx.directory.get(tenantId)).properties.find((p) => p.propertyId === propertyId);
    if (property && !isScopeKeyVisible(`shared:${property.brandId}`, scope)) throw new BrandNotAllowedError(property.brandId);
  }
  const reservations = (await ctx.readModel.arrivals(tenantId, propertyId, date)).filter((r) => isScopeKeyVisible(r.scopeKey, scope));
  const now = ctx.now().toISOString();
  const briefings = await Promise.all(
    reservations.map(async (reservation): Promise<ArrivalBriefing | undefined> => {
      const view = await answeringView(ctx, tenantId, reservation.guestId);
      if (!view) return undefined;
      const shown = presentView(view.combined(), { scope, now });
      const open = shown.recentComplaints.filter((c) => c.status === 'open');
      return {
        reservationId: reservation.reservationId,
        guestId: view.guestId,
        bookedAs: reservation.guestId,
        arrivalDate: reservation.arrivalDate,
        departureDate: reservation.departureDate,
        brandId: reservation.brandId,
        name: shown.identity?.displayName ?? null,
        tier: shown.loyalty.available ? shown.loyalty.tier : null,
        vip: shown.cues.some((c) => c.code === 'vip'),
        preferences: shown.preferences,
        specialRequests: shown.specialRequests.filter((s) => s.source === 'profile' || s.reservationId === reservation.reservationId),
        openIssues: { tickets: shown.openTickets, complaints: open },
        pastServiceFailures: shown.recentComplaints.filter((c) => c.status !== 'open'),
        cues: shown.cues,
      };
    }),
  );
  return briefings
    .filter((b): b is ArrivalBriefing => b !== undefined)
    .sort((a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || a.reservationId.localeCompare(b.reservationId));
}

/** Whether a caller may see an entry (SSE filter). */
export const entryVisibleTo = (entry: TimelineEntry, scope: ViewerScope): boolean => isEntryVisible(entry, scope);
