/** The lookup read model on the in-memory event and document stores (the same scenario as on PostgreSQL). */
import { CryptoShreddingEventStore, MemoryEventStore, MemorySubjectKeyStore } from '@hearth/event-store';
import { createMemoryDocumentStore } from '@hearth/read-models';
import { GUEST_PERSONAL_DATA } from '../../domain/guest.events';
import { documentStoreGuestLookup } from './guest-lookup.readers';
import { describeGuestLookupConformance } from './guest-lookup.test-helper';

describeGuestLookupConformance('memory', async () => {
  const events = new MemoryEventStore();
  const store = new CryptoShreddingEventStore(events, { keys: new MemorySubjectKeyStore(), personalData: GUEST_PERSONAL_DATA });
  const readModels = createMemoryDocumentStore();
  return { store, readModels, readModel: documentStoreGuestLookup(readModels, store), close: async () => readModels.close() };
});
