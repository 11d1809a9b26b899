export { createProfileHttpApp } from './create-profile-app';
export type { ProfileHttpAppOptions } from './create-profile-app';
export type { GuestSearch, GuestSearchPage, GuestSearchQuery } from './guest-search';
export { PROFILE_ERROR_MAPPINGS, translateDomainError } from './errors';
export { GUEST_ROLES, STEWARD_ROLES } from './guest.routes';
