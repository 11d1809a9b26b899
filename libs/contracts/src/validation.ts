import type { z } from 'zod';
import { ContractValidationError, type ContractIssue } from './errors';

/** The result of a `safeParse`: never throws, the error is the same one `parse` would throw. */
export type ContractParseResult<T, E extends Error = ContractValidationError> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: E };

/** Zod says "expected string, received undefined"; for a message field, "Required" is what a reader needs. */
const errorMap: z.core.$ZodErrorMap = (issue) =>
  issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value') ? 'Required' : undefined;

/** Converts zod issues into field-level contract issues (`data.tags[2]`-style paths). */
export function toContractIssues(error: z.ZodError): ContractIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

export function safeParseWith<T>(schema: z.ZodType<T>, contract: string, input: unknown): ContractParseResult<T> {
  const result = schema.safeParse(input, { error: errorMap });
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    error: new ContractValidationError(contract, toContractIssues(result.error), { cause: result.error }),
  };
}

export function parseWith<T>(schema: z.ZodType<T>, contract: string, input: unknown): T {
  const result = safeParseWith(schema, contract, input);
  if (!result.success) throw result.error;
  return result.data;
}
