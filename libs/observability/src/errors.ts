/** Typed errors of the observability lib. Each carries a stable `code` (SCREAMING_SNAKE). */
export abstract class ObservabilityError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A setting (`LOG_LEVEL`, `OTEL_*`, an option) has a value Hearth cannot use. */
export class InvalidTelemetrySettingError extends ObservabilityError {
  readonly code = 'INVALID_TELEMETRY_SETTING';
  constructor(
    readonly setting: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Invalid ${setting}: ${reason}`, options);
  }
}
