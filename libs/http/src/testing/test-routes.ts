import { z } from 'zod';
import { assertBrand } from '../auth/actor';
import { notFound } from '../problem';
import { route } from '../route';

/** Like the event store's WrongExpectedVersionError, without depending on that package. */
export class FakeWrongExpectedVersionError extends Error {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(readonly actualVersion: number) {
    super(`Stream 'ticket-1' expected at another version but is at version ${actualVersion}`);
  }
}

/** A typed domain error, as a decider would throw it. */
export class DomainError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export const TicketView = z.object({
  id: z.string(),
  guestId: z.string(),
  subject: z.string(),
  priority: z.enum(['low', 'normal', 'high']),
  openedBy: z.string(),
});

export const ticketRoutes = () => {
  let nextTicket = 1;
  const calls = { createTicket: 0 };
  const routes = [
    route(
      {
        method: 'get',
        path: '/v1/tenants/:tenantId/guests/:guestId',
        summary: 'Get a guest',
        tags: ['guests'],
        params: z.object({ tenantId: z.string(), guestId: z.string().min(3).describe('The guest id') }),
        tenantParam: 'tenantId',
        roles: ['agent', 'manager'],
        responses: { 200: { description: 'The guest', body: z.object({ id: z.string(), tenantId: z.string(), name: z.string() }), headers: { ETag: 'Stream version' } }, 404: { description: 'No such guest' } },
      },
      ({ params, actor }) => {
        if (params.guestId === 'missing') throw notFound(`Guest '${params.guestId}' does not exist.`, 'GUEST_NOT_FOUND');
        return { status: 200, body: { id: params.guestId, tenantId: actor.tenantId, name: 'Zoë Martín', internalNote: 'stripped' } as never, version: 4 };
      },
    ),
    route(
      {
        method: 'post',
        path: '/v1/tickets',
        summary: 'Open a ticket',
        roles: ['agent'],
        idempotency: 'optional',
        body: z.object({
          guestId: z.string().min(1),
          subject: z.string().min(1).max(200),
          priority: z.enum(['low', 'normal', 'high']).default('normal'),
          tags: z.array(z.string()).max(3).optional(),
        }),
        responses: { 201: { description: 'Opened', body: TicketView, headers: { Location: 'The ticket', ETag: 'Stream version' } } },
      },
      async ({ body, actor }) => {
        calls.createTicket++;
        const id = `t-${nextTicket++}`;
        return { status: 201, body: { id, guestId: body.guestId, subject: body.subject, priority: body.priority, openedBy: actor.userId }, version: 0, location: `/v1/tickets/${id}` };
      },
    ),
    route(
      {
        method: 'post',
        path: '/v1/tickets/:ticketId/escalate',
        params: z.object({ ticketId: z.string() }),
        ifMatch: 'required',
        roles: ['agent', 'manager'],
        responses: { 204: { description: 'Escalated', headers: { ETag: 'New stream version' } } },
      },
      ({ expectedVersion }) => {
        if (expectedVersion !== 3) throw new FakeWrongExpectedVersionError(3);
        return { status: 204, version: 4 };
      },
    ),
    route(
      { method: 'put', path: '/v1/tickets/:ticketId', ifMatch: 'optional', params: z.object({ ticketId: z.string() }), responses: { 204: { description: 'Updated' } } },
      () => {
        throw new FakeWrongExpectedVersionError(9);
      },
    ),
    route(
      {
        method: 'get',
        path: '/v1/tickets',
        query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().optional(), status: z.enum(['open', 'closed']).optional() }),
        responses: { 200: { description: 'A page', body: z.object({ limit: z.number(), cursor: z.string().nullable(), status: z.string().nullable() }) } },
      },
      ({ query }) => ({ status: 200, body: { limit: query.limit, cursor: query.cursor ?? null, status: query.status ?? null } }),
    ),
    route(
      { method: 'get', path: '/v1/brands/:brandId', params: z.object({ brandId: z.string() }), responses: { 200: { description: 'ok', body: z.object({ brandId: z.string() }) } } },
      ({ params, actor }) => {
        assertBrand(actor, params.brandId);
        return { status: 200, body: { brandId: params.brandId } };
      },
    ),
    route(
      { method: 'get', path: '/v1/echo-headers', headers: z.object({ 'x-brand-id': z.string().min(1) }), responses: { 200: { description: 'ok', body: z.object({ brand: z.string() }) } } },
      ({ headers }) => ({ status: 200, body: { brand: headers['x-brand-id'] } }),
    ),
    route({ method: 'get', path: '/v1/public/ping', public: true, responses: { 200: { description: 'pong', body: z.object({ actor: z.string().nullable() }) } } }, ({ actor }) => ({
      status: 200,
      body: { actor: actor?.userId ?? null },
    })),
    route({ method: 'get', path: '/v1/boom', responses: { 200: { description: 'never' } } }, () => {
      throw new Error('connection to db-7.internal failed: password hunter2 rejected');
    }),
    route({ method: 'post', path: '/v1/redeem', body: z.object({ points: z.number() }), responses: { 200: { description: 'never' } } }, ({ body }) => {
      if (body.points > 100) throw new DomainError('INSUFFICIENT_POINTS', `Only 100 points available, ${body.points} requested.`);
      if (body.points === 0) throw new DomainError('TICKET_CLOSED', 'The ticket is closed.');
      throw new DomainError('SOMETHING_UNMAPPED', 'internal detail that must not leak');
    }),
    route({ method: 'get', path: '/v1/bad-reply', responses: { 200: { description: 'ok', body: z.object({ n: z.number() }) } } }, () => ({
      status: 200,
      body: { n: 'not a number' } as never,
    })),
    route({ method: 'get', path: '/v1/raw', responses: { 200: { description: 'written directly' } } }, ({ res }) => {
      res.status(200).type('text/plain').send('raw');
    }),
  ];
  return { routes, calls };
};

