export { anyContractRegistry } from './any-contract.registry';
export { createCustomerProfileClient } from './customer-profile.client';
export type { CustomerProfileClientOptions } from './customer-profile.client';
export { INGEST_DURABLE, startIngestConsumers } from './ingest.consumers';
export type { IngestConsumers, IngestConsumersOptions, IngestLogger } from './ingest.consumers';
export { createIngestHandler } from './ingest.handler';
