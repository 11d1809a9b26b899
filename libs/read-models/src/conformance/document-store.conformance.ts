/**
 * The DocumentStore conformance suite: one suite, run against every adapter (memory, PostgreSQL, and
 * MongoDB when MONGODB_URI is set). The factory gives each test a fresh store (its own PostgreSQL schema
 * or MongoDB database), so tests can run in parallel against shared servers.
 */
import { defineCollection } from '../collection';
import {
  CheckpointConflictError,
  ConcurrentWriteError,
  FieldNotQueryableError,
  InvalidCursorError,
  InvalidDocumentError,
  InvalidQueryError,
  ReadModelStateError,
  TenantMismatchError,
  UniqueConstraintError,
} from '../errors';
import type { BaseDocument, DocumentStore, Filter, FindOptions, TenantDocuments } from '../types';

export type DocumentStoreFactory = () => Promise<{ store: DocumentStore; cleanup?: () => Promise<void> }>;

type Guest = BaseDocument & {
  name?: string | null;
  email?: string | null;
  visits?: number | null;
  vip?: boolean | null;
  address?: { city?: string | null; street?: string } | null;
  tags?: string[];
  notes?: unknown;
};

export const conformanceGuests = defineCollection<Guest>({
  name: 'guests',
  fields: { name: 'string', email: 'string', visits: 'number', vip: 'boolean', 'address.city': 'string' },
  indexes: [{ fields: ['name'] }, { fields: ['email'] }, { fields: ['visits'] }, { fields: ['vip', 'visits'] }, { fields: ['address.city'] }],
});

type Member = BaseDocument & { memberNo: string; brand: string; cardNo: string; points?: number };

const members = defineCollection<Member>({
  name: 'members',
  fields: { memberNo: 'string', brand: 'string', cardNo: 'string' },
  indexes: [{ fields: ['memberNo'], unique: true }, { fields: ['brand', 'cardNo'], unique: true }],
});

const TENANT = 'tenant-a';
const OTHER = 'tenant-b';

const guest = (id: string, version: number, extra: Partial<Guest> = {}): Guest => ({ id, tenantId: TENANT, version, ...extra });
const member = (id: string, version: number, memberNo: string, brand = 'brand-a', cardNo = `card-${id}`): Member => ({
  id,
  tenantId: TENANT,
  version,
  memberNo,
  brand,
  cardNo,
});

async function all<D extends BaseDocument>(docs: TenantDocuments, filter: Filter | undefined, options: FindOptions, collection = conformanceGuests): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await docs.find(collection as never, filter, { ...options, cursor });
    ids.push(...(page.items as unknown as D[]).map((d) => d.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

async function ids(docs: TenantDocuments, filter?: Filter, options: FindOptions = {}): Promise<string[]> {
  return (await docs.find(conformanceGuests, filter, { limit: 1000, ...options })).items.map((d) => d.id);
}

export function describeDocumentStoreConformance(name: string, factory: DocumentStoreFactory): void {
  describe(`DocumentStore conformance: ${name}`, () => {
    let store: DocumentStore;
    let cleanup: (() => Promise<void>) | undefined;
    let docs: TenantDocuments;

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
      docs = store.forTenant(TENANT);
    });
    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    describe('get and upsert', () => {
      it('round-trips a document with nested objects, arrays, unicode and numbers; absent ids give undefined', async () => {
        const doc = guest('g-1', 3, {
          name: 'Zoë 😀',
          address: { city: 'Lisboa', street: 'R. Augusta' },
          tags: ['vip', 'late-checkout'],
          notes: { n: 1.5, big: 2 ** 52, neg: -7, t: true, nil: null, deep: [{ a: [1, 'x'] }] },
        });
        expect(await docs.upsert(conformanceGuests, doc)).toEqual({ applied: true });
        expect(await docs.get(conformanceGuests, 'g-1')).toEqual(doc);
        expect(await docs.get(conformanceGuests, 'g-404')).toBeUndefined();
      });

      it('drops undefined properties as JSON does', async () => {
        await docs.upsert(conformanceGuests, guest('g-1', 1, { name: 'Ana', email: undefined }));
        const stored = await docs.get(conformanceGuests, 'g-1');
        expect(stored).toEqual({ id: 'g-1', tenantId: TENANT, version: 1, name: 'Ana' });
        expect(Object.keys(stored!)).not.toContain('email');
      });

      it('applies only a newer version: duplicates and older versions never overwrite newer state', async () => {
        expect(await docs.upsert(conformanceGuests, guest('g-1', 5, { name: 'v5' }))).toEqual({ applied: true });
        expect(await docs.upsert(conformanceGuests, guest('g-1', 5, { name: 'v5 again' }))).toEqual({ applied: false });
        expect(await docs.upsert(conformanceGuests, guest('g-1', 4, { name: 'v4' }))).toEqual({ applied: false });
        expect((await docs.get(conformanceGuests, 'g-1'))!.name).toBe('v5');
        expect(await docs.upsert(conformanceGuests, guest('g-1', 9, { name: 'v9' }))).toEqual({ applied: true });
        expect(await docs.get(conformanceGuests, 'g-1')).toEqual(guest('g-1', 9, { name: 'v9' }));
      });

      it('replaces the whole document (fields left out disappear)', async () => {
        await docs.upsert(conformanceGuests, guest('g-1', 1, { name: 'Ana', email: 'ana@example.com' }));
        await docs.upsert(conformanceGuests, guest('g-1', 2, { name: 'Ana' }));
        expect(await docs.get(conformanceGuests, 'g-1')).toEqual(guest('g-1', 2, { name: 'Ana' }));
      });

      it('ifVersion: compare-and-set on the stored version, on top of the version guard', async () => {
        expect(await docs.upsert(conformanceGuests, guest('g-1', 1), { ifVersion: 'absent' })).toEqual({ applied: true });
        expect(await docs.upsert(conformanceGuests, guest('g-1', 2), { ifVersion: 'absent' })).toEqual({ applied: false });
        expect(await docs.upsert(conformanceGuests, guest('g-1', 3, { name: 'cas miss' }), { ifVersion: 2 })).toEqual({ applied: false });
        expect(await docs.upsert(conformanceGuests, guest('g-1', 3, { name: 'cas hit' }), { ifVersion: 1 })).toEqual({ applied: true });
        expect(await docs.upsert(conformanceGuests, guest('g-1', 2), { ifVersion: 3 })).toEqual({ applied: false }); // not newer
        expect(await docs.upsert(conformanceGuests, guest('g-2', 1), { ifVersion: 0 })).toEqual({ applied: false }); // absent ≠ version 0
        expect(await docs.get(conformanceGuests, 'g-1')).toEqual(guest('g-1', 3, { name: 'cas hit' }));
        expect(await docs.get(conformanceGuests, 'g-2')).toBeUndefined();
      });

      it('concurrent upserts of one document: exactly the newest version wins', async () => {
        const versions = Array.from({ length: 20 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
        const results = await Promise.all(versions.map((v) => docs.upsert(conformanceGuests, guest('g-race', v, { name: `v${v}` }))));
        expect(results.some((r) => r.applied)).toBe(true);
        expect(await docs.get(conformanceGuests, 'g-race')).toEqual(guest('g-race', 20, { name: 'v20' }));
      });

      it('rejects invalid documents with InvalidDocumentError', async () => {
        const bad: unknown[] = [
          { tenantId: TENANT, version: 1 },
          guest('', 1),
          guest('g', -1),
          guest('g', 1.5),
          { ...guest('g', 1), version: '1' },
          guest('g', 1, { notes: new Date() }),
          guest('g', 1, { notes: { n: Number.NaN } }),
          guest('g', 1, { notes: 'nul \u0000 inside' }),
          guest('g', 1, { notes: { $set: 1 } }),
          guest('g', 1, { notes: { 'a.b': 1 } }),
          guest('g', 1, { visits: '3' as unknown as number }),
          guest('g', 1, { name: ['x'] as unknown as string }),
          guest('g', 1, { address: 'Lisboa' as unknown as Guest['address'] }),
          guest('g', 1, { address: [{ city: 'Lisboa' }] as unknown as Guest['address'] }),
        ];
        for (const doc of bad) {
          await expect(docs.upsert(conformanceGuests, doc as Guest)).rejects.toBeInstanceOf(InvalidDocumentError);
        }
        await expect(docs.upsert(members, { id: 'm', tenantId: TENANT, version: 1, brand: 'b', cardNo: 'c' } as Member)).rejects.toMatchObject({
          code: 'INVALID_DOCUMENT',
          path: 'memberNo',
        });
        expect(await docs.count(conformanceGuests)).toBe(0);
      });

      it('rejects invalid ids, versions and options with InvalidQueryError', async () => {
        await expect(docs.get(conformanceGuests, '')).rejects.toBeInstanceOf(InvalidQueryError);
        await expect(docs.delete(conformanceGuests, 'g', { ifVersion: -1 })).rejects.toBeInstanceOf(InvalidQueryError);
        await expect(docs.upsert(conformanceGuests, guest('g', 1), { ifVersion: 1.5 })).rejects.toBeInstanceOf(InvalidQueryError);
        expect(() => store.forTenant('')).toThrow(InvalidQueryError);
      });
    });

    describe('tenant scoping', () => {
      it('keeps tenants apart: same id, separate documents; reads never cross tenants', async () => {
        const other = store.forTenant(OTHER);
        await docs.upsert(conformanceGuests, guest('g-1', 1, { name: 'A' }));
        await other.upsert(conformanceGuests, { id: 'g-1', tenantId: OTHER, version: 1, name: 'B' });
        await other.upsert(conformanceGuests, { id: 'g-2', tenantId: OTHER, version: 1, name: 'B2' });
        expect((await docs.get(conformanceGuests, 'g-1'))!.name).toBe('A');
        expect((await other.get(conformanceGuests, 'g-1'))!.name).toBe('B');
        expect(await docs.get(conformanceGuests, 'g-2')).toBeUndefined();
        expect(await ids(docs)).toEqual(['g-1']);
        expect(await docs.count(conformanceGuests)).toBe(1);
        expect(await other.count(conformanceGuests)).toBe(2);
        await other.delete(conformanceGuests, 'g-1');
        expect(await docs.get(conformanceGuests, 'g-1')).toBeDefined();
      });

      it('refuses a document of another tenant (TenantMismatchError)', async () => {
        await expect(docs.upsert(conformanceGuests, { id: 'g-1', tenantId: OTHER, version: 1 })).rejects.toBeInstanceOf(TenantMismatchError);
        await expect(store.forTenant(OTHER).get(conformanceGuests, 'g-1')).resolves.toBeUndefined();
      });
    });

    describe('delete', () => {
      it('deletes, and reports whether a document was deleted', async () => {
        await docs.upsert(conformanceGuests, guest('g-1', 1));
        expect(await docs.delete(conformanceGuests, 'g-1')).toEqual({ deleted: true });
        expect(await docs.delete(conformanceGuests, 'g-1')).toEqual({ deleted: false });
        expect(await docs.get(conformanceGuests, 'g-1')).toBeUndefined();
      });

      it('honours ifVersion (exact) and beforeVersion (stored version lower)', async () => {
        await docs.upsert(conformanceGuests, guest('g-1', 5));
        expect(await docs.delete(conformanceGuests, 'g-1', { ifVersion: 4 })).toEqual({ deleted: false });
        expect(await docs.delete(conformanceGuests, 'g-1', { beforeVersion: 5 })).toEqual({ deleted: false });
        expect(await docs.get(conformanceGuests, 'g-1')).toBeDefined();
        expect(await docs.delete(conformanceGuests, 'g-1', { beforeVersion: 6 })).toEqual({ deleted: true });
        await docs.upsert(conformanceGuests, guest('g-2', 7));
        expect(await docs.delete(conformanceGuests, 'g-2', { ifVersion: 7 })).toEqual({ deleted: true });
      });
    });

    describe('find and count', () => {
      beforeEach(async () => {
        const rows: Guest[] = [
          guest('g-01', 1, { name: 'Ana', email: 'ana@x.io', visits: 3, vip: true, address: { city: 'Lisboa' } }),
          guest('g-02', 1, { name: 'Bruno', email: 'bruno@x.io', visits: 10, vip: false, address: { city: 'Porto' } }),
          guest('g-03', 1, { name: 'Ana Sofia', email: 'ana.sofia@y.io', visits: 0, vip: false, address: { city: 'Lisboa' } }),
          guest('g-04', 1, { name: 'anabela', visits: 7, vip: true }),
          guest('g-05', 1, { name: 'Zé', email: null, visits: null, address: null }),
          guest('g-06', 1, { name: 'Ana', visits: 3.5, vip: null, address: { city: 'Faro' } }),
          guest('g-07', 1, { name: '100%_off\\', visits: -2 }),
          guest('g-08', 1, { name: 'Ana.+*?(', visits: 1e6 }),
        ];
        for (const row of rows) await docs.upsert(conformanceGuests, row);
        await store.forTenant(OTHER).upsert(conformanceGuests, { id: 'g-01', tenantId: OTHER, version: 1, name: 'Ana', visits: 3 });
      });

      it('defaults to id order and a page of 50', async () => {
        expect(await ids(docs)).toEqual(['g-01', 'g-02', 'g-03', 'g-04', 'g-05', 'g-06', 'g-07', 'g-08']);
        const page = await docs.find(conformanceGuests);
        expect(page.items).toHaveLength(8);
        expect(page.nextCursor).toBeUndefined();
        expect(page.items[0]).toEqual(guest('g-01', 1, { name: 'Ana', email: 'ana@x.io', visits: 3, vip: true, address: { city: 'Lisboa' } }));
      });

      it('equality, $eq, $in, null (matches null and absent) and combined conditions', async () => {
        expect(await ids(docs, { name: 'Ana' })).toEqual(['g-01', 'g-06']);
        expect(await ids(docs, { name: { $eq: 'Ana' }, visits: 3 })).toEqual(['g-01']);
        expect(await ids(docs, { visits: { $in: [3, 10, 42] } })).toEqual(['g-01', 'g-02']);
        expect(await ids(docs, { vip: true })).toEqual(['g-01', 'g-04']);
        expect(await ids(docs, { vip: false })).toEqual(['g-02', 'g-03']);
        expect(await ids(docs, { email: null })).toEqual(['g-04', 'g-05', 'g-06', 'g-07', 'g-08']);
        expect(await ids(docs, { vip: { $eq: null } })).toEqual(['g-05', 'g-06', 'g-07', 'g-08']);
        expect(await ids(docs, { 'address.city': 'Lisboa' })).toEqual(['g-01', 'g-03']);
        expect(await ids(docs, { 'address.city': null })).toEqual(['g-04', 'g-05', 'g-07', 'g-08']);
        expect(await ids(docs, { id: { $in: ['g-02', 'g-07', 'g-99'] } })).toEqual(['g-02', 'g-07']);
        expect(await ids(docs, { id: 'g-03' })).toEqual(['g-03']);
      });

      it('ranges on numbers and strings (code-point order), never matching null or absent values', async () => {
        expect(await ids(docs, { visits: { $gt: 3 } })).toEqual(['g-02', 'g-04', 'g-06', 'g-08']);
        expect(await ids(docs, { visits: { $gte: 3, $lt: 10 } })).toEqual(['g-01', 'g-04', 'g-06']);
        expect(await ids(docs, { visits: { $lte: 0 } })).toEqual(['g-03', 'g-07']);
        expect(await ids(docs, { name: { $gte: 'Ana', $lt: 'B' } })).toEqual(['g-01', 'g-03', 'g-06', 'g-08']);
        expect(await ids(docs, { name: { $gt: 'Z' } })).toEqual(['g-04', 'g-05']); // lower case and 'é' sort after 'Z'
        expect(await ids(docs, { id: { $gt: 'g-06' } })).toEqual(['g-07', 'g-08']);
      });

      it('prefix match is case-sensitive and literal (no wildcard or regex meaning)', async () => {
        expect(await ids(docs, { name: { $prefix: 'Ana' } })).toEqual(['g-01', 'g-03', 'g-06', 'g-08']);
        expect(await ids(docs, { name: { $prefix: 'ana' } })).toEqual(['g-04']);
        expect(await ids(docs, { name: { $prefix: '100%_' } })).toEqual(['g-07']);
        expect(await ids(docs, { name: { $prefix: '1%' } })).toEqual([]);
        expect(await ids(docs, { name: { $prefix: '100%_off\\' } })).toEqual(['g-07']);
        expect(await ids(docs, { name: { $prefix: 'Ana.+' } })).toEqual(['g-08']);
        expect(await ids(docs, { name: { $prefix: 'An.' } })).toEqual([]);
        expect(await ids(docs, { email: { $prefix: 'ana' }, name: { $prefix: 'Ana ' } })).toEqual(['g-03']);
      });

      it('sorts ascending and descending with nulls first ascending and last descending, ties by id', async () => {
        expect(await ids(docs, undefined, { sort: { field: 'visits' } })).toEqual(['g-05', 'g-07', 'g-03', 'g-01', 'g-06', 'g-04', 'g-02', 'g-08']);
        expect(await ids(docs, undefined, { sort: { field: 'visits', direction: 'desc' } })).toEqual([
          'g-08', 'g-02', 'g-04', 'g-06', 'g-01', 'g-03', 'g-07', 'g-05',
        ]);
        expect(await ids(docs, undefined, { sort: { field: 'name' } })).toEqual(['g-07', 'g-01', 'g-06', 'g-03', 'g-08', 'g-02', 'g-05', 'g-04']);
        expect(await ids(docs, undefined, { sort: { field: 'vip', direction: 'desc' } })).toEqual(['g-04', 'g-01', 'g-03', 'g-02', 'g-08', 'g-07', 'g-06', 'g-05']);
        expect(await ids(docs, { name: 'Ana' }, { sort: { field: 'id', direction: 'desc' } })).toEqual(['g-06', 'g-01']);
        expect(await ids(docs, undefined, { sort: { field: 'address.city' }, limit: 3 })).toEqual(['g-04', 'g-05', 'g-07']);
      });

      it('counts with the same filters', async () => {
        expect(await docs.count(conformanceGuests)).toBe(8);
        expect(await docs.count(conformanceGuests, { name: { $prefix: 'Ana' } })).toBe(4);
        expect(await docs.count(conformanceGuests, { visits: { $gt: 3 }, vip: true })).toBe(1);
        expect(await docs.count(conformanceGuests, { email: null })).toBe(5);
      });

      it('rejects filters and sorts on undeclared fields (FieldNotQueryableError) and malformed queries (InvalidQueryError)', async () => {
        await expect(docs.find(conformanceGuests, { tags: 'vip' })).rejects.toBeInstanceOf(FieldNotQueryableError);
        await expect(docs.find(conformanceGuests, { tenantId: OTHER })).rejects.toBeInstanceOf(FieldNotQueryableError);
        await expect(docs.find(conformanceGuests, undefined, { sort: { field: 'address.street' } })).rejects.toMatchObject({ code: 'FIELD_NOT_INDEXED', field: 'address.street' });
        await expect(docs.count(conformanceGuests, { version: 1 })).rejects.toBeInstanceOf(FieldNotQueryableError);
        const malformed: [Filter | undefined, FindOptions?][] = [
          [{ visits: '3' }],
          [{ visits: { $gt: '3' } }],
          [{ name: { $regex: '^A' } as never }],
          [{ name: { $in: [] } }],
          [{ name: { $in: ['a', null] as never } }],
          [{ visits: { $prefix: '1' } as never }],
          [{ name: ['a', 'b'] as never }],
          [{ name: {} }],
          [undefined, { limit: 0 }],
          [undefined, { limit: 1001 }],
          [undefined, { sort: { field: 'name', direction: 'up' as never } }],
        ];
        for (const [filter, options] of malformed) {
          await expect(docs.find(conformanceGuests, filter, options)).rejects.toBeInstanceOf(InvalidQueryError);
        }
      });
    });

    describe('cursor pagination', () => {
      const seed = async (n: number, visits: (i: number) => number | null) => {
        for (let i = 0; i < n; i++) await docs.upsert(conformanceGuests, guest(`g-${String(i).padStart(3, '0')}`, 1, { visits: visits(i) }));
      };

      it('pages through every document exactly once, in order, for each sort and direction (duplicate and null sort values included)', async () => {
        await seed(37, (i) => (i % 5 === 0 ? null : i % 4));
        const everything = await ids(docs, undefined, { sort: { field: 'visits' } });
        expect(everything).toHaveLength(37);
        for (const limit of [1, 4, 10, 36, 37]) {
          for (const direction of ['asc', 'desc'] as const) {
            const full = await ids(docs, undefined, { sort: { field: 'visits', direction } });
            expect(await all(docs, undefined, { sort: { field: 'visits', direction }, limit })).toEqual(full);
          }
          expect(await all(docs, { visits: { $gte: 2 } }, { sort: { field: 'visits', direction: 'desc' }, limit })).toEqual(
            await ids(docs, { visits: { $gte: 2 } }, { sort: { field: 'visits', direction: 'desc' } }),
          );
          expect(await all(docs, undefined, { limit })).toEqual(everything.slice().sort());
        }
      });

      it('is stable under concurrent inserts: no document is repeated or skipped', async () => {
        await seed(20, (i) => i * 10);
        const first = await docs.find(conformanceGuests, undefined, { sort: { field: 'visits' }, limit: 8 });
        expect(first.items.map((d) => d.visits)).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
        // Inserted before the cursor (not seen, nothing shifts) and after it (seen later).
        await docs.upsert(conformanceGuests, guest('new-early', 1, { visits: 5 }));
        await docs.upsert(conformanceGuests, guest('a-tie', 1, { visits: 70 })); // before g-007 (ties sort by id)
        await docs.upsert(conformanceGuests, guest('new-tie', 1, { visits: 70 })); // after g-007
        await docs.upsert(conformanceGuests, guest('new-late', 1, { visits: 75 }));
        const rest: string[] = [];
        let cursor = first.nextCursor;
        while (cursor) {
          const page = await docs.find(conformanceGuests, undefined, { sort: { field: 'visits' }, limit: 8, cursor });
          rest.push(...page.items.map((d) => d.id));
          cursor = page.nextCursor;
        }
        const seen = [...first.items.map((d) => d.id), ...rest];
        expect(new Set(seen).size).toBe(seen.length);
        for (let i = 0; i < 20; i++) expect(seen).toContain(`g-${String(i).padStart(3, '0')}`);
        expect(seen).toContain('new-late');
        expect(seen).toContain('new-tie');
        expect(seen).not.toContain('new-early');
        expect(seen).not.toContain('a-tie');
      });

      it('rejects a cursor of another query, and anything that is not a cursor (InvalidCursorError)', async () => {
        await seed(5, (i) => i);
        const page = await docs.find(conformanceGuests, { visits: { $gte: 0 } }, { sort: { field: 'visits' }, limit: 2 });
        expect(page.nextCursor).toEqual(expect.any(String));
        await expect(docs.find(conformanceGuests, { visits: { $gte: 1 } }, { sort: { field: 'visits' }, cursor: page.nextCursor })).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(docs.find(conformanceGuests, { visits: { $gte: 0 } }, { sort: { field: 'visits', direction: 'desc' }, cursor: page.nextCursor })).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(docs.find(conformanceGuests, undefined, { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(docs.find(conformanceGuests, undefined, { cursor: Buffer.from('{"q":1}').toString('base64url') })).rejects.toBeInstanceOf(InvalidCursorError);
        const next = await docs.find(conformanceGuests, { visits: { $gte: 0 } }, { sort: { field: 'visits' }, limit: 10, cursor: page.nextCursor });
        expect(next.items.map((d) => d.visits)).toEqual([2, 3, 4]);
      });
    });

    describe('unique indexes', () => {
      it('rejects a second document with the same unique values in one tenant (UniqueConstraintError), not across tenants', async () => {
        await docs.upsert(members, member('m-1', 1, 'M100'));
        await expect(docs.upsert(members, member('m-2', 1, 'M100'))).rejects.toBeInstanceOf(UniqueConstraintError);
        expect(await docs.get(members, 'm-2')).toBeUndefined();
        await store.forTenant(OTHER).upsert(members, { ...member('m-2', 1, 'M100'), tenantId: OTHER });
        // The owner may rewrite its own unique values.
        expect(await docs.upsert(members, member('m-1', 2, 'M100'))).toEqual({ applied: true });
        expect(await docs.upsert(members, member('m-1', 3, 'M101'))).toEqual({ applied: true });
        expect(await docs.upsert(members, member('m-2', 1, 'M100'))).toEqual({ applied: true });
      });

      it('enforces compound unique indexes on the combination only', async () => {
        await docs.upsert(members, member('m-1', 1, 'M1', 'brand-a', 'C1'));
        await docs.upsert(members, member('m-2', 1, 'M2', 'brand-b', 'C1'));
        await expect(docs.upsert(members, member('m-3', 1, 'M3', 'brand-a', 'C1'))).rejects.toMatchObject({ code: 'UNIQUE_VIOLATION', collection: 'members' });
        expect(await docs.count(members)).toBe(2);
        expect((await docs.find(members, { brand: 'brand-a', cardNo: 'C1' })).items.map((m) => m.id)).toEqual(['m-1']);
      });

      it('a stale upsert that would also collide reports applied: false, not a violation', async () => {
        await docs.upsert(members, member('m-1', 5, 'M1'));
        await docs.upsert(members, member('m-2', 5, 'M2'));
        expect(await docs.upsert(members, member('m-2', 4, 'M1'))).toEqual({ applied: false });
      });
    });

    describe('sessions', () => {
      it('commits a transaction’s writes and a checkpoint together', async () => {
        await store.transaction(async (session) => {
          const t = session.forTenant(TENANT);
          await t.upsert(conformanceGuests, guest('g-1', 1));
          await t.upsert(conformanceGuests, guest('g-2', 1));
          expect(await t.count(conformanceGuests)).toBe(2);
          await store.checkpoints.save('proj-a', 42, { expected: undefined, session });
        });
        expect(await docs.count(conformanceGuests)).toBe(2);
        expect(await store.checkpoints.load('proj-a')).toMatchObject({ name: 'proj-a', position: 42 });
      });

      it('rolls everything back when the callback throws (transactional stores)', async () => {
        let transactional = false;
        await expect(
          store.transaction(async (session) => {
            transactional = session.transactional;
            await session.forTenant(TENANT).upsert(conformanceGuests, guest('g-1', 1));
            await store.checkpoints.save('proj-b', 7, { expected: undefined, session });
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        if (transactional) {
          expect(await docs.get(conformanceGuests, 'g-1')).toBeUndefined();
          expect(await store.checkpoints.load('proj-b')).toBeUndefined();
        } else {
          // MongoDB: writes are not transactional; the checkpoint was written after them.
          expect(await docs.get(conformanceGuests, 'g-1')).toBeDefined();
        }
      });

      it('refuses use of a session after its callback returned', async () => {
        let leaked: TenantDocuments | undefined;
        await store.transaction(async (session) => {
          leaked = session.forTenant(TENANT);
        });
        await expect(leaked!.get(conformanceGuests, 'g-1')).rejects.toBeInstanceOf(ReadModelStateError);
      });

      it('write-behind: reads see the session’s own writes, finds flush them, the end writes the rest', async () => {
        await docs.upsert(conformanceGuests, guest('g-1', 1, { name: 'one', visits: 1 }));
        await docs.upsert(conformanceGuests, guest('g-2', 1, { name: 'two', visits: 2 }));
        await store.transaction(
          async (session) => {
            const t = session.forTenant(TENANT);
            await session.preload([{ collection: conformanceGuests, tenantId: TENANT, id: 'g-1' }, { collection: conformanceGuests, tenantId: TENANT, id: 'g-9' }]);
            expect(await t.upsert(conformanceGuests, guest('g-1', 2, { name: 'one-b', visits: 10 }))).toEqual({ applied: true });
            expect(await t.upsert(conformanceGuests, guest('g-1', 2, { name: 'dup' }))).toEqual({ applied: false });
            expect((await t.get(conformanceGuests, 'g-1'))!.name).toBe('one-b');
            expect(await t.delete(conformanceGuests, 'g-2', { beforeVersion: 5 })).toEqual({ deleted: true });
            expect(await t.get(conformanceGuests, 'g-2')).toBeUndefined();
            expect(await t.upsert(conformanceGuests, guest('g-2', 1, { name: 'two-again' }))).toEqual({ applied: true });
            expect(await t.upsert(conformanceGuests, guest('g-3', 1, { name: 'three', visits: 30 }))).toEqual({ applied: true });
            expect(await t.upsert(conformanceGuests, guest('g-4', 1))).toEqual({ applied: true });
            expect(await t.delete(conformanceGuests, 'g-4')).toEqual({ deleted: true });
            expect(await ids(t, { visits: { $gte: 10 } })).toEqual(['g-1', 'g-3']);
            await t.upsert(conformanceGuests, guest('g-5', 1));
          },
          { writeBehind: true },
        );
        expect(await ids(docs)).toEqual(['g-1', 'g-2', 'g-3', 'g-5']);
        expect(await docs.get(conformanceGuests, 'g-2')).toEqual(guest('g-2', 1, { name: 'two-again' }));
      });

      it('write-behind: a document changed by another writer since it was read fails the flush (ConcurrentWriteError)', async () => {
        await docs.upsert(conformanceGuests, guest('g-1', 1));
        await expect(
          store.transaction(
            async (session) => {
              const t = session.forTenant(TENANT);
              await t.get(conformanceGuests, 'g-1');
              await docs.upsert(conformanceGuests, guest('g-1', 10, { name: 'outside' }));
              expect(await t.upsert(conformanceGuests, guest('g-1', 5, { name: 'inside' }))).toEqual({ applied: true });
            },
            { writeBehind: true },
          ),
        ).rejects.toBeInstanceOf(ConcurrentWriteError);
        expect(await docs.get(conformanceGuests, 'g-1')).toEqual(guest('g-1', 10, { name: 'outside' }));
      });

      it('write-behind: a unique violation surfaces at the flush', async () => {
        await docs.upsert(members, member('m-1', 1, 'M1'));
        await expect(
          store.transaction(async (session) => {
            await session.forTenant(TENANT).upsert(members, member('m-2', 1, 'M1'));
          }, { writeBehind: true }),
        ).rejects.toBeInstanceOf(UniqueConstraintError);
      });

      it('write-behind: writes hundreds of documents in bulk', async () => {
        await store.transaction(async (session) => {
          const t = session.forTenant(TENANT);
          for (let i = 0; i < 600; i++) await t.upsert(conformanceGuests, guest(`g-${i}`, 1, { visits: i }));
        }, { writeBehind: true });
        expect(await docs.count(conformanceGuests)).toBe(600);
        expect(await docs.count(conformanceGuests, { visits: { $gte: 590 } })).toBe(10);
      });
    });

    describe('checkpoints', () => {
      it('compare-and-set: saves from the expected position only', async () => {
        expect(await store.checkpoints.load('p')).toBeUndefined();
        await store.checkpoints.save('p', 10, { expected: undefined });
        await expect(store.checkpoints.save('p', 11, { expected: undefined })).rejects.toBeInstanceOf(CheckpointConflictError);
        await expect(store.checkpoints.save('p', 11, { expected: 9 })).rejects.toBeInstanceOf(CheckpointConflictError);
        await store.checkpoints.save('p', 20, { expected: 10 });
        const checkpoint = await store.checkpoints.load('p');
        expect(checkpoint).toMatchObject({ name: 'p', position: 20 });
        expect(Date.parse(checkpoint!.updatedAt)).not.toBeNaN();
        await store.checkpoints.delete('p');
        expect(await store.checkpoints.load('p')).toBeUndefined();
        await store.checkpoints.save('p', 2 ** 40, { expected: undefined });
        expect((await store.checkpoints.load('p'))!.position).toBe(2 ** 40);
      });
    });

    describe('collections and rebuilds', () => {
      it('creates collections idempotently', async () => {
        await store.ensureCollections([conformanceGuests, members]);
        await store.ensureCollections([conformanceGuests, members]);
        await docs.upsert(conformanceGuests, guest('g-1', 1, { name: 'kept' }));
        expect(await ids(docs, { name: 'kept' })).toEqual(['g-1']);
      });

      it('fills a rebuild copy while reads stay on the live one, then switches atomically with the checkpoint', async () => {
        await docs.upsert(members, member('m-1', 1, 'OLD-1'));
        await docs.upsert(conformanceGuests, guest('g-old', 1, { name: 'old' }));
        await store.checkpoints.save('proj', 100, { expected: undefined });
        await expect(store.transaction(async (s) => s.forTenant(TENANT).get(members, 'm-1'), { target: 'rebuild' })).rejects.toBeInstanceOf(ReadModelStateError);

        await store.prepareRebuild([members, conformanceGuests]);
        await store.transaction(async (session) => {
          expect(session.target).toBe('rebuild');
          const t = session.forTenant(TENANT);
          expect(await t.get(members, 'm-1')).toBeUndefined();
          await t.upsert(members, member('m-1', 1, 'NEW-1'));
          await t.upsert(members, member('m-2', 1, 'NEW-2'));
          await t.upsert(conformanceGuests, guest('g-new', 1, { name: 'new' }));
          await store.checkpoints.save('proj#rebuild', 120, { expected: undefined, session });
        }, { target: 'rebuild', writeBehind: true });

        // Live reads are untouched until the switch.
        expect((await docs.get(members, 'm-1'))!.memberNo).toBe('OLD-1');
        expect(await docs.count(members)).toBe(1);
        expect(await ids(docs)).toEqual(['g-old']);

        await store.switchToRebuilt([members, conformanceGuests], async (session) => {
          await store.checkpoints.save('proj', 120, { expected: 100, session });
          await store.checkpoints.delete('proj#rebuild', { session });
        });
        expect((await docs.get(members, 'm-1'))!.memberNo).toBe('NEW-1');
        expect(await docs.count(members)).toBe(2);
        expect(await ids(docs)).toEqual(['g-new']);
        expect(await ids(docs, { name: 'new' })).toEqual(['g-new']);
        expect((await store.checkpoints.load('proj'))!.position).toBe(120);
        expect(await store.checkpoints.load('proj#rebuild')).toBeUndefined();
        // The new live copy carries the declared indexes, unique ones included.
        await expect(docs.upsert(members, member('m-3', 1, 'NEW-1'))).rejects.toBeInstanceOf(UniqueConstraintError);
        await docs.upsert(members, member('m-3', 1, 'NEW-3'));
        expect((await docs.find(members, { memberNo: { $prefix: 'NEW' } }, { sort: { field: 'memberNo', direction: 'desc' } })).items.map((m) => m.id)).toEqual([
          'm-3', 'm-2', 'm-1',
        ]);
      });

      it('a rebuild can be prepared again (starting empty) and discarded', async () => {
        await docs.upsert(members, member('m-1', 1, 'LIVE'));
        await store.prepareRebuild([members]);
        await store.transaction(async (s) => void (await s.forTenant(TENANT).upsert(members, member('m-9', 1, 'X'))), { target: 'rebuild' });
        await store.prepareRebuild([members]);
        expect(await store.transaction(async (s) => s.forTenant(TENANT).count(members), { target: 'rebuild' })).toBe(0);
        await store.discardRebuild([members]);
        await expect(store.transaction(async (s) => s.forTenant(TENANT).count(members), { target: 'rebuild' })).rejects.toBeInstanceOf(ReadModelStateError);
        expect(await docs.count(members)).toBe(1);
      });
    });
  });
}
