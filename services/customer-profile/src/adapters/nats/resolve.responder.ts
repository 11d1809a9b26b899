import { RESOLVE_GUEST_SUBJECT, resolveGuestRequestSchema, type ResolveGuestReply, type ResolveGuestRequest } from '@hearth/contracts';
import type { Messaging, Responder } from '@hearth/messaging';
import { resolveGuest } from '../../app/guest-use-cases';
import type { ProfileContext } from '../../app/profile-context';
import { normaliseIdentity } from '../../domain/identifiers';

/**
 * `rpc.customer-profile.resolve`: identity resolution for other services without HTTP (e.g. a ticket
 * or a touchpoint names its guest by e-mail). Request/reply subjects live under `rpc.` because the
 * service's JetStream stream owns `hearth.customer-profile.>` and would answer a request there itself.
 * Callers are Hearth services on the internal NATS network: they state the tenant they act for.
 * The request and reply schemas are contracts (`@hearth/contracts`, customer-profile.rpc).
 */
export const RESOLVE_SUBJECT = RESOLVE_GUEST_SUBJECT;
export const resolveRequestSchema = resolveGuestRequestSchema;
export type ResolveRequest = ResolveGuestRequest;
export type ResolveReply = ResolveGuestReply;

export function createResolveResponder(messaging: Messaging, ctx: ProfileContext, options: { defaultCountry?: string; subject?: string } = {}): Responder {
  return messaging.createResponder<ResolveRequest, ResolveReply>({
    subject: options.subject ?? RESOLVE_SUBJECT,
    queue: 'customer-profile',
    requestSchema: resolveRequestSchema,
    handle: async (request, { headers }) => {
      const identities = request.identifiers.map((identifier, i) =>
        normaliseIdentity(identifier, { defaultCountry: request.defaultCountry ?? options.defaultCountry, field: `identifiers[${i}]` }),
      );
      const result = await resolveGuest(ctx, {
        tenantId: request.tenantId,
        actor: request.actor,
        correlationId: request.correlationId ?? headers['x-correlation-id'] ?? ctx.newId(),
        channel: request.channel ?? 'nats',
        ...(request.brandId ? { brandId: request.brandId } : {}),
        ...(headers.traceparent ? { traceparent: headers.traceparent } : {}),
      }, identities);
      if (result.kind === 'ambiguous') {
        return { outcome: 'ambiguous', candidates: result.candidates.map((c) => ({ guestId: c.guestId, matchedBy: c.matchedBy.map((i) => i.type) })), proposalId: result.proposalId! };
      }
      if (result.kind === 'matched') return { outcome: result.created ? 'created' : 'matched', guestId: result.guestId };
      throw Object.assign(new Error('unexpected resolution'), { code: 'RESOLUTION_FAILED' });
    },
  });
}
