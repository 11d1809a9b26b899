import { readdirSync, readFileSync } from 'node:fs';

/**
 * Helpers shared by the `npm run bench:*` scripts: CPU of a service process tree from /proc, waiting for
 * background work to settle, and percentiles (fixed-rate load: `constantRate`). Scripts, not tests: they
 * print figures and assert nothing.
 */

export type CpuSeconds = { user: number; system: number };

/**
 * CPU seconds (user, system) used so far by process `pid` and its live children (e.g. node:cluster HTTP
 * workers), from /proc; NaN where there is no /proc.
 */
export function processTreeCpu(pid: number | undefined): CpuSeconds {
  const total = { user: 0, system: 0 };
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let fields: string[];
      try {
        // fields after the command name: ppid is field 4, utime 14, stime 15 (clock ticks, 100 per second on Linux)
        fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      } catch {
        continue; // exited meanwhile
      }
      if (Number(entry) !== pid && Number(fields[1]) !== pid) continue;
      total.user += Number(fields[11]) / 100;
      total.system += Number(fields[12]) / 100;
    }
  } catch {
    return { user: Number.NaN, system: Number.NaN };
  }
  return total.user + total.system > 0 ? total : { user: Number.NaN, system: Number.NaN };
}

/** User + system seconds of `processTreeCpu`. */
export const cpuTotal = (pid: number | undefined): number => {
  const cpu = processTreeCpu(pid);
  return cpu.user + cpu.system;
};

/**
 * Waits until the process tree uses under 5% of a core for a second (its background work caught up), at
 * most `maxMs`. Returns the seconds waited.
 */
export async function settle(pid: number | undefined, maxMs = 300_000): Promise<number> {
  const start = performance.now();
  for (let previous = cpuTotal(pid); performance.now() - start < maxMs; ) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = cpuTotal(pid);
    const used = now - previous;
    previous = now;
    if (!(used > 0.05)) break; // idle (or no /proc)
  }
  return (performance.now() - start) / 1000;
}

/** The p-th percentile (0–100) of ascending `sorted` values (nearest rank); NaN when empty. */
export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/**
 * Lets PostgreSQL settle after a bulk load, so a benchmark measures the steady state: waits (at most
 * `maxMs`) until no autovacuum worker is running, then forces a CHECKPOINT (the dirty pages of the load
 * are written now, not in the middle of the measurement). Returns the seconds waited.
 */
export async function settlePostgres(pool: { query(text: string): Promise<{ rows: { n: number }[] }> }, maxMs = 180_000): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < maxMs) {
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`);
    if ((rows[0]?.n ?? 0) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  await pool.query('CHECKPOINT');
  return (performance.now() - start) / 1000;
}
