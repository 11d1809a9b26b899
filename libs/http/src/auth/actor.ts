import { HttpError } from '../problem';

/** The roles a Hearth token may carry (claim `roles`). Unknown role strings in a token are ignored. */
export const ROLES = ['agent', 'manager', 'steward', 'marketer', 'analyst', 'admin', 'integration', 'portal'] as const;
export type Role = (typeof ROLES)[number];

/** Brands a caller may see: a list of brand ids, or `'*'` for every brand of the tenant. */
export type BrandScope = readonly string[] | '*';

/**
 * Who is calling, from a verified token. Available as `req.actor` after authentication and as
 * `ctx.actor` in route handlers. Every store query must be scoped by `tenantId`.
 */
export type Actor = {
  /** Claim `sub`. */
  readonly userId: string;
  /** Claim `tenant`. */
  readonly tenantId: string;
  /** Claim `roles`, restricted to the known `ROLES`. */
  readonly roles: readonly Role[];
  /** Claim `brands`. */
  readonly brands: BrandScope;
  /** True when the caller's brand scope includes `brandId` (always for `'*'`). */
  canSeeBrand(brandId: string): boolean;
  /** True when the caller has at least one of `roles`. Roles are not hierarchical: `admin` implies nothing. */
  hasRole(...roles: readonly Role[]): boolean;
};

/** Builds a frozen `Actor`. */
export function createActor(claims: { userId: string; tenantId: string; roles: readonly Role[]; brands: BrandScope }): Actor {
  const roles = Object.freeze([...new Set(claims.roles)]);
  const brands: BrandScope = claims.brands === '*' ? '*' : Object.freeze([...new Set(claims.brands)]);
  const brandSet = brands === '*' ? undefined : new Set(brands);
  return Object.freeze({
    userId: claims.userId,
    tenantId: claims.tenantId,
    roles,
    brands,
    canSeeBrand: (brandId: string) => brandSet === undefined || brandSet.has(brandId),
    hasRole: (...wanted: readonly Role[]) => wanted.some((role) => roles.includes(role)),
  });
}

/** Type guard for role strings (e.g. from a CLI or a token). */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * Throws 403 `TENANT_MISMATCH` unless `tenantId` (e.g. from the path, or a loaded record) is the
 * caller's tenant. Use it wherever a tenant id arrives from outside the token.
 */
export function assertTenant(actor: Actor, tenantId: string): void {
  if (actor.tenantId !== tenantId) {
    throw new HttpError({ status: 403, code: 'TENANT_MISMATCH', detail: 'The resource belongs to another tenant than the caller\'s token.' });
  }
}

/** Throws 403 `BRAND_NOT_ALLOWED` unless the caller's brand scope includes `brandId`. */
export function assertBrand(actor: Actor, brandId: string): void {
  if (!actor.canSeeBrand(brandId)) {
    throw new HttpError({ status: 403, code: 'BRAND_NOT_ALLOWED', detail: `The caller's token does not grant access to brand '${brandId}'.` });
  }
}

/** Throws 403 `ROLE_REQUIRED` unless the caller has at least one of `roles`. */
export function assertRole(actor: Actor, roles: readonly Role[]): void {
  if (roles.length > 0 && !actor.hasRole(...roles)) {
    throw new HttpError({
      status: 403,
      code: 'ROLE_REQUIRED',
      detail: `This operation needs one of the roles: ${roles.join(', ')}.`,
      extensions: { requiredRoles: [...roles] },
    });
  }
}
