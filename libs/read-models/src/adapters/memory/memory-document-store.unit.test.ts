import { defineCollection } from '../../collection';
import { describeDocumentStoreConformance } from '../../conformance/document-store.conformance';
import type { BaseDocument } from '../../types';
import { createMemoryDocumentStore } from './memory-document-store';

describeDocumentStoreConformance('in-memory', async () => ({ store: createMemoryDocumentStore() }));

describe('in-memory store', () => {
  it('takes back a document it returned, nested objects included (structuredClone builds them in another realm under Jest)', async () => {
    const store = createMemoryDocumentStore();
    const things = defineCollection<BaseDocument & { nested: { deeper: { n: number } } }>({ name: 'things' });
    const docs = store.forTenant('t1');
    await docs.upsert(things, { id: 'a', tenantId: 't1', version: 1, nested: { deeper: { n: 1 } } });
    const read = (await docs.get(things, 'a'))!;
    expect(await docs.upsert(things, { ...read, version: 2, nested: { ...read.nested } })).toEqual({ applied: true });
    await expect(docs.upsert(things, { ...read, version: 3, nested: new Date() as never })).rejects.toMatchObject({ code: 'INVALID_DOCUMENT' });
  });
});
