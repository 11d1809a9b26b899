/** One problem with the environment: which variable, and what is wrong with it. */
export type ConfigProblem = {
  /** The environment variable (`PORT`), with an index for list items (`CORS_ORIGINS[2]`); `(config)` for cross-field rules. */
  readonly variable: string;
  /** What is wrong, for the operator reading the start-up log. Never contains the value of a secret. */
  readonly message: string;
};

/** The environment does not satisfy the service's config schema. Lists every problem at once. */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(
    readonly problems: readonly ConfigProblem[],
    readonly serviceName?: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Invalid configuration${serviceName ? ` for ${serviceName}` : ''} (${problems.length} problem${
        problems.length === 1 ? '' : 's'
      }):\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n')}`,
      options,
    );
    this.name = 'ConfigError';
  }
}
