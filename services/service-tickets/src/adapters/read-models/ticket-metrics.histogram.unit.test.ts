import { bucketEstimateMinutes, durationBucket, percentileMinutes, RELATIVE_ERROR_BOUND, UNDER_A_MINUTE } from './ticket-metrics.histogram';

/** Deterministic pseudo-random numbers (mulberry32), so the data is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exact nearest-rank percentile of minutes. */
function exact(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
}

function histogramOfSeconds(seconds: number[]): Map<number, number> {
  const histogram = new Map<number, number>();
  for (const s of seconds) histogram.set(durationBucket(s), (histogram.get(durationBucket(s)) ?? 0) + 1);
  return histogram;
}

/** The documented bound: 4.43 % of the true value (+0.005 min rounding) from a minute up, half a minute below. */
function withinBound(estimate: number, truth: number): boolean {
  if (truth < 1) return Math.abs(estimate - truth) <= 0.5;
  return Math.abs(estimate - truth) <= truth * RELATIVE_ERROR_BOUND + 0.005 + 1e-9;
}

describe('duration histogram', () => {
  it('puts durations in log buckets of 8 per doubling, under a minute in one bucket', () => {
    expect(durationBucket(0)).toBe(UNDER_A_MINUTE);
    expect(durationBucket(59)).toBe(UNDER_A_MINUTE);
    expect(durationBucket(60)).toBe(0);
    expect(durationBucket(120)).toBe(8);
    expect(durationBucket(119)).toBe(7);
    expect(durationBucket(60 * 60 * 24 * 365)).toBe(Math.floor(8 * Math.log2(525_600)));
    expect(bucketEstimateMinutes(UNDER_A_MINUTE)).toBe(0.5);
    expect(bucketEstimateMinutes(8)).toBeCloseTo(2 * 2 ** (1 / 16), 10);
    expect(RELATIVE_ERROR_BOUND).toBeCloseTo(0.0443, 4);
  });

  it('estimates p50 and p90 of known data within the documented bound', () => {
    const next = random(42);
    // three shapes: minutes-scale (first responses), hours-to-days (resolutions), and a mix with sub-minute values
    const datasets = [
      Array.from({ length: 1000 }, () => Math.round(60 * (1 + 59 * next()))),
      Array.from({ length: 5000 }, () => Math.round(60 * Math.exp(Math.log(30) + 4 * next()))),
      Array.from({ length: 300 }, () => Math.round(600 * next() ** 3)),
    ];
    for (const seconds of datasets) {
      const minutes = seconds.map((s) => s / 60);
      const histogram = histogramOfSeconds(seconds);
      for (const p of [0.5, 0.9]) {
        const truth = exact(minutes, p);
        const estimate = percentileMinutes(histogram, p)!;
        expect({ p, truth, estimate, ok: withinBound(estimate, truth) }).toEqual({ p, truth, estimate, ok: true });
      }
    }
  });

  it('uses the nearest rank on small samples and is null when empty', () => {
    // 1, 2, 3, 4 … 10 minutes: p50 is the 5th value (5 min), p90 the 9th (9 min)
    const histogram = histogramOfSeconds(Array.from({ length: 10 }, (_, i) => (i + 1) * 60));
    expect(withinBound(percentileMinutes(histogram, 0.5)!, 5)).toBe(true);
    expect(withinBound(percentileMinutes(histogram, 0.9)!, 9)).toBe(true);
    expect(percentileMinutes(histogramOfSeconds([30]), 0.5)).toBe(0.5);
    expect(percentileMinutes(new Map(), 0.5)).toBeNull();
    expect(percentileMinutes(new Map([[3, 0]]), 0.5)).toBeNull();
  });
});
