import type { AnyEventContract } from '../define-event';
import { createContractRegistry } from '../contract-registry';
import { guestRegisteredV1 } from './customer-profile/guest-registered.v1';

export { guestRegisteredV1, lifecycleStages } from './customer-profile/guest-registered.v1';

/**
 * Every published integration-event contract version. Add each new version here (one file per
 * version); the frozen-schemas test then asks for its JSON Schema file.
 */
export const allContracts: readonly AnyEventContract[] = Object.freeze([guestRegisteredV1]);

/** The registry of `allContracts` (built at import, so a duplicate fails every consumer's start-up and tests). */
export const hearthContracts = createContractRegistry(allContracts);
