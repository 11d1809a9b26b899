/** A per-key token bucket: `capacity` requests in a burst, refilled at `refillPerSecond`. */
export type RateLimitOptions = {
  capacity: number;
  refillPerSecond: number;
  /** Clock in ms (tests). */
  now?: () => number;
};

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** In-memory, per-instance limiter (each instance limits on its own; a shared limiter belongs in the gateway). */
export type RateLimiter = { take(key: string): RateLimitDecision };

/** Keys idle long enough to be full again are dropped when the map grows past this. */
const SWEEP_THRESHOLD = 10_000;

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) throw new RangeError('Rate limit needs capacity >= 1 and refillPerSecond > 0');
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (bucket: { tokens: number; at: number }, t: number) => {
    bucket.tokens = Math.min(options.capacity, bucket.tokens + ((t - bucket.at) / 1000) * options.refillPerSecond);
    bucket.at = t;
  };
  return {
    take(key: string): RateLimitDecision {
      const t = now();
      if (buckets.size > SWEEP_THRESHOLD) {
        for (const [k, b] of buckets) {
          refill(b, t);
          if (b.tokens >= options.capacity) buckets.delete(k);
        }
      }
      let bucket = buckets.get(key);
      if (!bucket) {
        bucket = { tokens: options.capacity, at: t };
        buckets.set(key, bucket);
      }
      refill(bucket, t);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true };
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / options.refillPerSecond)) };
    },
  };
}
