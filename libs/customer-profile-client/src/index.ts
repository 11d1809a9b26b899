export { DependencyUnavailableError, InvalidIdentifierError } from './customer-profile.port';
export type { CustomerProfile } from './customer-profile.port';
export { createCustomerProfileClient } from './nats-customer-profile.client';
export type { CustomerProfileClientOptions } from './nats-customer-profile.client';
export { createTenantDirectoryCache } from './tenant-directory';
export type { TenantDirectoryCache } from './tenant-directory';
export { BrandNotAllowedError, resolveViewerScope, UnknownBrandError } from './viewer-scope';
export type { ResolvedScope, Viewer, ViewerScope } from './viewer-scope';
