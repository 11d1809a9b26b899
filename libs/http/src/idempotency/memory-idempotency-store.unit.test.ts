import { describeIdempotencyStoreConformance } from './idempotency-store.conformance';
import { canonicalJson, requestFingerprint } from './idempotency-store';
import { MemoryIdempotencyStore } from './memory-idempotency-store';

describeIdempotencyStoreConformance('memory', async (options) => ({ store: new MemoryIdempotencyStore(options) }));

describe('request fingerprints', () => {
  const base = { method: 'POST', path: '/v1/tickets', userId: 'u1', body: { subject: 'Noisy room', guest: { id: 'g1', tags: ['vip'] } } };

  it('ignores key order and whitespace but not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    const reordered = { ...base, body: { guest: { tags: ['vip'], id: 'g1' }, subject: 'Noisy room' } };
    expect(requestFingerprint(reordered)).toBe(requestFingerprint(base));
    expect(requestFingerprint({ ...base, body: { ...base.body, subject: 'Quiet room' } })).not.toBe(requestFingerprint(base));
  });

  it('differs by concrete path, method and caller', () => {
    const fp = requestFingerprint(base);
    expect(requestFingerprint({ ...base, path: '/v1/tickets/other' })).not.toBe(fp);
    expect(requestFingerprint({ ...base, method: 'PUT' })).not.toBe(fp);
    expect(requestFingerprint({ ...base, userId: 'u2' })).not.toBe(fp);
  });
});
