import { customerProfileProblem } from '@hearth/customer-profile-client';
import { HttpError, withErrorTranslation } from '@hearth/http';
import type { ErrorMappings, RouteDefinition } from '@hearth/http';
import { TicketSettingsError } from '../../domain/settings.policy';
import { TicketError } from '../../domain/ticket.decider';
import { TicketRequestError } from '../../app/errors';

/**
 * The service's error codes → HTTP status (on top of the library's defaults). Ticket decider codes:
 * TICKET_NOT_FOUND 404, INVALID_* 422, every other 409 (domain README).
 */
export const TICKETS_ERROR_MAPPINGS: ErrorMappings = {
  TICKET_NOT_FOUND: { status: 404, title: 'Ticket not found' },
  INVALID_TICKET: 422,
  INVALID_COMMENT: 422,
  INVALID_RECOVERY: 422,
  INVALID_SCORE: 422,
  INVALID_ESCALATION: 422,
  TICKET_ALREADY_EXISTS: 409,
  ILLEGAL_TRANSITION: { status: 409, title: 'Illegal transition' },
  REOPEN_WINDOW_PASSED: 409,
  TICKET_CLOSED: 409,
  NOT_ASSIGNED_TO_DELEGATOR: 409,
  SAME_QUEUE: 409,
  COMMENT_NOT_FOUND: 409,
  COMPLAINT_REQUIRED: 409,
  GUEST_REQUIRED: 409,
  GUEST_ALREADY_LINKED: 409,
  NOT_RESOLVED: 409,
  SATISFACTION_ALREADY_RECORDED: 409,
  SLA_TARGET_NOT_SET: 409,
  SLA_NOT_DUE: 409,
  /** New personal data for a guest whose data was erased. */
  SUBJECT_ERASED: { status: 409, title: 'Guest data erased' },
  INVALID_TICKET_SETTINGS: 422,
  INVALID_SLA_POLICY: 422,
  DUPLICATE_SLA_POLICY: 422,
  INVALID_CALENDAR: 422,
  UNKNOWN_CATEGORY: 422,
  UNKNOWN_QUEUE: 422,
  QUEUE_NOT_FOR_BRAND: 422,
  UNKNOWN_PROPERTY: 422,
  UNKNOWN_GUEST: 422,
  GUEST_ERASED: 422,
  INVALID_RECEIVED_AT: 422,
  AMBIGUOUS_GUEST: { status: 422, title: 'Identifiers match several guests' },
  BRAND_NOT_ALLOWED: { status: 403, title: 'Brand not allowed' },
  UNKNOWN_BRAND: 422,
  INVALID_IDENTIFIER: 400,
  INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },
  DEPENDENCY_UNAVAILABLE: { status: 503, title: 'Dependency unavailable' },
};

/**
 * Errors that need more than a status: field errors for requests naming what the tenant does not have,
 * the candidates of ambiguous identifiers, the dependency that did not answer (+ Retry-After).
 */
export function translateError(error: unknown): unknown {
  if (error instanceof HttpError) return error;
  if (error instanceof TicketError) {
    const status = error.code === 'TICKET_NOT_FOUND' ? 404 : error.code.startsWith('INVALID_') ? 422 : 409;
    // the ticket's status and the refused command help a client explain an illegal transition
    const extensions = status === 404 ? {} : { ...(error.status ? { ticketStatus: error.status } : {}), ...(error.command ? { command: error.command } : {}) };
    return new HttpError({ status, code: error.code, detail: error.message, extensions, cause: error });
  }
  if (error instanceof TicketRequestError) {
    return new HttpError({ status: 422, code: error.code, detail: error.message, errors: [{ path: error.path, message: error.message, code: error.code }], cause: error });
  }
  if (error instanceof TicketSettingsError) {
    const path = error.path ? `body.${error.path}` : 'body';
    return new HttpError({ status: 422, code: error.code, detail: error.message, errors: [{ path, message: error.message, code: error.code }], cause: error });
  }
  const problem = customerProfileProblem(error);
  return problem ? new HttpError({ ...problem, cause: error }) : error;
}

/** Wraps a route so the use cases' errors become the problems of `translateError`. */
export const withTicketErrors = (definition: RouteDefinition): RouteDefinition => withErrorTranslation(definition, (error) => translateError(error));
