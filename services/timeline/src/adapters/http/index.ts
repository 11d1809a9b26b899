export { createTimelineHttpApp } from './create-timeline-app';
export type { TimelineHttpApp, TimelineHttpAppOptions } from './create-timeline-app';
export { TIMELINE_ERROR_MAPPINGS, translateError } from './errors';
export { createTimelineFeed } from './timeline-feed';
export type { TimelineFeed, TimelineFeedOptions } from './timeline-feed';
export { READ_ROLES, TOUCHPOINT_ROLES } from './request-scope';
