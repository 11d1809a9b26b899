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
import { ticketOpenedV1 } from './service-tickets/ticket-opened.v1';
import { ticketAssignedV1 } from './service-tickets/ticket-assigned.v1';
import { ticketReferredV1 } from './service-tickets/ticket-referred.v1';
import { ticketCommentedV1 } from './service-tickets/ticket-commented.v1';
import { ticketWaitingOnGuestV1 } from './service-tickets/ticket-waiting-on-guest.v1';
import { ticketResolvedV1 } from './service-tickets/ticket-resolved.v1';
import { ticketClosedV1 } from './service-tickets/ticket-closed.v1';
import { ticketReopenedV1 } from './service-tickets/ticket-reopened.v1';
import { slaBreachedV1 } from './service-tickets/sla-breached.v1';
import { ticketEscalatedV1 } from './service-tickets/ticket-escalated.v1';
import { complaintRecordedV1 } from './service-tickets/complaint-recorded.v1';
import { recoveryGivenV1 } from './service-tickets/recovery-given.v1';
import { satisfactionRecordedV1 } from './service-tickets/satisfaction-recorded.v1';

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
export { ticketOpenedV1 } from './service-tickets/ticket-opened.v1';
export { ticketAssignedV1 } from './service-tickets/ticket-assigned.v1';
export { ticketReferredV1 } from './service-tickets/ticket-referred.v1';
export { ticketCommentedV1 } from './service-tickets/ticket-commented.v1';
export { ticketWaitingOnGuestV1 } from './service-tickets/ticket-waiting-on-guest.v1';
export { ticketResolvedV1 } from './service-tickets/ticket-resolved.v1';
export { ticketClosedV1 } from './service-tickets/ticket-closed.v1';
export { ticketReopenedV1 } from './service-tickets/ticket-reopened.v1';
export { slaBreachedV1 } from './service-tickets/sla-breached.v1';
export { ticketEscalatedV1 } from './service-tickets/ticket-escalated.v1';
export { complaintRecordedV1 } from './service-tickets/complaint-recorded.v1';
export { recoveryGivenV1 } from './service-tickets/recovery-given.v1';
export { satisfactionRecordedV1 } from './service-tickets/satisfaction-recorded.v1';
export {
  complaintSeverities,
  recoveryActions,
  slaTargets,
  ticketChannels,
  ticketKinds,
  ticketPriorities,
  ticketStatuses,
} from './service-tickets/ticket-fields';

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
  ticketOpenedV1,
  ticketAssignedV1,
  ticketReferredV1,
  ticketCommentedV1,
  ticketWaitingOnGuestV1,
  ticketResolvedV1,
  ticketClosedV1,
  ticketReopenedV1,
  slaBreachedV1,
  ticketEscalatedV1,
  complaintRecordedV1,
  recoveryGivenV1,
  satisfactionRecordedV1,
]);

/** The registry of `allContracts` (built at import, so a duplicate fails every consumer's start-up and tests). */
export const hearthContracts = createContractRegistry(allContracts);
