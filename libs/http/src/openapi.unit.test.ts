import { z } from 'zod';
import { buildOpenApiDocument, defaultOperationId, openApiPath } from './openapi';
import type { OpenApiDocument } from './openapi';
import { route } from './route';
import { ticketRoutes } from './testing/test-routes';

type Json = Record<string, unknown>;

/** Every `$ref` in the document must point at something that exists in it. */
function unresolvedRefs(doc: OpenApiDocument): string[] {
  const missing: string[] = [];
  const resolve = (ref: string) => ref.slice(2).split('/').reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && (!value.startsWith('#/') || resolve(value) === undefined)) missing.push(value);
        else walk(value);
      }
    }
  };
  walk(doc);
  return missing;
}

describe('buildOpenApiDocument', () => {
  const doc = buildOpenApiDocument({ title: 'Tickets', version: '2.0.0', description: 'Service tickets', servers: [{ url: 'http://localhost:4103' }] }, ticketRoutes().routes);
  const op = (path: string, method: string) => doc.paths[path]?.[method] as Json;

  it('is an OpenAPI 3.1 document with info, servers and a bearer JWT scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual({ title: 'Tickets', version: '2.0.0', description: 'Service tickets' });
    expect(doc.servers).toEqual([{ url: 'http://localhost:4103' }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(unresolvedRefs(doc)).toEqual([]);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('converts Express paths and describes path parameters', () => {
    const get = op('/v1/tenants/{tenantId}/guests/{guestId}', 'get');
    expect(get).toMatchObject({ operationId: 'getV1TenantsByTenantIdGuestsByGuestId', summary: 'Get a guest', tags: ['guests'], security: [{ bearerAuth: [] }], 'x-hearth-roles': ['agent', 'manager'] });
    expect(get.parameters).toEqual([
      { name: 'tenantId', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'guestId', in: 'path', required: true, description: 'The guest id', schema: { type: 'string', minLength: 3 } },
    ]);
  });

  it('describes query parameters with their input types and defaults', () => {
    const params = op('/v1/tickets', 'get').parameters as Json[];
    expect(params.map((p) => [p.name, p.in, p.required])).toEqual([
      ['limit', 'query', false],
      ['cursor', 'query', false],
      ['status', 'query', false],
    ]);
    expect(params[0]?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
    expect(params[2]?.schema).toMatchObject({ type: 'string', enum: ['open', 'closed'] });
  });

  it('describes request bodies (input schema) and responses (output schema) with headers', () => {
    const post = op('/v1/tickets', 'post');
    const body = (post.requestBody as Json) as { required: boolean; content: Record<string, { schema: Json }> };
    expect(body.required).toBe(true);
    expect(body.content['application/json']?.schema).toMatchObject({
      type: 'object',
      properties: { guestId: { type: 'string', minLength: 1 }, priority: { enum: ['low', 'normal', 'high'], default: 'normal' }, tags: { type: 'array', maxItems: 3 } },
      required: ['guestId', 'subject'],
    });
    const created = (post.responses as Record<string, Json>)['201'] as Json;
    expect(created.headers).toEqual({ Location: { description: 'The ticket', schema: { type: 'string' } }, ETag: { description: 'Stream version', schema: { type: 'string' } } });
    expect((created.content as Record<string, { schema: Json }>)['application/json']?.schema).toMatchObject({ required: ['id', 'guestId', 'subject', 'priority', 'openedBy'] });
    expect((post.parameters as Json[]).map((p) => p.name)).toEqual(['Idempotency-Key']);
  });

  it('adds problem+json responses for what the library can answer', () => {
    const responses = op('/v1/tickets', 'post').responses as Record<string, Json>;
    expect(Object.keys(responses).sort()).toEqual(['201', '400', '401', '403', '409', '413', '415', '422', '429', '500', '503']);
    expect(responses['401']).toEqual({ description: expect.any(String), content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
    const escalate = op('/v1/tickets/{ticketId}/escalate', 'post');
    expect(Object.keys(escalate.responses as Json)).toEqual(expect.arrayContaining(['204', '412', '428']));
    expect(escalate.parameters).toContainEqual(expect.objectContaining({ name: 'If-Match', in: 'header', required: true }));
    const declared404 = (op('/v1/tenants/{tenantId}/guests/{guestId}', 'get').responses as Record<string, Json>)['404'];
    expect(declared404).toEqual({ description: 'No such guest', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
    expect(doc.components.schemas.Problem).toMatchObject({ type: 'object', required: expect.arrayContaining(['type', 'title', 'status', 'detail', 'code', 'traceId']) });
  });

  it('marks public routes and the operational endpoints as needing no token', () => {
    expect(op('/v1/public/ping', 'get').security).toEqual([]);
    expect(op('/healthz', 'get').security).toEqual([]);
    expect(op('/readyz', 'get').responses).toHaveProperty('503');
    expect(op('/openapi.json', 'get').security).toEqual([]);
    expect((op('/v1/public/ping', 'get').responses as Json)['401']).toBeUndefined();
  });

  it('hoists shared (id) and recursive schemas into components, keeping input and output forms apart', () => {
    const Money = z.object({ amount: z.number(), currency: z.string().default('EUR') }).meta({ id: 'Money' });
    type Category = { name: string; children: Category[] };
    const Category: z.ZodType<Category> = z.object({ name: z.string(), get children() {
      return z.array(Category);
    } });
    const r = route(
      { method: 'post', path: '/v1/prices', body: z.object({ price: Money, category: Category }), responses: { 200: { description: 'ok', body: z.object({ price: Money }) } } },
      () => ({ status: 200, body: { price: { amount: 1 } } }),
    );
    const priced = buildOpenApiDocument({ title: 't', version: '1' }, [r]);
    expect(unresolvedRefs(priced)).toEqual([]);
    const schemas = priced.components.schemas;
    expect(Object.keys(schemas).sort()).toEqual(['Money', 'MoneyOutput', 'Problem', 'postV1PricesBody0']);
    expect(schemas.Money).toMatchObject({ required: ['amount'] });
    expect(schemas.MoneyOutput).toMatchObject({ required: ['amount', 'currency'] });
    const requestSchema = ((priced.paths['/v1/prices']?.post as Json).requestBody as { content: Record<string, { schema: Json }> }).content['application/json']?.schema;
    expect(requestSchema?.properties).toMatchObject({ price: { $ref: '#/components/schemas/Money' } });
    expect(JSON.stringify(priced)).not.toContain('#/$defs/');
  });

  it('derives paths and operation ids', () => {
    expect(openApiPath('/v1/guests/:guestId/visits/:visitId')).toBe('/v1/guests/{guestId}/visits/{visitId}');
    expect(openApiPath('/v1/touchpoints\\:batch')).toBe('/v1/touchpoints:batch');
    expect(openApiPath('/v1/guests/:guestId\\:merge')).toBe('/v1/guests/{guestId}:merge');
    expect(defaultOperationId('post', '/v1/tickets/:ticketId/escalate')).toBe('postV1TicketsByTicketIdEscalate');
    expect(defaultOperationId('get', '/v1/loyalty-accounts')).toBe('getV1LoyaltyAccounts');
  });
});
