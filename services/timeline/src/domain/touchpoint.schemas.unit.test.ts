import { z } from 'zod';
import {
  toEntryResponse,
  timelineEntryResponseSchema,
  toTimelineEntry,
  touchpointBatchEnvelopeSchema,
  touchpointBatchSchema,
  touchpointInputSchema,
  type TouchpointInput,
} from './touchpoint.schemas';
import { touchpointTypes, type TouchpointType } from './timeline.types';

const base = { guestId: 'g-1', brandId: 'brand-a', propertyId: 'prop-1', channel: 'front-desk', occurredAt: '2026-03-01T10:00:00+01:00' };

/** A valid payload of every built-in type. */
const validPayloads: Record<TouchpointType, Record<string, unknown>> = {
  'reservation-made': { reservationId: 'R-100', arrivalDate: '2026-04-01', departureDate: '2026-04-03', roomType: 'deluxe', adults: 2, children: 1, specialRequests: 'late check-in' },
  'reservation-cancelled': { reservationId: 'R-100', reason: 'change-of-plans' },
  stay: { reservationId: 'R-100', arrivalDate: '2026-04-01', departureDate: '2026-04-03', roomRevenue: { amount: '240.00', currency: 'EUR' } },
  'dining-visit': { covers: 4, outlet: 'Harbour Grill' },
  purchase: { items: [{ sku: 'SPA-1', quantity: 2, unitPrice: { amount: '35.50', currency: 'EUR' } }] },
  call: { direction: 'inbound', durationSeconds: 120, topic: 'booking-change', subject: 'Move dates', summary: 'Wants to move to May' },
  email: { direction: 'outbound', subject: 'Your stay' },
  chat: { direction: 'inbound', topic: 'parking' },
  'web-visit': { pages: ['/rooms/deluxe', '/spa'], campaign: 'spring-sale' },
  note: { text: 'Prefers to be called by first name' },
  complaint: { category: 'noise', severity: 'high', description: 'Loud party next door' },
  'service-recovery': { complaintId: 'C-1', action: 'voucher', value: { amount: '50.00', currency: 'EUR' }, note: 'Offered dinner voucher' },
  'survey-response': { score: 4, surveyId: 'S-1', ticketId: 'T-1', comment: 'Lovely staff' },
};

/** Per type: an invalid payload and the field paths the 400 must name. */
const invalidPayloads: Record<TouchpointType, [Record<string, unknown>, string[]]> = {
  'reservation-made': [{ reservationId: 'R-1', arrivalDate: '2026-04-05', departureDate: '2026-04-03' }, ['payload.departureDate']],
  'reservation-cancelled': [{ reason: 'change-of-plans' }, ['payload.reservationId']],
  stay: [{ arrivalDate: '2026-02-30', departureDate: '2026-03-02', nights: -1 }, ['payload.arrivalDate', 'payload.nights']],
  'dining-visit': [{ covers: 0 }, ['payload.covers']],
  purchase: [{ items: [{ sku: 'SPA-1', quantity: 1.5 }] }, ['payload.items.0.quantity']],
  call: [{ direction: 'sideways' }, ['payload.direction']],
  email: [{ direction: 'inbound', durationSeconds: -3 }, ['payload.durationSeconds']],
  chat: [{ subject: 'hi' }, ['payload.direction']],
  'web-visit': [{ pages: ['https://example.com/?email=a@b.c'] }, ['payload.pages.0']],
  note: [{ text: '   ' }, ['payload.text']],
  complaint: [{ category: 'weather', severity: 'high' }, ['payload.category']],
  'service-recovery': [{ action: 'apology' }, ['payload.complaintId']],
  'survey-response': [{ score: 6 }, ['payload.score']],
};

function fieldErrors(body: unknown): string[] {
  const result = touchpointInputSchema.safeParse(body);
  expect(result.success).toBe(false);
  return result.error!.issues.map((issue) => issue.path.join('.')).sort();
}

function parse(body: unknown): TouchpointInput {
  return touchpointInputSchema.parse(body);
}

const ctx = { entryId: 'e-1', guestId: 'g-1', recordedAt: '2026-03-01T09:00:01Z', actor: 'user:u-1' };

describe('touchpoint input', () => {
  it.each(touchpointTypes)('accepts a valid %s touchpoint', (type) => {
    const input = parse({ ...base, type, payload: validPayloads[type] });
    expect(input.type).toBe(type);
    expect(input.visibility).toBe('shared');
  });

  it.each(touchpointTypes)('names the bad fields of an invalid %s payload', (type) => {
    const [payload, paths] = invalidPayloads[type];
    expect(fieldErrors({ ...base, type, payload })).toEqual(paths);
  });

  it('rejects unknown payload fields instead of dropping them', () => {
    expect(fieldErrors({ ...base, type: 'dining-visit', payload: { covers: 2, cover: 3 } })).toEqual(['payload']);
  });

  it('wants exactly one of guestId and identifiers', () => {
    const { guestId: _omitted, ...withoutGuest } = base;
    expect(fieldErrors({ ...withoutGuest, type: 'note', payload: { text: 'x' } })).toEqual(['guestId']);
    expect(fieldErrors({ ...base, identifiers: [{ type: 'email', value: 'a@example.com' }], type: 'note', payload: { text: 'x' } })).toEqual(['identifiers']);
    const byIdentifiers = parse({ ...withoutGuest, identifiers: [{ type: 'email', value: 'a@example.com' }], type: 'note', payload: { text: 'x' } });
    expect(byIdentifiers.identifiers).toEqual([{ type: 'email', value: 'a@example.com' }]);
  });

  it('reports the guest problem together with other field errors', () => {
    const { guestId: _omitted, ...withoutGuest } = base;
    expect(fieldErrors({ ...withoutGuest, type: 'dining-visit', payload: { covers: 'four' } })).toEqual(['guestId', 'payload.covers']);
  });

  it('names an unknown type', () => {
    const result = touchpointInputSchema.safeParse({ ...base, type: 'spa-visit', payload: {} });
    expect(result.error?.issues[0]).toEqual(expect.objectContaining({ path: ['type'], message: expect.stringContaining('reservation-made') }));
  });

  it('validates the envelope fields', () => {
    expect(
      fieldErrors({
        ...base,
        occurredAt: '2026-03-01 10:00',
        channel: 'Front Desk',
        visibility: 'private',
        brandId: '',
        amount: { amount: '10.999', currency: 'EUR' },
        type: 'note',
        payload: { text: 'x' },
      }),
    ).toEqual(['amount.amount', 'brandId', 'channel', 'occurredAt', 'visibility']);
  });

  it('batches: the documented body holds 1..500 touchpoints; the envelope leaves items to be checked one by one', () => {
    const item = { ...base, type: 'note', payload: { text: 'x' } };
    expect(touchpointBatchSchema.safeParse({ items: [item] }).success).toBe(true);
    expect(touchpointBatchEnvelopeSchema.safeParse({ items: [] }).success).toBe(false);
    expect(touchpointBatchEnvelopeSchema.safeParse({ items: Array.from({ length: 501 }, () => item) }).success).toBe(false);
    expect(touchpointBatchEnvelopeSchema.safeParse({ items: [item, { nonsense: true }] }).success).toBe(true);
  });
});

describe('toTimelineEntry', () => {
  it('given a stay without nights, when recorded, then nights come from the dates and room revenue is the amount', () => {
    const entry = toTimelineEntry(parse({ ...base, type: 'stay', payload: validPayloads.stay }), ctx);
    expect(entry).toEqual({
      entryId: 'e-1',
      guestId: 'g-1',
      kind: 'touchpoint',
      type: 'stay',
      source: 'touchpoints-api',
      brandId: 'brand-a',
      propertyId: 'prop-1',
      channel: 'front-desk',
      occurredAt: '2026-03-01T10:00:00+01:00',
      recordedAt: '2026-03-01T09:00:01Z',
      actor: 'user:u-1',
      visibility: 'shared',
      amount: { currency: 'EUR', minor: 24000 },
      facts: { reservationId: 'R-100', arrivalDate: '2026-04-01', departureDate: '2026-04-03', nights: 2, roomRevenue: { currency: 'EUR', minor: 24000 } },
      personal: null,
    });
  });

  it('keeps explicit nights and the touchpoint amount', () => {
    const entry = toTimelineEntry(
      parse({ ...base, type: 'stay', amount: { amount: '300', currency: 'EUR' }, payload: { ...validPayloads.stay, nights: 3 } }),
      ctx,
    );
    expect(entry.facts.nights).toBe(3);
    expect(entry.amount).toEqual({ currency: 'EUR', minor: 30000 });
  });

  it('splits free text into personal and converts money inside the payload', () => {
    const reservation = toTimelineEntry(parse({ ...base, type: 'reservation-made', payload: validPayloads['reservation-made'] }), ctx);
    expect(reservation.personal).toEqual({ specialRequests: 'late check-in' });
    expect(reservation.facts).not.toHaveProperty('specialRequests');

    const recovery = toTimelineEntry(parse({ ...base, type: 'service-recovery', payload: validPayloads['service-recovery'] }), ctx);
    expect(recovery.facts).toEqual({ complaintId: 'C-1', action: 'voucher', value: { currency: 'EUR', minor: 5000 } });
    expect(recovery.personal).toEqual({ note: 'Offered dinner voucher' });

    const purchase = toTimelineEntry(parse({ ...base, type: 'purchase', payload: validPayloads.purchase }), ctx);
    expect(purchase.facts).toEqual({ items: [{ sku: 'SPA-1', quantity: 2, unitPrice: { currency: 'EUR', minor: 3550 } }] });

    const call = toTimelineEntry(parse({ ...base, type: 'call', payload: validPayloads.call }), ctx);
    expect(call.facts).toEqual({ direction: 'inbound', durationSeconds: 120, topic: 'booking-change' });
    expect(call.personal).toEqual({ subject: 'Move dates', summary: 'Wants to move to May' });

    const note = toTimelineEntry(parse({ ...base, type: 'note', payload: { text: '  Likes jazz ' } }), ctx);
    expect(note).toEqual(expect.objectContaining({ facts: {}, personal: { text: 'Likes jazz' } }));

    const survey = toTimelineEntry(parse({ ...base, type: 'survey-response', payload: validPayloads['survey-response'] }), ctx);
    expect(survey.personal).toEqual({ comment: 'Lovely staff' });
  });

  it('gives a complaint without an id the entry id', () => {
    const entry = toTimelineEntry(parse({ ...base, type: 'complaint', payload: validPayloads.complaint }), ctx);
    expect(entry.facts).toEqual({ category: 'noise', severity: 'high', complaintId: 'e-1' });
    expect(entry.personal).toEqual({ description: 'Loud party next door' });
  });

  it('uses the touchpoint actor, visibility and source event id when given', () => {
    const entry = toTimelineEntry(
      parse({ ...base, actor: 'pms:opera', visibility: 'brand', sourceEventId: 'opera-77', type: 'dining-visit', payload: { covers: 2 } }),
      ctx,
    );
    expect(entry).toEqual(expect.objectContaining({ actor: 'pms:opera', visibility: 'brand', sourceEventId: 'opera-77', amount: null }));
  });
});

describe('entry responses', () => {
  it('formats money, also inside facts, and matches the response schema', () => {
    const entry = toTimelineEntry(parse({ ...base, type: 'stay', amount: { amount: '15000', currency: 'JPY' }, payload: validPayloads.stay }), ctx);
    const response = toEntryResponse(entry);
    expect(response.amount).toEqual({ amount: '15000', currency: 'JPY' });
    expect(response.facts.roomRevenue).toEqual({ amount: '240.00', currency: 'EUR' });
    expect(timelineEntryResponseSchema.parse(response)).toEqual(response);
  });
});

describe('published schemas', () => {
  it('convert to JSON Schema for the OpenAPI document (request bodies in input form)', () => {
    const options = { target: 'draft-2020-12', unrepresentable: 'any', cycles: 'ref', reused: 'inline' } as const;
    const body = z.toJSONSchema(touchpointBatchSchema, { ...options, io: 'input' }) as { $defs?: Record<string, { oneOf?: unknown[] }> };
    expect(Object.keys(body.$defs ?? {}).sort()).toEqual(['MoneyInput', 'TouchpointInput']);
    expect(body.$defs?.TouchpointInput?.oneOf).toHaveLength(touchpointTypes.length);
    expect(() => z.toJSONSchema(timelineEntryResponseSchema, { ...options, io: 'output' })).not.toThrow();
  });
});
