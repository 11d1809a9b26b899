import { defineEvent, hearthContracts, parseSubject, subjectOf, type AnyEventContract, type AnyIntegrationEvent, type ContractRegistry } from '@hearth/contracts';
import { z } from 'zod';

/**
 * A contract registry that knows every contract version: registered ones validate fully (a malformed
 * customer-profile event is dead-lettered), any other `hearth.<service>.<event>.v<N>` gets a generic
 * contract that validates the envelope and requires `data` to be an object (tolerant reader: the
 * timeline records any versioned contract of any service, including ones published after it was built).
 */
export function anyContractRegistry(known: ContractRegistry = hearthContracts): ContractRegistry {
  const generic = new Map<string, AnyEventContract>();
  const genericFor = (subject: string): AnyEventContract | undefined => {
    const cached = generic.get(subject);
    if (cached) return cached;
    const parsed = parseSubject(subject);
    if (!parsed) return undefined;
    const contract = defineEvent({
      type: parsed.type,
      version: parsed.version,
      description: 'A contract version the timeline has no schema for: the envelope is validated, data is kept as sent.',
      data: z.looseObject({}),
      example: {},
    }) as unknown as AnyEventContract;
    if (generic.size >= 1_000) generic.delete(generic.keys().next().value!);
    generic.set(subject, contract);
    return contract;
  };
  const getBySubject = (subject: string) => known.getBySubject(subject) ?? genericFor(subject);
  const contractOf = (input: unknown): AnyEventContract | undefined => {
    const type = (input as { type?: unknown } | null)?.type;
    const version = (input as { version?: unknown } | null)?.version;
    if (typeof type !== 'string' || typeof version !== 'number' || !Number.isSafeInteger(version)) return undefined;
    return getBySubject(subjectOf(type, version));
  };
  const registry: ContractRegistry = {
    contracts: known.contracts,
    subjects: known.subjects,
    get: (type, version) => getBySubject(subjectOf(type, version)),
    getBySubject,
    versionsOf: (type) => known.versionsOf(type),
    // without a usable type/version the known registry reports the envelope problem
    parse: (input: unknown): AnyIntegrationEvent => contractOf(input)?.parse(input) ?? known.parse(input),
    safeParse: (input: unknown) => contractOf(input)?.safeParse(input) ?? known.safeParse(input),
  };
  return Object.freeze(registry);
}

