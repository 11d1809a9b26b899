import { describeEventStoreConformance } from '../../conformance/event-store.conformance';
import { MemoryEventStore } from './memory-event-store';

describeEventStoreConformance('in-memory', async () => ({ store: new MemoryEventStore() }));
