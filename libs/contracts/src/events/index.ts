import type { AnyEventContract } from '../define-event';
import { createContractRegistry } from '../contract-registry';
import { guestRegisteredV1 } from './customer-profile/guest-registered.v1';
import { guestProfileUpdatedV1 } from './customer-profile/guest-profile-updated.v1';
import { guestIdentityAddedV1 } from './customer-profile/guest-identity-added.v1';
import { guestIdentityRemovedV1 } from './customer-profile/guest-identity-removed.v1';
import { guestPreferenceSetV1 } from './customer-profile/guest-preference-set.v1';
import { guestPreferenceRemovedV1 } from './customer-profile/guest-preference-removed.v1';
import { guestConsentChangedV1 } from './customer-profile/guest-consent-changed.v1';
import { guestsMergedV1 } from './customer-profile/guests-merged.v1';
import { guestsUnmergedV1 } from './customer-profile/guests-unmerged.v1';
import { guestErasedV1 } from './customer-profile/guest-erased.v1';

export { guestRegisteredV1, lifecycleStages } from './customer-profile/guest-registered.v1';
export { guestProfileUpdatedV1, profileFields } from './customer-profile/guest-profile-updated.v1';
export { guestIdentityAddedV1, identityTypes } from './customer-profile/guest-identity-added.v1';
export { guestIdentityRemovedV1 } from './customer-profile/guest-identity-removed.v1';
export { guestPreferenceSetV1 } from './customer-profile/guest-preference-set.v1';
export { guestPreferenceRemovedV1 } from './customer-profile/guest-preference-removed.v1';
export { guestConsentChangedV1 } from './customer-profile/guest-consent-changed.v1';
export { guestsMergedV1 } from './customer-profile/guests-merged.v1';
export { guestsUnmergedV1 } from './customer-profile/guests-unmerged.v1';
export { guestErasedV1 } from './customer-profile/guest-erased.v1';

/**
 * Every published integration-event contract version. Add each new version here (one file per
 * version); the frozen-schemas test then asks for its JSON Schema file.
 */
export const allContracts: readonly AnyEventContract[] = Object.freeze([
  guestRegisteredV1,
  guestProfileUpdatedV1,
  guestIdentityAddedV1,
  guestIdentityRemovedV1,
  guestPreferenceSetV1,
  guestPreferenceRemovedV1,
  guestConsentChangedV1,
  guestsMergedV1,
  guestsUnmergedV1,
  guestErasedV1,
]);

/** The registry of `allContracts` (built at import, so a duplicate fails every consumer's start-up and tests). */
export const hearthContracts = createContractRegistry(allContracts);
