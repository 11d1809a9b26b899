import { type CustomerProfile, type TenantDirectoryCache } from '@hearth/customer-profile-client';
import { randomUUID } from 'node:crypto';
import type { EventStore } from '@hearth/event-store';
import type { TimelineReadModel } from './read-model.port';
import type { RenderedViewCache } from './rendered-views';
import type { TimelineStores } from './timeline-store';

/** What the timeline's use cases work with (the composition root passes real adapters, tests fakes). */
export type TimelineContext = TimelineStores & {
  /** Destroys a guest's data key (crypto-shredding): its personal data can never be read again. */
  eraseGuestKey(guestId: string): Promise<void>;
  profile: CustomerProfile;
  directory: TenantDirectoryCache;
  readModel: TimelineReadModel;
  /** Guest views as last sent, per guest and scope (optional: without it every read presents the view). */
  renderedViews?: RenderedViewCache | undefined;
  now(): Date;
  newId(): string;
};

export type TimelineContextInput = {
  /** The crypto-shredding store (with `erase`), and the store under it. */
  store: EventStore & { erase(subjectId: string): Promise<void> };
  rawStore: EventStore;
  profile: CustomerProfile;
  directory: TenantDirectoryCache;
  readModel: TimelineReadModel;
  renderedViews?: RenderedViewCache;
  now?: () => Date;
  newId?: () => string;
};

export function createTimelineContext(input: TimelineContextInput): TimelineContext {
  return {
    store: input.store,
    rawStore: input.rawStore,
    eraseGuestKey: (guestId) => input.store.erase(guestId),
    profile: input.profile,
    directory: input.directory,
    readModel: input.readModel,
    renderedViews: input.renderedViews,
    now: input.now ?? (() => new Date()),
    newId: input.newId ?? randomUUID,
  };
}
