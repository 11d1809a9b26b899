import { duration } from '@hearth/config';
import { z } from 'zod';

/**
 * The environment of a service that asks customer-profile (spread into its config schema): the
 * request/reply subject prefix, the timeout of each request and how long tenant directories are cached.
 */
export function customerProfileClientConfigShape() {
  return {
    /** Subject prefix of customer-profile's request/reply (`<prefix>.resolve` …); only isolated test stacks change it. */
    CUSTOMER_PROFILE_RPC_PREFIX: z.string().regex(/^rpc(\.[A-Za-z0-9_-]+)+$/, 'expected a subject prefix such as rpc.customer-profile').default('rpc.customer-profile'),
    /** Timeout of each request to customer-profile (resolve, guest-summary, tenant-directory). */
    CUSTOMER_PROFILE_RPC_TIMEOUT: duration().default(2_000),
    /** How long a tenant's directory (brands, properties, data sharing) is cached. */
    TENANT_DIRECTORY_CACHE: duration().default(5_000),
  };
}
