import type { Decider, DomainEvent } from '@hearth/event-store';
import type { AttributeValue } from './guest.events';

/**
 * A tenant is a chain: its brands, their properties (hotels, restaurants, stores), the data-sharing
 * agreement (which brands join the shared guest view) and the registry of extensible guest attributes.
 * One stream per tenant: `tenant-<tenantId>`.
 */
export const BRAND_SHARING = ['shared', 'private'] as const;
export type BrandSharing = (typeof BRAND_SHARING)[number];
export const PROPERTY_KINDS = ['hotel', 'restaurant', 'store', 'spa', 'other'] as const;
export type PropertyKind = (typeof PROPERTY_KINDS)[number];
export const ATTRIBUTE_TYPES = ['string', 'number', 'boolean', 'date'] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

export type Brand = { brandId: string; name: string; sharing: BrandSharing };
export type Property = { propertyId: string; brandId: string; name: string; kind: PropertyKind; country: string; timeZone: string };
export type AttributeDefinition = { key: string; type: AttributeType; description: string };

export type TenantEvent =
  | DomainEvent<'BrandAdded', Brand>
  | DomainEvent<'BrandRenamed', { brandId: string; name: string }>
  | DomainEvent<'DataSharingChanged', { brandId: string; sharing: BrandSharing; agreementRef?: string }>
  | DomainEvent<'PropertyAdded', Property>
  | DomainEvent<'PropertyUpdated', Property>
  | DomainEvent<'AttributeDefined', AttributeDefinition>;

export type TenantCommand =
  | { type: 'AddBrand'; brand: Brand }
  | { type: 'RenameBrand'; brandId: string; name: string }
  | { type: 'ChangeDataSharing'; brandId: string; sharing: BrandSharing; agreementRef?: string }
  | { type: 'AddProperty'; property: Property }
  | { type: 'UpdateProperty'; property: Property }
  | { type: 'DefineAttribute'; attribute: AttributeDefinition };

export type TenantState = {
  brands: Record<string, Brand>;
  properties: Record<string, Property>;
  attributes: Record<string, AttributeDefinition>;
};

export class TenantError extends Error {
  constructor(
    readonly code: 'BRAND_EXISTS' | 'BRAND_NOT_FOUND' | 'PROPERTY_EXISTS' | 'PROPERTY_NOT_FOUND' | 'ATTRIBUTE_TYPE_CONFLICT',
    message: string,
  ) {
    super(message);
    this.name = 'TenantError';
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function requireBrand(state: TenantState, brandId: string): Brand {
  const brand = state.brands[brandId];
  if (!brand) throw new TenantError('BRAND_NOT_FOUND', `brand ${brandId} does not exist`);
  return brand;
}

export const tenantDecider: Decider<TenantState, TenantCommand, TenantEvent> = {
  initialState: () => ({ brands: {}, properties: {}, attributes: {} }),
  decide(command, state) {
    switch (command.type) {
      case 'AddBrand': {
        const existing = state.brands[command.brand.brandId];
        if (existing) {
          if (same(existing, command.brand)) return [];
          throw new TenantError('BRAND_EXISTS', `brand ${command.brand.brandId} already exists`);
        }
        return [{ type: 'BrandAdded', data: command.brand }];
      }
      case 'RenameBrand': {
        const brand = requireBrand(state, command.brandId);
        return brand.name === command.name ? [] : [{ type: 'BrandRenamed', data: { brandId: command.brandId, name: command.name } }];
      }
      case 'ChangeDataSharing': {
        const brand = requireBrand(state, command.brandId);
        if (brand.sharing === command.sharing) return [];
        const { type: _t, ...change } = command;
        return [{ type: 'DataSharingChanged', data: change }];
      }
      case 'AddProperty': {
        requireBrand(state, command.property.brandId);
        const existing = state.properties[command.property.propertyId];
        if (existing) {
          if (same(existing, command.property)) return [];
          throw new TenantError('PROPERTY_EXISTS', `property ${command.property.propertyId} already exists`);
        }
        return [{ type: 'PropertyAdded', data: command.property }];
      }
      case 'UpdateProperty': {
        const existing = state.properties[command.property.propertyId];
        if (!existing) throw new TenantError('PROPERTY_NOT_FOUND', `property ${command.property.propertyId} does not exist`);
        requireBrand(state, command.property.brandId);
        return same(existing, command.property) ? [] : [{ type: 'PropertyUpdated', data: command.property }];
      }
      case 'DefineAttribute': {
        const existing = state.attributes[command.attribute.key];
        if (existing && existing.type !== command.attribute.type) {
          throw new TenantError('ATTRIBUTE_TYPE_CONFLICT', `attribute ${command.attribute.key} is already a ${existing.type}`);
        }
        return existing && same(existing, command.attribute) ? [] : [{ type: 'AttributeDefined', data: command.attribute }];
      }
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'BrandAdded':
        return { ...state, brands: { ...state.brands, [event.data.brandId]: event.data } };
      case 'BrandRenamed': {
        const brand = state.brands[event.data.brandId];
        return brand ? { ...state, brands: { ...state.brands, [brand.brandId]: { ...brand, name: event.data.name } } } : state;
      }
      case 'DataSharingChanged': {
        const brand = state.brands[event.data.brandId];
        return brand ? { ...state, brands: { ...state.brands, [brand.brandId]: { ...brand, sharing: event.data.sharing } } } : state;
      }
      case 'PropertyAdded':
      case 'PropertyUpdated':
        return { ...state, properties: { ...state.properties, [event.data.propertyId]: event.data } };
      case 'AttributeDefined':
        return { ...state, attributes: { ...state.attributes, [event.data.key]: event.data } };
      default:
        return state;
    }
  },
};

/**
 * Which brands' guests and private data a caller may see. A caller scoped to brands `callerBrands`
 * (or `'*'` for chain-wide roles) sees its own brands; if one of its brands has joined the shared
 * view, it also sees every other brand that joined it. Private brands see only themselves.
 */
export function visibleBrands(state: TenantState, callerBrands: readonly string[] | '*'): Set<string> {
  if (callerBrands === '*') return new Set(Object.keys(state.brands));
  const visible = new Set(callerBrands);
  if (callerBrands.some((b) => state.brands[b]?.sharing === 'shared')) {
    for (const brand of Object.values(state.brands)) if (brand.sharing === 'shared') visible.add(brand.brandId);
  }
  return visible;
}

export class InvalidAttributeError extends Error {
  readonly code = 'INVALID_ATTRIBUTE';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Checks extensible attributes against the tenant's registry (`null` removes an attribute). */
export function validateAttributes(state: TenantState, attributes: Record<string, AttributeValue | null>): void {
  for (const [key, value] of Object.entries(attributes)) {
    const definition = state.attributes[key];
    const field = `attributes.${key}`;
    if (!definition) throw new InvalidAttributeError(field, `attribute '${key}' is not in the tenant's attribute registry`);
    if (value === null) continue;
    const ok =
      (definition.type === 'string' && typeof value === 'string') ||
      (definition.type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
      (definition.type === 'boolean' && typeof value === 'boolean') ||
      (definition.type === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)));
    if (!ok) throw new InvalidAttributeError(field, `attribute '${key}' must be a ${definition.type}${definition.type === 'date' ? ' (YYYY-MM-DD)' : ''}`);
  }
}
