import type { MergeProposalList } from '../read-models/merge-proposals.read-model';
import { assertBrand, HttpError, validationError } from '@hearth/http';
import type { Actor } from '@hearth/http';
import { currentTraceHeaders } from '@hearth/observability';
import { z } from 'zod';
import type { Caller, ProfileContext } from '../../app/profile-context';
import { loadTenant } from '../../app/tenant-use-cases';
import type { BrandScope } from '../../domain/guest-visibility';
import { visibleBrands, type TenantState } from '../../domain/tenant.decider';
import type { GuestSearch } from './guest-search';
import { brandIdSchema } from './profile.schemas';

/**
 * Headers every guest route understands (documented in OpenAPI): on whose brand's behalf a caller
 * with several brands acts, and through which channel the change came in.
 */
export const callerHeadersSchema = z.object({
  'x-brand-id': brandIdSchema
    .optional()
    .describe("The brand the caller acts for; needed for changes when the token grants several brands (a single-brand token's brand is used otherwise)"),
  'x-channel': z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, 'expected a channel name such as front-desk, phone, web or pos')
    .optional()
    .describe('Where the change came in (front-desk, phone, web, pos…); recorded on every event. Default api'),
});

export type CallerHeaders = z.output<typeof callerHeadersSchema>;

/** What one request may do and see: the use cases' Caller, the brand scope and the tenant configuration. */
export type RequestScope = {
  actor: Actor;
  caller: Caller;
  scope: BrandScope;
  tenant: TenantState;
};

/** Route context parts `requestScope` reads. */
export type ScopeInput = { actor: Actor; headers: Partial<CallerHeaders>; correlationId: string; requestId: string };

/**
 * Checks a brand id the caller named (a header or a body field): it must be in the token's brands
 * (403 `BRAND_NOT_ALLOWED`), and for chain-wide tokens a brand of the tenant (400), so a typo cannot
 * scatter guest data over brands nobody can see.
 */
export function usableBrand(actor: Actor, tenant: TenantState, brandId: string, path: string): string {
  assertBrand(actor, brandId);
  if (actor.brands === '*' && !tenant.brands[brandId]) {
    throw validationError([{ path, message: `'${brandId}' is not a brand of this tenant`, code: 'UNKNOWN_BRAND' }], `Unknown brand '${brandId}'.`);
  }
  return brandId;
}

/**
 * Builds the Caller (stamped on every event: tenant, `user:<sub>`, brand, channel, correlation,
 * causation = this request, traceparent of the active span) and the caller's brand scope from the
 * tenant's data-sharing configuration. `write` requires a brand when the token grants several: a
 * change recorded without one would make the guest visible to every brand.
 */
export async function requestScope(ctx: ProfileContext, input: ScopeInput, options: { write?: boolean } = {}): Promise<RequestScope> {
  const { actor, headers } = input;
  const { state: tenant } = await loadTenant(ctx, actor.tenantId);
  let brandId: string | undefined;
  const named = headers['x-brand-id'];
  if (named !== undefined) brandId = usableBrand(actor, tenant, named, 'header.x-brand-id');
  else if (actor.brands !== '*' && actor.brands.length === 1) brandId = actor.brands[0];
  else if (options.write && actor.brands !== '*') {
    throw new HttpError({
      status: 400,
      code: 'BRAND_REQUIRED',
      detail: 'Your token grants several brands: say which one this change is made for in the X-Brand-Id header.',
      errors: [{ path: 'header.x-brand-id', message: 'required when the token grants several brands' }],
    });
  }
  const { traceparent } = currentTraceHeaders();
  const caller: Caller = {
    tenantId: actor.tenantId,
    actor: `user:${actor.userId}`,
    ...(brandId !== undefined ? { brandId } : {}),
    channel: headers['x-channel'] ?? 'api',
    correlationId: input.correlationId,
    causationId: input.requestId,
    ...(traceparent ? { traceparent } : {}),
  };
  const scope: BrandScope =
    actor.brands === '*' ? { all: true } : { all: false, brands: visibleBrands(tenant, actor.brands), ownBrands: new Set(actor.brands) };
  return { actor, caller, scope, tenant };
}

/** What the route modules need. */
export type ProfileRouteDeps = {
  ctx: ProfileContext;
  /** The search read model; without it `GET /v1/guests?q=` answers 400 (only `identifier=` lookups). */
  search?: GuestSearch;
  /** The merge-proposals read model; without it `GET /v1/merge-proposals` answers 400 (read by id only). */
  proposals?: MergeProposalList;
  /** Country for phone numbers given without a country code (ISO 3166-1 alpha-2), e.g. `PT`. */
  defaultCountry?: string;
};
