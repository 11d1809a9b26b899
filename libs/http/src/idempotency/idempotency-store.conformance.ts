import { randomUUID } from 'node:crypto';
import type { IdempotencyScope, IdempotencyStore, IdempotencyStoreOptions, StoredResponse } from './idempotency-store';

/** Creates a store with the given options (the suite passes a fixed clock), plus its cleanup. */
export type IdempotencyStoreFactory = (options: Required<Pick<IdempotencyStoreOptions, 'now' | 'ttlMs' | 'inFlightTimeoutMs'>>) => Promise<{
  store: IdempotencyStore;
  cleanup?: () => Promise<void>;
}>;

/** One suite for every IdempotencyStore adapter. */
export function describeIdempotencyStoreConformance(name: string, factory: IdempotencyStoreFactory): void {
  describe(`IdempotencyStore conformance: ${name}`, () => {
    const ttlMs = 24 * 60 * 60 * 1000;
    const inFlightTimeoutMs = 60_000;
    let clock: number;
    let store: IdempotencyStore;
    let cleanup: (() => Promise<void>) | undefined;
    let scope: IdempotencyScope;
    const created: StoredResponse = {
      status: 201,
      headers: { 'content-type': 'application/json; charset=utf-8', etag: '"0"', location: '/v1/tickets/t-1' },
      body: '{"id":"t-1","subject":"Zoë\'s room"}',
    };

    beforeEach(async () => {
      clock = Date.UTC(2026, 10, 23, 10, 0, 0);
      ({ store, cleanup } = await factory({ now: () => clock, ttlMs, inFlightTimeoutMs }));
      scope = { tenantId: `tenant-${randomUUID()}`, route: 'POST /v1/tickets', key: randomUUID() };
    });
    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    it('forgets the responses that mention a given text (erasure), only within the tenant', async () => {
      const other = { ...scope, tenantId: `tenant-${randomUUID()}` };
      const plain = { ...scope, key: randomUUID() };
      for (const s of [scope, other, plain]) {
        const begun = await store.begin(s, 'fp-1');
        if (begun.outcome !== 'started') throw new Error('not started');
        await store.complete(s, begun.lease, s === plain ? { ...created, body: '{"id":"t-2"}', headers: {} } : created);
      }
      expect(await store.forgetResponsesMentioning(scope.tenantId, "Zoë's room")).toBe(1);
      expect((await store.begin(scope, 'fp-1')).outcome).toBe('started');
      expect((await store.begin(plain, 'fp-1')).outcome).toBe('replay');
      expect((await store.begin(other, 'fp-1')).outcome).toBe('replay');
      expect(await store.forgetResponsesMentioning(plain.tenantId, '100%_match')).toBe(0);
    });

    it('starts a new key, then replays the completed response exactly', async () => {
      const begun = await store.begin(scope, 'fp-1');
      expect(begun.outcome).toBe('started');
      if (begun.outcome !== 'started') return;
      await store.complete(scope, begun.lease, created);
      expect(await store.begin(scope, 'fp-1')).toEqual({ outcome: 'replay', response: created });
    });

    it('reports in-flight for the same request while the first is running', async () => {
      expect((await store.begin(scope, 'fp-1')).outcome).toBe('started');
      expect(await store.begin(scope, 'fp-1')).toEqual({ outcome: 'in-flight' });
    });

    it('reports a mismatch for another request with the same key, in flight or completed', async () => {
      const begun = await store.begin(scope, 'fp-1');
      expect(await store.begin(scope, 'fp-2')).toEqual({ outcome: 'mismatch' });
      if (begun.outcome !== 'started') throw new Error('expected started');
      await store.complete(scope, begun.lease, created);
      expect(await store.begin(scope, 'fp-2')).toEqual({ outcome: 'mismatch' });
    });

    it('lets exactly one of many concurrent first requests start', async () => {
      const outcomes = await Promise.all(Array.from({ length: 12 }, () => store.begin(scope, 'fp-1')));
      expect(outcomes.filter((o) => o.outcome === 'started')).toHaveLength(1);
      expect(outcomes.filter((o) => o.outcome === 'in-flight')).toHaveLength(11);
    });

    it('keeps tenants and routes apart', async () => {
      const begun = await store.begin(scope, 'fp-1');
      if (begun.outcome !== 'started') throw new Error('expected started');
      await store.complete(scope, begun.lease, created);
      expect((await store.begin({ ...scope, tenantId: `${scope.tenantId}-other` }, 'fp-1')).outcome).toBe('started');
      expect((await store.begin({ ...scope, route: 'POST /v1/guests' }, 'fp-1')).outcome).toBe('started');
    });

    it('release forgets a started request so a retry starts again; a stale lease releases nothing', async () => {
      const first = await store.begin(scope, 'fp-1');
      if (first.outcome !== 'started') throw new Error('expected started');
      await store.release(scope, randomUUID());
      expect((await store.begin(scope, 'fp-1')).outcome).toBe('in-flight');
      await store.release(scope, first.lease);
      expect((await store.begin(scope, 'fp-1')).outcome).toBe('started');
    });

    it('stores a response without a body', async () => {
      const begun = await store.begin(scope, 'fp-1');
      if (begun.outcome !== 'started') throw new Error('expected started');
      const noContent: StoredResponse = { status: 204, headers: { etag: '"3"' } };
      await store.complete(scope, begun.lease, noContent);
      expect(await store.begin(scope, 'fp-1')).toEqual({ outcome: 'replay', response: noContent });
    });

    it('takes over a request abandoned for longer than the in-flight timeout; the old lease can no longer complete', async () => {
      const first = await store.begin(scope, 'fp-1');
      if (first.outcome !== 'started') throw new Error('expected started');
      clock += inFlightTimeoutMs - 1;
      expect((await store.begin(scope, 'fp-1')).outcome).toBe('in-flight');
      clock += 1;
      expect(await store.begin(scope, 'fp-2')).toEqual({ outcome: 'mismatch' });
      const second = await store.begin(scope, 'fp-1');
      expect(second.outcome).toBe('started');
      await store.complete(scope, first.lease, { status: 500, headers: {}, body: '{}' });
      expect((await store.begin(scope, 'fp-1')).outcome).toBe('in-flight');
      if (second.outcome !== 'started') return;
      await store.complete(scope, second.lease, created);
      expect(await store.begin(scope, 'fp-1')).toEqual({ outcome: 'replay', response: created });
    });

    it('expires completed records after the TTL: the key starts afresh and purgeExpired removes them', async () => {
      const begun = await store.begin(scope, 'fp-1');
      if (begun.outcome !== 'started') throw new Error('expected started');
      await store.complete(scope, begun.lease, created);
      const other = { ...scope, key: randomUUID() };
      const otherBegun = await store.begin(other, 'fp-9');
      if (otherBegun.outcome !== 'started') throw new Error('expected started');
      await store.complete(other, otherBegun.lease, created);

      clock += ttlMs - 1;
      expect((await store.begin(scope, 'fp-1')).outcome).toBe('replay');
      clock += 1;
      expect(await store.purgeExpired()).toBe(2);
      expect((await store.begin(other, 'fp-other-request')).outcome).toBe('started');
      expect((await store.begin(scope, 'fp-2')).outcome).toBe('started');
    });
  });
}
