import { authenticate, requireActor, validationError, type TokenVerifier } from '@hearth/http';
import type { Express, Request, Response } from 'express';
import { loadCombinedView, scopeOf } from '../../app/guest-queries';
import type { TimelineContext } from '../../app/timeline-context';
import { isEntryVisible } from '../../domain/entry-scope';
import { guestIdSchema, toEntryResponse } from '../../domain/touchpoint.schemas';
import { translateError } from './errors';
import { brandIdSchema, READ_ROLES, readRequestOf } from './request-scope';
import type { TimelineFeed } from './timeline-feed';

/** The path of the live timeline (Server-Sent Events). */
export const TIMELINE_STREAM_PATH = '/v1/guests/:guestId/timeline/stream';

export type TimelineStreamOptions = {
  ctx: TimelineContext;
  feed: TimelineFeed;
  verifier: TokenVerifier;
  /** Comment line on idle streams (default 15 s). */
  heartbeatMs?: number;
  /** Reconnection delay suggested to clients (`retry:`), default 3 s. */
  retryMs?: number;
};

const LAST_EVENT_ID = /^\d{1,16}$/;

/** Open streams, so shutdown can end them (they would otherwise hold the server open). */
export type OpenStreams = { endAll(): void; size(): number };

/**
 * `GET /v1/guests/{guestId}/timeline/stream`: Server-Sent Events with the entries appended to the guest's
 * timeline (and to the timelines of guests merged into it) that the caller may see. Each event is
 * `event: entry`, `id: <global position>`, `data: <TimelineEntry JSON>`; a reconnect with `Last-Event-ID`
 * replays what was missed first. Comment heartbeats keep idle connections open. A raw Express route (the
 * response is a stream, not a reply), authenticated like every route.
 */
export function registerTimelineStream(app: Express, options: TimelineStreamOptions): OpenStreams {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const retryMs = options.retryMs ?? 3_000;
  const open = new Set<Response>();

  app.get(TIMELINE_STREAM_PATH, authenticate(options.verifier, READ_ROLES), async (req: Request, res: Response) => {
    try {
      await stream(req, res);
    } catch (error) {
      throw translateError(error, req);
    }
  });

  async function stream(req: Request, res: Response): Promise<void> {
    const actor = requireActor(req);
    const guestId = guestIdSchema.safeParse(req.params.guestId);
    const brand = req.get('x-brand-id');
    const lastEventId = req.get('last-event-id');
    const problems = [
      ...(guestId.success ? [] : [{ path: 'path.guestId', message: guestId.error.issues[0]?.message ?? 'invalid' }]),
      ...(brand !== undefined && !brandIdSchema.safeParse(brand).success ? [{ path: 'header.x-brand-id', message: 'expected a brand id' }] : []),
      ...(lastEventId !== undefined && !LAST_EVENT_ID.test(lastEventId) ? [{ path: 'header.last-event-id', message: 'expected the id of an event of this stream' }] : []),
    ];
    if (problems.length > 0 || !guestId.success) throw validationError(problems);
    const request = readRequestOf(actor, { 'x-brand-id': brand });
    const { scope } = await scopeOf(options.ctx, request);
    const view = await loadCombinedView(options.ctx, actor.tenantId, guestId.data);

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: ${retryMs}\n: timeline of ${guestId.data}\n\n`);
    open.add(res);

    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    const live: { subscription?: { close(): void }; ended: boolean } = { ended: false };
    const end = () => {
      if (live.ended) return;
      live.ended = true;
      clearInterval(heartbeat);
      live.subscription?.close();
      open.delete(res);
    };
    req.on('close', end);
    res.on('close', end);

    live.subscription = await options.feed.watch({
      tenantId: actor.tenantId,
      guestId: guestId.data,
      guestIds: view.guestIds,
      after: lastEventId !== undefined ? Number(lastEventId) : undefined,
      onEntry: (entry, position) => {
        if (live.ended || !isEntryVisible(entry, scope)) return;
        res.write(`event: entry\nid: ${position}\ndata: ${JSON.stringify(toEntryResponse(entry))}\n\n`);
      },
    });
    if (live.ended) live.subscription.close();
  }

  return {
    endAll: () => {
      for (const res of open) res.end();
      open.clear();
    },
    size: () => open.size,
  };
}

