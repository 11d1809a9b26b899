export type RetryDelay = {
  /** Delay before the first retry (default 1,000 ms); doubles with each further attempt. */
  minMs?: number;
  /** Upper bound of one delay (default 300,000 ms = 5 min). */
  maxMs?: number;
};

export const DEFAULT_RETRY_DELAY: Required<RetryDelay> = { minMs: 1_000, maxMs: 300_000 };

/**
 * The delay before retrying after failed attempt `attempt` (1-based): `minMs · 2^(attempt−1)`, plus up
 * to 25 % jitter so that timers failing together (a dependency down) do not retry in lockstep, capped
 * at `maxMs`.
 */
export function retryDelayMs(attempt: number, delay: Required<RetryDelay>, random: () => number = Math.random): number {
  const exponential = Math.min(delay.maxMs, delay.minMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(Math.min(delay.maxMs, exponential * (1 + 0.25 * random())));
}
