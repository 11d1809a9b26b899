import { route, type RouteDefinition } from '@hearth/http';
import { z } from 'zod';
import { configureTicketSettings, readTicketSettings } from '../../app/settings-use-cases';
import type { TicketsContext } from '../../app/tickets-context';
import type { TicketSettings } from '../../domain/settings.policy';
import { WEEKDAYS } from '../../domain/sla-clock';
import { SLA_MODES, TICKET_CHANNELS, TICKET_KINDS, TICKET_PRIORITIES } from '../../domain/ticket.events';
import { callerOf, SETTINGS_ADMIN_ROLES, STAFF_ROLES } from './request-scope';
import { idSchema } from './ticket.schemas';

const TAGS = ['ticket settings'];
const code = () => z.string().regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, 'expected a lower-kebab code');
const hhmm = () => z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'expected HH:MM (00:00–24:00)');

const calendarFields = {
  timeZone: z.string().min(1).max(64).optional().describe("IANA time zone; default: the property's zone in the tenant directory (UTC without one)"),
  weeklyHours: z
    .partialRecord(z.enum(WEEKDAYS), z.array(z.strictObject({ start: hhmm(), end: hhmm() })).max(8))
    .describe('Local opening intervals per weekday (mon…sun); a missing day is closed'),
  holidays: z.array(z.iso.date()).max(366).optional().describe('Local dates on which the property is closed'),
};

/** The settings document (`PUT` body and `GET` answer). */
export const ticketSettingsSchema = z
  .strictObject({
    queues: z
      .array(z.strictObject({ queueId: idSchema, name: z.string().trim().min(1).max(120), brandId: idSchema.optional().describe('Only tickets of this brand'), managerId: idSchema.optional().describe('Escalations reassign to this user') }))
      .min(1)
      .max(200),
    defaultQueueId: idSchema.describe('Where tickets without a queue go (open to every brand)'),
    categories: z.array(z.strictObject({ code: code(), name: z.string().trim().min(1).max(120) })).max(500),
    slaPolicies: z
      .array(
        z.strictObject({
          policyId: idSchema,
          match: z.strictObject({ kind: z.enum(TICKET_KINDS).optional(), priority: z.enum(TICKET_PRIORITIES).optional(), channel: z.enum(TICKET_CHANNELS).optional() }),
          firstResponseMinutes: z.number().int().positive().optional(),
          resolutionMinutes: z.number().int().positive().optional(),
          mode: z.enum(SLA_MODES).describe('business-hours: counted on the property calendar; calendar: every minute counts'),
        }),
      )
      .max(200)
      .describe('The most specific matching policy sets each target; list order breaks ties'),
    defaultCalendar: z.strictObject(calendarFields).describe('Calendar of properties without their own, and of tickets without a property'),
    calendars: z.array(z.strictObject({ propertyId: idSchema, ...calendarFields })).max(2_000),
    reopenWindowHours: z.number().nonnegative().max(8_760),
    escalation: z.strictObject({
      raisePriority: z.boolean().describe('Raise the priority one step on an SLA breach'),
      reassignToManager: z.boolean().describe("Reassign to the queue's manager on an SLA breach"),
    }),
  })
  .meta({ id: 'TicketSettings' });

const settingsResponseSchema = z
  .object({
    settings: ticketSettingsSchema,
    configured: z.boolean().describe('False while the tenant uses the defaults'),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
    version: z.number().int().describe('Stream version (ETag); -1 before the first save'),
  })
  .meta({ id: 'TicketSettingsState' });

/** `GET` and `PUT /v1/ticket-settings`: the tenant's queues, categories, SLA policies, calendars, reopen window and escalation. */
export function settingsRoutes({ ctx }: { ctx: TicketsContext }): RouteDefinition[] {
  const answer = (state: { configured: boolean; settings: TicketSettings; updatedAt?: string; updatedBy?: string }, version: number | undefined) => ({
    settings: state.settings as z.input<typeof ticketSettingsSchema>,
    configured: state.configured,
    updatedAt: state.updatedAt ?? null,
    updatedBy: state.updatedBy ?? null,
    version: version ?? -1,
  });
  return [
    route(
      {
        method: 'get',
        path: '/v1/ticket-settings',
        summary: "The tenant's ticket settings",
        description: 'A tenant that never saved settings gets the defaults (configured: false, no ETag).',
        tags: TAGS,
        roles: STAFF_ROLES,
        responses: { 200: { description: 'The settings', body: settingsResponseSchema, headers: { ETag: 'Stream version (once configured)' } } },
      },
      async ({ actor }) => {
        const { state, version } = await readTicketSettings(ctx, actor.tenantId);
        return { status: 200, body: answer(state, version), ...(version !== undefined ? { version } : {}) };
      },
    ),
    route(
      {
        method: 'put',
        path: '/v1/ticket-settings',
        summary: "Replace the tenant's ticket settings",
        description:
          'The whole document, validated as one (422 with the offending field: INVALID_TICKET_SETTINGS, INVALID_SLA_POLICY, DUPLICATE_SLA_POLICY, INVALID_CALENDAR). If-Match with the ETag of the GET (412 when it changed meanwhile); the first save needs none. ' +
          'Existing tickets keep their SLA due times; new tickets, reopen windows and escalations use the new settings.',
        tags: TAGS,
        roles: SETTINGS_ADMIN_ROLES,
        ifMatch: 'optional',
        body: ticketSettingsSchema,
        responses: {
          200: { description: 'Saved (or unchanged)', body: settingsResponseSchema, headers: { ETag: 'Stream version' } },
          412: { description: 'The settings changed since the If-Match version' },
          422: { description: 'The settings cannot be used' },
        },
      },
      async ({ actor, body, expectedVersion, correlationId, requestId }) => {
        const result = await configureTicketSettings(ctx, callerOf(actor, { correlationId, requestId }), body as TicketSettings, expectedVersion);
        return { status: 200, body: answer(result.state, result.version), ...(result.version !== undefined ? { version: result.version } : {}) };
      },
    ),
  ];
}
