import { HttpError } from '../problem';
import { assertBrand, assertRole, assertTenant, createActor, isRole } from './actor';

describe('actor', () => {
  const agent = createActor({ userId: 'u1', tenantId: 'acme', roles: ['agent', 'agent', 'analyst'], brands: ['brand-a', 'brand-b'] });
  const admin = createActor({ userId: 'u2', tenantId: 'acme', roles: ['admin'], brands: '*' });

  it('answers brand and role questions', () => {
    expect(agent.roles).toEqual(['agent', 'analyst']);
    expect(agent.canSeeBrand('brand-b')).toBe(true);
    expect(agent.canSeeBrand('brand-c')).toBe(false);
    expect(admin.canSeeBrand('brand-c')).toBe(true);
    expect(agent.hasRole('manager', 'analyst')).toBe(true);
    expect(agent.hasRole('manager')).toBe(false);
    expect(admin.hasRole('agent')).toBe(false);
    expect(Object.isFrozen(agent)).toBe(true);
    expect(Object.isFrozen(agent.roles)).toBe(true);
  });

  it('asserts tenant, brand and roles with 403 problems', () => {
    expect(() => assertTenant(agent, 'acme')).not.toThrow();
    expect(() => assertTenant(agent, 'globex')).toThrow(expect.objectContaining({ status: 403, code: 'TENANT_MISMATCH' }));
    expect(() => assertBrand(agent, 'brand-a')).not.toThrow();
    expect(() => assertBrand(agent, 'brand-z')).toThrow(expect.objectContaining({ status: 403, code: 'BRAND_NOT_ALLOWED' }));
    expect(() => assertRole(agent, [])).not.toThrow();
    expect(() => assertRole(agent, ['steward', 'admin'])).toThrow(HttpError);
    expect(() => assertRole(agent, ['steward', 'admin'])).toThrow(/steward, admin/);
  });

  it('recognises roles', () => {
    expect(['agent', 'manager', 'steward', 'marketer', 'analyst', 'admin', 'integration', 'portal'].every(isRole)).toBe(true);
    expect(isRole('root')).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});
