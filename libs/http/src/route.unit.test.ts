import { z } from 'zod';
import { fieldErrors, route } from './route';

// Type-level checks: `tsc -b` fails if a @ts-expect-error line stops being an error.
describe('route() typing and definition', () => {
  const spec = {
    method: 'post' as const,
    path: '/v1/tickets/:ticketId/notes',
    params: z.object({ ticketId: z.string() }),
    query: z.object({ notify: z.coerce.boolean().default(false) }),
    body: z.object({ text: z.string() }),
    responses: { 201: { description: 'Added', body: z.object({ noteId: z.string() }) }, 404: { description: 'No ticket' } },
  };

  it('types inputs and replies from the schemas', () => {
    const definition = route(spec, ({ params, query, body, actor }) => {
      const ticketId: string = params.ticketId;
      const notify: boolean = query.notify;
      const text: string = body.text;
      const tenant: string = actor.tenantId;
      if (!ticketId) return { status: 404 };
      return { status: 201, body: { noteId: `${ticketId}-${text}-${notify}-${tenant}` }, version: 2 };
    });
    expect(definition.spec.path).toBe('/v1/tickets/:ticketId/notes');
    expect(typeof definition.handler).toBe('function');

    // @ts-expect-error 200 is not a declared response
    route(spec, () => ({ status: 200, body: { noteId: 'n' } }));
    // @ts-expect-error the 201 body must match its schema
    route(spec, () => ({ status: 201, body: { noteId: 7 } }));
    // @ts-expect-error the 404 response has no body
    route(spec, () => ({ status: 404, body: { noteId: 'n' } }));
    // @ts-expect-error params are typed from the schema
    route(spec, ({ params }) => ({ status: 201, body: { noteId: params.missing } }));
    route({ ...spec, public: true }, ({ actor }) => {
      // @ts-expect-error on public routes the actor may be undefined
      const tenant: string = actor.tenantId;
      return { status: 201, body: { noteId: tenant } };
    });
  });

  it('refuses response keys that are not HTTP statuses', () => {
    expect(() => route({ method: 'get', path: '/x', responses: { 42: { description: 'no' } } }, () => undefined)).toThrow(/not an HTTP status/);
  });

  it('turns zod issues into location-prefixed field errors', () => {
    const result = z.strictObject({ guest: z.object({ email: z.email() }), items: z.array(z.number()) }).safeParse({ guest: { email: 'x' }, items: [1, 'two'], extra: 1 });
    if (result.success) throw new Error('expected failure');
    expect(fieldErrors('body', result.error).map((e) => [e.path, e.code])).toEqual([
      ['body.guest.email', 'invalid_format'],
      ['body.items.1', 'invalid_type'],
      ['body.extra', 'unrecognized_keys'],
    ]);
  });
});
