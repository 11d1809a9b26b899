export { migrateWithLock, withTransaction } from './transactions';
export { createServicePool } from './pool';
export type { ServicePoolOptions } from './pool';
export { ChannelListener } from './channel-listener';
export type { ChannelListenerOptions } from './channel-listener';
