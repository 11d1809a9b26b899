import { assertBrand, route } from '@hearth/http';
import type { Role, RouteDefinition } from '@hearth/http';
import { z } from 'zod';
import { configureTenant, loadTenant } from '../../app/tenant-use-cases';
import { TenantError } from '../../domain/tenant.decider';
import {
  attributeBodySchema,
  attributeSchema,
  brandBodySchema,
  brandChangesBodySchema,
  brandIdSchema,
  brandSchema,
  listOf,
  propertyBodySchema,
  propertyIdSchema,
  propertySchema,
  propertyUpdateBodySchema,
} from './profile.schemas';
import { requestScope, type ProfileRouteDeps } from './request-scope';

const READERS: readonly Role[] = ['admin', 'manager'];
const WRITERS: readonly Role[] = ['admin'];
const TAGS = ['tenant'];
const ETAG = { ETag: 'Stream version of the tenant configuration' };

/** Omits the ETag while the tenant has no configuration stream yet. */
const versioned = (version: number | undefined) => (version === undefined ? {} : { version });

/**
 * Tenant administration: brands and their data-sharing agreement, properties, the attribute registry.
 * Changes to a brand (or its properties) need that brand in the token (a chain-wide admin has all).
 */
export function tenantRoutes({ ctx }: ProfileRouteDeps): RouteDefinition[] {
  return [
    route(
      { method: 'get', path: '/v1/brands', summary: 'List brands', tags: TAGS, roles: READERS, responses: { 200: { description: 'Brands', body: listOf(brandSchema), headers: ETAG } } },
      async ({ actor }) => {
        const { state, version } = await loadTenant(ctx, actor.tenantId, { fresh: true });
        return { status: 200, body: { items: Object.values(state.brands) }, ...versioned(version) };
      },
    ),

    route(
      {
        method: 'post',
        path: '/v1/brands',
        summary: 'Add a brand',
        description: 'sharing shared: the brand joins the shared guest view; private: its guests and their data stay with it.',
        tags: TAGS,
        roles: WRITERS,
        idempotency: 'optional',
        body: brandBodySchema,
        responses: { 201: { description: 'Added', body: brandSchema, headers: { ...ETAG, Location: 'The brand' } }, 409: { description: 'BRAND_EXISTS (with other values)' } },
      },
      async ({ actor, body, correlationId, requestId }) => {
        assertBrand(actor, body.brandId);
        const rs = await requestScope(ctx, { actor, headers: {}, correlationId, requestId });
        const result = await configureTenant(ctx, rs.caller, { type: 'AddBrand', brand: body });
        return { status: 201, body: result.state.brands[body.brandId]!, version: result.version, location: `/v1/brands/${encodeURIComponent(body.brandId)}` };
      },
    ),

    route(
      {
        method: 'patch',
        path: '/v1/brands/:brandId',
        summary: 'Rename a brand or change its data sharing',
        tags: TAGS,
        roles: WRITERS,
        ifMatch: 'optional',
        params: z.object({ brandId: brandIdSchema }),
        body: brandChangesBodySchema,
        responses: { 200: { description: 'Changed', body: brandSchema, headers: ETAG }, 404: { description: 'BRAND_NOT_FOUND' } },
      },
      async ({ actor, params, body, expectedVersion, correlationId, requestId }) => {
        assertBrand(actor, params.brandId);
        const rs = await requestScope(ctx, { actor, headers: {}, correlationId, requestId });
        let version = expectedVersion;
        let result = undefined as Awaited<ReturnType<typeof configureTenant>> | undefined;
        if (body.name !== undefined) {
          result = await configureTenant(ctx, rs.caller, { type: 'RenameBrand', brandId: params.brandId, name: body.name }, version);
          // the second change is pinned to the first one's outcome, so nothing slips in between
          if (version !== undefined) version = result.version;
        }
        if (body.sharing !== undefined) {
          result = await configureTenant(
            ctx,
            rs.caller,
            { type: 'ChangeDataSharing', brandId: params.brandId, sharing: body.sharing, ...(body.agreementRef !== undefined ? { agreementRef: body.agreementRef } : {}) },
            version,
          );
        }
        const brand = result?.state.brands[params.brandId];
        if (!result || !brand) throw new TenantError('BRAND_NOT_FOUND', `brand ${params.brandId} does not exist`);
        return { status: 200, body: brand, version: result.version };
      },
    ),

    route(
      { method: 'get', path: '/v1/properties', summary: 'List properties', tags: TAGS, roles: READERS, responses: { 200: { description: 'Properties', body: listOf(propertySchema), headers: ETAG } } },
      async ({ actor }) => {
        const { state, version } = await loadTenant(ctx, actor.tenantId, { fresh: true });
        return { status: 200, body: { items: Object.values(state.properties) }, ...versioned(version) };
      },
    ),

    route(
      {
        method: 'post',
        path: '/v1/properties',
        summary: 'Add a property (hotel, restaurant, store…) to a brand',
        tags: TAGS,
        roles: WRITERS,
        idempotency: 'optional',
        body: propertyBodySchema,
        responses: { 201: { description: 'Added', body: propertySchema, headers: { ...ETAG, Location: 'The property' } }, 404: { description: 'BRAND_NOT_FOUND' }, 409: { description: 'PROPERTY_EXISTS' } },
      },
      async ({ actor, body, correlationId, requestId }) => {
        assertBrand(actor, body.brandId);
        const rs = await requestScope(ctx, { actor, headers: {}, correlationId, requestId });
        const result = await configureTenant(ctx, rs.caller, { type: 'AddProperty', property: body });
        return { status: 201, body: result.state.properties[body.propertyId]!, version: result.version, location: `/v1/properties/${encodeURIComponent(body.propertyId)}` };
      },
    ),

    route(
      {
        method: 'put',
        path: '/v1/properties/:propertyId',
        summary: 'Replace a property',
        tags: TAGS,
        roles: WRITERS,
        ifMatch: 'optional',
        params: z.object({ propertyId: propertyIdSchema }),
        body: propertyUpdateBodySchema,
        responses: { 200: { description: 'Replaced', body: propertySchema, headers: ETAG }, 404: { description: 'PROPERTY_NOT_FOUND or BRAND_NOT_FOUND' } },
      },
      async ({ actor, params, body, expectedVersion, correlationId, requestId }) => {
        assertBrand(actor, body.brandId);
        const rs = await requestScope(ctx, { actor, headers: {}, correlationId, requestId });
        const existing = rs.tenant.properties[params.propertyId];
        if (existing) assertBrand(actor, existing.brandId); // moving another brand's property away is theirs to do
        const result = await configureTenant(ctx, rs.caller, { type: 'UpdateProperty', property: { propertyId: params.propertyId, ...body } }, expectedVersion);
        return { status: 200, body: result.state.properties[params.propertyId]!, version: result.version };
      },
    ),

    route(
      { method: 'get', path: '/v1/attributes', summary: 'The attribute registry', tags: TAGS, roles: READERS, responses: { 200: { description: 'Attribute definitions', body: listOf(attributeSchema), headers: ETAG } } },
      async ({ actor }) => {
        const { state, version } = await loadTenant(ctx, actor.tenantId, { fresh: true });
        return { status: 200, body: { items: Object.values(state.attributes) }, ...versioned(version) };
      },
    ),

    route(
      {
        method: 'post',
        path: '/v1/attributes',
        summary: 'Define (or re-describe) a guest attribute',
        description: 'Attributes are typed (string, number, boolean, date); a key keeps its type for good (409 ATTRIBUTE_TYPE_CONFLICT).',
        tags: TAGS,
        roles: WRITERS,
        body: attributeBodySchema,
        responses: {
          201: { description: 'Defined', body: attributeSchema, headers: ETAG },
          200: { description: 'Already defined (description updated)', body: attributeSchema, headers: ETAG },
          409: { description: 'ATTRIBUTE_TYPE_CONFLICT' },
        },
      },
      async ({ actor, body, correlationId, requestId }) => {
        const rs = await requestScope(ctx, { actor, headers: {}, correlationId, requestId });
        const existed = rs.tenant.attributes[body.key] !== undefined;
        const result = await configureTenant(ctx, rs.caller, { type: 'DefineAttribute', attribute: body });
        return { status: existed ? 200 : 201, body: result.state.attributes[body.key]!, version: result.version };
      },
    ),
  ];
}
