import type { AnyEventContract, EventOf } from '@hearth/contracts';
import type { ConsumeOptions, MessageInfo, Messaging } from '@hearth/messaging';
import type { PushSource } from './source';

/** What a projection fed from NATS receives: the validated integration event and its delivery. */
export type NatsDelivery<C extends AnyEventContract = AnyEventContract> = {
  event: EventOf<C>;
  /** `info.streamSequence` is monotonic per producing stream: a natural document version. */
  info: MessageInfo;
};

/** `consume` options of @hearth/messaging, without `handle` (the runner is the handler). */
export type NatsSourceOptions<C extends AnyEventContract = AnyEventContract> = Omit<ConsumeOptions<C>, 'handle'>;

/**
 * Integration events from another service's stream as a projection source (cross-service read
 * models). A durable JetStream consumer keeps the progress: each message is applied in its own
 * transaction and acknowledged after it commits; a failure naks it (redelivery with back-off, then
 * the dead-letter stream). With the default `ordering: 'partitioned'` the events of one guest arrive
 * in order. Redeliveries are absorbed by version-guarded upserts (use `info.streamSequence`, or a
 * version the producer puts in the event, as the document version). Rebuilds need a replayable
 * source, so a NATS-fed projection is rebuilt by a new durable with `deliverPolicy: 'all'`.
 */
export function natsProjectionSource<C extends AnyEventContract = AnyEventContract>(
  messaging: Pick<Messaging, 'consume'>,
  options: NatsSourceOptions<C>,
): PushSource<NatsDelivery<C>> {
  return {
    kind: 'push',
    description: `NATS stream ${options.stream} (durable ${options.durable})`,
    async start(deliver) {
      const subscription = await messaging.consume<C>({
        ...options,
        // The consumer's span (continuing the producer's trace from the headers) is active here, so
        // the projection's span becomes its child.
        handle: (event, info) =>
          deliver({ event: { event, info }, position: info.streamSequence, recordedAt: info.storedAt.toISOString(), type: event.type, id: event.id }),
      });
      return { stop: () => subscription.stop() };
    },
  };
}
