/** Typed errors of the timers library, each with a stable `code` (SCREAMING_SNAKE). */
export abstract class TimerError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A timer given to `schedule`, `cancel` or `get` is malformed (empty key, bad date, non-JSON payload…). */
export class InvalidTimerError extends TimerError {
  readonly code = 'INVALID_TIMER';
  constructor(
    /** The offending field, e.g. `dueAt` or `payload.items[2]`. */
    readonly field: string,
    readonly reason: string,
  ) {
    super(`Invalid timer ${field}: ${reason}`);
  }
}

/** An option of a store, a query or the worker is malformed. */
export class InvalidTimerOptionError extends TimerError {
  readonly code = 'INVALID_TIMER_OPTION';
  constructor(
    readonly option: string,
    readonly reason: string,
  ) {
    super(`Invalid timer option ${option}: ${reason}`);
  }
}

/**
 * A timer was marked failed: its last attempt failed (the handler's error is the `cause`) or did not
 * finish within its lease, and it has had `maxAttempts` attempts. It stays stored with `status: 'failed'`
 * until re-scheduled or cancelled. Reported through the worker's `onError`.
 */
export class TimerFailedError extends TimerError {
  readonly code = 'TIMER_FAILED';
  constructor(
    readonly tenantId: string,
    readonly key: string,
    readonly attempts: number,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Timer ${tenantId}/${key} failed after ${attempts} attempt(s): ${reason}`, options);
  }
}
