export { anyContractRegistry } from './any-contract.registry';
export { INGEST_DURABLE, startIngestConsumers } from './ingest.consumers';
export type { IngestConsumers, IngestConsumersOptions, IngestLogger } from './ingest.consumers';
export { createIngestHandler } from './ingest.handler';
