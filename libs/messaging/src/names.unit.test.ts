import { InvalidMessagingOptionError } from './errors';
import {
  coveringPattern,
  deadLetterSubject,
  defaultPartitionKey,
  describeStream,
  filterSubject,
  matchesPattern,
  messageSubject,
  parseMessageSubject,
  parseSubjectPattern,
  partitionDurable,
  partitionOf,
  partitionsFromDescription,
  serviceOfSubject,
  streamNameFor,
  streamSubjectFor,
} from './names';

describe('stream names', () => {
  it('derives the stream and its subjects from the service', () => {
    expect(streamNameFor('customer-profile')).toBe('HEARTH_CUSTOMER_PROFILE');
    expect(streamNameFor('t-0a1b2c')).toBe('HEARTH_T_0A1B2C');
    expect(streamSubjectFor('customer-profile')).toBe('hearth.customer-profile.>');
  });

  it.each(['Customer', 'customer_profile', '', 'a.b', '-x'])('rejects the service name %j', (service) => {
    expect(() => streamNameFor(service)).toThrow(InvalidMessagingOptionError);
  });

  it('finds the producing service of a subject', () => {
    expect(serviceOfSubject('hearth.customer-profile.guest-registered.v1')).toBe('customer-profile');
    expect(serviceOfSubject('other.customer-profile.x')).toBeUndefined();
  });
});

describe('partitions', () => {
  it('hashes a key to a stable partition (FNV-1a 32)', () => {
    // reference values of FNV-1a 32: "" = 0x811c9dc5, "a" = 0xe40c292c
    expect(partitionOf('', 2 ** 31)).toBe(0x811c9dc5 % 2 ** 31);
    expect(partitionOf('a', 1_000_000)).toBe(0xe40c292c % 1_000_000);
    expect(partitionOf('guest-42', 16)).toBe(partitionOf('guest-42', 16));
  });

  it('spreads keys over every partition', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[partitionOf(`guest-${i}`, 16)]!++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1_200);
  });

  it('orders by guest, else by the message itself', () => {
    const base = { id: 'id-1', type: 'hearth.a.b', version: 1, source: 'a', tenantId: 't', occurredAt: 'x', correlationId: 'c', data: {} };
    expect(defaultPartitionKey({ ...base, guestId: 'guest-1' })).toBe('guest-1');
    expect(defaultPartitionKey(base)).toBe('id-1');
  });

  it('puts the partition count in the stream description (no stream metadata on NATS 2.9)', () => {
    expect(partitionsFromDescription(describeStream('x', 16))).toBe(16);
    expect(partitionsFromDescription('made by hand')).toBe(1);
    expect(partitionsFromDescription(undefined)).toBe(1);
  });
});

describe('subjects', () => {
  it('adds and parses the partition token', () => {
    expect(messageSubject('hearth.a.visit-recorded.v2', 7)).toBe('hearth.a.visit-recorded.v2.p7');
    expect(parseMessageSubject('hearth.a.visit-recorded.v2.p7')).toEqual({ contractSubject: 'hearth.a.visit-recorded.v2', partition: 7 });
    expect(parseMessageSubject('hearth.a.visit-recorded.v2')).toEqual({ contractSubject: 'hearth.a.visit-recorded.v2', partition: undefined });
    expect(parseMessageSubject('hearth.a.b.c.d.p1')).toEqual({ contractSubject: 'hearth.a.b.c.d.p1', partition: undefined });
  });

  it('parses patterns over contract subjects', () => {
    expect(parseSubjectPattern('hearth.a.b.v1')).toEqual(['hearth', 'a', 'b', 'v1']);
    expect(parseSubjectPattern('hearth.a.>')).toEqual(['hearth', 'a', '*', '*']);
    expect(parseSubjectPattern('hearth.>')).toEqual(['hearth', '*', '*', '*']);
    expect(parseSubjectPattern('hearth.a.*.v1')).toEqual(['hearth', 'a', '*', 'v1']);
  });

  it.each(['other.a.b.v1', 'hearth.a.b', 'hearth.a.b.v1.p1', 'hearth.>.b.v1', 'hearth.a..v1', ''])('rejects the pattern %j', (pattern) => {
    expect(() => parseSubjectPattern(pattern)).toThrow(InvalidMessagingOptionError);
  });

  it('matches contract subjects', () => {
    const pattern = parseSubjectPattern('hearth.a.*.v1');
    expect(matchesPattern(pattern, 'hearth.a.b.v1')).toBe(true);
    expect(matchesPattern(pattern, 'hearth.a.b.v2')).toBe(false);
    expect(matchesPattern(pattern, 'hearth.b.b.v1')).toBe(false);
  });

  it('covers several patterns with the narrowest single filter (NATS 2.9: one filter per consumer)', () => {
    const cover = (...subjects: string[]) => coveringPattern(subjects.map(parseSubjectPattern)).join('.');
    expect(cover('hearth.a.b.v1')).toBe('hearth.a.b.v1');
    expect(cover('hearth.a.b.v1', 'hearth.a.c.v1')).toBe('hearth.a.*.v1');
    expect(cover('hearth.a.b.v1', 'hearth.a.b.v2')).toBe('hearth.a.b.*');
    expect(cover('hearth.a.b.v1', 'hearth.a.>')).toBe('hearth.a.*.*');
    expect(() => coveringPattern([])).toThrow(InvalidMessagingOptionError);
  });

  it('builds consumer filters, partition durables and dead-letter subjects', () => {
    const pattern = parseSubjectPattern('hearth.a.>');
    expect(filterSubject(pattern, 3)).toBe('hearth.a.*.*.p3');
    expect(filterSubject(pattern, '*')).toBe('hearth.a.*.*.*');
    expect(partitionDurable('timeline--guest-view', 3)).toBe('timeline--guest-view_p3');
    expect(deadLetterSubject('hearth.dlq', 'hearth.a.b.v1.p3')).toBe('hearth.dlq.hearth.a.b.v1.p3');
  });
});
