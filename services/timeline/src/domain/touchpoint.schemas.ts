import { z } from 'zod';
import { daysBetween, isCalendarDate, isRecord, toJsonValue, type JsonRecord } from './json';
import { formatMoney, isMoney, moneyInputSchema, moneyResponseSchema, toMoney } from './money';
import { touchpointTypes, type JsonValue, type TimelineEntry, type TouchpointType } from './timeline.types';

export { currencyExponent, formatMoney, moneyInputSchema, moneyResponseSchema, toMoney } from './money';

// Request schemas are strict (a misspelt field is a 400 naming it, not a value silently dropped) and every
// payload is typed per touchpoint type, so field errors come with paths such as `payload.covers`.

/**
 * Payload fields that are free text and may hold anything about the guest: kept apart from the facts as
 * `personal` (encrypted with the guest's key, gone after erasure). Every other payload field is a fact.
 */
export const PERSONAL_PAYLOAD_FIELDS = ['specialRequests', 'subject', 'summary', 'text', 'description', 'note', 'comment'] as const;
const personalFields: ReadonlySet<string> = new Set(PERSONAL_PAYLOAD_FIELDS);

/** Ids that end up in stream names: letters, digits, `-` and `_` (UUIDs fit); the same rule as customer-profile. */
export const guestIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'expected a guest id (letters, digits, - and _; at most 64)').describe('Guest id');
const brandIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected a brand id (letters, digits, ., - and _)').describe('Brand id');
const propertyIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected a property id (letters, digits, ., - and _)').describe('Property id');
/** Ids issued by other systems (reservation numbers, complaint ids, SKUs…): printable, no spaces. */
const externalIdSchema = (what: string) => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:~#/-]{0,127}$/, `expected a ${what} (letters, digits and _.:~#/-; at most 128)`);
const kebabSchema = (what: string, max = 40) =>
  z.string().max(max).regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, `expected a ${what} in lower-kebab-case, e.g. front-desk`);
const labelSchema = (max: number) => z.string().trim().min(1).max(max);
const freeTextSchema = (max: number) => z.string().trim().min(1).max(max);
const calendarDateSchema = z.string().refine(isCalendarDate, 'expected a real calendar date written YYYY-MM-DD').describe('Date, YYYY-MM-DD');
const countSchema = (min: number, max: number) => z.number().int().min(min).max(max);

/** Departure must not precede arrival (a day use has both on the same date). */
function departureNotBeforeArrival(value: { arrivalDate: string; departureDate: string }, ctx: z.RefinementCtx): void {
  // Field checks do not stop object refinements in zod 4: compare only dates that passed them.
  if (!isCalendarDate(value.arrivalDate) || !isCalendarDate(value.departureDate)) return;
  if (value.departureDate < value.arrivalDate) ctx.addIssue({ code: 'custom', path: ['departureDate'], message: 'departureDate must not be before arrivalDate' });
}

const conversationPayload = z.strictObject({
  direction: z.enum(['inbound', 'outbound']),
  durationSeconds: countSchema(0, 7 * 24 * 3600).optional(),
  topic: kebabSchema('topic', 60).optional().describe('What it was about, e.g. booking-change'),
  subject: freeTextSchema(500).optional().describe('Personal: free text'),
  summary: freeTextSchema(4000).optional().describe('Personal: free text'),
});

/** The payload schema of each touchpoint type. */
export const touchpointPayloadSchemas = {
  'reservation-made': z
    .strictObject({
      reservationId: externalIdSchema('reservation id'),
      arrivalDate: calendarDateSchema,
      departureDate: calendarDateSchema,
      roomType: labelSchema(60).optional(),
      adults: countSchema(1, 50).optional(),
      children: countSchema(0, 50).optional(),
      specialRequests: freeTextSchema(2000).optional().describe('Personal: free text'),
    })
    .superRefine(departureNotBeforeArrival),
  'reservation-cancelled': z.strictObject({
    reservationId: externalIdSchema('reservation id'),
    reason: kebabSchema('cancellation reason', 60).optional().describe('A reason code, e.g. change-of-plans'),
  }),
  stay: z
    .strictObject({
      reservationId: externalIdSchema('reservation id').optional(),
      arrivalDate: calendarDateSchema,
      departureDate: calendarDateSchema,
      nights: countSchema(0, 3660).optional().describe('Derived from the dates when absent'),
      roomRevenue: moneyInputSchema.optional(),
    })
    .superRefine(departureNotBeforeArrival),
  'dining-visit': z.strictObject({ covers: countSchema(1, 500), outlet: labelSchema(80).optional() }),
  purchase: z.strictObject({
    items: z
      .array(z.strictObject({ sku: externalIdSchema('SKU'), quantity: countSchema(1, 100_000), unitPrice: moneyInputSchema.optional() }))
      .min(1)
      .max(200),
  }),
  call: conversationPayload,
  email: conversationPayload,
  chat: conversationPayload,
  'web-visit': z.strictObject({
    pages: z.array(z.string().regex(/^\/[^\s?#]{0,199}$/, 'expected a site path starting with / (no query string)')).max(100).optional(),
    campaign: labelSchema(100).optional(),
  }),
  note: z.strictObject({ text: freeTextSchema(4000).describe('Personal: free text') }),
  complaint: z.strictObject({
    complaintId: externalIdSchema('complaint id').optional().describe('Defaults to the entry id'),
    category: z.enum(['noise', 'cleanliness', 'billing', 'staff', 'food', 'service', 'other']),
    severity: z.enum(['low', 'medium', 'high', 'critical']),
    description: freeTextSchema(4000).optional().describe('Personal: free text'),
  }),
  'service-recovery': z.strictObject({
    complaintId: externalIdSchema('complaint id').describe('The complaint this recovers'),
    action: z.enum(['apology', 'refund', 'upgrade', 'points', 'voucher', 'other']),
    value: moneyInputSchema.optional(),
    note: freeTextSchema(2000).optional().describe('Personal: free text'),
  }),
  'survey-response': z.strictObject({
    score: countSchema(1, 5),
    surveyId: externalIdSchema('survey id').optional(),
    ticketId: externalIdSchema('ticket id').optional(),
    comment: freeTextSchema(4000).optional().describe('Personal: free text'),
  }),
} as const satisfies Record<TouchpointType, z.ZodType>;

const identifierInputSchema = z.strictObject({
  type: kebabSchema('identifier type').describe('email, phone, member, card, external, booking…'),
  value: z.string().trim().min(1).max(320),
  system: labelSchema(100).optional().describe('Issuing system of an external identifier'),
});

const touchpointBaseShape = {
  guestId: guestIdSchema.optional().describe('The guest, when known; otherwise give identifiers'),
  identifiers: z.array(identifierInputSchema).min(1).max(20).optional().describe('Resolved to a guest through customer-profile'),
  brandId: brandIdSchema,
  propertyId: propertyIdSchema.optional(),
  channel: kebabSchema('channel').describe('Where it happened: front-desk, web, pos, phone, app…'),
  occurredAt: z.iso.datetime({ offset: true }).describe('When it happened: ISO 8601 date-time with Z or an offset'),
  actor: labelSchema(200).optional().describe('Who recorded it; defaults to user:<token subject>'),
  visibility: z.enum(['shared', 'brand']).default('shared').describe('shared: every brand of a sharing agreement; brand: the brand only'),
  amount: moneyInputSchema.optional().describe('Money involved, e.g. the spend of a visit'),
  sourceEventId: z.string().regex(/^[\x21-\x7e]{1,200}$/, 'expected printable ASCII without spaces, at most 200').optional().describe('Id in the source system: retries with it are recorded once'),
};

function touchpointOf<const T extends TouchpointType>(type: T) {
  return z.strictObject({ ...touchpointBaseShape, type: z.literal(type), payload: touchpointPayloadSchemas[type] });
}

/**
 * Body of `POST /v1/touchpoints`. Exactly one of `guestId` / `identifiers` (a field error on `guestId` when
 * neither is given, on `identifiers` when both are).
 */
export const touchpointInputSchema = z
  .discriminatedUnion(
    'type',
    [
      touchpointOf('reservation-made'),
      touchpointOf('reservation-cancelled'),
      touchpointOf('stay'),
      touchpointOf('dining-visit'),
      touchpointOf('purchase'),
      touchpointOf('call'),
      touchpointOf('email'),
      touchpointOf('chat'),
      touchpointOf('web-visit'),
      touchpointOf('note'),
      touchpointOf('complaint'),
      touchpointOf('service-recovery'),
      touchpointOf('survey-response'),
    ],
    { error: (issue) => (issue.code === 'invalid_union' ? `expected one of ${touchpointTypes.join(', ')}` : undefined) },
  )
  .superRefine(
    (value, ctx) => {
      // Runs even when other fields failed (`when`), so the caller learns every problem at once.
      if (!isRecord(value)) return;
      const hasGuestId = value.guestId !== undefined;
      const hasIdentifiers = value.identifiers !== undefined;
      if (!hasGuestId && !hasIdentifiers) ctx.addIssue({ code: 'custom', path: ['guestId'], message: 'give either guestId or identifiers' });
      if (hasGuestId && hasIdentifiers) ctx.addIssue({ code: 'custom', path: ['identifiers'], message: 'give either guestId or identifiers, not both' });
    },
    { when: () => true },
  )
  .meta({ id: 'TouchpointInput', description: 'A touchpoint: one guest (by id or identifiers), its type and a payload typed per type' });

export type TouchpointInput = z.output<typeof touchpointInputSchema>;

/** The documented batch body (OpenAPI). */
export const touchpointBatchSchema = z.strictObject({ items: z.array(touchpointInputSchema).min(1).max(500) });

/** What the batch route validates up front: items are then validated one by one, so a bad item fails alone. */
export const touchpointBatchEnvelopeSchema = z.strictObject({ items: z.array(z.unknown()).min(1).max(500) });

/** Payload money (`{ amount, currency }`) becomes minor units; everything else is copied as JSON. */
function factValue(value: unknown): JsonValue {
  if (Array.isArray(value)) return value.map(factValue);
  if (isRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length === 2 && typeof value.amount === 'string' && typeof value.currency === 'string') return toMoney({ amount: value.amount, currency: value.currency });
    const out: JsonRecord = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = factValue(item);
    return out;
  }
  return toJsonValue(value);
}

/**
 * The timeline entry a validated touchpoint becomes. Payload free text goes to `personal` (null when there
 * is none), everything else to `facts` with money in minor units. The entry's `amount` is the touchpoint's
 * amount; a stay without one takes its room revenue. A complaint without an id is known by the entry id;
 * a stay without nights gets them from its dates. `actor`: the touchpoint's own, else `ctx.actor`.
 */
export function toTimelineEntry(
  input: TouchpointInput,
  ctx: { entryId: string; guestId: string; recordedAt: string; actor: string },
): TimelineEntry {
  const facts: JsonRecord = {};
  const personal: JsonRecord = {};
  for (const [key, value] of Object.entries(input.payload as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (personalFields.has(key)) personal[key] = toJsonValue(value);
    else facts[key] = factValue(value);
  }
  let amount = input.amount ? toMoney(input.amount) : null;
  if (input.type === 'stay') {
    facts.nights = input.payload.nights ?? Math.max(0, daysBetween(input.payload.arrivalDate, input.payload.departureDate));
    if (!amount && input.payload.roomRevenue) amount = toMoney(input.payload.roomRevenue);
  }
  if (input.type === 'complaint') facts.complaintId = input.payload.complaintId ?? ctx.entryId;
  const entry: TimelineEntry = {
    entryId: ctx.entryId,
    guestId: ctx.guestId,
    kind: 'touchpoint',
    type: input.type,
    source: 'touchpoints-api',
    brandId: input.brandId,
    propertyId: input.propertyId ?? null,
    channel: input.channel,
    occurredAt: input.occurredAt,
    recordedAt: ctx.recordedAt,
    actor: input.actor ?? ctx.actor,
    visibility: input.visibility,
    amount,
    facts,
    personal: Object.keys(personal).length > 0 ? personal : null,
  };
  if (input.sourceEventId !== undefined) entry.sourceEventId = input.sourceEventId;
  return entry;
}

/** The API shape of a timeline entry: money as `{ amount: "240.00", currency }` (also inside facts). */
export const timelineEntryResponseSchema = z
  .object({
    entryId: z.string(),
    guestId: z.string().describe('The guest whose timeline holds the entry (a merged guest keeps its own entries)'),
    kind: z.enum(['touchpoint', 'event']),
    type: z.string().describe('Touchpoint type, or the integration-event type (hearth.<service>.<event>)'),
    contractVersion: z.number().int().optional().describe('Contract version of an integration event'),
    source: z.string().describe('touchpoints-api or the publishing service'),
    sourceEventId: z.string().optional(),
    brandId: z.string().nullable(),
    propertyId: z.string().nullable(),
    channel: z.string().nullable(),
    occurredAt: z.string().describe('When it happened in the guest\'s world'),
    recordedAt: z.string().describe('When the timeline recorded it'),
    actor: z.string(),
    visibility: z.enum(['shared', 'brand']),
    amount: moneyResponseSchema.nullable(),
    facts: z.record(z.string(), z.unknown()).describe('Non-personal facts; they survive erasure'),
    personal: z.record(z.string(), z.unknown()).nullable().describe('Personal free text; null when none or after erasure'),
  })
  .meta({ id: 'TimelineEntry' });

export type TimelineEntryResponse = z.output<typeof timelineEntryResponseSchema>;

function formatFacts(value: JsonValue): unknown {
  if (isMoney(value)) return formatMoney(value);
  if (Array.isArray(value)) return value.map(formatFacts);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, formatFacts(item as JsonValue)]));
  return value;
}

/** A stored entry as the API shows it. */
export function toEntryResponse(entry: TimelineEntry): TimelineEntryResponse {
  const response: TimelineEntryResponse = {
    entryId: entry.entryId,
    guestId: entry.guestId,
    kind: entry.kind,
    type: entry.type,
    source: entry.source,
    brandId: entry.brandId,
    propertyId: entry.propertyId,
    channel: entry.channel,
    occurredAt: entry.occurredAt,
    recordedAt: entry.recordedAt,
    actor: entry.actor,
    visibility: entry.visibility,
    amount: entry.amount ? formatMoney(entry.amount) : null,
    facts: formatFacts(entry.facts) as Record<string, unknown>,
    personal: entry.personal,
  };
  if (entry.contractVersion !== undefined) response.contractVersion = entry.contractVersion;
  if (entry.sourceEventId !== undefined) response.sourceEventId = entry.sourceEventId;
  return response;
}
