import { describeDocumentStoreConformance } from '../../conformance/document-store.conformance';
import { createMemoryDocumentStore } from './memory-document-store';

describeDocumentStoreConformance('in-memory', async () => ({ store: createMemoryDocumentStore() }));
