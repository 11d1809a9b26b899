export { GUEST_EVENTS_DURABLE, startGuestLifecycleConsumer } from './guest-lifecycle.consumer';
export type { GuestErased, GuestLifecycleConsumer, GuestLifecycleConsumerOptions } from './guest-lifecycle.consumer';
