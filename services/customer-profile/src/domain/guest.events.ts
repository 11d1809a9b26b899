import type { DomainEvent } from '@hearth/event-store';
import type { Identity } from './identifiers';

export const CUSTOMER_TYPES = ['individual', 'business', 'intermediary'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];
export const LIFECYCLE_STAGES = ['prospect', 'first-time', 'repeat', 'loyal', 'lapsed'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];
export const CONSENT_PURPOSES = ['marketing', 'profiling', 'data-sharing'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
export const CONSENT_CHANNELS = ['email', 'sms', 'phone', 'post'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export const PREFERENCE_SCOPES = ['shared', 'brand'] as const;
export type PreferenceScope = (typeof PREFERENCE_SCOPES)[number];
export const PREFERENCE_KINDS = ['preference', 'special-request'] as const;
export type PreferenceKind = (typeof PREFERENCE_KINDS)[number];

export type PersonName = { title?: string; given: string; family: string };
export type PostalAddress = { lines: string[]; city: string; postalCode?: string; region?: string; country: string };
export type AttributeValue = string | number | boolean;

/** The profile fields that merge survivorship decides between. */
export const PROFILE_FIELDS = ['name', 'address', 'dateOfBirth', 'language', 'customerType', 'lifecycleStage'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

export type Profile = {
  name?: PersonName;
  address?: PostalAddress;
  /** ISO date (YYYY-MM-DD). */
  dateOfBirth?: string;
  /** BCP 47 tag, e.g. `pt-PT`. */
  language?: string;
  customerType: CustomerType;
  lifecycleStage: LifecycleStage;
  /** Extensible attributes, typed by the tenant's attribute registry. */
  attributes: Record<string, AttributeValue>;
};

/** A partial profile change; `null` clears an optional field (attributes: `null` removes the key). */
export type ProfileChanges = {
  name?: PersonName | null;
  address?: PostalAddress | null;
  dateOfBirth?: string | null;
  language?: string | null;
  customerType?: CustomerType;
  lifecycleStage?: LifecycleStage;
  attributes?: Record<string, AttributeValue | null>;
};

/** Where a value came from: for explainable survivorship and the audit trail. */
export type Provenance = { guestId: string; at: string; actor: string; brandId?: string; channel?: string };

export type SurvivorshipDecision = {
  field: ProfileField;
  winner: 'survivor' | 'merged';
  rule: 'only-value' | 'most-recent' | 'tie-survivor';
  /**
   * The merged guest's winning value, only when the merged guest wins (the survivor's own values stay
   * in its own events). Encrypted with the MERGED guest's key, so erasing that guest reaches it.
   */
  value?: unknown;
  source: Provenance;
};

export type GuestEvent =
  | DomainEvent<'GuestRegistered', { guestId: string; profile: Profile; identities: Identity[]; provisional: boolean }>
  | DomainEvent<'ProfileUpdated', { changes: ProfileChanges }>
  | DomainEvent<'IdentityAdded', { identity: Identity }>
  | DomainEvent<'IdentityRemoved', { identity: Identity }>
  | DomainEvent<'PreferenceSet', { key: string; value: string; kind: PreferenceKind; scope: PreferenceScope; brandId?: string; source: string }>
  | DomainEvent<'PreferenceRemoved', { key: string; scope: PreferenceScope; brandId?: string }>
  | DomainEvent<'ConsentChanged', { brandId: string; purpose: ConsentPurpose; channel: ConsentChannel; granted: boolean; source: string }>
  | DomainEvent<'GuestAbsorbed', { mergeId: string; mergedId: string; survivorship: SurvivorshipDecision[] }>
  | DomainEvent<'GuestMergedInto', { mergeId: string; survivorId: string }>
  | DomainEvent<'GuestUnabsorbed', { mergeId: string; mergedId: string }>
  | DomainEvent<'GuestRestored', { mergeId: string; survivorId: string }>
  | DomainEvent<'GuestErased', { reason: string }>;

export type GuestEventType = GuestEvent['type'];

/**
 * Personal fields per event type, for crypto-shredding (`CryptoShreddingEventStore`): encrypted with
 * the guest's key at rest, unreadable after erasure.
 */
export const GUEST_PERSONAL_DATA = {
  GuestRegistered: { fields: ['profile.name', 'profile.address', 'profile.dateOfBirth', 'profile.attributes', 'identities[*].value'] },
  ProfileUpdated: { fields: ['changes.name', 'changes.address', 'changes.dateOfBirth', 'changes.attributes'] },
  IdentityAdded: { fields: ['identity.value'] },
  IdentityRemoved: { fields: ['identity.value'] },
  PreferenceSet: { fields: ['value'] },
  GuestAbsorbed: { fields: ['survivorship[*].value'], subject: (e: { data: unknown }) => (e.data as { mergedId?: string }).mergedId },
} as const;
