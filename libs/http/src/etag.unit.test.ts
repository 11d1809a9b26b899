import type { Request, Response } from 'express';
import { etagOf, parseIfMatch, setEtag } from './etag';

const withIfMatch = (value: string | undefined) => ({ get: (name: string) => (name.toLowerCase() === 'if-match' ? value : undefined) }) as unknown as Request;

describe('ETag and If-Match', () => {
  it('formats strong version tags', () => {
    expect(etagOf(0)).toBe('"0"');
    expect(etagOf(42)).toBe('"42"');
    expect(() => etagOf(-1)).toThrow(RangeError);
    expect(() => etagOf(1.5)).toThrow(RangeError);
    const headers: Record<string, string> = {};
    setEtag({ setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as Response, 7);
    expect(headers).toEqual({ ETag: '"7"' });
  });

  it('parses a single strong tag into the expected version', () => {
    expect(parseIfMatch(withIfMatch('"7"'))).toBe(7);
    expect(parseIfMatch(withIfMatch(' "0" '))).toBe(0);
    expect(parseIfMatch(withIfMatch(undefined))).toBeUndefined();
    expect(parseIfMatch(withIfMatch('*'))).toBeUndefined();
  });

  it('rejects malformed values with 400 and a missing required header with 428', () => {
    for (const value of ['7', 'W/"7"', '"7","8"', '"07"', '"1e3"', '"99999999999999999"']) {
      expect(() => parseIfMatch(withIfMatch(value))).toThrow(expect.objectContaining({ status: 400, code: 'INVALID_IF_MATCH' }));
    }
    expect(() => parseIfMatch(withIfMatch(undefined), { required: true })).toThrow(expect.objectContaining({ status: 428, code: 'PRECONDITION_REQUIRED' }));
    expect(parseIfMatch(withIfMatch('"3"'), { required: true })).toBe(3);
  });
});
