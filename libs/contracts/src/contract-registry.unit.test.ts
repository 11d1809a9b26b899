import { z } from 'zod';
import { createContractRegistry } from './contract-registry';
import { defineEvent } from './define-event';
import { ContractValidationError, DuplicateContractError, UnknownContractError } from './errors';

const defineVisit = (version: number, description = 'A guest visited.') =>
  defineEvent({
    type: 'hearth.timeline.visit-recorded',
    version,
    description,
    data: z.object({ visitId: z.string().min(1) }),
    example: { visitId: 'visit-1' },
  });

const visitV1 = defineVisit(1);
const visitV2 = defineVisit(2);
const pointsEarnedV1 = defineEvent({
  type: 'hearth.loyalty.points-earned',
  version: 1,
  description: 'Points were earned.',
  data: z.object({ points: z.number().int().positive() }),
  example: { points: 100 },
});

const message = (overrides: Record<string, unknown> = {}) => ({
  id: '5d2c0a8e-3f41-4b7e-9c1a-2e6f8d9b0a71',
  type: 'hearth.loyalty.points-earned',
  version: 1,
  source: 'loyalty',
  tenantId: 'tenant-1',
  occurredAt: '2025-03-04T05:06:07Z',
  correlationId: 'corr-1',
  data: { points: 10 },
  ...overrides,
});

describe('createContractRegistry', () => {
  const registry = createContractRegistry([visitV2, pointsEarnedV1, visitV1]);

  it('looks contracts up by type and version', () => {
    expect(registry.get('hearth.timeline.visit-recorded', 1)).toBe(visitV1);
    expect(registry.get('hearth.timeline.visit-recorded', 2)).toBe(visitV2);
    expect(registry.get('hearth.timeline.visit-recorded', 3)).toBeUndefined();
    expect(registry.get('hearth.unknown.thing', 1)).toBeUndefined();
  });

  it('looks contracts up by subject', () => {
    expect(registry.getBySubject('hearth.loyalty.points-earned.v1')).toBe(pointsEarnedV1);
    expect(registry.getBySubject('hearth.loyalty.points-earned')).toBeUndefined();
    expect(registry.getBySubject('hearth.>')).toBeUndefined();
  });

  it('lists contracts, subjects and the versions of a type', () => {
    expect(registry.contracts).toEqual([visitV2, pointsEarnedV1, visitV1]);
    expect(registry.subjects).toEqual([
      'hearth.timeline.visit-recorded.v2',
      'hearth.loyalty.points-earned.v1',
      'hearth.timeline.visit-recorded.v1',
    ]);
    expect(registry.versionsOf('hearth.timeline.visit-recorded')).toEqual([visitV1, visitV2]);
    expect(Object.isFrozen(registry)).toBe(true);
    expect(Object.isFrozen(registry.contracts)).toBe(true);
  });

  it('rejects two contracts with the same type and version', () => {
    const again = defineVisit(1, 'Defined twice by mistake.');
    expect(() => createContractRegistry([visitV1, visitV2, again])).toThrow(DuplicateContractError);
    expect(() => createContractRegistry([visitV1, visitV1])).toThrow(
      'Contract hearth.timeline.visit-recorded.v1 is registered twice',
    );
  });

  it('parses a message against the contract its envelope names', () => {
    expect(registry.parse(message())).toMatchObject({ type: 'hearth.loyalty.points-earned', data: { points: 10 } });
  });

  it('reports the payload fields of the named contract', () => {
    const result = registry.safeParse(message({ data: { points: -1 } }));
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error).toBeInstanceOf(ContractValidationError);
      expect((result.error as ContractValidationError).issues.map((i) => i.path)).toEqual(['data.points']);
    }
  });

  it('rejects a broken envelope before looking anything up', () => {
    expect(() => registry.parse(message({ type: 'nope' }))).toThrow(ContractValidationError);
  });

  it('rejects an unregistered type or version', () => {
    expect(() => registry.parse(message({ version: 9 }))).toThrow(UnknownContractError);
    const result = registry.safeParse(message({ type: 'hearth.loyalty.tier-changed' }));
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error).toBeInstanceOf(UnknownContractError);
      expect(result.error.code).toBe('UNKNOWN_CONTRACT');
      expect(result.error.message).toBe('No contract is registered for hearth.loyalty.tier-changed.v1');
    }
  });
});
