import { route, type RouteDefinition } from '@hearth/http';
import { z } from 'zod';
import { getArrivalsBriefing, getGuestView, getGuestViewAsOf, getTimelinePage } from '../../app/guest-queries';
import { isCalendarDate } from '../../domain/json';
import { guestViewResponseSchema } from '../../domain/guest-view';
import { guestIdSchema, timelineEntryResponseSchema } from '../../domain/touchpoint.schemas';
import { touchpointTypes } from '../../domain/timeline.types';
import { brandIdSchema, readHeadersSchema, readRequestOf, READ_ROLES, type TimelineRouteDeps } from './request-scope';

const guestParams = z.object({ guestId: guestIdSchema });
const propertyParams = z.object({ propertyId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected a property id (letters, digits, ., - and _)') });
const instantSchema = z.iso.datetime({ offset: true });

/** `a,b,c` → ['a','b','c'] (each checked by `item`). */
const csvOf = (item: z.ZodType<string, string>, max: number) =>
  z
    .string()
    .transform((value) => value.split(',').map((v) => v.trim()).filter((v) => v !== ''))
    .pipe(z.array(item).min(1).max(max));

const eventTypeSchema = z
  .string()
  .refine((t) => (touchpointTypes as readonly string[]).includes(t) || /^hearth\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/.test(t), 'expected a touchpoint type or an integration-event type (hearth.<service>.<event>)');

const R = {
  merged: { description: 'The guest was merged: problem+json (GUEST_MERGED, survivorId) with Location → the same resource of the survivor', headers: { Location: 'The survivor’s resource' } },
  notFound: { description: 'The timeline knows no such guest (GUEST_NOT_FOUND)' },
  unavailable: { description: 'customer-profile did not answer (DEPENDENCY_UNAVAILABLE); retry' },
} as const;

const timelinePageSchema = z.object({ guestId: z.string(), items: z.array(timelineEntryResponseSchema), nextCursor: z.string().optional() }).meta({ id: 'TimelinePage' });

const arrivalSchema = z
  .object({
    reservationId: z.string(),
    guestId: z.string().describe('The guest answering for the reservation (the survivor when the booking guest was merged)'),
    bookedAs: z.string().describe('The guest the reservation was made for'),
    arrivalDate: z.string().nullable(),
    departureDate: z.string().nullable(),
    brandId: z.string().nullable(),
    name: z.string().nullable().describe('Display name (null when unknown or erased)'),
    tier: z.string().nullable(),
    vip: z.boolean(),
    preferences: guestViewResponseSchema.shape.preferences,
    specialRequests: guestViewResponseSchema.shape.specialRequests,
    openIssues: z.object({ tickets: guestViewResponseSchema.shape.openTickets, complaints: guestViewResponseSchema.shape.recentComplaints }),
    pastServiceFailures: guestViewResponseSchema.shape.recentComplaints,
    cues: guestViewResponseSchema.shape.cues,
  })
  .meta({ id: 'ArrivalBriefing' });

/** The read side: the guest view (also as of a past moment), the timeline, and the arrivals briefing. */
export function guestRoutes({ ctx }: TimelineRouteDeps): RouteDefinition[] {
  return [
    route(
      {
        method: 'get',
        path: '/v1/guests/:guestId/view',
        summary: 'The unified guest view',
        description:
          'Identity, per-brand relationship, lifetime totals, loyalty, tickets and complaints, preferences, special requests, consents, segments and scores, the last 20 entries and cues — ' +
          'scoped to the brands the caller may see (shared data plus the acting brand’s private data). Merged guests’ histories are included. ' +
          'asOf=<ISO time> computes the view as it was then from the event store (time travel).',
        tags: ['guests'],
        roles: READ_ROLES,
        params: guestParams,
        headers: readHeadersSchema,
        query: z.object({ asOf: instantSchema.optional().describe('ISO 8601 date-time: the view as it was at that moment') }),
        responses: { 200: { description: 'The view', body: guestViewResponseSchema, headers: { ETag: 'Position of the guest’s last applied event (current view only)' } }, 301: R.merged, 404: R.notFound, 503: R.unavailable },
      },
      async ({ actor, headers, params, query }) => {
        const request = readRequestOf(actor, headers);
        if (query.asOf !== undefined) return { status: 200, body: await getGuestViewAsOf(ctx, request, params.guestId, query.asOf) };
        const { json, version } = await getGuestView(ctx, request, params.guestId);
        return { status: 200, json, version };
      },
    ),

    route(
      {
        method: 'get',
        path: '/v1/guests/:guestId/timeline',
        summary: 'A guest’s timeline, newest first',
        description:
          'Entries of the guest and of the guests merged into it that the caller may see, newest first by occurredAt (whatever order they arrived in), cursor-paged. ' +
          'Filters: types (touchpoint or integration-event types), brands, from (inclusive) and to (exclusive) on occurredAt.',
        tags: ['guests'],
        roles: READ_ROLES,
        params: guestParams,
        headers: readHeadersSchema,
        query: z.object({
          cursor: z.string().min(1).max(1000).optional(),
          limit: z.coerce.number().int().min(1).max(100).default(20),
          types: csvOf(eventTypeSchema, 50).optional().describe('Comma-separated types, e.g. stay,complaint'),
          brands: csvOf(brandIdSchema, 50).optional().describe('Comma-separated brand ids'),
          from: instantSchema.optional(),
          to: instantSchema.optional(),
        }),
        responses: { 200: { description: 'One page', body: timelinePageSchema }, 301: R.merged, 404: R.notFound, 503: R.unavailable },
      },
      async ({ actor, headers, params, query }) => ({
        status: 200,
        body: await getTimelinePage(ctx, readRequestOf(actor, headers), params.guestId, {
          limit: query.limit,
          cursor: query.cursor,
          types: query.types,
          brands: query.brands,
          from: query.from,
          to: query.to,
        }),
      }),
    ),

    route(
      {
        method: 'get',
        path: '/v1/properties/:propertyId/arrivals',
        summary: 'Arrivals briefing',
        description:
          'Guests with a booked reservation arriving at the property on the date, each with name, tier, preferences, special requests, open issues and past service failures (brand-scoped like the guest view).',
        tags: ['arrivals'],
        roles: READ_ROLES,
        params: propertyParams,
        headers: readHeadersSchema,
        query: z.object({ date: z.string().refine(isCalendarDate, 'expected a calendar date YYYY-MM-DD').describe('Arrival date, YYYY-MM-DD') }),
        responses: {
          200: { description: 'The arrivals, by guest name', body: z.object({ propertyId: z.string(), date: z.string(), arrivals: z.array(arrivalSchema) }).meta({ id: 'ArrivalsBriefing' }) },
          503: R.unavailable,
        },
      },
      async ({ actor, headers, params, query }) => ({
        status: 200,
        body: { propertyId: params.propertyId, date: query.date, arrivals: await getArrivalsBriefing(ctx, readRequestOf(actor, headers), params.propertyId, query.date) },
      }),
    ),
  ];
}
