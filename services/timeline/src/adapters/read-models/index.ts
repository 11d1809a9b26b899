export { arrivals, guestViews, TIMELINE_COLLECTIONS, timelineEntries } from './timeline.collections';
export type { ArrivalDocument, GuestViewDocument, TimelineEntryDocument } from './timeline.collections';
export { createTimelineProjection, indexedInstant, prefetchKeys, projectTimelineEvent, TIMELINE_PROJECTION } from './timeline.projection';
export type { TimelineProjectionOptions } from './timeline.projection';
export { cachedGuestViews, createTimelineReadModel, viewOf } from './timeline.read-model';
