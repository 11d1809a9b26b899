/** Typed errors of the contracts library. Each carries a stable `code` (SCREAMING_SNAKE) for problem+json mapping. */
export abstract class ContractError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One field-level problem found while validating a message against a contract. */
export type ContractIssue = {
  /** Where the problem is, dotted with array indices in brackets (`data.guestId`, `data.tags[2]`); `''` for the message itself. */
  readonly path: string;
  /** What is wrong, for a human. */
  readonly message: string;
};

/**
 * A message does not satisfy its contract (or, for generic validation, the envelope).
 * `contract` is the subject (`hearth.customer-profile.guest-registered.v1`) or `'envelope'`.
 */
export class ContractValidationError extends ContractError {
  readonly code = 'CONTRACT_VALIDATION_FAILED';
  constructor(
    readonly contract: string,
    readonly issues: readonly ContractIssue[],
    options?: { cause?: unknown },
  ) {
    super(`Invalid ${contract} message: ${formatIssues(issues)}`, options);
  }
}

/** A contract definition is wrong: bad type or version, or an example that does not match its own schema. */
export class InvalidContractDefinitionError extends ContractError {
  readonly code = 'INVALID_CONTRACT_DEFINITION';
  constructor(
    readonly contract: string,
    readonly reason: string,
    readonly issues: readonly ContractIssue[] = [],
    options?: { cause?: unknown },
  ) {
    super(`Contract ${contract} is invalid: ${reason}${issues.length > 0 ? ` (${formatIssues(issues)})` : ''}`, options);
  }
}

/** Two contracts in one registry share the same type and version (hence the same subject). */
export class DuplicateContractError extends ContractError {
  readonly code = 'DUPLICATE_CONTRACT';
  constructor(readonly subject: string) {
    super(`Contract ${subject} is registered twice`);
  }
}

/** A message names a type/version (or subject) that the registry does not know. */
export class UnknownContractError extends ContractError {
  readonly code = 'UNKNOWN_CONTRACT';
  constructor(readonly subject: string) {
    super(`No contract is registered for ${subject}`);
  }
}

function formatIssues(issues: readonly ContractIssue[]): string {
  return issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; ');
}
