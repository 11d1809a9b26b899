/** Typed errors of the messaging library. Each carries a stable `code` (SCREAMING_SNAKE) for problem+json mapping. */
export abstract class MessagingError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An option given to the library is malformed (a stream name, a durable, a subject pattern, a limit). */
export class InvalidMessagingOptionError extends MessagingError {
  readonly code = 'INVALID_MESSAGING_OPTION';
  constructor(
    readonly option: string,
    readonly reason: string,
  ) {
    super(`Invalid messaging option ${option}: ${reason}`);
  }
}

/** The JetStream stream a message or consumer needs does not exist (call `ensureStream` at start). */
export class StreamNotFoundError extends MessagingError {
  readonly code = 'STREAM_NOT_FOUND';
  constructor(
    readonly stream: string,
    options?: { cause?: unknown },
  ) {
    super(`JetStream stream ${stream} does not exist; create it with ensureStream() when the producing service starts`, options);
  }
}

/**
 * An existing stream cannot be brought to the requested configuration without breaking a guarantee:
 * its storage or retention policy differs (immutable in JetStream), or its partition count differs
 * (re-partitioning would break per-key ordering for messages already in the stream).
 */
export class StreamConfigConflictError extends MessagingError {
  readonly code = 'STREAM_CONFIG_CONFLICT';
  constructor(
    readonly stream: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Stream ${stream} cannot be updated: ${reason}`, options);
  }
}

/** A publish kept failing after every retry, or failed with an error that is not worth retrying. */
export class PublishFailedError extends MessagingError {
  readonly code = 'PUBLISH_FAILED';
  constructor(
    readonly subject: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(
      `Publishing to ${subject} failed after ${attempts} attempt(s): ${describeCause(options?.cause)}`,
      options,
    );
  }
}

/**
 * Thrown by a message handler to dead-letter the message at once instead of retrying it: the handler
 * knows the message can never succeed (e.g. it refers to a tenant that does not exist).
 */
export class DeadLetterError extends MessagingError {
  readonly code = 'DEAD_LETTER';
}

/** A dead letter cannot be replayed: its headers do not say where it came from. */
export class InvalidDeadLetterError extends MessagingError {
  readonly code = 'INVALID_DEAD_LETTER';
  constructor(
    readonly sequence: number,
    readonly reason: string,
  ) {
    super(`Dead letter #${sequence} cannot be replayed: ${reason}`);
  }
}

/** No responder answered a request within its timeout. */
export class RequestTimeoutError extends MessagingError {
  readonly code = 'REQUEST_TIMEOUT';
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`No reply on ${subject} within ${timeoutMs} ms`, options);
  }
}

/** Nobody listens on the subject of a request (the responding service is down or not deployed). */
export class NoRespondersError extends MessagingError {
  readonly code = 'NO_RESPONDERS';
  constructor(
    readonly subject: string,
    options?: { cause?: unknown },
  ) {
    super(`No responder is listening on ${subject}`, options);
  }
}

/** A field-level validation problem of a request or a response. */
export type ValidationIssue = { readonly path: string; readonly message: string };

/**
 * The responder answered with an error. `remoteCode` is the responder's stable code (its error's
 * `code`, `INVALID_REQUEST` when it rejected the request, `INTERNAL_ERROR` for an uncoded failure).
 */
export class RemoteError extends MessagingError {
  readonly code = 'REMOTE_ERROR';
  constructor(
    readonly subject: string,
    readonly remoteCode: string,
    readonly remoteMessage: string,
    readonly issues: readonly ValidationIssue[] = [],
  ) {
    super(`Responder on ${subject} failed with ${remoteCode}: ${remoteMessage}`);
  }
}

/** A request payload does not satisfy the request schema (checked before sending, and by the responder). */
export class RequestValidationError extends MessagingError {
  readonly code = 'REQUEST_VALIDATION_FAILED';
  constructor(
    readonly subject: string,
    readonly issues: readonly ValidationIssue[],
    options?: { cause?: unknown },
  ) {
    super(`Invalid request for ${subject}: ${formatIssues(issues)}`, options);
  }
}

/** A reply does not satisfy the response schema, or is not a well-formed reply at all. */
export class ResponseValidationError extends MessagingError {
  readonly code = 'RESPONSE_VALIDATION_FAILED';
  constructor(
    readonly subject: string,
    readonly issues: readonly ValidationIssue[],
    options?: { cause?: unknown },
  ) {
    super(`Invalid response from ${subject}: ${formatIssues(issues)}`, options);
  }
}

/** The connection is draining or closed: the operation was refused. */
export class MessagingClosedError extends MessagingError {
  readonly code = 'MESSAGING_CLOSED';
  constructor(operation: string) {
    super(`Cannot ${operation}: the messaging connection is closing or closed`);
  }
}

export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; ');
}

export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return String(cause);
}
