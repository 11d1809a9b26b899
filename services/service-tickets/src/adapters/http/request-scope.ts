import type { Actor, Role } from '@hearth/http';
import { currentTraceHeaders } from '@hearth/observability';
import { z } from 'zod';
import type { Caller } from '../../app/tickets-context';

/** Staff working tickets. Roles are not hierarchical, so admin is listed too. */
export const STAFF_ROLES: readonly Role[] = ['agent', 'manager', 'admin'];
/** Staff, and integrations that open tickets or post guest replies (e-mail/chat gateways). */
export const OPEN_ROLES: readonly Role[] = ['agent', 'manager', 'admin', 'integration'];
/** Staff, and the survey tool. */
export const SATISFACTION_ROLES: readonly Role[] = ['agent', 'manager', 'admin', 'integration'];
/** Who changes the tenant's ticket settings. */
export const SETTINGS_ADMIN_ROLES: readonly Role[] = ['admin', 'manager'];
/** Reporting. */
export const METRICS_ROLES: readonly Role[] = ['manager', 'admin', 'analyst'];

export const brandIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected a brand id (letters, digits, ., - and _)');

/** `X-Brand-Id`: the brand a caller with several brands (or a chain-wide one) acts for. */
export const brandHeaderSchema = z.object({
  'x-brand-id': brandIdSchema.optional().describe('The brand the caller acts for; narrows what it sees to that brand and the brands sharing data with it'),
});

/**
 * The caller of a command, from the verified token: staff act as their user id; a token that only
 * carries `integration` acts as `integration:<sub>`.
 */
export function callerOf(actor: Actor, input: { correlationId: string; requestId: string; brandId?: string | undefined }): Caller {
  const staff = actor.hasRole('agent', 'manager', 'admin', 'steward', 'analyst', 'marketer');
  const by = staff ? actor.userId : `integration:${actor.userId}`;
  return {
    tenantId: actor.tenantId,
    by,
    actor: staff ? `user:${actor.userId}` : by,
    brands: actor.brands,
    actingBrandId: input.brandId,
    correlationId: input.correlationId,
    causationId: input.requestId,
    traceparent: currentTraceHeaders().traceparent,
  };
}
