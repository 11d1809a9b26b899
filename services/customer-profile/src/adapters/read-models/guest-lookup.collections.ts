import { defineCollection, type BaseDocument } from '@hearth/read-models';
import type { GuestState } from '../../domain/guest.decider';

/**
 * One document per guest (`id` = guestId, `version` = global position of the last event applied): the
 * guest's decider state, decrypted, as the projection folded it, and the stream version it reflects.
 * Holds personal data in clear, like the search read model, and is purged on erasure.
 */
export type GuestLookupDocument = BaseDocument & {
  streamVersion: number;
  state: GuestState;
};

/**
 * One document per identifier a guest lists (active or merged): `id` = the hex part of the identifier's
 * claim stream (`identity-<hmac>`, keyed by the service's pepper: no identifier in clear), `guestId` =
 * the guest listing it. Ids only, no personal data.
 */
export type GuestLookupKeyDocument = BaseDocument & { guestId: string };

export const guestLookupDocuments = defineCollection<GuestLookupDocument>({ name: 'guest_lookup' });

export const guestLookupKeys = defineCollection<GuestLookupKeyDocument>({
  name: 'guest_lookup_keys',
  fields: { guestId: 'string' },
  // the erasure purge finds a guest's keys by guestId
  indexes: [{ fields: ['guestId'] }],
});

/** Every collection the guest-lookup projection writes (for the runner's rebuild). */
export const GUEST_LOOKUP_COLLECTIONS = [guestLookupDocuments, guestLookupKeys] as const;

export const CLAIM_STREAM_PREFIX = 'identity-';

/** The key document id of a claim stream: its hex part. */
export const claimKeyId = (claimStream: string) => (claimStream.startsWith(CLAIM_STREAM_PREFIX) ? claimStream.slice(CLAIM_STREAM_PREFIX.length) : claimStream);
