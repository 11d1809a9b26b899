export { migrateWithLock, withTransaction } from './transactions';
