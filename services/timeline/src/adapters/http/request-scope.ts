import type { Actor, Role } from '@hearth/http';
import { currentTraceHeaders } from '@hearth/observability';
import { z } from 'zod';
import type { ReadRequest } from '../../app/guest-queries';
import type { TouchpointCaller } from '../../app/touchpoint-use-cases';
import type { TimelineContext } from '../../app/timeline-context';

/** Front-line staff (and integrations) read guest views, timelines and briefings. */
export const READ_ROLES: readonly Role[] = ['agent', 'manager', 'steward', 'admin', 'integration'];
/** Integrations and staff record touchpoints. */
export const TOUCHPOINT_ROLES: readonly Role[] = ['integration', 'agent', 'manager', 'steward', 'admin'];

export const brandIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected a brand id (letters, digits, ., - and _)');

/** `X-Brand-Id`: the brand a caller with several brands (or a chain-wide one) acts for. */
export const readHeadersSchema = z.object({
  'x-brand-id': brandIdSchema
    .optional()
    .describe("The brand the caller acts for (its private entries and cues); without it a multi-brand token sees shared data only, a single-brand token acts for its brand"),
});

/** What a read needs from the request. */
export const readRequestOf = (actor: Actor, headers: { 'x-brand-id'?: string | undefined }): ReadRequest => ({
  viewer: { tenantId: actor.tenantId, brands: actor.brands },
  brandId: headers['x-brand-id'],
});

/** The caller of a touchpoint: `user:<sub>`, its brands, the request's correlation and the active trace. */
export function touchpointCallerOf(actor: Actor, input: { correlationId: string; requestId: string }): TouchpointCaller {
  return {
    tenantId: actor.tenantId,
    actor: `user:${actor.userId}`,
    brands: actor.brands,
    correlationId: input.correlationId,
    causationId: input.requestId,
    traceparent: currentTraceHeaders().traceparent,
  };
}

/** What the route modules need. */
export type TimelineRouteDeps = { ctx: TimelineContext };
