import type { AnyEventContract } from './define-event';
import { parseEnvelope, parseSubject, subjectOf, type AnyIntegrationEvent } from './envelope';
import { ContractValidationError, DuplicateContractError, UnknownContractError } from './errors';
import type { ContractParseResult } from './validation';

/** A read-only catalogue of contract versions, looked up by (type, version) or by NATS subject. */
export type ContractRegistry = {
  /** Every registered contract, in registration order. */
  readonly contracts: readonly AnyEventContract[];
  /** Every registered subject (`<type>.v<N>`), in registration order. */
  readonly subjects: readonly string[];
  /** The contract of one type and version, or `undefined`. */
  get(type: string, version: number): AnyEventContract | undefined;
  /** The contract published on a subject (`hearth.customer-profile.guest-registered.v1`), or `undefined`. */
  getBySubject(subject: string): AnyEventContract | undefined;
  /** Every registered version of a type, oldest first. */
  versionsOf(type: string): readonly AnyEventContract[];
  /**
   * Validates the envelope, finds the contract named by its `type` and `version`, and validates the
   * whole message against it. Throws `ContractValidationError`, or `UnknownContractError` when the
   * type/version is not registered.
   */
  parse(input: unknown): AnyIntegrationEvent;
  /** `parse` without throwing. */
  safeParse(input: unknown): ContractParseResult<AnyIntegrationEvent, ContractValidationError | UnknownContractError>;
};

/** Builds a registry; throws `DuplicateContractError` when two contracts share a type and version. */
export function createContractRegistry(contracts: readonly AnyEventContract[]): ContractRegistry {
  const bySubject = new Map<string, AnyEventContract>();
  for (const contract of contracts) {
    if (bySubject.has(contract.subject)) throw new DuplicateContractError(contract.subject);
    bySubject.set(contract.subject, contract);
  }
  const list = Object.freeze([...contracts]);

  const registry: ContractRegistry = {
    contracts: list,
    subjects: Object.freeze([...bySubject.keys()]),
    get: (type, version) => bySubject.get(subjectOf(type, version)),
    getBySubject: (subject) => (parseSubject(subject) ? bySubject.get(subject) : undefined),
    versionsOf: (type) => Object.freeze(list.filter((c) => c.type === type).sort((a, b) => a.version - b.version)),
    parse(input) {
      const envelope = parseEnvelope(input);
      const contract = bySubject.get(subjectOf(envelope.type, envelope.version));
      if (!contract) throw new UnknownContractError(subjectOf(envelope.type, envelope.version));
      return contract.parse(input);
    },
    safeParse(input) {
      try {
        return { success: true, data: registry.parse(input) };
      } catch (error) {
        if (error instanceof ContractValidationError || error instanceof UnknownContractError) return { success: false, error };
        throw error;
      }
    },
  };
  return Object.freeze(registry);
}
