/**
 * Fixed log-scale buckets for durations, so that percentiles can be estimated from histograms summed
 * over any number of rollup documents (a percentile of a union cannot be computed from percentiles).
 *
 * Buckets: `[2^(i/8), 2^((i+1)/8))` minutes for i ≥ 0 (8 per doubling, each ~9.05% wide), and one bucket
 * for everything under a minute (index -1). The set is unbounded upwards, so no duration is clipped.
 * A percentile is the nearest-rank percentile (the k-th smallest value, k = ⌈p·n⌉), estimated by the
 * geometric middle of the bucket holding that value, `2^((i+½)/8)`, or ½ minute for the first bucket.
 *
 * Error bound: the true value lies in the same bucket, so the estimate is within 2^(1/16) − 1 ≈ 4.43 %
 * of it for durations of a minute or more (plus at most 0.005 minutes from rounding to two decimals),
 * and within half a minute below a minute. Averages are exact (sums of whole seconds).
 */

export const BUCKETS_PER_DOUBLING = 8;
/** Index of the bucket for durations under one minute. */
export const UNDER_A_MINUTE = -1;
/** Worst relative error of an estimate for durations ≥ 1 minute (before rounding). */
export const RELATIVE_ERROR_BOUND = 2 ** (1 / (2 * BUCKETS_PER_DOUBLING)) - 1;

/** The bucket of a duration in seconds. */
export function durationBucket(seconds: number): number {
  const minutes = seconds / 60;
  if (!(minutes >= 1)) return UNDER_A_MINUTE;
  return Math.floor(BUCKETS_PER_DOUBLING * Math.log2(minutes));
}

/** The value (minutes) a bucket stands for in estimates. */
export function bucketEstimateMinutes(index: number): number {
  return index === UNDER_A_MINUTE ? 0.5 : 2 ** ((index + 0.5) / BUCKETS_PER_DOUBLING);
}

/** Minutes rounded to two decimals (what the API reports). */
export const roundMinutes = (minutes: number): number => Math.round(minutes * 100) / 100;

/**
 * The nearest-rank `p`-percentile (0 < p ≤ 1) of a histogram given as (bucket index → count), in
 * minutes (rounded to two decimals); null when it is empty.
 */
export function percentileMinutes(histogram: ReadonlyMap<number, number>, p: number): number | null {
  const buckets = [...histogram].filter(([, count]) => count > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [index, count] of buckets) {
    seen += count;
    if (seen >= rank) return roundMinutes(bucketEstimateMinutes(index));
  }
  return roundMinutes(bucketEstimateMinutes(buckets.at(-1)![0]));
}
