import { normalizeTimer, toEpochMs, truncateError, validateListQuery } from './validation';

describe('timer validation', () => {
  it('normalises the due time to epoch milliseconds and serialises the payload once', () => {
    expect(normalizeTimer({ tenantId: 't', key: 'k', dueAt: '2026-11-23T10:00:00.5+01:00', payload: { a: [1, { b: null }], skipped: undefined } })).toEqual({
      tenantId: 't',
      key: 'k',
      dueAtMs: Date.parse('2026-11-23T09:00:00.500Z'),
      payload: { a: [1, { b: null }], skipped: undefined },
      payloadJson: '{"a":[1,{"b":null}]}',
    });
  });

  it('accepts four-digit years only', () => {
    expect(toEpochMs('dueAt', '0001-01-01T00:00:00Z')).toBe(Date.parse('0001-01-01T00:00:00Z'));
    expect(() => toEpochMs('dueAt', '+010000-01-01T00:00:00Z')).toThrow(/between the years 0001 and 9999/);
    expect(() => toEpochMs('dueAt', 1_700_000_000_000)).toThrow(/valid Date or ISO 8601/);
  });

  it('checks list queries', () => {
    expect(validateListQuery()).toEqual({ limit: 100 });
    expect(validateListQuery({ tenantId: 't', status: 'failed', dueBefore: '2030-01-01T00:00:00Z', limit: 5 })).toEqual({
      tenantId: 't',
      status: 'failed',
      dueBeforeMs: Date.parse('2030-01-01T00:00:00Z'),
      limit: 5,
    });
    expect(() => validateListQuery({ status: 'done' as never })).toThrow(/'pending' or 'failed'/);
    expect(() => validateListQuery({ limit: 1_001 })).toThrow(/between 1 and 1000/);
  });

  it('cuts stored error messages and drops NUL characters', () => {
    expect(truncateError('a\u0000b')).toBe('ab');
    expect(truncateError('x'.repeat(5_000))).toHaveLength(4_001);
  });
});
