import { route, toProblem, type RouteDefinition } from '@hearth/http';
import type { ErrorMappings, HttpLogger } from '@hearth/http';
import { z } from 'zod';
import { recordTouchpoint, recordTouchpointBatch } from '../../app/touchpoint-use-cases';
import { touchpointInputSchema } from '../../domain/touchpoint.schemas';
import { translateError } from './errors';
import { touchpointCallerOf, TOUCHPOINT_ROLES, type TimelineRouteDeps } from './request-scope';

const TAGS = ['touchpoints'];

const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'expected 1 to 255 visible ASCII characters (a UUID is a good choice)')
    .optional()
    .describe('Makes a retry safe: the same key (per tenant) records the touchpoint once and answers 200 duplicate: true (a body sourceEventId does the same and wins)'),
});

export const touchpointResultSchema = z
  .object({
    entryId: z.string().describe('The timeline entry (deterministic for a source event id or Idempotency-Key)'),
    guestId: z.string(),
    resolution: z.enum(['id', 'matched', 'created']).describe('id: named by id; matched: an existing guest holds the identifiers; created: a provisional guest was registered'),
    duplicate: z.boolean().describe('True when the touchpoint had been recorded before'),
  })
  .meta({ id: 'TouchpointResult' });

const batchBodySchema = z.strictObject({
  items: z
    .array(z.union([touchpointInputSchema, z.unknown().describe('Items are validated one by one: an invalid item gets a 400 problem in its result')]))
    .min(1)
    .max(500),
});

const batchResultSchema = z
  .object({
    results: z.array(
      z.object({
        index: z.number().int(),
        status: z.number().int().describe('201 recorded, 200 duplicate, else the problem status'),
        entryId: z.string().optional(),
        guestId: z.string().optional(),
        resolution: z.enum(['id', 'matched', 'created']).optional(),
        duplicate: z.boolean().optional(),
        problem: z.record(z.string(), z.unknown()).optional().describe('problem+json of a failed item'),
      }),
    ),
  })
  .meta({ id: 'TouchpointBatchResult' });

/** `POST /v1/touchpoints` and `POST /v1/touchpoints:batch`. */
export function touchpointRoutes({ ctx }: TimelineRouteDeps, problems: { mappings: ErrorMappings; logger: HttpLogger }): RouteDefinition[] {
  return [
    route(
      {
        method: 'post',
        path: '/v1/touchpoints',
        summary: 'Record a touchpoint on a guest timeline',
        description:
          'Names the guest by guestId (it must exist) or by identifiers (resolved through customer-profile: matched, or a provisional guest is created; several guests → 422 AMBIGUOUS_GUEST with candidates and proposalId). ' +
          'The payload is typed per touchpoint type; free text (notes, summaries, special requests…) is personal data, encrypted and erasable. Out-of-order occurredAt is fine.',
        tags: TAGS,
        roles: TOUCHPOINT_ROLES,
        headers: idempotencyHeaders,
        body: touchpointInputSchema,
        responses: {
          201: { description: 'Recorded', body: touchpointResultSchema },
          200: { description: 'Already recorded (same sourceEventId or Idempotency-Key)', body: touchpointResultSchema },
          404: { description: 'No such guest (GUEST_NOT_FOUND)' },
          422: { description: 'The identifiers match several guests (AMBIGUOUS_GUEST with candidates and proposalId)' },
          503: { description: 'customer-profile did not answer (DEPENDENCY_UNAVAILABLE); retry' },
        },
      },
      async ({ actor, headers, body, correlationId, requestId }) => {
        const result = await recordTouchpoint(ctx, touchpointCallerOf(actor, { correlationId, requestId }), body, { idempotencyKey: headers['idempotency-key'] });
        return { status: result.duplicate ? 200 : 201, body: result };
      },
    ),

    route(
      {
        method: 'post',
        // Express 5 (path-to-regexp v8): the colon of the custom method is escaped
        path: '/v1/touchpoints\\:batch',
        operationId: 'postV1TouchpointsBatch',
        summary: 'Record up to 500 touchpoints',
        description:
          'Each item is validated and recorded on its own (as POST /v1/touchpoints): good items are stored even when others fail. The answer is 207 with one result per item (status 201/200 or a problem). ' +
          'With Idempotency-Key, item i without sourceEventId uses the key "<key>:<i>", so a retried batch records nothing twice.',
        tags: TAGS,
        roles: TOUCHPOINT_ROLES,
        headers: idempotencyHeaders,
        body: batchBodySchema,
        responses: { 207: { description: 'One result per item, in order', body: batchResultSchema } },
      },
      async ({ actor, headers, body, correlationId, requestId, req }) => {
        const outcomes = await recordTouchpointBatch(ctx, touchpointCallerOf(actor, { correlationId, requestId }), body.items, { idempotencyKey: headers['idempotency-key'] });
        const results = outcomes.map((outcome) => {
          if (outcome.ok) return { index: outcome.index, status: outcome.result.duplicate ? 200 : 201, ...outcome.result };
          const { problem } = toProblem(translateError(outcome.error, req), req, problems);
          return { index: outcome.index, status: problem.status, problem: { ...problem } };
        });
        return { status: 207, body: { results } };
      },
    ),
  ];
}
