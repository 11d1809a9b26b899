import { z } from 'zod';
import { defineEvent, type EventOf } from './define-event';
import { ContractValidationError, InvalidContractDefinitionError } from './errors';

const ticketOpenedV2 = defineEvent({
  type: 'hearth.service-tickets.ticket-opened',
  version: 2,
  description: 'A ticket was opened.',
  data: z.object({
    ticketId: z.string().min(1).describe('Id of the ticket.'),
    kind: z.enum(['inquiry', 'request', 'complaint']).describe('What kind of ticket.'),
    tags: z.array(z.string().min(1)).optional().describe('Free tags.'),
  }),
  example: { ticketId: 'ticket-1', kind: 'complaint', tags: ['noise'] },
});

const envelope = (overrides: Record<string, unknown> = {}) => ({
  id: '5d2c0a8e-3f41-4b7e-9c1a-2e6f8d9b0a71',
  type: 'hearth.service-tickets.ticket-opened',
  version: 2,
  source: 'service-tickets',
  tenantId: 'tenant-1',
  occurredAt: '2025-03-04T05:06:07.000Z',
  correlationId: 'corr-1',
  data: { ticketId: 'ticket-9', kind: 'inquiry' },
  ...overrides,
});

describe('defineEvent', () => {
  it('names the subject <type>.v<N>', () => {
    expect(ticketOpenedV2.subject).toBe('hearth.service-tickets.ticket-opened.v2');
    expect(ticketOpenedV2.type).toBe('hearth.service-tickets.ticket-opened');
    expect(ticketOpenedV2.version).toBe(2);
  });

  it('returns a frozen contract with a frozen example', () => {
    expect(Object.isFrozen(ticketOpenedV2)).toBe(true);
    expect(Object.isFrozen(ticketOpenedV2.example)).toBe(true);
    expect(Object.isFrozen(ticketOpenedV2.example.tags)).toBe(true);
    expect(Object.isFrozen(ticketOpenedV2.exampleEvent.data)).toBe(true);
    expect(ticketOpenedV2.exampleEvent).toMatchObject({
      type: 'hearth.service-tickets.ticket-opened',
      version: 2,
      source: 'service-tickets',
      data: ticketOpenedV2.example,
    });
  });

  it('throws at definition time when the example does not match, listing the fields', () => {
    const define = () =>
      defineEvent({
        type: 'hearth.service-tickets.ticket-opened',
        version: 3,
        description: 'A ticket was opened.',
        data: z.object({ ticketId: z.string().min(1), priority: z.number().int() }),
        example: { ticketId: '', priority: 1.5 },
      });
    expect(define).toThrow(InvalidContractDefinitionError);
    try {
      define();
    } catch (error) {
      const e = error as InvalidContractDefinitionError;
      expect(e.code).toBe('INVALID_CONTRACT_DEFINITION');
      expect(e.message).toContain('hearth.service-tickets.ticket-opened v3');
      expect(e.message).toContain('the example does not match the data schema');
      expect(e.issues.map((i) => i.path)).toEqual(['ticketId', 'priority']);
    }
  });

  it.each([
    ['a type outside hearth.<service>.<event>', { type: 'tickets.opened', version: 1 }, /type must look like/],
    ['an upper-case type', { type: 'hearth.Tickets.opened', version: 1 }, /type must look like/],
    ['version 0', { type: 'hearth.tickets.opened', version: 0 }, /version must be a positive integer/],
    ['a fractional version', { type: 'hearth.tickets.opened', version: 1.5 }, /version must be a positive integer/],
    ['an empty description', { type: 'hearth.tickets.opened', version: 1, description: ' ' }, /description/],
  ])('rejects %s', (_name, overrides, message) => {
    expect(() =>
      defineEvent({
        description: 'x',
        data: z.object({ a: z.string() }),
        example: { a: 'a' },
        ...overrides,
      }),
    ).toThrow(message);
  });

  it('rejects a payload that JSON Schema cannot describe', () => {
    expect(() =>
      defineEvent({
        type: 'hearth.tickets.opened',
        version: 1,
        description: 'x',
        data: z.object({ at: z.date() }),
        example: { at: new Date(0) },
      }),
    ).toThrow(/cannot be rendered as JSON Schema/);
  });

  it('rejects a non-object payload schema', () => {
    expect(() =>
      defineEvent({
        type: 'hearth.tickets.opened',
        version: 1,
        description: 'x',
        data: z.string() as unknown as z.ZodObject,
        example: 'a' as never,
      }),
    ).toThrow(/data must be a z.object/);
  });
});

describe('contract.parse', () => {
  it('returns a typed envelope', () => {
    const event: EventOf<typeof ticketOpenedV2> = ticketOpenedV2.parse(envelope());
    expect(event.data.kind).toBe('inquiry');
    expect(event.version).toBe(2);
  });

  it('lists field paths in ContractValidationError', () => {
    const input = envelope({ id: 'nope', data: { ticketId: '', kind: 'praise', tags: ['ok', ''] } });
    expect(() => ticketOpenedV2.parse(input)).toThrow(ContractValidationError);
    try {
      ticketOpenedV2.parse(input);
    } catch (error) {
      const e = error as ContractValidationError;
      expect(e.contract).toBe('hearth.service-tickets.ticket-opened.v2');
      expect(e.issues.map((i) => i.path)).toEqual(['id', 'data.ticketId', 'data.kind', 'data.tags[1]']);
      expect(e.issues.every((i) => i.message.length > 0)).toBe(true);
      expect(e.message).toMatch(/^Invalid hearth\.service-tickets\.ticket-opened\.v2 message: id: /);
      expect(e.cause).toBeInstanceOf(z.ZodError);
    }
  });

  it('rejects another type or version', () => {
    const result = ticketOpenedV2.safeParse(envelope({ version: 1 }));
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((i) => i.path)).toEqual(['version']);
    expect(ticketOpenedV2.safeParse(envelope({ type: 'hearth.service-tickets.ticket-closed' })).success).toBe(false);
  });

  it('reports a missing payload field as Required', () => {
    const result = ticketOpenedV2.safeParse(envelope({ data: { kind: 'inquiry' } }));
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues).toEqual([{ path: 'data.ticketId', message: 'Required' }]);
  });

  it('drops unknown payload fields (tolerant reader)', () => {
    const event = ticketOpenedV2.parse(envelope({ data: { ticketId: 't', kind: 'request', futureField: 1 } }));
    expect(event.data).toEqual({ ticketId: 't', kind: 'request' });
  });
});

describe('contract.create', () => {
  it('fills in type, version, source, id and occurredAt', () => {
    const before = Date.now();
    const event = ticketOpenedV2.create({
      tenantId: 'tenant-1',
      correlationId: 'corr-1',
      data: { ticketId: 'ticket-1', kind: 'request' },
    });
    expect(event.type).toBe('hearth.service-tickets.ticket-opened');
    expect(event.version).toBe(2);
    expect(event.source).toBe('service-tickets');
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(before);
    expect(event).not.toHaveProperty('brandId');
    expect(event).not.toHaveProperty('causationId');
  });

  it('keeps what it is given and converts a Date', () => {
    const event = ticketOpenedV2.create({
      id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
      source: 'integration-gateway',
      tenantId: 'tenant-1',
      brandId: 'brand-1',
      guestId: 'guest-1',
      occurredAt: new Date('2025-06-01T10:00:00Z'),
      correlationId: 'corr-1',
      causationId: 'cmd-1',
      data: { ticketId: 'ticket-1', kind: 'request' },
    });
    expect(event).toEqual({
      id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
      type: 'hearth.service-tickets.ticket-opened',
      version: 2,
      source: 'integration-gateway',
      tenantId: 'tenant-1',
      brandId: 'brand-1',
      guestId: 'guest-1',
      occurredAt: '2025-06-01T10:00:00.000Z',
      correlationId: 'corr-1',
      causationId: 'cmd-1',
      data: { ticketId: 'ticket-1', kind: 'request' },
    });
  });

  it('validates what it builds', () => {
    expect(() =>
      ticketOpenedV2.create({
        tenantId: '',
        occurredAt: new Date('not a date'),
        correlationId: 'corr-1',
        data: { ticketId: 'ticket-1', kind: 'praise' as 'request' },
      }),
    ).toThrow(expect.objectContaining({ issues: [
      expect.objectContaining({ path: 'tenantId' }),
      expect.objectContaining({ path: 'occurredAt' }),
      expect.objectContaining({ path: 'data.kind' }),
    ] }));
  });
});

describe('contract.toJsonSchema', () => {
  it('describes the whole envelope with literal type and version and the example', () => {
    const schema = ticketOpenedV2.toJsonSchema();
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'hearth.service-tickets.ticket-opened.v2',
      description: 'A ticket was opened.',
      properties: {
        type: { const: 'hearth.service-tickets.ticket-opened' },
        version: { const: 2 },
        data: {
          required: ['ticketId', 'kind'],
          examples: [{ ticketId: 'ticket-1', kind: 'complaint', tags: ['noise'] }],
        },
      },
    });
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'type', 'version', 'tenantId', 'data']));
    // input side: unknown properties stay allowed, so adding an optional field later does not break readers
    expect(schema).not.toHaveProperty('additionalProperties');
  });

  it('returns a fresh copy each time', () => {
    const first = ticketOpenedV2.toJsonSchema() as Record<string, unknown>;
    first.title = 'mutated';
    expect(ticketOpenedV2.toJsonSchema()).toHaveProperty('title', 'hearth.service-tickets.ticket-opened.v2');
  });
});
