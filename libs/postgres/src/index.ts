export { migrateWithLock, withTransaction } from './transactions';
export { createServicePool } from './pool';
export type { ServicePoolOptions } from './pool';
