export { migrateWithLock, withTransaction } from './transactions';
export { createServicePool, servicePoolOptions } from './pool';
export type { ServicePoolConfig, ServicePoolOptions } from './pool';
export { ChannelListener } from './channel-listener';
export type { ChannelListenerOptions } from './channel-listener';
