/** Typed errors of the event store. Each carries a stable `code` (SCREAMING_SNAKE) for problem+json mapping. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The stream was not at the expected version. `actualVersion` is `undefined` when the stream does not exist. */
export class WrongExpectedVersionError extends EventStoreError {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly stream: string,
    readonly expectedVersion: number | string,
    readonly actualVersion: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `Stream '${stream}' expected at version ${String(expectedVersion)} but is ${
        actualVersion === undefined ? 'absent (no_stream)' : `at version ${actualVersion}`
      }`,
      options,
    );
  }
}

export class StreamNotFoundError extends EventStoreError {
  readonly code = 'STREAM_NOT_FOUND';
  constructor(readonly stream: string) {
    super(`Stream '${stream}' does not exist`);
  }
}

export class InvalidStreamNameError extends EventStoreError {
  readonly code = 'INVALID_STREAM_NAME';
  constructor(readonly stream: unknown, readonly reason: string) {
    super(`Invalid stream name ${JSON.stringify(typeof stream === 'string' ? stream.slice(0, 80) : String(stream))}: ${reason}`);
  }
}

/** A bad argument other than the stream name: expected version, read options, positions. */
export class InvalidArgumentError extends EventStoreError {
  readonly code = 'INVALID_ARGUMENT';
  constructor(readonly field: string, readonly reason: string) {
    super(`Invalid ${field}: ${reason}`);
  }
}

/** An event that cannot be stored: missing type or metadata, or data that is not plain JSON. */
export class InvalidEventError extends EventStoreError {
  readonly code = 'INVALID_EVENT';
  constructor(readonly index: number, readonly path: string, readonly reason: string) {
    super(`Event #${index} is invalid at '${path}': ${reason}`);
  }
}

/** An event id is already used by an event of a different stream. */
export class DuplicateEventIdError extends EventStoreError {
  readonly code = 'DUPLICATE_EVENT_ID';
  constructor(readonly eventId: string, readonly existingStream: string) {
    super(`Event id '${eventId}' is already used in stream '${existingStream}'`);
  }
}
