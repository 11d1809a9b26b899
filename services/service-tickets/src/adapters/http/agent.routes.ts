import { route, toProblem, type ErrorMappings, type HttpLogger, type RouteDefinition } from '@hearth/http';
import { z } from 'zod';
import { delegateAgentTickets, type AssignedTickets } from '../../app/ticket-use-cases';
import type { TicketsContext } from '../../app/tickets-context';
import { translateError } from './errors';
import { brandHeaderSchema, callerOf, STAFF_ROLES } from './request-scope';
import { idSchema } from './ticket.schemas';

const delegationResultSchema = z
  .object({
    delegated: z.number().int().describe('Tickets handed over by this call'),
    results: z.array(
      z.object({
        ticketId: z.string(),
        status: z.number().int().describe('200 delegated (or already with the new agent), else the problem status'),
        changed: z.boolean().optional(),
        version: z.number().int().optional(),
        problem: z.record(z.string(), z.unknown()).optional().describe('problem+json of a ticket that could not be delegated'),
      }),
    ),
  })
  .meta({ id: 'DelegationResult' });

/** `POST /v1/agents/{agentId}/delegate`: hand every active ticket of an agent who is away to another. */
export function agentRoutes({ ctx, assignedTickets }: { ctx: TicketsContext; assignedTickets: AssignedTickets }, problems: { mappings: ErrorMappings; logger: HttpLogger }): RouteDefinition[] {
  return [
    route(
      {
        method: 'post',
        path: '/v1/agents/:agentId/delegate',
        summary: "Delegate all of an agent's active tickets to another agent",
        description:
          'For an agent who is away: each active ticket assigned to them (in the brands the caller may act for) is delegated on its own; the answer lists one result per ticket. Managers and admins may delegate anyone’s tickets, an agent only their own. ' +
          'The list comes from the queue read model: a ticket assigned in the last instant may be missed (call again).',
        tags: ['tickets'],
        roles: STAFF_ROLES,
        params: z.object({ agentId: idSchema }),
        headers: brandHeaderSchema,
        body: z.strictObject({ toAssigneeId: idSchema }),
        responses: {
          200: { description: 'One result per ticket', body: delegationResultSchema },
          403: { description: 'An agent delegating someone else’s tickets (FORBIDDEN)' },
        },
      },
      async ({ actor, params, headers, body, correlationId, requestId, req }) => {
        if (!actor.hasRole('manager', 'admin') && actor.userId !== params.agentId) {
          throw Object.assign(new Error('an agent may only delegate their own tickets'), { code: 'FORBIDDEN' });
        }
        const caller = callerOf(actor, { correlationId, requestId, brandId: headers['x-brand-id'] });
        const outcomes = await delegateAgentTickets(ctx, caller, assignedTickets, params.agentId, body.toAssigneeId);
        const results = outcomes.map((outcome) => {
          if (outcome.ok) return { ticketId: outcome.ticketId, status: 200, changed: outcome.changed, version: outcome.version };
          const { problem } = toProblem(translateError(outcome.error), req, problems);
          return { ticketId: outcome.ticketId, status: problem.status, problem: { ...problem } };
        });
        return { status: 200, body: { delegated: outcomes.filter((o) => o.ok && o.changed).length, results } };
      },
    ),
  ];
}
