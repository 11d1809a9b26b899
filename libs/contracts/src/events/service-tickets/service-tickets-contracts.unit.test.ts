import { allContracts, hearthContracts } from '../index';
import { recoveryGivenV1 } from './recovery-given.v1';
import { satisfactionRecordedV1 } from './satisfaction-recorded.v1';
import { ticketCommentedV1 } from './ticket-commented.v1';
import { ticketOpenedV1 } from './ticket-opened.v1';
import { complaintRecordedV1 } from './complaint-recorded.v1';

const serviceTickets = allContracts.filter((c) => c.type.startsWith('hearth.service-tickets.'));

/** All property names anywhere in a JSON Schema. */
function propertyNames(schema: unknown): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const node = schema as { properties?: Record<string, unknown> };
  const own = node.properties ? Object.keys(node.properties) : [];
  return [...own, ...Object.values(schema).flatMap(propertyNames)];
}

/** The `required` list of the payload (`data`) of a contract's JSON Schema. */
function requiredDataFields(schema: unknown): string[] {
  const data = (schema as { properties: { data: { required?: string[] } } }).properties.data;
  return data.required ?? [];
}

const ref = { ticketId: 'ticket-1', brandId: 'brand-1' };

describe('service-tickets integration events', () => {
  it('cover every fact the service publishes, as version 1', () => {
    expect(serviceTickets.map((c) => c.type.split('.')[2]).sort()).toEqual([
      'complaint-recorded', 'recovery-given', 'satisfaction-recorded', 'sla-breached', 'ticket-assigned', 'ticket-closed',
      'ticket-commented', 'ticket-escalated', 'ticket-opened', 'ticket-referred', 'ticket-reopened', 'ticket-resolved',
      'ticket-waiting-on-guest',
    ]);
    expect(serviceTickets.every((c) => c.version === 1 && hearthContracts.get(c.type, 1) === c)).toBe(true);
  });

  it.each(serviceTickets.map((c) => [c.subject, c] as const))('%s places the ticket: ticketId, brandId, propertyId?, guestId', (_s, contract) => {
    const schema = contract.toJsonSchema();
    const names = propertyNames((schema as { properties: { data: unknown } }).properties.data);
    expect(names).toEqual(expect.arrayContaining(['ticketId', 'brandId', 'propertyId', 'guestId']));
    expect(requiredDataFields(schema)).toEqual(expect.arrayContaining(['ticketId', 'brandId']));
    expect(requiredDataFields(schema)).not.toContain('propertyId');
  });

  it('requires a guest only where the ticket must have one (recovery, satisfaction)', () => {
    const withGuest = serviceTickets.filter((c) => requiredDataFields(c.toJsonSchema()).includes('guestId')).map((c) => c.type);
    expect(withGuest.sort()).toEqual(['hearth.service-tickets.recovery-given', 'hearth.service-tickets.satisfaction-recorded']);
  });

  it.each(serviceTickets.map((c) => [c.subject, c] as const))('%s carries no personal values or free text', (_s, contract) => {
    const names = propertyNames(contract.toJsonSchema());
    for (const personal of ['body', 'comment', 'subject', 'description', 'summary', 'note', 'name', 'email', 'phone', 'requester', 'url', 'fileName']) {
      expect(names).not.toContain(personal);
    }
  });

  it.each(serviceTickets.map((c) => [c.subject, c] as const))('%s round-trips its example', (_s, contract) => {
    expect(contract.parse(JSON.parse(JSON.stringify(contract.exampleEvent)))).toEqual(contract.exampleEvent);
  });

  it('drops a comment body smuggled into ticket-commented, and publishes public comments only', () => {
    const event = ticketCommentedV1.parse({ ...ticketCommentedV1.exampleEvent, data: { ...ticketCommentedV1.example, body: 'Room 214 is noisy' } });
    expect(event.data).not.toHaveProperty('body');
    const internal = ticketCommentedV1.safeParse({ ...ticketCommentedV1.exampleEvent, data: { ...ticketCommentedV1.example, visibility: 'internal' } });
    expect(internal.success).toBe(false);
  });

  it('opens a ticket without a guest, and refuses unknown kinds, channels and priorities', () => {
    const event = ticketOpenedV1.create({
      id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      tenantId: 'tenant-1',
      correlationId: 'corr-1',
      occurredAt: '2026-03-02T09:00:00Z',
      data: { ...ref, kind: 'inquiry', channel: 'walk-in', priority: 'normal', queueId: 'queue-1' },
    });
    expect(event.source).toBe('service-tickets');
    const bad = ticketOpenedV1.safeParse({ ...event, data: { ...event.data, kind: 'praise', channel: 'fax', priority: 'p1' } });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.issues.map((i) => i.path)).toEqual(['data.kind', 'data.channel', 'data.priority']);
  });

  it('gives recovery value as integer minor units of an ISO currency, and needs the guest', () => {
    const base = { ...ref, guestId: 'guest-1', recoveryId: 'r-1', action: 'refund' as const };
    expect(recoveryGivenV1.dataSchema.safeParse({ ...base, value: { currency: 'EUR', minor: 12050 } }).success).toBe(true);
    expect(recoveryGivenV1.dataSchema.safeParse({ ...base, value: { currency: 'EUR', minor: 120.5 } }).success).toBe(false);
    expect(recoveryGivenV1.dataSchema.safeParse({ ...base, value: { currency: 'euro', minor: 100 } }).success).toBe(false);
    expect(recoveryGivenV1.dataSchema.safeParse({ ...base, value: { currency: 'EUR', minor: -1 } }).success).toBe(false);
    const { guestId: _g, ...withoutGuest } = base;
    expect(recoveryGivenV1.dataSchema.safeParse(withoutGuest).success).toBe(false);
  });

  it('scores satisfaction 1–5 in whole numbers', () => {
    const base = { ...ref, guestId: 'guest-1' };
    expect([1, 5].map((score) => satisfactionRecordedV1.dataSchema.safeParse({ ...base, score }).success)).toEqual([true, true]);
    expect([0, 6, 3.5].map((score) => satisfactionRecordedV1.dataSchema.safeParse({ ...base, score }).success)).toEqual([false, false, false]);
  });

  it('takes tenant-defined complaint types as lower-kebab codes', () => {
    const base = { ...ref, severity: 'low' as const };
    expect(complaintRecordedV1.dataSchema.safeParse({ ...base, complaintType: 'room-cleanliness' }).success).toBe(true);
    expect(complaintRecordedV1.dataSchema.safeParse({ ...base, complaintType: 'Room Cleanliness' }).success).toBe(false);
  });
});
